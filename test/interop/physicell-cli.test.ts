/**
 * The PhysiCell commands as a user runs them (through tsx): `import-physicell`, `run` on a
 * settings XML or a project folder, `--strict`, `export-physicell`, and the round trip through the
 * files they write. Fixtures: ../shared/fixtures/physicell (NICHESIM_FIXTURES overrides).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadPhysiCellProject } from '../../src/io/physicell/index.js';
import { ModelError } from '../../src/model/diagnostics.js';
import { describe, expect, it } from 'vitest';

const FIXTURES = join(process.env.NICHESIM_FIXTURES ?? join('..', 'shared', 'fixtures'), 'physicell');
const present = existsSync(join(FIXTURES, 'rules_sample', 'PhysiCell_settings.xml'));

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** Rows of a timeseries.csv as objects (numbers). */
function readSeries(file: string): Array<Record<string, number>> {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',').map((c) => c.replace(/ \([^()]*\)$/, ''));
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], Number(v)])));
}

describe.skipIf(!present)('PhysiCell commands (skipped: fixtures not found when absent)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nichesim-physicell-cli-'));
  const sample = join(FIXTURES, 'rules_sample');

  it('import-physicell writes a model and its initial cells; the model validates and runs 60 min on both engines with the counts of cells.csv', () => {
    const out = join(dir, 'rs', 'model.yaml');
    const r = cli('import-physicell', sample, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/imported 6 cell types, 5 substrates, \d+ rules, 1300 initial cells/);
    // Every element it does not represent is a warning naming file and line.
    expect(r.err).toMatch(/warning: .*PhysiCell_settings\.xml: line \d+, <custom_data>/);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# Imported by nichesim/);
    const model = parse(text) as { spatial: { initial_cells: string }; cell_types: Record<string, { initial_number: number }> };
    expect(model.spatial.initial_cells).toBe('model.cells.csv');
    const cells = readFileSync(join(dir, 'rs', 'model.cells.csv'), 'utf8').trim().split('\n');
    expect(cells[0]).toBe('x,y,z,type');
    expect(cells).toHaveLength(1301);
    expect(cli('validate', out).code).toBe(0);

    const abm = cli('run', out, '--engine', 'abm', '--t-end', '60min', '--out', join(dir, 'rs-abm'), '--quiet');
    expect(abm.code).toBe(0);
    const ode = cli('run', out, '--t-end', '60min', '--out', join(dir, 'rs-ode'), '--quiet');
    expect(ode.code).toBe(0);
    const a0 = readSeries(join(dir, 'rs-abm', 'timeseries.csv'))[0];
    const m0 = readSeries(join(dir, 'rs-ode', 'timeseries.csv'))[0];
    // cells.csv of the sample: 1000 tumour cells, 150 M0 macrophages, 150 effector T cells.
    for (const [type, n] of [['malignant_epithelial_cell', 1000], ['M0_macrophage', 150], ['effector_T_cell', 150], ['M1_macrophage', 0]] as const) {
      expect(a0[type]).toBe(n);
      expect(m0[type]).toBe(n);
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'rs-abm', 'manifest.json'), 'utf8'));
    expect(manifest.engineSettings.initialCells.cells).toBe(1300);
    expect(manifest.engineSettings.initialCells.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('run takes a settings XML or a project folder directly, on the agent-based engine by default', () => {
    const r = cli('run', join(sample, 'PhysiCell_settings.xml'), '--t-end', '60min', '--out', join(dir, 'xml'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/finished in \d+ ms \(agent-based, 2D\)/);
    const first = readSeries(join(dir, 'xml', 'timeseries.csv'))[0];
    expect(first.malignant_epithelial_cell).toBe(1000);
    const folder = cli('run', join(FIXTURES, 'asymmetric_division'), '--t-end', '60min', '--out', join(dir, 'asym'), '--quiet');
    expect(folder.code).toBe(0);
    const ode = cli('run', sample, '--engine', 'ode', '--t-end', '60min', '--out', join(dir, 'xml-ode'), '--quiet');
    expect(ode.code).toBe(0);
    expect(readSeries(join(dir, 'xml-ode', 'timeseries.csv'))[0].malignant_epithelial_cell).toBe(1000);
  });

  it('--strict turns the warnings into an error (exit 1) that lists them with their lines', () => {
    const r = cli('import-physicell', sample, '--out', join(dir, 'strict.yaml'), '--strict');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/strict/);
    expect(r.err).toMatch(/line \d+/);
    expect(existsSync(join(dir, 'strict.yaml'))).toBe(false);
    const run = cli('run', sample, '--strict', '--t-end', '6min', '--out', join(dir, 'strict-run'));
    expect(run.code).toBe(1);
  });

  it('export-physicell writes a project that imports back to the same model and cells', () => {
    const first = join(dir, 'rt1', 'model.yaml');
    expect(cli('import-physicell', sample, '--out', first, '--quiet').code).toBe(0);
    const exported = join(dir, 'rt-export');
    const e = cli('export-physicell', first, '--out', exported);
    expect(e.code).toBe(0);
    for (const f of ['config/PhysiCell_settings.xml', 'config/cell_rules.csv', 'config/cells.csv']) expect(existsSync(join(exported, f))).toBe(true);
    const second = join(dir, 'rt2', 'model.yaml');
    expect(cli('import-physicell', exported, '--out', second, '--quiet').code).toBe(0);
    // Identical but for the provenance (name, title, description, sources name the files read).
    const strip = (file: string) => {
      const m = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      delete m.name;
      delete m.title;
      delete m.description;
      // Sources and rule notes name the files read.
      return JSON.stringify(m).replace(/"source":"PhysiCell [^"]*?, /g, '"source":"PhysiCell ').replace(/"note":"imported from [^"]*"/g, '"note":"imported"');
    };
    expect(strip(second)).toBe(strip(first));
    expect(readFileSync(join(dir, 'rt2', 'model.cells.csv'), 'utf8')).toBe(readFileSync(join(dir, 'rt1', 'model.cells.csv'), 'utf8'));
  });

  it('a missing rules file named by the settings, a broken rules row and a non-project folder give located errors', () => {
    const broken = mkdtempSync(join(dir, 'broken-'));
    writeFileSync(join(broken, 'PhysiCell_settings.xml'), readFileSync(join(sample, 'PhysiCell_settings.xml'), 'utf8'));
    writeFileSync(join(broken, 'cells.csv'), readFileSync(join(sample, 'cells.csv'), 'utf8'));
    const missing = cli('import-physicell', broken, '--out', join(dir, 'b.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cell_rules\.csv named by the settings was not found \(looked at /);
    writeFileSync(join(broken, 'cell_rules.csv'), 'malignant epithelial cell,oxygen,decreases,necrosis,0,3.75\n');
    const bad = cli('import-physicell', broken, '--out', join(dir, 'b.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cell_rules\.csv: line 1/);
    const notProject = cli('import-physicell', dir, '--out', join(dir, 'c.yaml'));
    expect(notProject.code).toBe(1);
    expect(notProject.err).toMatch(/neither PhysiCell_settings\.xml nor config\/PhysiCell_settings\.xml/);
  });

  it('a value the model rejects after import names the project files and the field, not a line of an intermediate text', () => {
    const bad = mkdtempSync(join(dir, 'halfmax-'));
    writeFileSync(join(bad, 'PhysiCell_settings.xml'), readFileSync(join(sample, 'PhysiCell_settings.xml'), 'utf8'));
    writeFileSync(join(bad, 'cells.csv'), readFileSync(join(sample, 'cells.csv'), 'utf8'));
    writeFileSync(join(bad, 'cell_rules.csv'), 'malignant epithelial cell,oxygen,decreases,necrosis,0,-3.75,8,0\n');
    let err: unknown;
    try {
      loadPhysiCellProject(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    const d = (err as ModelError).diagnostics[0];
    expect(d.file).toBe(join(bad, 'PhysiCell_settings.xml'));
    expect(d.line).toBeNull();
    expect(d.path).toBe('rules[0].half_max');
    expect(d.message).toMatch(/in the project as imported: see .*PhysiCell_settings\.xml or .*cell_rules\.csv/);
  });
});
