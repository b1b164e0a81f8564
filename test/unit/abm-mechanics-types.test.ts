/**
 * Per-type mechanics (cell_types.<type>.mechanics): cell_cell_repulsion_strength and
 * cell_cell_adhesion_strength (um/min) and relative_maximum_adhesion_distance (dimensionless),
 * each defaulting to the engine's global mechanics. Pairs combine as in PhysiCell 1.14
 * (shared/design/physicell-semantics.md, "Mechanics"): repulsion √(rep_i·rep_j) for d < R = r_i + r_j,
 * adhesion √(adh_i·adh_j) (affinities 1) for d < S = ρ_i r_i + ρ_j r_j.
 *
 * - two cells of types with different mechanics move apart at the analytic initial speed and
 *   settle at the analytic equilibrium of the combined coefficients;
 * - a model without the field and one with an explicit block equal to the defaults give
 *   bit-identical results (the explicit block changes the hash only); the per-type code path
 *   with all values equal to the global ones is bit-identical to the default path too;
 * - the PhysiCell importer carries rules_sample's values (relative maximum adhesion distance 1.5,
 *   adhesion 0 for the immune cells) and the exporter writes them back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/compile.js';
import { abmEngine } from '../../src/engines/abm/index.js';
import { DEFAULT_MECHANICS, typeMechanics } from '../../src/engines/abm/mechanics.js';
import { importPhysiCell } from '../../src/interop/physicell/index.js';
import { exportPhysiCell } from '../../src/interop/physicell/export.js';
import { modelHash, parseModel } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate.js';
import { compileSmall, smallModel } from '../cross-engine/abmModels.js';

/** Volume (um^3) of a sphere of radius r um. */
const sphere = (r: number) => (4 / 3) * Math.PI * r ** 3;

function pairDistance(sim: ReturnType<typeof abmEngine.init>): number {
  const s = sim.world.store;
  return Math.hypot(s.x[0] - s.x[1], s.y[0] - s.y[1], s.z[0] - s.z[1]);
}

function bitDifferences(a: Float64Array, b: Float64Array): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

describe('per-type mechanics: two-cell analytics', () => {
  it('cells of types with repulsion 10 and 40 move apart at the initial speed of √(10·40) = 20 um/min', () => {
    const model = compileSmall(
      `cell_types:
  A: {initial_number: 0, volume: ${sphere(5)} um^3, mechanics: {cell_cell_adhesion_strength: 0}}
  B: {initial_number: 0, volume: ${sphere(5)} um^3, mechanics: {cell_cell_repulsion_strength: 40 um/min, cell_cell_adhesion_strength: 0 um/min}}`,
      { size: [200, 200, 20], dtDiffusion: 0.01, dtMechanics: 0.01, dtPhenotype: 100 },
    );
    expect(model.cellTypes[0].mechanics).toEqual({ repulsion: null, adhesion: 0, relativeMaxAdhesionDistance: null });
    expect(model.cellTypes[1].mechanics).toEqual({ repulsion: 40, adhesion: 0, relativeMaxAdhesionDistance: null });
    const sim = abmEngine.init(model, { initialAgents: false, tEnd: 1, outputInterval: 0.01, snapshots: false });
    const d0 = 4;
    sim.world.addAgent(0, 100 - d0 / 2, 100, 0);
    sim.world.addAgent(1, 100 + d0 / 2, 100, 0);
    // The first step is forward Euler: each cell moves by dt · rep_AB (1 − d0/R)², R = 10.
    const rep = Math.sqrt(10 * 40);
    const v0 = rep * (1 - d0 / 10) ** 2;
    expect(sim.advance(0.01)).toBe('ok');
    const s = sim.world.store;
    expect(v0).toBeCloseTo(7.2, 12); // um/min (the global repulsion 10 would give 3.6)
    expect(s.x[1] - (100 + d0 / 2)).toBeCloseTo(0.01 * v0, 12);
    expect(s.x[0] - (100 - d0 / 2)).toBeCloseTo(-0.01 * v0, 12);
    expect(pairDistance(sim) - d0).toBeCloseTo(2 * 0.01 * v0, 12);
    // Later: u = 1 − d/R obeys du/dt = −(2 rep / R) u², u(t) = u0 / (1 + (2 rep / R) u0 t) (AB2, second order).
    expect(sim.advance(1)).toBe('ok');
    const u0 = 1 - d0 / 10;
    const exact = 10 * (1 - u0 / (1 + ((2 * rep) / 10) * u0 * 1));
    expect(Math.abs(pairDistance(sim) - exact)).toBeLessThan(2e-3);
    const withGlobal = 10 * (1 - u0 / (1 + ((2 * 10) / 10) * u0 * 1));
    expect(Math.abs(exact - withGlobal)).toBeGreaterThan(0.2);
  });

  it('cells of different types, radii and mechanics settle where √(rep_A rep_B)(1 − d/R)² = √(adh_A adh_B)(1 − d/S), S = ρ_A r_A + ρ_B r_B', () => {
    const [rA, rB] = [5, 4];
    const rep = Math.sqrt(10 * 40);
    const adh = Math.sqrt(0.4 * 1.6);
    const R = rA + rB;
    const S = 1.25 * rA + 2 * rB;
    const exact = (Math.sqrt(rep) - Math.sqrt(adh)) / (Math.sqrt(rep) / R - Math.sqrt(adh) / S);
    // with one coefficient pair and S = 1.25 R (the global mechanics) the distance would differ
    const globalOnly = (Math.sqrt(10) - Math.sqrt(0.4)) / (Math.sqrt(10) / R - Math.sqrt(0.4) / (1.25 * R));
    expect(Math.abs(exact - globalOnly)).toBeGreaterThan(0.1);
    for (const dims of [2, 3] as const) {
      const model = compileSmall(
        `cell_types:
  A: {initial_number: 0, volume: ${sphere(rA)} um^3}
  B:
    initial_number: 0
    volume: ${sphere(rB)} um^3
    mechanics: {cell_cell_repulsion_strength: 40 um/min, cell_cell_adhesion_strength: 1.6 um/min, relative_maximum_adhesion_distance: 2}`,
        { dims, size: [200, 200, 200] },
      );
      const sim = abmEngine.init(model, { initialAgents: false, tEnd: 300, outputInterval: 300, snapshots: false });
      expect(sim.world.typeMechanics).not.toBeNull();
      sim.world.addAgent(0, 97, 100, dims === 3 ? 100 : 0);
      sim.world.addAgent(1, 101, 101, dims === 3 ? 102 : 0);
      expect(pairDistance(sim)).toBeLessThan(6);
      expect(sim.advance(300)).toBe('ok');
      expect(Math.abs(pairDistance(sim) - exact) / exact, `${dims}D`).toBeLessThan(1e-9);
      // equal and opposite forces: the midpoint has not moved
      const s = sim.world.store;
      expect((s.x[0] + s.x[1]) / 2).toBeCloseTo(99, 9);
      expect((s.y[0] + s.y[1]) / 2).toBeCloseTo(100.5, 9);
    }
  });

  it('typeMechanics: global values where a type sets none; null when no type differs from them', () => {
    const none = { repulsion: null, adhesion: null, relativeMaxAdhesionDistance: null };
    expect(typeMechanics(DEFAULT_MECHANICS, [none, none])).toBeNull();
    expect(typeMechanics(DEFAULT_MECHANICS, [{ repulsion: 10, adhesion: 0.4, relativeMaxAdhesionDistance: 1.25 }, none])).toBeNull();
    const tm = typeMechanics(DEFAULT_MECHANICS, [none, { repulsion: 40, adhesion: 0, relativeMaxAdhesionDistance: 1.5 }]);
    expect(tm).not.toBeNull();
    expect([...tm!.repulsion]).toEqual([10, 20, 20, 40]);
    expect([...tm!.adhesion]).toEqual([0.4, 0, 0, 0]);
    expect([...tm!.relMaxAdhesion]).toEqual([1.25, 1.5]);
    expect(tm!.maxRel).toBe(1.5);
  });
});

