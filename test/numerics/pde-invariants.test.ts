/**
 * Invariants of the LOD diffusion–decay solver (tests 5–8 of the PDE verification plan) and
 * white-box checks of the Dirichlet machinery: mass conservation, nonnegativity, independence of
 * substrates, exactness of held values, cache invalidation, and agreement of the held-voxel
 * coefficients with a plain tridiagonal reference solver.
 */
import { describe, expect, it } from 'vitest';
import { createMesh, type Mesh, type MeshDims } from '../../src/pde/mesh.js';
import { buildHeldCoefficients } from '../../src/pde/lod.js';
import {
  applyCellSourcesSinks, clearDirichletVoxel, createMicroenvironment, dirichletVoxels,
  setDecayRate, setDiffusionCoefficient, setDirichletVoxel, setFaceDirichlet, step, totalAmount,
  type MicroenvironmentOptions, type SubstrateSpec,
} from '../../src/pde/microenvironment.js';

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function box(dims: MeshDims, nx: number, ny: number, nz: number, dx = 10): Mesh {
  return createMesh({ xMin: 0, xMax: nx * dx, yMin: 0, yMax: ny * dx, zMin: 0, zMax: nz * dx, dx, dims });
}

const SCHEMES: Array<NonNullable<MicroenvironmentOptions['dirichletScheme']>> = ['implicit', 'overwrite'];

describe('5. mass conservation under zero flux with λ = 0', () => {
  for (const dims of [2, 3] as const) {
    for (const dt of [0.01, 1]) {
      it(`${dims}D, Δt = ${dt}: relative drift < 1e-12 over 1000 steps`, () => {
        const mesh = dims === 2 ? box(2, 40, 30, 1) : box(3, 12, 14, 16);
        const env = createMicroenvironment(mesh, [
          { name: 'a', diffusionCoefficient: 2000, decayRate: 0, initialValue: 0 },
          { name: 'b', diffusionCoefficient: 0.5, decayRate: 0, initialValue: 0 },
        ]);
        const r = rng(dims * 1000 + dt * 10);
        for (let v = 0; v < env.densities.length; v++) env.densities[v] = r() < 0.1 ? 100 * r() : r();
        const m0 = [totalAmount(env, 0), totalAmount(env, 1)];
        for (let s = 0; s < 1000; s++) step(env, dt);
        const drift = [0, 1].map((k) => Math.abs(totalAmount(env, k) / m0[k] - 1));
        console.log(`[pde] mass drift ${dims}D dt=${dt}: ${drift.map((d) => d.toExponential(2)).join(', ')}`);
        for (const d of drift) expect(d).toBeLessThan(1e-12);
      });
    }
  }
});

describe('6. no negative concentrations from nonnegative data', () => {
  for (const scheme of SCHEMES) {
    for (const dims of [1, 2, 3] as const) {
      it(`${dims}D (${scheme}): spikes, checkerboards, zero-valued Dirichlet voxels, huge Δt and uptake`, () => {
        const mesh = dims === 1 ? box(1, 64, 1, 1) : dims === 2 ? box(2, 24, 20, 1) : box(3, 10, 9, 8);
        const env = createMicroenvironment(
          mesh,
          [
            { name: 'spike', diffusionCoefficient: 1e5, decayRate: 0.1, initialValue: 0, dirichlet: { faces: { xmax: { enabled: true, value: 0 } } } },
            { name: 'checker', diffusionCoefficient: 1e3, decayRate: 10, initialValue: 0 },
            { name: 'still', diffusionCoefficient: 0, decayRate: 5, initialValue: 1e-300 },
          ],
          { dirichletScheme: scheme },
        );
        const n = mesh.nVoxels;
        env.densities[Math.floor(n / 2)] = 1e6;
        for (let v = 0; v < n; v++) env.densities[n + v] = (v + Math.floor(v / mesh.nx)) % 2 === 0 ? 1e3 : 0;
        setDirichletVoxel(env, 1, 1, 0);
        for (const dt of [1e-3, 0.1, 10, 1e4]) {
          for (let s = 0; s < 5; s++) {
            for (let v = 0; v < n; v += 3) applyCellSourcesSinks(env, 0, v, 2494, 0, 0, 1e6, -1e6, dt);
            step(env, dt);
            let min = Infinity;
            for (let i = 0; i < env.densities.length; i++) min = Math.min(min, env.densities[i]);
            expect(min).toBeGreaterThanOrEqual(0);
            expect(env.densities.every(Number.isFinite)).toBe(true);
          }
        }
      });
    }
  }
});

