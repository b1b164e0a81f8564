/**
 * The browser app in real Chromium (Debian's, through playwright-core): it loads with no console
 * errors; a default mean-field run completes and its plot holds data; changing a parameter
 * changes the result; the spatial view draws agents (checked on a screenshot's pixels); the
 * network view shows nodes; a malformed uploaded file shows an error and the app keeps working;
 * a shared link restores the same run.
 */
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, buildAndServeApp, chromiumPresent, launchChromium, openPage } from './harness.js';

interface Exposed {
  lastResult: { times: number[]; columns: string[]; series: Record<string, number[]>; status: string; engine: string; seed: number } | null;
  runs: number;
}

const exposed = (page: Page): Promise<Exposed | undefined> => page.evaluate('window.__nichesim') as Promise<Exposed | undefined>;

/** Starts a run from the Run tab and waits until the number of completed runs goes up. */
async function runAndWait(page: Page, timeout = 60_000): Promise<Exposed> {
  const before = (await exposed(page))?.runs ?? 0;
  await page.getByTestId('tab-run').click();
  await page.getByTestId('run-start').click();
  await page.waitForFunction(`(window.__nichesim?.runs ?? 0) > ${before}`, undefined, { timeout });
  await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 10_000 }).toBe('done');
  return (await exposed(page))!;
}

