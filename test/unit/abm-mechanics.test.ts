/**
 * Mechanics of the agent-based engine: equilibrium spacing where repulsion balances adhesion
 * (analytic), second-order convergence of the Adams–Bashforth positions, the domain boundary
 * (a pushed cell stays inside and secretes only into the in-domain voxel holding it), and 10^5
 * agents created at one point separating without NaN.
 */
import { describe, expect, it } from 'vitest';
import { abmEngine } from '../../src/engines/abm/index.js';
import { DEFAULT_MECHANICS } from '../../src/engines/abm/mechanics.js';
import { compileSmall } from '../cross-engine/abmModels.js';

/** Volume (um^3) of a sphere of radius 5 um. */
const V5 = (4 / 3) * Math.PI * 125;

function pairDistance(sim: ReturnType<typeof abmEngine.init>): number {
  const s = sim.world.store;
  return Math.hypot(s.x[0] - s.x[1], s.y[0] - s.y[1], s.z[0] - s.z[1]);
}

describe('pair mechanics', () => {
  it('two overlapping cells separate to the distance where repulsion balances adhesion', () => {
    // rep (1 - d/R)^2 = adh (1 - d/S)^2  =>  d* = (√rep − √adh) / (√rep/R − √adh/S)
    const { repulsion: rep, adhesion: adh, relativeMaxAdhesionDistance: rho } = DEFAULT_MECHANICS;
    const R = 10;
    const S = rho * R;
    const exact = (Math.sqrt(rep) - Math.sqrt(adh)) / (Math.sqrt(rep) / R - Math.sqrt(adh) / S);
    expect(exact).toBeCloseTo(9.5238, 3);
    for (const dims of [2, 3] as const) {
      const model = compileSmall(`cell_types:\n  A: {initial_number: 0, volume: ${V5} um^3}`, { dims, size: [200, 200, 200] });
      const sim = abmEngine.init(model, { initialAgents: false, tEnd: 300, outputInterval: 300, snapshots: false });
      const z = dims === 3 ? 100 : 0;
      sim.world.addAgent(0, 97, 100, z);
      sim.world.addAgent(0, 101, 101, dims === 3 ? 102 : 0);
      expect(pairDistance(sim)).toBeLessThan(6);
      expect(sim.advance(300)).toBe('ok');
      expect(Math.abs(pairDistance(sim) - exact) / exact, `${dims}D`).toBeLessThan(1e-9);
      // the centre of mass has not moved (equal and opposite forces)
      const s = sim.world.store;
      expect((s.x[0] + s.x[1]) / 2).toBeCloseTo(99, 9);
      expect((s.y[0] + s.y[1]) / 2).toBeCloseTo(100.5, 9);
      // in 2D, z stays on the mid-plane of the layer (here 200 um thick)
      if (dims === 2) expect([s.z[0], s.z[1]]).toEqual([100, 100]);
    }
  });

  it('Adams–Bashforth positions converge at second order (repulsion only, analytic separation)', () => {
    // Each cell moves away at rep (1 - d/R)^2, so u = 1 - d/R obeys du/dt = -(2 rep / R) u^2:
    // u(t) = u0 / (1 + (2 rep / R) u0 t).
    const rep = DEFAULT_MECHANICS.repulsion;
    const R = 10;
    const d0 = 4;
    const T = 4;
    const u0 = 1 - d0 / R;
    const exact = R * (1 - u0 / (1 + ((2 * rep) / R) * u0 * T));
    const errors: number[] = [];
    const dts = [0.2, 0.1, 0.05, 0.025];
    for (const dt of dts) {
      const model = compileSmall(`cell_types:\n  A: {initial_number: 0, volume: ${V5} um^3}`, { size: [200, 200, 20], dtDiffusion: dt, dtMechanics: dt, dtPhenotype: 100 });
      const sim = abmEngine.init(model, { initialAgents: false, tEnd: T, outputInterval: T, snapshots: false, mechanics: { adhesion: 0 } });
      sim.world.addAgent(0, 100 - d0 / 2, 100, 0);
      sim.world.addAgent(0, 100 + d0 / 2, 100, 0);
      sim.advance(T);
      errors.push(Math.abs(pairDistance(sim) - exact));
    }
    const orders = errors.slice(1).map((e, i) => Math.log2(errors[i] / e));
    for (const p of orders) {
      expect(p).toBeGreaterThan(1.8);
      expect(p).toBeLessThan(2.3);
    }
    expect(errors[errors.length - 1]).toBeLessThan(1e-3);
  });
});

