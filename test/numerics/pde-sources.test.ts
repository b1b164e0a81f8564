/**
 * Cell and bulk sources/sinks (test 9 of the PDE verification plan) and gradients. Units: um,
 * um^3, min, 1/min; amounts in [c]·um^3. Tolerances are stated per check.
 */
import { describe, expect, it } from 'vitest';
import { createMesh } from '../../src/pde/mesh.js';
import {
  applyBulkSourcesSinks, applyCellSourcesSinks, computeGradient, computeGradientField,
  createMicroenvironment, getDensity, setDensity, step, totalAmount,
} from '../../src/pde/microenvironment.js';

const mesh2 = createMesh({ xMin: 0, xMax: 100, yMin: 0, yMax: 100, dx: 20, dims: 2 }); // V_voxel = 20³ = 8000 um^3
const Vv = mesh2.voxelVolume;
const Vcell = 2494; // um^3, PhysiCell's default cell volume

function rel(a: number, b: number): number {
  return Math.abs(a / b - 1);
}

describe('9. per-cell secretion, uptake and export (PhysiCell/BioFVM implicit update)', () => {
  it('secretion to a target follows ρ_n = T + (ρ0 − T)(1 + cS)^(−n) (1e-12) and converges to T', () => {
    const env = createMicroenvironment(mesh2, [{ name: 's', diffusionCoefficient: 0, decayRate: 0, initialValue: 0.5 }]);
    const S = 2; // 1/min
    const T = 7; // [c]
    const dt = 0.01;
    const c = (dt * Vcell) / Vv;
    const v = 12;
    for (let n = 1; n <= 2000; n++) {
      applyCellSourcesSinks(env, 0, v, Vcell, S, T, 0, 0, dt);
      if (n % 250 === 0) {
        const expected = T + (0.5 - T) * Math.pow(1 + c * S, -n);
        expect(rel(getDensity(env, 0, v), expected)).toBeLessThan(1e-12);
      }
    }
    for (let n = 0; n < 20000; n++) applyCellSourcesSinks(env, 0, v, Vcell, S, T, 0, 0, dt);
    expect(Math.abs(getDensity(env, 0, v) - T)).toBeLessThan(1e-10 * T);
    // never overshoots the target from below
    expect(getDensity(env, 0, v)).toBeLessThanOrEqual(T);
    expect(getDensity(env, 0, 0)).toBe(0.5); // other voxels untouched
  });

  it('a secreting cell in a closed diffusing domain brings every voxel to the target (within 1e-6 relative)', () => {
    const env = createMicroenvironment(mesh2, [{ name: 's', diffusionCoefficient: 1000, decayRate: 0, initialValue: 0 }]);
    const v = mesh2.voxelIndex(10, 90, 0);
    const dt = 0.01;
    for (let n = 0; n < 40000; n++) {
      applyCellSourcesSinks(env, 0, v, Vcell, 10, 3, 0, 0, dt);
      step(env, dt);
    }
    for (let w = 0; w < mesh2.nVoxels; w++) expect(rel(getDensity(env, 0, w), 3)).toBeLessThan(1e-6);
  });

  it('uptake follows ρ_n = ρ0 (1 + cU)^(−n) exactly (1e-12) and exp(−U·Vcell/Vvoxel·t) to first order', () => {
    const U = 0.8;
    const t = 5;
    const err = [0.02, 0.01].map((dt) => {
      const env = createMicroenvironment(mesh2, [{ name: 's', diffusionCoefficient: 0, decayRate: 0, initialValue: 4 }]);
      const c = (dt * Vcell) / Vv;
      const n = Math.round(t / dt);
      let removed = 0;
      for (let i = 0; i < n; i++) removed -= applyCellSourcesSinks(env, 0, 3, Vcell, 0, 0, U, 0, dt);
      const rho = getDensity(env, 0, 3);
      expect(rel(rho, 4 * Math.pow(1 + c * U, -n))).toBeLessThan(1e-12);
      // the returned amounts add up to what left the voxel
      expect(rel(removed, (4 - rho) * Vv)).toBeLessThan(1e-12);
      return rel(rho, 4 * Math.exp((-U * Vcell * t) / Vv));
    });
    // first order: halving dt halves the error (ratio in [1.9, 2.1]); error < 1% at dt = 0.01
    expect(err[0] / err[1]).toBeGreaterThan(1.9);
    expect(err[0] / err[1]).toBeLessThan(2.1);
    expect(err[1]).toBeLessThan(0.01);
  });

  it('combines S, T, U and E as (ρ + cST)/(1 + c(S + U)) + E·dt/Vvoxel, and keeps totals', () => {
    const env = createMicroenvironment(mesh2, [{ name: 's', diffusionCoefficient: 500, decayRate: 0, initialValue: 1 }]);
    const dt = 0.1;
    const c = (dt * Vcell) / Vv;
    const expected = (1 + c * 2 * 5) / (1 + c * (2 + 0.5)) + (300 * dt) / Vv;
    const delta = applyCellSourcesSinks(env, 0, 7, Vcell, 2, 5, 0.5, 300, dt);
    expect(rel(getDensity(env, 0, 7), expected)).toBeLessThan(1e-15);
    expect(rel(delta, (expected - 1) * Vv)).toBeLessThan(1e-12);
    // pure export conserves: total grows by E·t exactly (to 1e-12) while diffusing
    const m0 = totalAmount(env, 0);
    for (let i = 0; i < 100; i++) {
      applyCellSourcesSinks(env, 0, 7, Vcell, 0, 0, 0, 300, dt);
      step(env, dt);
    }
    expect(rel(totalAmount(env, 0), m0 + 300 * dt * 100)).toBeLessThan(1e-12);
  });

  it('a negative net export cannot make the density negative (clamped at 0)', () => {
    const env = createMicroenvironment(mesh2, [{ name: 's', diffusionCoefficient: 0, decayRate: 0, initialValue: 0.001 }]);
    const delta = applyCellSourcesSinks(env, 0, 0, Vcell, 0, 0, 0, -1e6, 0.01);
    expect(getDensity(env, 0, 0)).toBe(0);
    expect(delta).toBeCloseTo(-0.001 * Vv, 12);
  });
});