describe('7. a Dirichlet condition on substrate A leaves substrate B untouched', () => {
  for (const scheme of SCHEMES) {
    for (const dims of [2, 3] as const) {
      it(`${dims}D (${scheme}): B is bit-for-bit identical to a run of B alone`, () => {
        const mesh = dims === 2 ? box(2, 30, 20, 1) : box(3, 12, 10, 8);
        const specA: SubstrateSpec = {
          name: 'A', diffusionCoefficient: 5000, decayRate: 0.2, initialValue: 1,
          dirichlet: { faces: { xmin: { enabled: true, value: 38 }, ymax: { enabled: true, value: 10 }, zmin: { enabled: true, value: 5 } } },
        };
        const specB: SubstrateSpec = { name: 'B', diffusionCoefficient: 700, decayRate: 0.01, initialValue: 0 };
        const both = createMicroenvironment(mesh, [specA, specB], { dirichletScheme: scheme });
        const alone = createMicroenvironment(mesh, [specB], { dirichletScheme: scheme });
        setDirichletVoxel(both, 0, mesh.index(5, 5, dims === 3 ? 4 : 0), 100);
        const r = rng(7 + dims);
        const n = mesh.nVoxels;
        for (let v = 0; v < n; v++) {
          const x = 50 * r();
          both.densities[n + v] = x;
          alone.densities[v] = x;
        }
        for (let s = 0; s < 60; s++) {
          step(both, s < 30 ? 0.01 : 0.37);
          step(alone, s < 30 ? 0.01 : 0.37);
        }
        for (let v = 0; v < n; v++) expect(both.densities[n + v]).toBe(alone.densities[v]);
        // and A's held voxels hold exactly
        const held = dirichletVoxels(both, 0);
        expect(held.voxels.length).toBeGreaterThan(0);
        for (let i = 0; i < held.voxels.length; i++) expect(both.densities[held.voxels[i]]).toBe(held.values[i]);
      });
    }
  }
});