describe('domain boundary', () => {
  const body = `substrates:
  S: {unit: uM, diffusion_coefficient: 0, decay_rate: 0}
cell_types:
  A:
    initial_number: 0
    volume: ${V5} um^3
    motility: {migration_speed: 5 um/min, persistence_time: 1e9 min, migration_bias: 0}
    secretion: {S: {secretion_rate: 0.1 1/min, secretion_target: 1}}`;

  for (const wall of [true, false]) {
    it(`a cell migrating into a face stays inside and secretes only into its in-domain voxel (${wall ? 'virtual wall' : 'no wall, clamping only'})`, () => {
      const model = compileSmall(body, { size: [200, 200, 20] });
      const sim = abmEngine.init(model, { initialAgents: false, tEnd: 60, outputInterval: 1, snapshots: false, mechanics: wall ? {} : { wallRepulsion: 0 } });
      const w = sim.world;
      const a = w.addAgent(0, 150, 100, 0);
      w.store.mx[a] = 5; // heading +x; the persistence time keeps this direction
      const mesh = w.mesh;
      let maxX = 0;
      for (let t = 1; t <= 60; t++) {
        expect(sim.advance(t)).toBe('ok');
        const s = w.store;
        maxX = Math.max(maxX, s.x[0]);
        expect(s.x[0]).toBeLessThanOrEqual(200);
        expect(s.voxel[0]).toBe(mesh.voxelIndex(s.x[0], s.y[0], s.z[0]));
      }
      const s = w.store;
      const r = s.radius[0];
      if (wall) {
        // the wall balances the motility where 100 (1 - d/r)^2 = 5
        expect(200 - s.x[0]).toBeCloseTo(r * (1 - Math.sqrt(5 / 100)), 6);
      } else {
        expect(s.x[0]).toBe(200);
      }
      // Secretion went only into voxels of the cell's row, from its start to the last column.
      const rho = w.env.densities;
      let total = 0;
      for (let v = 0; v < mesh.nVoxels; v++) {
        if (rho[v] === 0) continue;
        const i = v % mesh.nx;
        const j = Math.floor(v / mesh.nx);
        expect(j).toBe(5);
        expect(i).toBeGreaterThanOrEqual(7);
        total += rho[v];
      }
      expect(rho[mesh.index(mesh.nx - 1, 5, 0)]).toBeGreaterThan(0);
      expect(total).toBeGreaterThan(0);
    });
  }
});

describe('degenerate overlap', () => {
  it('10^5 agents created at one point separate without a crash or NaN (2D)', () => {
    const model = compileSmall(`cell_types:\n  A: {initial_number: 0, volume: ${V5} um^3}`, { size: [1000, 1000, 20] });
    const sim = abmEngine.init(model, { initialAgents: false, tEnd: 0.3, outputInterval: 0.1, snapshots: false });
    const w = sim.world;
    const n = 100_000;
    for (let k = 0; k < n; k++) w.addAgent(0, 500, 500, 0);
    const spread = () => {
      const s = w.store;
      let sum = 0;
      for (let a = 0; a < s.n; a++) sum += (s.x[a] - 500) ** 2 + (s.y[a] - 500) ** 2;
      return Math.sqrt(sum / s.n);
    };
    expect(spread()).toBe(0);
    let last = 0;
    for (const k of [1, 2, 3]) {
      expect(sim.advance(k * 0.1)).toBe('ok');
      const now = spread();
      expect(now).toBeGreaterThan(last);
      last = now;
    }
    const s = w.store;
    expect(s.n).toBe(n);
    const seen = new Set<string>();
    for (let a = 0; a < n; a++) {
      expect(Number.isFinite(s.x[a]) && Number.isFinite(s.y[a])).toBe(true);
      seen.add(`${s.x[a]},${s.y[a]}`);
    }
    // no two agents share a position any more
    expect(seen.size).toBe(n);
    expect(last).toBeGreaterThan(1);
  });
});
