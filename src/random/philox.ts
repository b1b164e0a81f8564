/**
 * Counter-based random numbers (layer 0, no Node-only API): Philox4x32-10.
 *
 * A counter-based generator is a keyed bijection of a counter: the random words for
 * (key, counter) are a pure function of both, with no state carried from one draw to the next.
 * nichesim keys it with the run's seed and a *stream* (the purpose of the draw: motility,
 * division, placement, ...), and counts with (entity, step, draw): the agent id (or cell-type
 * index), the step index of the process, and the index of the draw within that step. So every
 * random number of a simulation has an address, and the results are bit-identical for one seed
 * whatever the order in which agents are processed and however the work is split among threads.
 *
 * Algorithm: Philox4x32 with 10 rounds (Salmon, Moraes, Dror, Shaw 2011, "Parallel random
 * numbers: as easy as 1, 2, 3", SC11, doi:10.1145/2063384.2063405), which passes TestU01
 * BigCrush. One round maps the counter (c0, c1, c2, c3) with key (k0, k1) to
 *   (hi(M1·c2) ^ c1 ^ k0, lo(M1·c2), hi(M0·c0) ^ c3 ^ k1, lo(M0·c0)),
 *   M0 = 0xD2511F53, M1 = 0xCD9E8D57,
 * and the key is bumped by the Weyl constants (0x9E3779B9, 0xBB67AE85) between rounds. The
 * implementation reproduces the Random123 known-answer vectors (test/unit/abm-random.test.ts).
 *
 * Mapping to nichesim: key = (seed, stream); counter = (entity, step mod 2^32, floor(step / 2^32),
 * draw). Uniform doubles take 53 bits from two output words: (w0 >>> 5)·2^26 + (w1 >>> 6), over
 * 2^53, so they lie in [0, 1) on the grid of multiples of 2^-53.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const M0_HI = M0 >>> 16;
const M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16;
const M1_LO = M1 & 0xffff;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * Philox4x32-10 of counter (c0..c3) with key (k0, k1), all unsigned 32-bit integers; writes the
 * four output words into `out` (length ≥ 4) and returns it. Does not allocate.
 */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): Uint32Array {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    // 32x32 -> 64-bit products: the low words by Math.imul, the high words from 16-bit limbs
    // (every partial product is < 2^32 and every sum < 2^34, so all of it is exact in doubles).
    const a0l = x0 & 0xffff;
    const a0h = x0 >>> 16;
    const a2l = x2 & 0xffff;
    const a2h = x2 >>> 16;
    const t0 = a0h * M0_LO;
    const t2 = a2h * M1_LO;
    const mid0 = ((a0l * M0_LO) >>> 16) + (t0 & 0xffff) + a0l * M0_HI;
    const mid2 = ((a2l * M1_LO) >>> 16) + (t2 & 0xffff) + a2l * M1_HI;
    const hi0 = (a0h * M0_HI + (t0 >>> 16) + ((mid0 / 65536) | 0)) >>> 0;
    const hi1 = (a2h * M1_HI + (t2 >>> 16) + ((mid2 / 65536) | 0)) >>> 0;
    const lo0 = Math.imul(M0, x0) >>> 0;
    const lo1 = Math.imul(M1, x2) >>> 0;
    const y0 = (hi1 ^ x1 ^ key0) >>> 0;
    const y2 = (hi0 ^ x3 ^ key1) >>> 0;
    x0 = y0;
    x1 = lo1;
    x2 = y2;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
  return out;
}

/** Converts two 32-bit words to a double in [0, 1) with 53 random bits. */
export function wordsToUniform(a: number, b: number): number {
  return ((a >>> 5) * 67108864 + (b >>> 6)) / TWO_POW_53;
}

/**
 * A seeded counter-based generator. Every method is a pure function of (seed, its arguments):
 * calling it twice with the same arguments returns the same number. Methods reuse one internal
 * buffer and do not allocate.
 *
 * Arguments common to all methods:
 * - `stream`: the purpose of the draw (an unsigned 32-bit constant per purpose), so that draws
 *   for different purposes never collide;
 * - `entity`: what the draw belongs to (an agent id, a cell-type index; unsigned 32-bit);
 * - `step`: the step index of the process that draws (a non-negative integer below 2^53);
 * - `draw`: the index of the draw within (stream, entity, step) (unsigned 32-bit). One Philox
 *   block gives two uniforms, so `uniformPair` at draw d consumes the block d; `uniform` at draw
 *   d uses the first half of block d.
 */
