/**
 * The batched cell source/sink update (prepareCellSourcesSinks, applyCellSourceBatch,
 * applyCellSourcesSinksBatch, relocateCellSourceBatch) against one applyCellSourcesSinks call per
 * entry: bit-identical densities, amounts and internal booking. Units: um, um^3, min, 1/min.
 */
import { describe, expect, it } from 'vitest';
import { createMesh } from '../../src/pde/mesh.js';
import {
  applyCellSourceBatch, applyCellSourcesSinks, applyCellSourcesSinksBatch, CellSourceBatch, createMicroenvironment,
  type Microenvironment, prepareCellSourcesSinks, relocateCellSourceBatch, step,
} from '../../src/pde/microenvironment.js';
import { CounterRng } from '../../src/random/index.js';

const mesh = createMesh({ xMin: 0, xMax: 200, yMin: 0, yMax: 120, dx: 20, dims: 2 }); // 10 × 6 voxels
const make = (): Microenvironment => createMicroenvironment(mesh, [
  { name: 'a', diffusionCoefficient: 800, decayRate: 0.1, initialValue: 2 },
  { name: 'b', diffusionCoefficient: 0, decayRate: 0, initialValue: 0.3 },
  { name: 'c', diffusionCoefficient: 50, decayRate: 0, initialValue: 0, dirichlet: { faces: { xmin: { enabled: true, value: 1 } } } },
]);

/** Random entries: many share a voxel and substrate (order matters), some export negatively (clamp). */
function entries(n: number, seed: number) {
  const rng = new CounterRng(seed);
  const u = (m: number, d: number) => rng.uniform(1, m, 0, d);
  const substrate = new Int32Array(n);
  const voxel = new Int32Array(n);
  const V = new Float64Array(n);
  const S = new Float64Array(n);
  const T = new Float64Array(n);
  const U = new Float64Array(n);
  const E = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    substrate[m] = Math.floor(u(m, 0) * 3);
    voxel[m] = Math.floor(u(m, 1) * 12); // 12 voxels only: lots of sharing
    V[m] = 500 + 3000 * u(m, 2);
    S[m] = u(m, 3) < 0.5 ? 0 : 5 * u(m, 4);
    T[m] = 3 * u(m, 5);
    U[m] = u(m, 6) < 0.3 ? 0 : 10 * u(m, 7);
    E[m] = u(m, 8) < 0.6 ? 0 : 4000 * (u(m, 9) - 0.7);
  }
  return { substrate, voxel, V, S, T, U, E };
}