describe('8. a constant Dirichlet condition holds exactly, whatever Δt and substeps', () => {
  for (const scheme of SCHEMES) {
    for (const dims of [1, 2, 3] as const) {
      it(`${dims}D (${scheme}): held voxels equal the value for Δt ∈ {0.01, 0.1, 1} and 1 vs 10 substeps`, () => {
        const mesh = dims === 1 ? box(1, 40, 1, 1) : dims === 2 ? box(2, 16, 12, 1) : box(3, 8, 7, 6);
        const run = (dt: number, substeps: number): Float64Array => {
          const env = createMicroenvironment(
            mesh,
            [{ name: 'o2', diffusionCoefficient: 1e5, decayRate: 0.1, initialValue: 0.3, dirichlet: { faces: { xmin: { enabled: true, value: 38 }, xmax: { enabled: true, value: 0.7 } } } }],
            { dirichletScheme: scheme },
          );
          const inner = mesh.index(3, 0, 0);
          setDirichletVoxel(env, 0, inner, 3.25);
          for (let s = 0; s < 3; s++) {
            // a secreting cell in a held voxel must not move it (it is reset by the step)
            applyCellSourcesSinks(env, 0, inner, 2494, 10, 1000, 0, 0, dt);
            for (let q = 0; q < substeps; q++) step(env, dt / substeps);
            const held = dirichletVoxels(env, 0);
            for (let i = 0; i < held.voxels.length; i++) expect(env.densities[held.voxels[i]]).toBe(held.values[i]);
            expect(env.densities[inner]).toBe(3.25);
            expect(env.densities[0]).toBe(38);
            expect(env.densities[mesh.nx - 1]).toBe(0.7);
          }
          return env.densities.slice();
        };
        for (const dt of [0.01, 0.1, 1]) {
          run(dt, 1);
          run(dt, 10);
        }
      });
    }
  }

  it('a field already at the Dirichlet value (λ = 0) stays at it everywhere, for any Δt (to 1e-14 relative)', () => {
    for (const scheme of SCHEMES) {
      for (const dt of [0.01, 0.1, 1, 100]) {
        const mesh = box(3, 9, 8, 7);
        const env = createMicroenvironment(
          mesh,
          [{ name: 's', diffusionCoefficient: 3e4, decayRate: 0, initialValue: 12.5, dirichlet: { faces: { ymin: { enabled: true, value: 12.5 } } } }],
          { dirichletScheme: scheme },
        );
        setDirichletVoxel(env, 0, 100, 12.5);
        for (let s = 0; s < 20; s++) step(env, dt);
        for (const v of env.densities) expect(Math.abs(v / 12.5 - 1)).toBeLessThan(1e-14);
      }
    }
  });

  it('face conditions can be switched at run time; clearDirichletVoxel releases a voxel', () => {
    const mesh = box(2, 10, 10, 1);
    const env = createMicroenvironment(mesh, [{ name: 's', diffusionCoefficient: 100, decayRate: 0, initialValue: 0 }]);
    setFaceDirichlet(env, 0, 'ymax', { enabled: true, value: 4 });
    expect(env.densities[mesh.index(3, 9, 0)]).toBe(4);
    step(env, 0.1);
    expect(env.densities[mesh.index(3, 9, 0)]).toBe(4);
    expect(env.densities[mesh.index(3, 8, 0)]).toBeGreaterThan(0);
    setFaceDirichlet(env, 0, 'ymax', { enabled: false, value: 4 });
    setDirichletVoxel(env, 0, 0, 9);
    step(env, 0.1);
    expect(env.densities[mesh.index(3, 9, 0)]).toBeLessThan(4);
    expect(env.densities[0]).toBe(9);
    clearDirichletVoxel(env, 0, 0);
    step(env, 0.1);
    expect(env.densities[0]).toBeLessThan(9);
    expect(dirichletVoxels(env, 0).voxels.length).toBe(0);
  });
});

/**
 * Reference LOD step with a plain Thomas solver that builds each tridiagonal system explicitly
 * (a_i, b_i, c_i, with held voxels as identity rows) and divides as it goes.
 */