export class CounterRng {
  /** The seed (unsigned 32-bit integer). */
  readonly seed: number;
  private readonly words = new Uint32Array(4);
  private readonly pair = new Float64Array(2);

  /** @throws RangeError unless seed is an integer in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
      throw new RangeError(`CounterRng: the seed must be an integer from 0 to 4294967295, got ${seed}`);
    }
    this.seed = seed;
  }

  /** The four raw words of block (stream, entity, step, draw), in an internal buffer (overwritten by the next call). */
  block(stream: number, entity: number, step: number, draw: number): Uint32Array {
    const stepHi = step >= TWO_POW_32 ? Math.floor(step / TWO_POW_32) : 0;
    return philox4x32(entity, step >>> 0, stepHi, draw, this.seed, stream, this.words);
  }

  /** A uniform double in [0, 1). */
  uniform(stream: number, entity: number, step: number, draw: number): number {
    const w = this.block(stream, entity, step, draw);
    return wordsToUniform(w[0], w[1]);
  }

  /** Two independent uniforms in [0, 1) from one block, written to out[0], out[1]. */
  uniformPair(stream: number, entity: number, step: number, draw: number, out: Float64Array): Float64Array {
    const w = this.block(stream, entity, step, draw);
    out[0] = wordsToUniform(w[0], w[1]);
    out[1] = wordsToUniform(w[2], w[3]);
    return out;
  }

  /**
   * A standard normal deviate by the Box–Muller transform of the block's two uniforms:
   * sqrt(−2 ln(1 − u1)) · cos(2π u2) (1 − u1 lies in (0, 1], so the logarithm is finite).
   */
  normal(stream: number, entity: number, step: number, draw: number): number {
    const w = this.block(stream, entity, step, draw);
    const u1 = wordsToUniform(w[0], w[1]);
    const u2 = wordsToUniform(w[2], w[3]);
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A uniformly distributed unit vector in the xy-plane, written to out[0..2] (out[2] = 0). */
  unitVector2(stream: number, entity: number, step: number, draw: number, out: Float64Array): Float64Array {
    const angle = 2 * Math.PI * this.uniform(stream, entity, step, draw);
    out[0] = Math.cos(angle);
    out[1] = Math.sin(angle);
    out[2] = 0;
    return out;
  }

  /**
   * A unit vector uniformly distributed on the sphere, written to out[0..2]: z = 1 − 2u1 is
   * uniform on [−1, 1] (Archimedes) and the azimuth 2π u2 uniform.
   */
  unitVector3(stream: number, entity: number, step: number, draw: number, out: Float64Array): Float64Array {
    const w = this.block(stream, entity, step, draw);
    const z = 1 - 2 * wordsToUniform(w[0], w[1]);
    const phi = 2 * Math.PI * wordsToUniform(w[2], w[3]);
    const rho = Math.sqrt(Math.max(0, 1 - z * z));
    out[0] = rho * Math.cos(phi);
    out[1] = rho * Math.sin(phi);
    out[2] = z;
    return out;
  }

  /**
   * A Poisson deviate with the given mean (≥ 0, finite), consuming draws from `draw` upward.
   * Mean < 10: inversion by sequential search (one uniform); mean ≥ 10: the transformed
   * rejection method PTRS of Hörmann (1993, Insurance: Math. Econ. 12:39, doi:10.1016/0167-6687(93)90997-4),
   * using one block (two uniforms) per trial.
   * @throws RangeError for a negative or non-finite mean.
   */
  poisson(mean: number, stream: number, entity: number, step: number, draw: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`poisson: the mean must be finite and >= 0, got ${mean}`);
    if (mean === 0) return 0;
    if (mean < 10) {
      const u = this.uniform(stream, entity, step, draw);
      let k = 0;
      let p = Math.exp(-mean);
      let cdf = p;
      while (u >= cdf && k < 1000) {
        k++;
        p *= mean / k;
        cdf += p;
        if (p === 0) break;
      }
      return k;
    }
    const sq = Math.sqrt(mean);
    const logMean = Math.log(mean);
    const b = 0.931 + 2.53 * sq;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    const pair = this.pair;
    for (let trial = 0; ; trial++) {
      this.uniformPair(stream, entity, step, draw + trial, pair);
      const u = pair[0] - 0.5;
      const v = pair[1];
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logMean - logGamma(k + 1)) return k;
    }
  }
}

/** ln Γ(x) for x ≥ 1 (Stirling series with a shift; relative error < 1e-12 for the integers used by `poisson`). */
export function logGamma(x: number): number {
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += Math.log(y);
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
  return (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series - shift;
}