describe('batched cell sources and sinks', () => {
  const n = 400;
  const dt = 0.01;
  const e = entries(n, 17);

  it('applyCellSourcesSinksBatch is bit-identical to per-entry calls (densities and returned amounts)', () => {
    const ref = make();
    const got = make();
    const refDelta = new Float64Array(n);
    const deltas = new Float64Array(n);
    let clamped = 0;
    for (let rep = 0; rep < 30; rep++) {
      for (let m = 0; m < n; m++) {
        refDelta[m] = applyCellSourcesSinks(ref, e.substrate[m], e.voxel[m], e.V[m], e.S[m], e.T[m], e.U[m], e.E[m], dt);
        if (ref.densities[e.substrate[m] * mesh.nVoxels + e.voxel[m]] === 0) clamped++;
      }
      applyCellSourcesSinksBatch(got, dt, n, e.substrate, e.voxel, e.V, e.S, e.T, e.U, e.E, { deltas });
      expect(Array.from(got.densities)).toEqual(Array.from(ref.densities));
      expect(Array.from(deltas)).toEqual(Array.from(refDelta));
      step(ref, dt);
      step(got, dt);
    }
    expect(clamped).toBeGreaterThan(0); // the clamp at 0 was exercised
  });

  it('a prepared batch applied at many steps, and relocated, is bit-identical; so is the internal booking', () => {
    const ref = make();
    const got = make();
    const batch = prepareCellSourcesSinks(got, dt, n, e.substrate, e.voxel, e.V, e.S, e.T, e.U, e.E, new CellSourceBatch(2));
    expect(batch.count).toBe(n);
    // internal amounts: entry m belongs to cell m % 50
    const slot = Int32Array.from({ length: n }, (_, m) => 3 * (m % 50) + e.substrate[m]);
    const refInside = new Float64Array(150).fill(1);
    const refSynth = new Float64Array(3);
    const internal = { amounts: new Float64Array(150).fill(1), slot, synthesised: new Float64Array(3) };
    const voxel = e.voxel.slice();
    const cellVoxel = new Int32Array(n);
    for (let rep = 0; rep < 40; rep++) {
      if (rep % 10 === 9) {
        // the cells move: new voxels, same coefficients
        for (let m = 0; m < n; m++) voxel[m] = (voxel[m] + 7 * m + rep) % mesh.nVoxels;
        cellVoxel.set(voxel);
        relocateCellSourceBatch(got, batch, Int32Array.from({ length: n }, (_, m) => m), cellVoxel);
      }
      for (let m = 0; m < n; m++) {
        const d = applyCellSourcesSinks(ref, e.substrate[m], voxel[m], e.V[m], e.S[m], e.T[m], e.U[m], e.E[m], dt);
        const inside = refInside[slot[m]] - d;
        if (inside < 0) {
          refSynth[e.substrate[m]] -= inside;
          refInside[slot[m]] = 0;
        } else refInside[slot[m]] = inside;
      }
      applyCellSourceBatch(got, batch, internal);
      expect(Array.from(got.densities)).toEqual(Array.from(ref.densities));
      step(ref, dt);
      step(got, dt);
    }
    expect(Array.from(internal.amounts)).toEqual(Array.from(refInside));
    expect(Array.from(internal.synthesised)).toEqual(Array.from(refSynth));
    expect(Math.min(...internal.amounts)).toBeGreaterThanOrEqual(0);
    expect(refSynth.some((x) => x > 0)).toBe(true);
  });

  it('conserves voxels + inside − synthesised (substrate b: no diffusion, no decay) to round-off', () => {
    const env = make();
    const nV = mesh.nVoxels;
    const vv = mesh.voxelVolume;
    const sum = () => {
      let s = 0;
      for (let v = nV; v < 2 * nV; v++) s += env.densities[v];
      return s * vv;
    };
    const only = Int32Array.from({ length: n }, (_, m) => m).filter((m) => e.substrate[m] === 1);
    const k = only.length;
    const pick = <A extends Int32Array | Float64Array>(a: A) => only.map((m) => a[m]) as unknown as A;
    const voxel = Int32Array.from(only, (m) => e.voxel[m]);
    const internal = { amounts: new Float64Array(k), slot: Int32Array.from({ length: k }, (_, j) => j), synthesised: new Float64Array(3) };
    const batch = prepareCellSourcesSinks(env, dt, k, 1, voxel, pick(e.V), pick(e.S), pick(e.T), pick(e.U), pick(e.E), new CellSourceBatch());
    const before = sum();
    for (let rep = 0; rep < 200; rep++) applyCellSourceBatch(env, batch, internal);
    const inside = internal.amounts.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum() + inside - internal.synthesised[1] - before) / before).toBeLessThan(1e-12);
  });

  it('accepts one number for a substrate or a rate for all entries, as per-entry calls would', () => {
    const ref = make();
    const got = make();
    for (let m = 0; m < n; m++) applyCellSourcesSinks(ref, 2, e.voxel[m], 1000, e.S[m], 1.5, 0.25, 0, dt);
    applyCellSourcesSinksBatch(got, dt, n, 2, e.voxel, 1000, e.S, 1.5, 0.25, 0);
    expect(Array.from(got.densities)).toEqual(Array.from(ref.densities));
  });

  it('rejects bad entries with the entry named, like the per-entry function', () => {
    const env = make();
    const b = new CellSourceBatch();
    const one = (o: Partial<{ k: number; v: number; V: number; S: number; T: number; U: number; E: number }>) => () =>
      prepareCellSourcesSinks(env, dt, 2, Int32Array.of(0, o.k ?? 0), Int32Array.of(0, o.v ?? 0), Float64Array.of(1, o.V ?? 1), Float64Array.of(0, o.S ?? 0),
        Float64Array.of(0, o.T ?? 0), Float64Array.of(0, o.U ?? 0), Float64Array.of(0, o.E ?? 0), b);
    expect(one({})).not.toThrow();
    expect(one({ k: 3 })).toThrow(/entry 1: substrate 3/);
    expect(one({ v: mesh.nVoxels })).toThrow(/entry 1/);
    expect(one({ S: -1 })).toThrow(/entry 1/);
    expect(one({ U: Number.NaN })).toThrow(/entry 1/);
    expect(one({ E: Number.POSITIVE_INFINITY })).toThrow(/entry 1/);
    expect(() => prepareCellSourcesSinks(env, 0, 0, 0, new Int32Array(0), 1, 0, 0, 0, 0, b)).toThrow(/dt/);
    expect(() => prepareCellSourcesSinks(env, dt, 3, 0, new Int32Array(2), 1, 0, 0, 0, 0, b)).toThrow(/voxel has 2 entries/);
    expect(() => relocateCellSourceBatch(env, one({})(), Int32Array.of(0, 1), Int32Array.of(0, -1))).toThrow(/entry 1: voxel -1/);
  });
});