describe('bulk sources and sinks', () => {
  it('follows ρ ← (ρ + Δt·S·T)/(1 + Δt(S + U)) per voxel, with scalar or field arguments', () => {
    const env = createMicroenvironment(mesh2, [{ name: 's', diffusionCoefficient: 0, decayRate: 0, initialValue: 2 }]);
    const S = new Float64Array(mesh2.nVoxels).map((_, v) => (v % 2 === 0 ? 0.5 : 0));
    const dt = 0.1;
    let a = 2;
    let b = 2;
    for (let n = 0; n < 50; n++) {
      applyBulkSourcesSinks(env, 0, S, 10, 0.2, dt);
      a = (a + dt * 0.5 * 10) / (1 + dt * (0.5 + 0.2));
      b = b / (1 + dt * 0.2);
    }
    expect(rel(getDensity(env, 0, 0), a)).toBeLessThan(1e-13);
    expect(rel(getDensity(env, 0, 1), b)).toBeLessThan(1e-13);
    expect(() => applyBulkSourcesSinks(env, 0, new Float64Array(3), null, null, dt)).toThrow(RangeError);
    expect(() => applyBulkSourcesSinks(env, 0, -1, null, null, dt)).toThrow(RangeError);
  });
});

describe('gradients (central differences, one-sided at the ends)', () => {
  const mesh3 = createMesh({ xMin: 0, xMax: 60, yMin: 0, yMax: 80, zMin: 0, zMax: 50, dx: 10, dims: 3 });

  it('are exact for a linear field in 3D (1e-12 relative)', () => {
    const env = createMicroenvironment(mesh3, [{ name: 's', diffusionCoefficient: 1, decayRate: 0, initialValue: 0 }]);
    const xyz = new Float64Array(3);
    for (let v = 0; v < mesh3.nVoxels; v++) {
      mesh3.voxelCentre(v, xyz);
      setDensity(env, 0, v, 100 + 0.5 * xyz[0] + 0.25 * xyz[1] + 2 * xyz[2]);
    }
    const g = new Float64Array(3);
    const field = computeGradientField(env, 0, new Float64Array(3 * mesh3.nVoxels));
    for (let v = 0; v < mesh3.nVoxels; v++) {
      computeGradient(env, 0, v, g);
      expect(rel(g[0], 0.5)).toBeLessThan(1e-12);
      expect(rel(g[1], 0.25)).toBeLessThan(1e-12);
      expect(rel(g[2], 2)).toBeLessThan(1e-12);
      for (let a = 0; a < 3; a++) expect(field[3 * v + a]).toBe(g[a]);
    }
  });

  it('central inside (exact for x²), one-sided at the ends (error h), zero on inactive axes', () => {
    const mesh = createMesh({ xMin: 0, xMax: 100, yMin: 0, yMax: 40, dx: 10, dims: 2 });
    const env = createMicroenvironment(mesh, [{ name: 's', diffusionCoefficient: 1, decayRate: 0, initialValue: 0 }]);
    const xyz = new Float64Array(3);
    for (let v = 0; v < mesh.nVoxels; v++) {
      mesh.voxelCentre(v, xyz);
      setDensity(env, 0, v, xyz[0] * xyz[0]);
    }
    const g = new Float64Array(3);
    computeGradient(env, 0, mesh.index(4, 2, 0), g); // x = 45
    expect(g[0]).toBeCloseTo(90, 10);
    expect(g[1]).toBe(0);
    expect(g[2]).toBe(0);
    computeGradient(env, 0, mesh.index(0, 0, 0), g); // x = 5: (15² − 5²)/10 = 20 = 2·5 + h
    expect(g[0]).toBeCloseTo(20, 10);
    computeGradient(env, 0, mesh.index(9, 3, 0), g); // x = 95: (95² − 85²)/10 = 180 = 2·95 − h
    expect(g[0]).toBeCloseTo(180, 10);
  });
});