describe('per-type mechanics: default results unchanged', () => {
  const body = (mech: string) => `substrates:
  S: {unit: uM, diffusion_coefficient: 1e4 um^2/min, decay_rate: 0.01 1/min}
cell_types:
  A: {initial_number: 60, volume: 1500 um^3, cycle_entry: 0.002 1/min, apoptosis: 0.0005 1/min, secretion: {S: {secretion_rate: 0.01 1/min, secretion_target: 1}}${mech}}
  B: {initial_number: 30, volume: 2494 um^3, cycle_entry: 0.001 1/min, motility: {migration_speed: 0.5 um/min, persistence_time: 5 min}, secretion: {S: {uptake_rate: 0.02 1/min}}}
rules:
  - {cell_type: A, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.5, hill_power: 2, evidence: [M001]}
  - {cell_type: B, signal: contact with A, direction: increases, behaviour: apoptosis, saturation: 0.001 1/min, half_max: 0.5, hill_power: 1, evidence: [M001]}`;
  const opts = { size: [160, 160, 20] as [number, number, number], tEnd: '12 h', outputInterval: '1 h' };

  it('an explicit mechanics block equal to the defaults changes the hash but not one bit of the results', () => {
    const without = smallModel(body(''), opts);
    const explicit = smallModel(body(', mechanics: {cell_cell_adhesion_strength: 0.4 um/min, cell_cell_repulsion_strength: 10 um/min, relative_maximum_adhesion_distance: 1.25}'), opts);
    expect('mechanics' in without.cellTypes[0]).toBe(false); // absent unless written: hashes of existing models unchanged
    expect(explicit.cellTypes[0].mechanics).toEqual({ cellCellAdhesionStrength: 0.4, cellCellRepulsionStrength: 10, relativeMaximumAdhesionDistance: 1.25 });
    expect(modelHash(explicit)).not.toBe(modelHash(without));
    const canonical = structuredClone(explicit);
    delete canonical.cellTypes[0].mechanics;
    expect(modelHash(canonical)).toBe(modelHash(without));
    const a = simulate(without, { engine: 'abm', seed: 5, snapshots: false });
    const b = simulate(explicit, { engine: 'abm', seed: 5, snapshots: false });
    expect(a.status).toBe('ok');
    expect(a.series.A[a.series.A.length - 1]).toBeGreaterThan(0);
    expect(bitDifferences(a.times, b.times)).toBe(0);
    for (const c of a.columns) expect(bitDifferences(a.series[c.name], b.series[c.name]), c.name).toBe(0);
  });

  it('the per-type code path with every value equal to the global ones is bit-identical to the default path', () => {
    const model = compileModel(smallModel(body(''), opts));
    const run = (typed: boolean) => {
      const sim = abmEngine.init(model, { seed: 9, tEnd: 720, outputInterval: 60, snapshots: false });
      expect(sim.world.typeMechanics).toBeNull();
      if (typed) {
        const nT = model.cellTypes.length;
        const { repulsion, adhesion, relativeMaxAdhesionDistance } = DEFAULT_MECHANICS;
        (sim.world as { typeMechanics: unknown }).typeMechanics = {
          nT,
          repulsion: new Float64Array(nT * nT).fill(repulsion),
          adhesion: new Float64Array(nT * nT).fill(adhesion),
          relMaxAdhesion: new Float64Array(nT).fill(relativeMaxAdhesionDistance),
          maxRel: relativeMaxAdhesionDistance,
        };
      }
      expect(sim.advance(720)).toBe('ok');
      const s = sim.world.store;
      return { n: s.n, x: Float64Array.from(s.x.subarray(0, s.n)), y: Float64Array.from(s.y.subarray(0, s.n)) };
    };
    const plain = run(false);
    const typed = run(true);
    expect(plain.n).toBeGreaterThan(50);
    expect(typed.n).toBe(plain.n);
    expect(bitDifferences(plain.x, typed.x)).toBe(0);
    expect(bitDifferences(plain.y, typed.y)).toBe(0);
  });
});

