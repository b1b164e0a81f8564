/**
 * Benchmark of the browser app in headless Chromium (issue 8). Rows:
 *
 * - `first-plot`: from navigation to the app's first interactive paint (tabs present), and from
 *   clicking Run on the default model (mean-field, 180 days) to the first plotted rows; median of 3
 *   fresh pages.
 * - `space-fps`: frames per second of the space view's renderer drawing 10^4 agents with a substrate
 *   heat map (bench.html?n=10000, 3 s of requestAnimationFrame; capped by the display's refresh).
 * - `engine-worker-vs-node`: wall time of the same run in the app's Web Worker and in Node
 *   (engine init + advance), stepping time only, median of 3 after a warm-up: the default model on the mean-field engine (180 days) and on
 *   the spatial engine (0.05 day, 2D); `workerOverNode` > 1 means the browser is slower.
 *
 * Skipped (no rows) when Chromium is absent. Run alone with `npx tsx bench/app.ts`.
 */
import type { Page } from 'playwright-core';
import { compileModel } from '../src/compile/compile.js';
import { loadModelFile } from '../src/io/load.js';
import { ENGINES } from '../src/simulate.js';
import { buildAndServeApp, chromiumPresent, launchChromium } from '../test/app/harness.js';

type Row = Record<string, number | string>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

async function runInApp(page: Page, engine: 'ode' | 'abm', tEndDays: number): Promise<number> {
  const before = (await page.evaluate('window.__nichesim?.runs ?? 0')) as number;
  await page.getByTestId('tab-run').click();
  await page.getByTestId('engine-select').selectOption(engine);
  await page.getByTestId('tend-input').fill(String(tEndDays));
  await page.getByTestId('run-start').click();
  await page.waitForFunction(`(window.__nichesim?.runs ?? 0) > ${before}`, undefined, { timeout: 300_000 });
  return (await page.evaluate('window.__nichesim.lastResult.wallMs')) as number;
}

/** All app benchmarks; one row per measurement. */
export async function benchApp(): Promise<Row[]> {
  if (!chromiumPresent) {
    console.error('bench: app skipped: chromium not found');
    return [];
  }
  const server = await buildAndServeApp();
  const browser = await launchChromium();
  const rows: Row[] = [];
  try {
    // Time to first plot.
    const ready: number[] = [];
    const firstPlot: number[] = [];
    for (let k = 0; k < 3; k++) {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const t0 = Date.now();
      await page.goto(server.url, { waitUntil: 'load' });
      await page.getByTestId('tab-run').waitFor();
      ready.push(Date.now() - t0);
      await page.getByTestId('tab-run').click();
      const t1 = Date.now();
      await page.getByTestId('run-start').click();
      await page.waitForFunction(`Number(document.querySelector('[data-testid="run-plot"]')?.getAttribute('data-points') ?? 0) > 0`, undefined, { timeout: 60_000 });
      firstPlot.push(Date.now() - t1);
      await page.close();
    }
    rows.push({ case: 'first-plot', loadToReadyMs: median(ready), runClickToFirstPlotMs: median(firstPlot), loadToFirstPlotMs: median(ready) + median(firstPlot) });

    // Space view frames per second at 10^4 agents.
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${server.url}bench.html?n=10000&seconds=3`, { waitUntil: 'load' });
    await page.waitForFunction('window.__spaceBench !== undefined', undefined, { timeout: 60_000 });
    const sb = (await page.evaluate('window.__spaceBench')) as { n: number; frames: number; seconds: number; fps: number; drawMs?: number };
    rows.push({ case: 'space-fps', agents: sb.n, frames: sb.frames, seconds: sb.seconds, fps: sb.fps, drawMs: sb.drawMs ?? NaN });
    await page.close();

    // Engine speed in the worker against Node.
    const model = loadModelFile('models/aml-niche.yaml').model;
    const app = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await app.goto(server.url, { waitUntil: 'load' });
    for (const [engine, days] of [['ode', 180], ['abm', 0.05]] as const) {
      const worker: number[] = [];
      const node: number[] = [];
      // Both sides time the stepping only (the worker's busy time; compile and init excluded),
      // after one warm-up run each.
      const nodeRun = (): number => {
        const sim = ENGINES[engine].init(compileModel(model), { tEnd: days * 1440, seed: 1, ...(engine === 'abm' ? { snapshots: false } : {}) });
        const t0 = performance.now();
        sim.advance(days * 1440);
        return performance.now() - t0;
      };
      await runInApp(app, engine, days);
      nodeRun();
      for (let k = 0; k < 3; k++) {
        worker.push(await runInApp(app, engine, days));
        node.push(nodeRun());
      }
      rows.push({ case: 'engine-worker-vs-node', engine, simulatedDays: days, workerMs: median(worker), nodeMs: median(node), workerOverNode: median(worker) / median(node) });
    }
    await app.close();
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}

if (typeof process !== 'undefined' && process.argv[1] !== undefined && /bench[\\/]app\.ts$/.test(process.argv[1])) {
  benchApp().then(
    (rows) => console.table(rows),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
