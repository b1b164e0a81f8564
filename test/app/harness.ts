/**
 * Shared set-up of the browser tests and the app benchmark: builds the app once (vite build into
 * a temporary folder), serves it with a small static server on a free loopback port, and starts
 * Debian's Chromium through playwright-core (never a downloaded browser).
 *
 * Chromium: /usr/bin/chromium, or NICHESIM_CHROMIUM. When it is absent the tests are skipped
 * with "skipped: chromium not found"; `.ci/run` installs it with apt-get first.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.NICHESIM_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM);

/** The flags that keep Chromium quiet on a machine with no outside network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

export interface AppServer {
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** Builds app/ into a temporary folder and serves it; `close()` stops the server and removes the folder. */
export async function buildAndServeApp(): Promise<AppServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nichesim-app-'));
  await build({ configFile: resolve('app/vite.config.ts'), logLevel: 'error', build: { outDir: dir, emptyOutDir: true } });
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    dir,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts headless Chromium with a fresh profile. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Opens a page at 1366x768 that records console errors and uncaught page errors. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}
