/**
 * The counter-based generator (src/random): Philox4x32-10 known answers, purity (same address,
 * same number), rough uniformity (moments, chi-square on bins), independence of streams, entities
 * and steps, and the derived distributions (normal, unit vectors, Poisson).
 */
import { describe, expect, it } from 'vitest';
import { CounterRng, logGamma, philox4x32 } from '../../src/random/index.js';

const hex = (w: Uint32Array) => Array.from(w, (x) => x.toString(16).padStart(8, '0'));

/** Chi-square statistic of counts against equal expected frequencies. */
function chiSquare(counts: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  const e = n / counts.length;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}

/** Pearson correlation of two equally long samples. */
function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('Philox4x32-10', () => {
  it('reproduces the Random123 known-answer vectors', () => {
    const out = new Uint32Array(4);
    expect(hex(philox4x32(0, 0, 0, 0, 0, 0, out))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    const f = 0xffffffff;
    expect(hex(philox4x32(f, f, f, f, f, f, out))).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(hex(philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out))).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });
});

describe('CounterRng', () => {
  const rng = new CounterRng(12345);

  it('is a pure function of (seed, stream, entity, step, draw)', () => {
    const a = rng.uniform(3, 17, 1000, 2);
    rng.uniform(9, 1, 1, 1); // an unrelated draw in between changes nothing
    expect(new CounterRng(12345).uniform(3, 17, 1000, 2)).toBe(a);
    expect(rng.uniform(3, 17, 1000, 2)).toBe(a);
    expect(new CounterRng(12346).uniform(3, 17, 1000, 2)).not.toBe(a);
    // steps beyond 2^32 use the high counter word
    expect(rng.uniform(3, 17, 2 ** 32 + 5, 2)).not.toBe(rng.uniform(3, 17, 5, 2));
  });

  it('rejects seeds that are not 32-bit unsigned integers', () => {
    expect(() => new CounterRng(-1)).toThrow(/seed/);
    expect(() => new CounterRng(1.5)).toThrow(/seed/);
    expect(() => new CounterRng(2 ** 32)).toThrow(/seed/);
  });

  it('uniforms lie in [0, 1) with mean 1/2 and variance 1/12, and pass chi-square on 100 bins', () => {
    const n = 200_000;
    const bins = new Array(100).fill(0);
    let sum = 0;
    let sum2 = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform(1, i, 7, 0);
      sum += u;
      sum2 += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
      bins[Math.floor(u * 100)]++;
    }
    const mean = sum / n;
    const variance = sum2 / n - mean * mean;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // standard error of the mean: sqrt(1/12/n) = 6.5e-4; 5 sigma
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    // chi-square with 99 degrees of freedom: mean 99, sd 14; P(X > 160) ~ 1e-4
    expect(chiSquare(bins)).toBeLessThan(160);
  });

  it('consecutive counters of every field give independent uniforms (chi-square on 10x10 pairs)', () => {
    for (const [label, draw] of [
      ['entity', (i: number) => [rng.uniform(5, i, 0, 0), rng.uniform(5, i + 1, 0, 0)]],
      ['step', (i: number) => [rng.uniform(5, 0, i, 0), rng.uniform(5, 0, i + 1, 0)]],
      ['draw', (i: number) => [rng.uniform(5, 0, 0, i), rng.uniform(5, 0, 0, i + 1)]],
      ['stream', (i: number) => [rng.uniform(i, 7, 3, 0), rng.uniform(i + 1, 7, 3, 0)]],
    ] as const) {
      const cells = new Array(100).fill(0);
      for (let i = 0; i < 50_000; i++) {
        const [u, v] = draw(i);
        cells[Math.floor(u * 10) * 10 + Math.floor(v * 10)]++;
      }
      expect(chiSquare(cells), label).toBeLessThan(160);
    }
  });

  it('streams are uncorrelated with each other', () => {
    const n = 50_000;
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < n; i++) {
      a.push(rng.uniform(1, i, 4, 0));
      b.push(rng.uniform(2, i, 4, 0));
      c.push(rng.uniformPair(1, i, 4, 0, new Float64Array(2))[1]);
    }
    // sd of a correlation of independent samples: 1/sqrt(n) = 0.0045
    expect(Math.abs(correlation(a, b))).toBeLessThan(0.025);
    expect(Math.abs(correlation(a, c))).toBeLessThan(0.025);
  });

  it('normal deviates have mean 0, variance 1 and normal tails', () => {
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal(6, i, 0, 0);
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
    // P(|Z| > 2) = 0.0455
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.004);
  });

  it('unit vectors have length 1 and are isotropic in 2D and 3D', () => {
    const v = new Float64Array(3);
    const n = 50_000;
    const m2 = [0, 0, 0];
    const m3 = [0, 0, 0];
    const zz = [0, 0, 0];
    let lengthError = 0;
    let maxZ2 = 0;
    for (let i = 0; i < n; i++) {
      rng.unitVector2(7, i, 0, 0, v);
      lengthError = Math.max(lengthError, Math.abs(Math.hypot(v[0], v[1], v[2]) - 1));
      maxZ2 = Math.max(maxZ2, Math.abs(v[2]));
      for (let k = 0; k < 3; k++) m2[k] += v[k] / n;
      rng.unitVector3(7, i, 0, 1, v);
      lengthError = Math.max(lengthError, Math.abs(Math.hypot(v[0], v[1], v[2]) - 1));
      for (let k = 0; k < 3; k++) {
        m3[k] += v[k] / n;
        zz[k] += (v[k] * v[k]) / n;
      }
    }
    expect(lengthError).toBeLessThan(1e-12);
    expect(maxZ2).toBe(0);
    for (let k = 0; k < 3; k++) {
      expect(Math.abs(m2[k])).toBeLessThan(0.02);
      expect(Math.abs(m3[k])).toBeLessThan(0.02);
      // each squared component of an isotropic 3D unit vector has mean 1/3
      expect(Math.abs(zz[k] - 1 / 3)).toBeLessThan(0.01);
    }
  });

  it('Poisson deviates have the right mean and variance for small and large means', () => {
    for (const mean of [0.05, 0.7, 4, 25, 400]) {
      const n = 20_000;
      let s = 0;
      let s2 = 0;
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const k = rng.poisson(mean, 8, i, 0, 0);
        if (!(Number.isInteger(k) && k >= 0)) bad++;
        s += k;
        s2 += k * k;
      }
      const m = s / n;
      const v = s2 / n - m * m;
      expect(bad).toBe(0);
      expect(Math.abs(m - mean), `mean ${mean}`).toBeLessThan(5 * Math.sqrt(mean / n));
      expect(Math.abs(v / mean - 1), `variance ${mean}`).toBeLessThan(0.06);
    }
    expect(rng.poisson(0, 8, 0, 0, 0)).toBe(0);
    expect(() => rng.poisson(-1, 8, 0, 0, 0)).toThrow(RangeError);
  });

  it('logGamma matches log((n-1)!)', () => {
    let f = 0;
    for (let n = 1; n < 60; n++) {
      expect(Math.abs(logGamma(n) - f)).toBeLessThan(1e-10 * Math.max(1, f));
      f += Math.log(n);
    }
  });
});
