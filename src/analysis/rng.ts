/**
 * Seeded random numbers for the analysis layer (layer 4): xoshiro128** (Blackman & Vigna 2018)
 * seeded through splitmix32, and a seed-derivation hash so that every run of a sweep has its own
 * independent, reproducible, recordable 32-bit seed. No Math.random anywhere.
 */

/** Murmur3's 32-bit finaliser: a bijective avalanche mix of a uint32. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit seed derived from a base seed and a path of whole numbers (e.g. point, replicate).
 * Different paths give statistically independent seeds; equal inputs give equal seeds.
 */
export function deriveSeed(base: number, ...path: number[]): number {
  let h = fmix32((base >>> 0) ^ 0x9e3779b9);
  for (const k of path) {
    // Fold in both 32-bit halves of k so indices beyond 2^32 stay distinct.
    const lo = k >>> 0;
    const hi = Math.floor(k / 4294967296) >>> 0;
    h = fmix32((h + Math.imul(lo, 0x9e3779b1) + 0x7f4a7c15) >>> 0);
    h = fmix32((h ^ Math.imul(hi + 1, 0x85ebca77)) >>> 0);
  }
  return h;
}

/** A seeded pseudo-random generator (xoshiro128**, period 2^128 - 1). */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    // splitmix32 expands the seed into the 128-bit state (never all zero).
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform double in (0, 1): never 0, so safe for logarithms and inverse CDFs. */
  nextOpen(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return u;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal deviate (Marsaglia's polar method). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  /** Shuffles `a` in place (Fisher-Yates). */
  shuffle<T>(a: T[] | Int32Array | Float64Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