describe.skipIf(!chromiumPresent)('browser app in Chromium (skipped: chromium not found when absent)', () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await buildAndServeApp();
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser, server.url));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads with no console errors, with the six views as tabs', async () => {
    for (const tab of ['model', 'network', 'run', 'space', 'therapies', 'files']) await expect.poll(() => page.getByTestId(`tab-${tab}`).count()).toBe(1);
    await expect.poll(() => page.getByRole('tab').count()).toBeGreaterThanOrEqual(6);
    expect(errors).toEqual([]);
  });

  it('a default mean-field run completes and its plot holds data', async () => {
    const r = await runAndWait(page);
    expect(r.lastResult?.status).toBe('ok');
    expect(r.lastResult?.engine).toBe('ode');
    // models/aml-niche.yaml: 180 days, one row a day.
    expect(r.lastResult?.times.length).toBe(181);
    const points = Number(await page.getByTestId('run-plot').getAttribute('data-points'));
    expect(points).toBe(181);
    expect(await page.locator('[data-testid="run-plot"] svg').count()).toBeGreaterThan(0);
    const blasts = r.lastResult!.series.AML_blast;
    expect(blasts[180]).toBeGreaterThan(blasts[0]);
    expect(errors).toEqual([]);
  });

  it('changing a parameter changes the result (faster blast cycling gives more blasts)', async () => {
    const before = (await exposed(page))!.lastResult!.series.AML_blast[60];
    await page.getByTestId('tab-model').click();
    const input = page.getByTestId('param-blast_cycle_entry');
    await input.fill('0.2');
    const after = (await runAndWait(page)).lastResult!.series.AML_blast[60];
    expect(after).toBeGreaterThan(2 * before);
    // Back to the model's value: the first result again, exactly (deterministic engine).
    await page.getByTestId('tab-model').click();
    await page.getByTestId('params-reset').click();
    const again = (await runAndWait(page)).lastResult!.series.AML_blast[60];
    expect(again).toBe(before);
  });

  it('an out-of-range or non-numeric parameter is shown next to its input', async () => {
    await page.getByTestId('tab-model').click();
    await page.getByTestId('param-blast_cycle_entry').fill('abc');
    await expect.poll(() => page.getByTestId('param-blast_cycle_entry-error').count()).toBe(1);
    await page.getByTestId('params-reset').click();
    await expect.poll(() => page.getByTestId('param-blast_cycle_entry-error').count()).toBe(0);
  });

  it('the spatial view draws agents coloured by type (screenshot pixels)', async () => {
    await page.getByTestId('tab-run').click();
    await page.getByTestId('engine-select').selectOption('abm');
    await page.getByTestId('tend-input').fill('0.05');
    const r = await runAndWait(page, 120_000);
    expect(r.lastResult?.engine).toBe('abm');
    await page.getByTestId('tab-space').click();
    const canvas = page.getByTestId('space-canvas');
    await expect.poll(async () => Number(await canvas.getAttribute('data-agents')), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.getByTestId('substrate-select').selectOption({ index: 0 }); // no heat map: cells on the background
    await page.waitForTimeout(300);
    const png = PNG.sync.read(await canvas.screenshot());
    const counts = new Map<number, number>();
    for (let i = 0; i < png.data.length; i += 4) {
      const key = (png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const background = sorted[0][1];
    const total = png.width * png.height;
    const painted = total - background;
    // Some hundreds of cells of radius ~5-10 um in a domain of some hundred um: a visible share
    // of the canvas is painted, in more than one colour.
    expect(painted / total).toBeGreaterThan(0.01);
    expect(sorted.filter(([, n]) => n > 50).length).toBeGreaterThan(2);
    const legend = await page.getByTestId('space-legend').textContent();
    expect(legend).toMatch(/mesenchymal stromal cell/i);
    await page.getByTestId('tab-run').click();
    await page.getByTestId('engine-select').selectOption('ode');
    await page.getByTestId('tend-input').fill('180');
  });

  it('the network view shows the knowledge-base graph and filters it', async () => {
    await page.getByTestId('tab-network').click();
    const graph = page.getByTestId('network-graph');
    await expect.poll(async () => Number(await graph.getAttribute('data-nodes')), { timeout: 20_000 }).toBeGreaterThan(20);
    const all = Number(await graph.getAttribute('data-edges'));
    expect(all).toBeGreaterThan(20);
    await page.getByTestId('network-filter-disease').selectOption('CLL');
    await expect.poll(async () => Number(await graph.getAttribute('data-edges'))).toBeLessThan(all);
    expect(Number(await graph.getAttribute('data-edges'))).toBeGreaterThan(0);
  });

  it('a malformed uploaded file shows an error with its line, and the app keeps working', async () => {
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles({ name: 'broken.yaml', mimeType: 'text/yaml', buffer: Buffer.from('nichesim: 1\nname: broken\nniche: {volume: [oops\n') });
    const panel = page.getByTestId('file-error');
    await expect.poll(() => panel.count(), { timeout: 10_000 }).toBe(1);
    expect(await panel.textContent()).toMatch(/broken\.yaml.*\d/);
    await page.getByTestId('file-input').setInputFiles({ name: 'unknown-signal.yaml', mimeType: 'text/yaml', buffer: Buffer.from('nichesim: 1\nname: x\nniche: {volume: 1e6 um^3}\ncell_types:\n  A: {initial_number: 1, volume: 1000 um^3}\nrules:\n  - {cell_type: A, signal: oxygn, direction: increases, behaviour: cycle entry, saturation: 1 1/day, half_max: 1, hill_power: 1, evidence: [I001]}\n') });
    await expect.poll(async () => (await panel.textContent()) ?? '', { timeout: 10_000 }).toMatch(/oxygn/);
    const r = await runAndWait(page);
    expect(r.lastResult?.status).toBe('ok');
    expect(r.lastResult?.series.AML_blast).toBeDefined();
  });

  it('a share link opens the same run: same model, parameters, engine and seed give the same numbers', async () => {
    await page.getByTestId('tab-model').click();
    await page.getByTestId('param-blast_cycle_entry').fill('0.15');
    const first = (await runAndWait(page)).lastResult!;
    await page.getByTestId('share-link').click();
    const url = page.url();
    expect(url).toMatch(/#.*set=/);
    const other = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await other.goto(url, { waitUntil: 'load' });
    const second = (await runAndWait(other)).lastResult!;
    expect(second.seed).toBe(first.seed);
    expect(second.series.AML_blast).toEqual(first.series.AML_blast);
    await other.close();
    expect(errors).toEqual([]);
  });
});
