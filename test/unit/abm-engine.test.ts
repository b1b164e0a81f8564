/**
 * The agent-based engine as an Engine: reproducibility (same seed bit-identical, other seeds
 * differ, results independent of the agents' storage order and of chunked stepping), outputs
 * (the mean-field engine's columns, snapshots), 2D/3D, the shipped AML model, checks.
 */
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/compile.js';
import { abmEngine, type AbmSimulation, type SpatialSnapshot } from '../../src/engines/abm/index.js';
import { resolveSpatial } from '../../src/engines/abm/world.js';
import { meanFieldColumns } from '../../src/engines/ode/engine.js';
import { loadModelFile } from '../../src/io/load.js';
import { CounterRng } from '../../src/random/index.js';
import type { SimulationResult } from '../../src/results/result.js';
import { simulate } from '../../src/simulate.js';
import { compileSmall, smallModel } from '../cross-engine/abmModels.js';

/** A small niche that exercises every process: rules on substrates and contact, motility with
 * chemotaxis, division, death, clearance, transformation, phagocytosis, attack and influx. */
const BUSY = `substrates:
  C: {unit: ng/mL, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.01 1/min}
  O: {unit: uM, diffusion_coefficient: 5000 um^2/min, decay_rate: 0.1 1/min, initial_condition: 5, dirichlet_boundary: {enabled: true, value: 5}}
cell_types:
  B: {initial_number: 60, volume: 900 um^3, cycle_entry: 0.004 1/min, apoptosis: 0.001 1/min, apoptotic_clearance_time: 120 min,
      secretion: {C: {secretion_rate: 0.05 1/min, secretion_target: 1}, O: {uptake_rate: 0.5 1/min}},
      motility: {migration_speed: 1 um/min, persistence_time: 10 min}}
  M0: {initial_number: 10, volume: 1000 um^3, influx: 0.02 cells/min, transformation: {M1: 0.001 1/min},
      phagocytosis: {apoptotic: 0.1 1/min}, motility: {migration_speed: 3 um/min, persistence_time: 5 min, migration_bias: 0.5, chemotaxis: {C: 1}}}
  M1: {initial_number: 5, volume: 1500 um^3, phagocytosis: {live: {B: 0.01 1/min}, apoptotic: 0.1 1/min}, attack: {B: 0.005 1/min},
      motility: {migration_speed: 2 um/min, persistence_time: 5 min}}
rules:
  - {cell_type: B, signal: O, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 1, hill_power: 2, evidence: [M001]}
  - {cell_type: B, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.5, hill_power: 4, evidence: [M001]}
  - {cell_type: M0, signal: contact with dead cell, direction: increases, behaviour: transform to M1, saturation: 0.05 1/min, half_max: 0.5, hill_power: 1, evidence: [M001]}
  - {cell_type: M0, signal: C, direction: increases, behaviour: influx, saturation: 0.1 cells/min, half_max: 0.5, hill_power: 1, evidence: [M001]}
outputs:
  macrophages: {expression: M0 + M1, unit: cells}`;

const busy = () => compileSmall(BUSY, { size: [200, 200, 20], dtDiffusion: 0.05, dtMechanics: 0.1, dtPhenotype: 6, tEnd: '12 h', outputInterval: '1 h', snapshotInterval: '3 h' });

function expectSameResult(a: SimulationResult, b: SimulationResult): void {
  expect(Array.from(a.times)).toEqual(Array.from(b.times));
  expect(a.columns).toEqual(b.columns);
  for (const c of a.columns) expect(Array.from(b.series[c.name]), c.name).toEqual(Array.from(a.series[c.name]));
}

function expectSameSnapshots(a: SpatialSnapshot[], b: SpatialSnapshot[]): void {
  expect(b.length).toBe(a.length);
  a.forEach((s, i) => {
    const t = b[i];
    expect(t.time).toBe(s.time);
    for (const k of ['id', 'type', 'x', 'y', 'z', 'volume', 'state'] as const) expect(Array.from(t.agents[k]), `${k} at ${s.time}`).toEqual(Array.from(s.agents[k]));
    s.substrates.forEach((g, k) => expect(Array.from(t.substrates[k].values)).toEqual(Array.from(g.values)));
  });
}

