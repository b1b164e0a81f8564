/**
 * `runSbmlJob` (what `nichesim run model.xml` calls): the same four outputs as a YAML run, the
 * model hash of the SBML text, the model's time unit, settings files beside BioModels fixtures.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { afterAll, describe, expect, it } from 'vitest';
import { exportSbml } from '../../src/interop/sbml/export.js';
import { SbmlError } from '../../src/interop/sbml/errors.js';
import { loadModelFile } from '../../src/io/load.js';
import { runSbmlJob } from '../../src/io/sbmlRun.js';
import { BIOMODELS_DIR, HAVE_BIOMODELS, SKIP_NOTE } from './sbml-suite-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nichesim-sbml-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('runSbmlJob', () => {
  it('writes timeseries.csv, summary.json, manifest.json and report.html for an exported nichesim model', () => {
    const model = structuredClone(loadModelFile('models/aml-niche.yaml').model);
    const file = join(tmp, 'aml.xml');
    const text = exportSbml(model);
    writeFileSync(file, text);
    const out = join(tmp, 'out');
    // 10 days every 12 h (minutes, as for YAML runs); the export declares minutes.
    const { result, files } = runSbmlJob({ file, outDir: out, tEnd: 10 * 1440, outputInterval: 720 });
    expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['manifest.json', 'report.html', 'summary.json', 'timeseries.csv']);
    expect(result.status).toBe('ok');
    expect(result.times.length).toBe(21);
    expect(result.times[20]).toBe(10 * 1440);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.modelHash).toBe(bytesToHex(sha256(utf8ToBytes(text))));
    expect(manifest.engine).toBe('sbml');
    expect(manifest.engineSettings.timeUnit).toBe('minute');
    const csv = readFileSync(join(out, 'timeseries.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(22);
    expect(csv[0]).toMatch(/^time \(day\),MSC \(amount\),/);
    expect(Number(csv[21].split(',')[0])).toBe(10);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('ok');
    expect(Object.keys(summary.endpoints).length).toBeGreaterThan(10);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<html/);
  });

  it('throws an SbmlError for a file that is not SBML, and writes nothing', () => {
    const file = join(tmp, 'not-sbml.xml');
    writeFileSync(file, '<?xml version="1.0"?><html/>');
    const out = join(tmp, 'none');
    expect(() => runSbmlJob({ file, outDir: out })).toThrow(SbmlError);
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!HAVE_BIOMODELS)(`runSbmlJob on a BioModels fixture${HAVE_BIOMODELS ? '' : SKIP_NOTE}`, () => {
  it('uses the settings file beside the model for the time span', () => {
    const stem = 'BIOMD0000000762_Kuznetsov1994_tumor_immune';
    for (const suffix of ['.xml', '-settings.txt']) copyFileSync(join(BIOMODELS_DIR, `${stem}${suffix}`), join(tmp, `${stem}${suffix}`));
    const { result } = runSbmlJob({ file: join(tmp, `${stem}.xml`), outDir: join(tmp, 'bm'), timeUnit: 'day' });
    expect(result.status).toBe('ok');
    const ref = readFileSync(join(BIOMODELS_DIR, `${stem}-results.csv`), 'utf8').trim().split('\n');
    expect(result.times.length).toBe(ref.length - 1);
    expect(result.times[result.times.length - 1] / 1440).toBeCloseTo(Number(ref[ref.length - 1].split(',')[0]), 9);
  });
});