function referenceStep(
  rho: Float64Array, mesh: Mesh, D: number, lambda: number, dt: number, held: Map<number, number>,
): void {
  const { nx, ny, nz, dims } = mesh;
  const s = (lambda * dt) / dims;
  for (const [v, value] of held) rho[v] = value;
  const axes: Array<{ n: number; stride: number; h: number; starts: number[] }> = [];
  const starts = (axis: number): number[] => {
    const out: number[] = [];
    for (let l = 0; l < nz; l++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      if ((axis === 0 && i === 0) || (axis === 1 && j === 0) || (axis === 2 && l === 0)) out.push(i + nx * (j + ny * l));
    }
    return out;
  };
  axes.push({ n: nx, stride: 1, h: mesh.dx, starts: starts(0) });
  if (dims >= 2) axes.push({ n: ny, stride: nx, h: mesh.dy, starts: starts(1) });
  if (dims === 3) axes.push({ n: nz, stride: nx * ny, h: mesh.dz, starts: starts(2) });
  for (const ax of axes) {
    const r = (D * dt) / (ax.h * ax.h);
    const n = ax.n;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const c = new Float64Array(n);
    const d = new Float64Array(n);
    for (const o of ax.starts) {
      for (let i = 0; i < n; i++) {
        const v = o + i * ax.stride;
        d[i] = rho[v];
        if (held.has(v)) {
          a[i] = 0;
          b[i] = 1;
          c[i] = 0;
        } else {
          a[i] = i > 0 ? -r : 0;
          c[i] = i < n - 1 ? -r : 0;
          b[i] = 1 + s + (i > 0 ? r : 0) + (i < n - 1 ? r : 0);
        }
      }
      for (let i = 1; i < n; i++) {
        const w = a[i] / b[i - 1];
        b[i] -= w * c[i - 1];
        d[i] -= w * d[i - 1];
      }
      d[n - 1] /= b[n - 1];
      for (let i = n - 2; i >= 0; i--) d[i] = (d[i] - c[i] * d[i + 1]) / b[i];
      for (let i = 0; i < n; i++) rho[o + i * ax.stride] = d[i];
    }
  }
  for (const [v, value] of held) rho[v] = value;
}

describe('implicit Dirichlet rows agree with a plain tridiagonal reference', () => {
  const cases: Array<{ label: string; mesh: Mesh; heldFraction: number; faces: boolean; expectY?: string; expectZ?: string }> = [
    { label: '1D, two held voxels + faces', mesh: box(1, 50, 1, 1), heldFraction: 0.04, faces: true },
    { label: '2D, faces only (profiles)', mesh: box(2, 40, 33, 1), heldFraction: 0, faces: true, expectY: 'profiles' },
    { label: '2D, scattered held voxels (per-voxel)', mesh: box(2, 40, 33, 1), heldFraction: 0.05, faces: false, expectY: 'voxel' },
    { label: '3D, faces + one voxel (profiles)', mesh: box(3, 48, 30, 12), heldFraction: 1e-12, faces: true, expectY: 'profiles', expectZ: 'profiles' },
    { label: '3D, scattered held voxels (per-voxel)', mesh: box(3, 13, 11, 9), heldFraction: 0.05, faces: false, expectZ: 'voxel' },
  ];
  for (const c of cases) {
    it(`${c.label}: max relative difference < 1e-12 after 20 steps`, () => {
      const { mesh } = c;
      const D = 3000;
      const lambda = 0.3;
      const dt = 0.05;
      const r = rng(99);
      const env = createMicroenvironment(mesh, [
        {
          name: 's', diffusionCoefficient: D, decayRate: lambda, initialValue: 0,
          dirichlet: c.faces ? { faces: { xmin: { enabled: true, value: 5 }, ymax: { enabled: true, value: 2 }, zmax: { enabled: true, value: 1 } } } : undefined,
        },
      ]);
      for (let v = 0; v < mesh.nVoxels; v++) env.densities[v] = 10 * r();
      let nHeld = 0;
      for (let v = 0; v < mesh.nVoxels; v++) {
        if (r() < c.heldFraction || (c.heldFraction > 0 && nHeld === 0 && v === Math.floor(mesh.nVoxels / 2))) {
          setDirichletVoxel(env, 0, v, 20 * r());
          nHeld++;
        }
      }
      const list = dirichletVoxels(env, 0);
      const held = new Map<number, number>();
      for (let i = 0; i < list.voxels.length; i++) held.set(list.voxels[i], list.values[i]);
      // Check which coefficient layout the implementation chose (white box).
      const mask = new Uint8Array(mesh.nVoxels);
      for (const v of held.keys()) mask[v] = 1;
      const coef = buildHeldCoefficients(mesh, mask, 1, 1, 1, 0.1);
      if (c.expectY) expect(coef.y?.mode).toBe(c.expectY);
      if (c.expectZ) expect(coef.z?.mode).toBe(c.expectZ);

      const ref = env.densities.slice();
      for (let s = 0; s < 20; s++) {
        step(env, dt);
        referenceStep(ref, mesh, D, lambda, dt, held);
      }
      let worst = 0;
      for (let v = 0; v < mesh.nVoxels; v++) {
        worst = Math.max(worst, Math.abs(env.densities[v] - ref[v]) / Math.max(1e-300, Math.abs(ref[v])));
      }
      expect(worst).toBeLessThan(1e-12);
    });
  }
});