describe('per-type mechanics: model errors', () => {
  it('rejects negative strengths and wrong units', () => {
    expect(() => smallModel(`cell_types:\n  A: {mechanics: {cell_cell_repulsion_strength: -1}}`)).toThrow(/cell_cell_repulsion_strength/);
    expect(() => smallModel(`cell_types:\n  A: {mechanics: {cell_cell_adhesion_strength: 2 min}}`)).toThrow(/cell_cell_adhesion_strength/);
    expect(() => smallModel(`cell_types:\n  A: {mechanics: {adhesion: 1}}`)).toThrow();
  });
});

const ROOT = resolve(process.env.NICHESIM_FIXTURES ?? join(__dirname, '../../../shared/fixtures'), 'physicell');
const have = existsSync(join(ROOT, 'rules_sample', 'PhysiCell_settings.xml'));

describe.skipIf(!have)('per-type mechanics: PhysiCell import and export', () => {
  const load = (project: string) => {
    const dir = join(ROOT, project);
    const read = (f: string) => ({ text: readFileSync(join(dir, f), 'utf8'), path: `${project}/${f}` });
    const s = read('PhysiCell_settings.xml');
    return importPhysiCell({ settingsXml: s.text, settingsPath: s.path, rulesCsv: read('cell_rules.csv'), cellsCsv: read('cells.csv') });
  };

  it('rules_sample carries relative_maximum_adhesion_distance 1.5 and the immune cells adhesion 0; values at the defaults are left out', () => {
    const r = load('rules_sample');
    const m = r.model as any;
    expect(m.cell_types.malignant_epithelial_cell.mechanics).toEqual({ relative_maximum_adhesion_distance: 1.5 });
    for (const t of ['M0_macrophage', 'M1_macrophage', 'M2_macrophage', 'effector_T_cell', 'exhausted_T_cell']) {
      expect(m.cell_types[t].mechanics, t).toEqual({ cell_cell_adhesion_strength: 0, relative_maximum_adhesion_distance: 1.5 });
    }
    const w = r.warnings.filter((x) => x.element === '<mechanics>');
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(/adhesion affinities, equilibrium distances and spring attachments/);
    const model = parseModel(JSON.stringify(m), 'rs.json').model;
    const compiled = compileModel(model);
    expect(compiled.cellTypes.find((c) => c.name === 'M0_macrophage')?.mechanics).toEqual({ repulsion: null, adhesion: 0, relativeMaxAdhesionDistance: 1.5 });
    // the exporter writes the type's values back
    const xml = exportPhysiCell(model, { seed: 0 }).files.find((f) => f.name.endsWith('.xml'))!.text;
    expect(xml.match(/<relative_maximum_adhesion_distance units="dimensionless">1\.5</g)).toHaveLength(6);
    expect(xml.match(/<cell_cell_adhesion_strength units="micron\/min">0</g)).toHaveLength(5);
    expect(xml.match(/<cell_cell_adhesion_strength units="micron\/min">0\.4</g)).toHaveLength(1);
  });

  it('the template (PhysiCell default mechanics) imports without a mechanics block', () => {
    const m = load('template').model as any;
    for (const [name, ct] of Object.entries(m.cell_types)) expect((ct as any).mechanics, name).toBeUndefined();
  });
});
