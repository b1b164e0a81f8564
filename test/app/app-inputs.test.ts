/**
 * The browser app's handling of awkward inputs (user-test findings), in real Chromium: a model
 * change during a spatial run discards the run cleanly; end times of 0 or beyond the engine's
 * limit are refused next to the field; a PhysiCell project without the rules file its settings
 * enable is refused (and with it, it runs on the spatial engine with a note); an out-of-range
 * parameter runs with a warning; a corrupt share link says what it left out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, buildAndServeApp, chromiumPresent, launchChromium, openPage } from './harness.js';

const FIXTURES = resolve(process.env.NICHESIM_FIXTURES ?? '../shared/fixtures');
const PHYSICELL = join(FIXTURES, 'physicell', 'rules_sample');
const physicellPresent = existsSync(join(PHYSICELL, 'PhysiCell_settings.xml'));

const runs = async (page: Page): Promise<number> => ((await page.evaluate('window.__nichesim?.runs ?? 0')) as number) ?? 0;

const file = (name: string) => ({ name, mimeType: name.endsWith('.xml') ? 'application/xml' : 'text/csv', buffer: readFileSync(join(PHYSICELL, name)) });

describe.skipIf(!chromiumPresent)('browser app inputs in Chromium (skipped: chromium not found when absent)', () => {
  let server: AppServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await buildAndServeApp();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('switching model during a spatial run discards the run: no page error, the Space view and the plot are cleared', async () => {
    const { page, errors } = await openPage(browser, server.url);
    await page.getByTestId('tab-run').click();
    await page.getByTestId('engine-select').selectOption('abm');
    await page.getByTestId('tend-input').fill('2');
    await page.getByTestId('run-start').click();
    await page.getByTestId('tab-space').click();
    const canvas = page.getByTestId('space-canvas');
    await expect.poll(async () => Number(await canvas.getAttribute('data-agents')), { timeout: 20_000 }).toBeGreaterThan(0);
    // Let rows and frames stream, then switch the model while the run goes on.
    await page.waitForTimeout(500);
    await page.getByTestId('tab-model').click();
    await page.getByTestId('model-select').selectOption('shipped:models/healthy-niche.yaml');
    await page.waitForTimeout(1500);
    expect(errors).toEqual([]);
    await page.getByTestId('tab-run').click();
    expect(await page.getByTestId('run-status').textContent()).toBe('idle');
    expect(await page.getByTestId('run-plot').getAttribute('data-points')).toBeNull();
    await page.getByTestId('tab-space').click();
    expect(Number(await page.getByTestId('space-canvas').getAttribute('data-agents'))).toBe(0);
    await page.waitForTimeout(500);
    expect(Number(await page.getByTestId('space-canvas').getAttribute('data-agents'))).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('an end time of 0, below 0 or beyond the engine limit shows an error next to the field and no run starts', async () => {
    const { page, errors } = await openPage(browser, server.url);
    await page.getByTestId('tab-run').click();
    const tend = page.getByTestId('tend-input');
    const error = page.getByTestId('tend-error');
    await tend.fill('0');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.textContent()).toMatch(/more than 0 days/);
    expect(await page.getByTestId('run-start').isDisabled()).toBe(true);
    await page.getByTestId('run-start').click({ force: true });
    await tend.fill('-3');
    expect(await error.textContent()).toMatch(/more than 0 days/);
    await tend.fill('100000');
    await expect.poll(async () => (await error.textContent()) ?? '').toMatch(/at most 36500 days/);
    await page.getByTestId('engine-select').selectOption('abm');
    await tend.fill('45');
    await expect.poll(async () => (await error.textContent()) ?? '').toMatch(/spatial engine runs at most 30 days.*command line/);
    await page.waitForTimeout(300);
    expect(await page.getByTestId('run-status').textContent()).toBe('idle');
    expect(await runs(page)).toBe(0);
    // A valid end time clears the error.
    await page.getByTestId('engine-select').selectOption('ode');
    await tend.fill('30');
    await expect.poll(() => error.count()).toBe(0);
    expect(await page.getByTestId('run-start').isDisabled()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it.skipIf(!physicellPresent)('a PhysiCell project without its rules file is refused naming cell_rules.csv; with it, it runs on the spatial engine with a note', async () => {
    const { page, errors } = await openPage(browser, server.url);
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles([file('PhysiCell_settings.xml'), file('cells.csv')]);
    const panel = page.getByTestId('file-error');
    await expect.poll(() => panel.count(), { timeout: 10_000 }).toBe(1);
    expect(await panel.textContent()).toMatch(/cell_rules\.csv/);
    expect(await panel.textContent()).toMatch(/aml-niche\.yaml/); // the previous model is kept
    expect(await page.locator('.model-name').textContent()).not.toMatch(/PhysiCell/i);
    await page.getByTestId('file-input').setInputFiles([file('PhysiCell_settings.xml'), file('cell_rules.csv'), file('cells.csv')]);
    await expect.poll(() => page.getByTestId('file-loaded').count(), { timeout: 10_000 }).toBe(1);
    expect(await panel.count()).toBe(0);
    await page.getByTestId('tab-run').click();
    expect(await page.getByTestId('engine-select').inputValue()).toBe('abm');
    expect(await page.getByTestId('model-note').first().textContent()).toMatch(/mean-field form .* differ/);
    // A 3D project runs in 2D in the app, and says so.
    const settings3d = readFileSync(join(PHYSICELL, 'PhysiCell_settings.xml'), 'utf8').replace(/<use_2D>\s*true\s*<\/use_2D>/, '<use_2D>false</use_2D>');
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles([{ name: 'PhysiCell_settings.xml', mimeType: 'application/xml', buffer: Buffer.from(settings3d) }, file('cell_rules.csv'), file('cells.csv')]);
    await page.getByTestId('tab-run').click();
    await expect.poll(async () => (await page.getByTestId('model-note').allTextContents()).join(' '), { timeout: 10_000 }).toMatch(/3D.*2D/);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it('an out-of-range parameter value is a warning and the run proceeds; a non-numeric one stays an error', async () => {
    const { page, errors } = await openPage(browser, server.url);
    await page.getByTestId('tab-model').click();
    await page.getByTestId('param-blast_cycle_entry').fill('0.9'); // range 0.04 to 0.5 1/day
    await expect.poll(() => page.getByTestId('param-blast_cycle_entry-warning').count()).toBe(1);
    expect(await page.getByTestId('param-blast_cycle_entry-error').count()).toBe(0);
    expect(await page.getByTestId('param-blast_cycle_entry-warning').textContent()).toMatch(/outside the range/);
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-start').click();
    await page.waitForFunction('(window.__nichesim?.runs ?? 0) > 0', undefined, { timeout: 30_000 });
    expect(await page.getByTestId('run-status').textContent()).toBe('done');
    await page.getByTestId('tab-model').click();
    await page.getByTestId('param-blast_cycle_entry').fill('fast');
    await expect.poll(() => page.getByTestId('param-blast_cycle_entry-error').count()).toBe(1);
    await page.getByTestId('tab-run').click();
    expect(await page.getByTestId('run-start').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 40_000);

  it('a corrupt share link says what it left out; a link without a model says so', async () => {
    const hash = '#model=models/aml-niche.yaml&set=no_such_param%3D3&set=blast_cycle_entry%3D0.2&engine=warp&seed=-1&tend=-5&arm=scenario%3Ascenarios%2Fnope.yaml';
    const { page, errors } = await openPage(browser, server.url + hash);
    const notice = page.getByTestId('notice');
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(1);
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/no_such_param/);
    expect(text).toMatch(/engine "warp"/);
    expect(text).toMatch(/seed "-1"/);
    expect(text).toMatch(/end time "-5"/);
    expect(text).toMatch(/scenarios\/nope\.yaml/);
    // The usable parts were restored.
    await page.getByTestId('tab-model').click();
    expect(await page.getByTestId('param-blast_cycle_entry').inputValue()).toBe('0.2');
    await page.close();
    const other = await openPage(browser, server.url + '#set=blast_cycle_entry%3D0.2&seed=3');
    await expect.poll(() => other.page.getByTestId('notice').count(), { timeout: 10_000 }).toBe(1);
    expect(await other.page.getByTestId('notice').textContent()).toMatch(/names no model/);
    expect(errors).toEqual([]);
    expect(other.errors).toEqual([]);
    await other.page.close();
  }, 30_000);
});