describe('Thomas coefficient cache', () => {
  it('is invalidated by a change of Δt, D, λ or the held voxels (bit-for-bit vs a fresh microenvironment)', () => {
    const mesh = box(2, 20, 15, 1);
    const spec = (D: number, lambda: number): SubstrateSpec => ({ name: 's', diffusionCoefficient: D, decayRate: lambda, initialValue: 0 });
    const r = rng(5);
    const init = new Float64Array(mesh.nVoxels).map(() => r());
    const env = createMicroenvironment(mesh, [spec(100, 0.1)]);
    env.densities.set(init);
    step(env, 0.01);
    step(env, 0.02); // new Δt
    const afterTwo = env.densities.slice();
    setDiffusionCoefficient(env, 0, 900);
    step(env, 0.02);
    setDecayRate(env, 0, 2);
    step(env, 0.02);
    setDirichletVoxel(env, 0, 17, 4);
    step(env, 0.02);

    const a = createMicroenvironment(mesh, [spec(100, 0.1)]);
    a.densities.set(init);
    step(a, 0.01);
    const b = createMicroenvironment(mesh, [spec(100, 0.1)]);
    b.densities.set(a.densities);
    step(b, 0.02);
    expect(Array.from(b.densities)).toEqual(Array.from(afterTwo));
    const c = createMicroenvironment(mesh, [spec(900, 0.1)]);
    c.densities.set(b.densities);
    step(c, 0.02);
    const d = createMicroenvironment(mesh, [spec(900, 2)]);
    d.densities.set(c.densities);
    step(d, 0.02);
    const e = createMicroenvironment(mesh, [spec(900, 2)]);
    e.densities.set(d.densities);
    setDirichletVoxel(e, 0, 17, 4);
    step(e, 0.02);
    expect(Array.from(env.densities)).toEqual(Array.from(e.densities));
  });
});

describe("the 'overwrite' (BioFVM/PhysiCell) scheme", () => {
  it('has a Δt-dependent 1D steady state that converges at first order to the implicit one', () => {
    const mesh = createMesh({ xMin: 0, xMax: 1000, dx: 10, dims: 1 });
    const spec: SubstrateSpec = {
      name: 's', diffusionCoefficient: 1000, decayRate: 0.1, initialValue: 0,
      dirichlet: { faces: { xmin: { enabled: true, value: 1 } } },
    };
    const steady = (scheme: 'implicit' | 'overwrite', dt: number): Float64Array => {
      const env = createMicroenvironment(mesh, [spec], { dirichletScheme: scheme });
      for (let s = 0; s < Math.round(150 / dt); s++) step(env, dt);
      return env.densities;
    };
    const exact = steady('implicit', 1);
    const err = [0.04, 0.02].map((dt) => {
      const o = steady('overwrite', dt);
      let m = 0;
      for (let v = 0; v < o.length; v++) m = Math.max(m, Math.abs(o[v] - exact[v]));
      return m;
    });
    console.log(`[pde] overwrite-scheme steady-state error vs implicit: dt=0.04 ${err[0].toExponential(3)}, dt=0.02 ${err[1].toExponential(3)}`);
    const order = Math.log2(err[0] / err[1]);
    expect(err[0]).toBeGreaterThan(1e-3); // visibly Δt-dependent at r = DΔt/h² = 0.4
    expect(order).toBeGreaterThan(0.8);
    expect(order).toBeLessThan(1.2);
  });
});