function run(seed: number, tweak?: (sim: AbmSimulation, phase: number) => void): AbmSimulation {
  const model = busy();
  const sim = abmEngine.init(model, { seed });
  tweak?.(sim, 0);
  sim.advance(360);
  tweak?.(sim, 1);
  sim.advance(model.tEnd);
  return sim;
}

describe('reproducibility', () => {
  const reference = run(42);
  const ref = reference.result();

  it('runs the busy niche with every kind of event', () => {
    expect(ref.status).toBe('ok');
    expect(ref.series.B[ref.times.length - 1]).toBeGreaterThan(0);
    expect(reference.world.mechanicsSteps).toBe(7200);
    expect(reference.snapshots().map((s) => s.time)).toEqual([0, 180, 360, 540, 720]);
  });

  it('the same seed gives bit-identical timeseries and snapshots', () => {
    const again = run(42);
    expectSameResult(ref, again.result());
    expectSameSnapshots(reference.snapshots(), again.snapshots());
  });

  it('different seeds give different results', () => {
    const other = run(43).result();
    const differs = ref.columns.some((c) => Array.from(other.series[c.name]).some((v, i) => v !== ref.series[c.name][i]));
    expect(differs).toBe(true);
  });

  it('results do not depend on the order in which agents are stored and processed', () => {
    // Shuffle the storage at the start and again half-way (ids are kept).
    const shuffled = run(42, (sim, phase) => {
      const s = sim.world.store;
      const rng = new CounterRng(99 + phase);
      const perm = Array.from({ length: s.n }, (_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform(1, i, 0, 0) * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      s.permute(perm);
      expect(Array.from(s.id.subarray(0, s.n))).not.toEqual(Array.from(s.idOrder(), (a) => s.id[a]));
    });
    expectSameResult(ref, shuffled.result());
    expectSameSnapshots(reference.snapshots(), shuffled.snapshots());
  });

  it('advancing in chunks gives the same result as one call', () => {
    const model = busy();
    const sim = abmEngine.init(model, { seed: 42 });
    for (let t = 0; t <= model.tEnd; t += 97) sim.advance(t);
    sim.advance(model.tEnd);
    expectSameResult(ref, sim.result());
  });
});

describe('outputs', () => {
  it('has the mean-field engine’s columns, through simulate(), with the manifest of the run', () => {
    const model = smallModel(BUSY, { size: [200, 200, 20], dtDiffusion: 0.1, tEnd: '2 h', outputInterval: '1 h' });
    const r = simulate(model, { engine: 'abm', seed: 3 });
    expect(r.columns).toEqual(meanFieldColumns(compileModel(model)));
    expect(r.status).toBe('ok');
    expect(Array.from(r.times)).toEqual([0, 60, 120]);
    expect(r.manifest.engine).toBe('abm');
    expect(r.manifest.seed).toBe(3);
    expect(r.manifest.engineSettings).toMatchObject({ dims: 2, size: [200, 200, 20], voxelSize: 20, dtDiffusion: 0.1, dtMechanics: 0.1, dtPhenotype: 6, threads: 1 });
    expect(r.manifest.solverStats!.mechanicsSteps).toBe(1200);
    expect(r.series.macrophages[0]).toBe(15);
    expect(r.series.O[0]).toBe(5);
    // the ODE engine gives the same columns
    expect(simulate(model, { engine: 'ode' }).columns).toEqual(r.columns);
  });

  it('snapshots carry the domain, the cell types and copies of the agents and substrate grids', () => {
    const model = busy();
    const sim = abmEngine.init(model, { seed: 1, tEnd: 60 });
    const s = sim.snapshot();
    expect(s.dims).toBe(2);
    expect(s.shape).toEqual({ nx: 10, ny: 10, nz: 1 });
    expect(s.origin).toEqual([0, 0, 0]);
    expect(s.voxelSize).toBe(20);
    expect(s.cellTypes.map((c) => c.name)).toEqual(['B', 'M0', 'M1']);
    expect(s.agents.id.length).toBe(75);
    expect(Array.from(s.agents.id)).toEqual([...Array(75).keys()]);
    expect(new Set(s.agents.z)).toEqual(new Set([10]));
    expect(s.substrates.map((g) => [g.name, g.unit, g.values.length])).toEqual([['C', 'ng/mL', 100], ['O', 'uM', 100]]);
    s.agents.x[0] = -1;
    expect(sim.world.store.x[sim.world.store.indexOf(0)]).not.toBe(-1);
  });
});

describe('initial agents', () => {
  it('places the model’s initial numbers and agents given at positions (e.g. from a PhysiCell cells.csv)', () => {
    const model = busy();
    const sim = abmEngine.init(model, { seed: 1, initialAgents: false, agents: [{ type: 'M1', x: 10, y: 20 }, { type: 'B', x: 500, y: -3, z: 7 }] });
    const s = sim.snapshot();
    expect(Array.from(s.agents.type)).toEqual([2, 0]);
    expect([s.agents.x[0], s.agents.y[0], s.agents.z[0]]).toEqual([10, 20, 10]);
    // positions outside the domain are clamped into it
    expect([s.agents.x[1], s.agents.y[1]]).toEqual([200, 0]);
    expect(sim.result().series.M1[0]).toBe(1);
    expect(abmEngine.init(model, { seed: 1, agents: [{ type: 'B', x: 1, y: 1 }] }).snapshot().agents.id.length).toBe(76);
    expect(() => abmEngine.init(model, { agents: [{ type: 'X', x: 1, y: 1 }] })).toThrow(/unknown cell type 'X'/);
  });
});

describe('2D and 3D', () => {
  it('switching a 2D model to 3D gives a z extent equal to the smaller of x and y', () => {
    const model = compileSmall('cell_types:\n  A: {initial_number: 5}', { size: [300, 200, 20] });
    expect(resolveSpatial(model, {}, 3).size).toEqual([300, 200, 200]);
    expect(resolveSpatial(model, {}, 2).size).toEqual([300, 200, 20]);
    const three = compileSmall('cell_types:\n  A: {initial_number: 5}', { size: [300, 200, 100], dims: 3 });
    expect(resolveSpatial(three, {}, 2).size).toEqual([300, 200, 20]);
    expect(resolveSpatial(model, { dtDiffusion: 0.03, dtMechanics: 0.1, dtPhenotype: 5 })).toMatchObject({ dtMechanics: 0.09, dtPhenotype: 5.04, diffusionPerMechanics: 3, mechanicsPerPhenotype: 56 });
  });

  it('the busy niche runs in 3D with agents spread through the volume', () => {
    const sim = abmEngine.init(busy(), { seed: 8, dims: 3, tEnd: 120, outputInterval: 60 });
    expect(sim.advance(120)).toBe('ok');
    const s = sim.snapshot();
    expect(s.dims).toBe(3);
    expect(s.shape).toEqual({ nx: 10, ny: 10, nz: 10 });
    const z = Array.from(s.agents.z);
    expect(Math.min(...z)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...z)).toBeLessThanOrEqual(200);
    expect(new Set(z).size).toBe(z.length);
  });

  it('the shipped AML niche runs in 2D and 3D', () => {
    const aml = compileModel(loadModelFile('models/aml-niche.yaml').model);
    expect(abmEngine.check(aml).filter((i) => i.severity === 'error')).toEqual([]);
    const two = abmEngine.init(aml, { seed: 1, tEnd: 30, outputInterval: 30, snapshots: false });
    expect(two.advance(30)).toBe('ok');
    const r2 = two.result();
    expect(r2.series.MSC[1]).toBeGreaterThan(0);
    expect(r2.series.TNF[1]).toBeGreaterThan(0);
    const three = abmEngine.init(aml, { seed: 1, dims: 3, tEnd: 30, outputInterval: 30, snapshots: false, spatial: { voxelSize: 50, dtDiffusion: 0.1 } });
    expect(three.advance(30)).toBe('ok');
    expect(three.result().manifest.engineSettings).toMatchObject({ dims: 3, size: [1000, 1000, 1000], voxelSize: 50 });
  });
});

describe('check', () => {
  it('warns when time steps are rounded or initial numbers are not whole', () => {
    const model = compileSmall('cell_types:\n  A: {initial_number: 2.5}', { dtDiffusion: 0.03, dtMechanics: 0.1, dtPhenotype: 6 });
    const messages = abmEngine.check(model).map((i) => i.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/dt_mechanics \(0.1 min\) is not a whole number of dt_diffusion/);
    expect(messages[2]).toMatch(/places 3 agents/);
  });
});
