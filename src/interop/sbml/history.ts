/**
 * The past of a simulation, for the SBML delay csymbol (layer 5, no Node-only API).
 *
 * After every accepted step the simulator records the step's dense output on [ta, tb] as five
 * samples at θ = 0, ¼, ½, ¾, 1. The interpolating polynomial of degree 4 through them is the
 * integrator's own dense output (DOPRI5's continuous extension has degree 4 and Rodas4's degree 3),
 * so the past is reproduced exactly. Before t0 the past is the state given by `setInitial`.
 * Times after the last recorded step are extrapolated with the last step's polynomial (a delay
 * shorter than the current step; the simulator bounds steps by the smallest constant delay).
 */
export class DelayHistory {
  private readonly n: number;
  /** Per segment: start, sampled length, end of validity (an event may cut a step short). */
  private starts: number[] = [];
  private spans: number[] = [];
  private ends: number[] = [];
  /** Samples of segment k at offset k*5*n: 5 rows of n values. */
  private data: Float64Array;
  private count = 0;
  private readonly before: Float64Array;
  private t0 = -Infinity;
  private readonly row: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.data = new Float64Array(5 * n * 64);
    this.before = new Float64Array(n);
    this.row = new Float64Array(n);
  }

  /** The state before t0 (constant history) and the start time t0. */
  setInitial(t0: number, y: Float64Array): void {
    this.t0 = t0;
    this.before.set(y);
  }

  /** Records the dense output of a step on [ta, tb]; `interp(t, out)` evaluates it. */
  record(ta: number, tb: number, interp: (t: number, out: Float64Array) => void): void {
    if (!(tb > ta)) return;
    // Segments at or after ta were made obsolete by a restart.
    while (this.count > 0 && this.starts[this.count - 1] >= ta) this.count--;
    if (this.count > 0 && this.ends[this.count - 1] > ta) this.ends[this.count - 1] = ta;
    const n = this.n;
    const need = (this.count + 1) * 5 * n;
    if (need > this.data.length) {
      const bigger = new Float64Array(Math.max(need, this.data.length * 2));
      bigger.set(this.data.subarray(0, this.count * 5 * n));
      this.data = bigger;
    }
    const off = this.count * 5 * n;
    for (let q = 0; q < 5; q++) {
      interp(q === 4 ? tb : ta + ((tb - ta) * q) / 4, this.row);
      this.data.set(this.row, off + q * n);
    }
    this.starts[this.count] = ta;
    this.spans[this.count] = tb - ta;
    this.ends[this.count] = tb;
    this.count++;
  }

  /** Shortens the last segment to end at `t` (an event cut the step there). */
  truncate(t: number): void {
    if (this.count > 0 && this.ends[this.count - 1] > t) this.ends[this.count - 1] = t;
  }

  /**
   * Writes the state at time `t` into `out`. Returns false when nothing is recorded at or after
   * t0 yet (the caller then uses the current state).
   */
  at(t: number, out: Float64Array): boolean {
    if (t < this.t0) {
      out.set(this.before);
      return true;
    }
    if (this.count === 0) return false;
    // The last segment whose start is <= t.
    let lo = 0;
    let hi = this.count - 1;
    if (t >= this.starts[hi]) lo = hi;
    else {
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.starts[mid] <= t) lo = mid;
        else hi = mid - 1;
      }
    }
    const x = ((t - this.starts[lo]) / this.spans[lo]) * 4; // node coordinate, nodes at 0..4
    const n = this.n;
    const off = lo * 5 * n;
    const l0 = ((x - 1) * (x - 2) * (x - 3) * (x - 4)) / 24;
    const l1 = -(x * (x - 2) * (x - 3) * (x - 4)) / 6;
    const l2 = (x * (x - 1) * (x - 3) * (x - 4)) / 4;
    const l3 = -(x * (x - 1) * (x - 2) * (x - 4)) / 6;
    const l4 = (x * (x - 1) * (x - 2) * (x - 3)) / 24;
    const d = this.data;
    for (let i = 0; i < n; i++) {
      out[i] = l0 * d[off + i] + l1 * d[off + n + i] + l2 * d[off + 2 * n + i] + l3 * d[off + 3 * n + i] + l4 * d[off + 4 * n + i];
    }
    return true;
  }
}
