/**
 * Global sensitivity estimators on functions with known answers (cheap functions, not the
 * simulator): the Ishigami function against its analytic Sobol' indices, a linear function
 * (exact Morris effects and Sobol' indices), and the Sobol' g-function's known Morris ranking.
 */
import { describe, expect, it } from 'vitest';
import { morrisDesign, saltelliDesign } from '../../src/analysis/designs.js';
import { morrisIndices, sobolIndices } from '../../src/analysis/sensitivity.js';

function evaluate(design: { size: number; dim: number; point(i: number, out: Float64Array): void }, f: (x: Float64Array) => number): Float64Array {
  const y = new Float64Array(design.size);
  const x = new Float64Array(design.dim);
  for (let i = 0; i < design.size; i++) {
    design.point(i, x);
    y[i] = f(x);
  }
  return y;
}

describe("Sobol' indices (Saltelli 2010 S1, Jansen ST) on the Ishigami function", () => {
  const a = 7;
  const b = 0.1;
  const PI = Math.PI;
  const ishigami = (u: Float64Array) => {
    const [x1, x2, x3] = Array.from(u, (v) => -PI + 2 * PI * v);
    return Math.sin(x1) + a * Math.sin(x2) ** 2 + b * x3 ** 4 * Math.sin(x1);
  };
  // Analytic partial variances (Ishigami & Homma 1990; Sobol' & Levitan 1999).
  const V = (a * a) / 8 + (b * PI ** 4) / 5 + (b * b * PI ** 8) / 18 + 0.5;
  const V1 = 0.5 * (1 + (b * PI ** 4) / 5) ** 2;
  const V2 = (a * a) / 8;
  const V13 = (8 * b * b * PI ** 8) / 225;
  const S1 = [V1 / V, V2 / V, 0];
  const ST = [(V1 + V13) / V, V2 / V, V13 / V];

  it('analytic values are S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244)', () => {
    expect(S1.map((s) => Number(s.toFixed(3)))).toEqual([0.314, 0.442, 0]);
    expect(ST.map((s) => Number(s.toFixed(3)))).toEqual([0.558, 0.442, 0.244]);
  });

  it('N = 8192 (40,960 evaluations): every index within 0.01 of its analytic value, and the 95% bootstrap intervals cover it', () => {
    const design = saltelliDesign(8192, 3);
    const y = evaluate(design, ishigami);
    const r = sobolIndices(y, 3, { resamples: 1000, confidence: 0.95, seed: 1 });
    const report = r.indices.map((x, i) => ({ S1: x.s1, S1ci: [x.s1Ci.lo, x.s1Ci.hi], ST: x.st, STci: [x.stCi.lo, x.stCi.hi], S1exact: S1[i], STexact: ST[i] }));
    console.log('Ishigami N=8192:', JSON.stringify(report));
    r.indices.forEach((x, i) => {
      expect(Math.abs(x.s1 - S1[i])).toBeLessThan(0.01);
      expect(Math.abs(x.st - ST[i])).toBeLessThan(0.01);
      expect(x.s1Ci.lo).toBeLessThanOrEqual(S1[i]);
      expect(x.s1Ci.hi).toBeGreaterThanOrEqual(S1[i]);
      expect(x.stCi.lo).toBeLessThanOrEqual(ST[i]);
      expect(x.stCi.hi).toBeGreaterThanOrEqual(ST[i]);
      expect(x.stCi.hi - x.stCi.lo).toBeLessThan(0.1);
    });
    expect(r.rows).toBe(8192);
    expect(r.variance).toBeCloseTo(V, 1);
  });

  it('drops Saltelli rows with a failed (NaN) output and still estimates', () => {
    const design = saltelliDesign(2048, 3);
    const y = evaluate(design, ishigami);
    for (let j = 0; j < 2048; j += 10) y[j * 5 + 3] = NaN;
    const r = sobolIndices(y, 3, { resamples: 0 });
    expect(r.dropped).toBe(205);
    expect(Math.abs(r.indices[1].s1 - S1[1])).toBeLessThan(0.03);
    expect(Number.isNaN(r.indices[0].s1Ci.lo)).toBe(true);
  });
});

describe('Morris elementary effects', () => {
  it('a linear function has EE = its coefficient exactly: μ = c, μ* = |c|, σ = 0', () => {
    const c = [3, -2, 0.5, 0, 10];
    const m = morrisDesign(12, 5, 4, 9);
    const y = evaluate(m, (x) => c.reduce((s, ci, i) => s + ci * x[i], 0));
    const r = morrisIndices(m, y, { resamples: 100 });
    r.forEach((x, i) => {
      expect(x.mu).toBeCloseTo(c[i], 10);
      expect(x.muStar).toBeCloseTo(Math.abs(c[i]), 10);
      expect(x.sigma).toBeCloseTo(0, 10);
      expect(x.n).toBe(12);
    });
  });

  it("ranks the Sobol' g-function's inputs by their known importance (a = 0, 1, 4.5, 9, 99, 99, 99, 99)", () => {
    const av = [0, 1, 4.5, 9, 99, 99, 99, 99];
    const g = (x: Float64Array) => av.reduce((p, ai, i) => (p * (Math.abs(4 * x[i] - 2) + ai)) / (1 + ai), 1);
    const m = morrisDesign(50, 8, 4, 3);
    const r = morrisIndices(m, evaluate(m, g), { resamples: 500, seed: 2 });
    const muStar = r.map((x) => x.muStar);
    console.log('g-function mu*:', muStar.map((v) => v.toFixed(3)).join(', '));
    // Strictly decreasing over the four important inputs, and all four above the unimportant ones.
    for (let i = 0; i < 3; i++) expect(muStar[i]).toBeGreaterThan(muStar[i + 1]);
    for (let i = 4; i < 8; i++) expect(muStar[i]).toBeLessThan(0.2 * muStar[3]);
    // The bootstrap interval of the most important input excludes the least important ones.
    expect(r[0].muStarCi.lo).toBeGreaterThan(Math.max(...muStar.slice(4)));
  });

  it("a linear function's Sobol' indices are c_i² / Σ c² (S1 = ST)", () => {
    const c = [1, 2, 3];
    const design = saltelliDesign(4096, 3);
    const y = evaluate(design, (x) => c[0] * x[0] + c[1] * x[1] + c[2] * x[2]);
    const r = sobolIndices(y, 3, { resamples: 0 });
    const tot = c.reduce((s, v) => s + v * v, 0);
    r.indices.forEach((x, i) => {
      expect(x.s1).toBeCloseTo((c[i] * c[i]) / tot, 2);
      expect(x.st).toBeCloseTo((c[i] * c[i]) / tot, 2);
    });
  });
});
