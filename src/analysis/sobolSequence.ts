/**
 * The Sobol' low-discrepancy sequence (layer 4) with the Joe & Kuo (2008) D6 direction numbers,
 * in Gray-code order (Antonov & Saleev 1979), 32 bits per coordinate. Point i is computed
 * directly (random access), so a resumed sweep regenerates any point without the ones before it.
 *
 * Point 0 is the origin; the samplers in designs.ts skip it (it maps to -inf under unbounded
 * distributions).
 */
import { JOE_KUO_D6, JOE_KUO_MAX_DIMENSION } from './joeKuo.js';

const BITS = 32;
const TWO32 = 4294967296;

let table: Array<{ s: number; a: number; m: number[] }> | null = null;

function joeKuo(): Array<{ s: number; a: number; m: number[] }> {
  if (!table) {
    table = JOE_KUO_D6.trim()
      .split('\n')
      .map((line) => {
        const f = line.trim().split(/\s+/).map(Number);
        return { s: f[0], a: f[1], m: f.slice(2) };
      });
  }
  return table;
}

/** Direction numbers V_1..V_32 (as uint32) of dimension j (0-based). */
function directionNumbers(j: number): Uint32Array {
  const v = new Uint32Array(BITS + 1); // 1-based
  if (j === 0) {
    for (let k = 1; k <= BITS; k++) v[k] = 2 ** (BITS - k);
    return v;
  }
  const { s, a, m } = joeKuo()[j - 1];
  for (let k = 1; k <= Math.min(s, BITS); k++) v[k] = (m[k - 1] * 2 ** (BITS - k)) >>> 0;
  for (let k = s + 1; k <= BITS; k++) {
    let x = (v[k - s] ^ (v[k - s] >>> s)) >>> 0;
    for (let i = 1; i <= s - 1; i++) if ((a >>> (s - 1 - i)) & 1) x = (x ^ v[k - i]) >>> 0;
    v[k] = x;
  }
  return v;
}

/** The first `dim` coordinates of the Sobol' sequence. */
export class SobolSequence {
  readonly dim: number;
  /** Maximum number of points (2^32). */
  static readonly MAX_POINTS = TWO32;
  /** Largest supported dimension. */
  static readonly MAX_DIMENSION = JOE_KUO_MAX_DIMENSION;
  private readonly v: Uint32Array[];

  constructor(dim: number) {
    if (!Number.isInteger(dim) || dim < 1 || dim > JOE_KUO_MAX_DIMENSION) {
      throw new RangeError(`Sobol' sequence: dimension must be 1 to ${JOE_KUO_MAX_DIMENSION}, got ${dim}`);
    }
    this.dim = dim;
    this.v = Array.from({ length: dim }, (_, j) => directionNumbers(j));
  }

  /**
   * Writes point `index` (0-based, Gray-code order) into out[offset .. offset + dim).
   * Coordinates are in [0, 1).
   */
  point(index: number, out: Float64Array = new Float64Array(this.dim), offset = 0): Float64Array {
    if (!Number.isInteger(index) || index < 0 || index >= TWO32) throw new RangeError(`Sobol' point index must be 0 to 2^32 - 1, got ${index}`);
    const gray = (index ^ Math.floor(index / 2)) >>> 0;
    for (let j = 0; j < this.dim; j++) {
      const v = this.v[j];
      let x = 0;
      let g = gray;
      for (let k = 1; g !== 0; k++, g >>>= 1) if (g & 1) x ^= v[k];
      out[offset + j] = (x >>> 0) / TWO32;
    }
    return out;
  }
}
