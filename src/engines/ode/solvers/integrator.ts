/**
 * Integrator driver: creates DOPRI5 / Rodas4 / automatic-switching integrators with dense output on
 * a user time grid, stop-and-reset for discontinuities, and failure reporting (no Node-only API).
 *
 * Methods:
 * - 'dopri5': Dormand–Prince 5(4) (see dopri5.ts; Hairer, Nørsett & Wanner, Solving ODE I, II.5).
 * - 'rodas4': Rosenbrock 4(3), L-stable (see rodas4.ts; Hairer & Wanner, Solving ODE II, VI.4).
 * - 'auto': starts with DOPRI5 and switches to Rodas4 once Hairer's stiffness test (h·|λ| > 2.5, see
 *   STIFF_HLAMBDA in dopri5.ts) has fired 15 times (Solving ODE I, IV.2); switches back when Rodas4 has taken 15 consecutive
 *   steps with h·‖J‖∞ < 1.5 (DOPRI5 would be stable with that step). `stats.methodSwitches` counts
 *   both directions.
 */

import { newStats, SwitchingSteppers } from './switching.js';
import type {
  Integrator,
  IntegratorOptions,
  IntegratorStats,
  IntegratorStatus,
  OdeMethod,
  OdeSystem,
  ResolvedIntegratorOptions,
} from './types.js';

/** Default relative tolerance. */
export const DEFAULT_RTOL = 1e-6;
/** Default absolute tolerance. */
export const DEFAULT_ATOL = 1e-9;
/** Default step budget per advance call. */
export const DEFAULT_MAX_STEPS = 1_000_000;
/** Smallest accepted rtol (10 · unit round-off). */
export const MIN_RTOL = 10 * 2.220446049250313e-16;

/** A failure record: time and last good state where the integration stopped, and why. */
export interface IntegrationFailure {
  /** Time (same unit as t) of the last good state. */
  t: number;
  /** Last good state (copy, length n). */
  y: Float64Array;
  /** Human-readable reason. */
  message: string;
}

/** Result of {@link solveOnGrid}. */
export interface GridSolution {
  /** 'ok' when every grid time was reached, else the first failure. */
  status: IntegratorStatus;
  /**
   * Row-major values, shape [nTimes][n]: values[k*n + i] = y_i(times[k]). Rows at and after the
   * failing time are NaN.
   */
  values: Float64Array;
  /** Number of rows filled (nTimes when status is 'ok'). */
  rowsDone: number;
  /** Counters of the whole integration. */
  stats: IntegratorStats;
  /** Failure description, or null when status is 'ok'. */
  failure: IntegrationFailure | null;
}

function describe(v: unknown): string {
  if (v instanceof Float64Array) return `Float64Array(length ${v.length})`;
  return String(v);
}

/**
 * Validates and resolves integrator options for a system of dimension n.
 *
 * @throws RangeError naming the option and the offending value when: rtol is not finite or not in
 *   [10·eps, ∞); atol (scalar or each entry) is not finite and > 0, or an atol array's length is not
 *   n; h0 / hmax / fixedStep are given but not > 0 (hmax may be +Infinity); maxSteps is not a
 *   positive integer.
 */
export function resolveOptions(n: number, options: IntegratorOptions = {}): ResolvedIntegratorOptions {
  const rtol = options.rtol ?? DEFAULT_RTOL;
  if (typeof rtol !== 'number' || !Number.isFinite(rtol) || !(rtol > 0)) {
    throw new RangeError(`Invalid option rtol=${describe(rtol)}: must be a finite number > 0`);
  }
  if (rtol < MIN_RTOL) {
    throw new RangeError(`Invalid option rtol=${rtol}: must be >= ${MIN_RTOL} (10·machine epsilon)`);
  }
  const atolIn = options.atol ?? DEFAULT_ATOL;
  const atol = new Float64Array(n);
  if (typeof atolIn === 'number') {
    if (!Number.isFinite(atolIn) || !(atolIn > 0)) {
      throw new RangeError(`Invalid option atol=${atolIn}: must be a finite number > 0`);
    }
    atol.fill(atolIn);
  } else if (atolIn instanceof Float64Array) {
    if (atolIn.length !== n) {
      throw new RangeError(
        `Invalid option atol: array length ${atolIn.length} does not match the system dimension n=${n}`,
      );
    }
    for (let i = 0; i < n; i++) {
      const a = atolIn[i];
      if (!Number.isFinite(a) || !(a > 0)) {
        throw new RangeError(`Invalid option atol[${i}]=${a}: every entry must be a finite number > 0`);
      }
      atol[i] = a;
    }
  } else {
    throw new RangeError(`Invalid option atol=${describe(atolIn)}: must be a number or a Float64Array`);
  }
  let h0 = 0;
  if (options.h0 !== undefined) {
    if (typeof options.h0 !== 'number' || !Number.isFinite(options.h0) || !(options.h0 > 0)) {
      throw new RangeError(`Invalid option h0=${describe(options.h0)}: must be a finite number > 0`);
    }
    h0 = options.h0;
  }
  let hmax = Infinity;
  if (options.hmax !== undefined) {
    if (typeof options.hmax !== 'number' || Number.isNaN(options.hmax) || !(options.hmax > 0)) {
      throw new RangeError(`Invalid option hmax=${describe(options.hmax)}: must be a number > 0`);
    }
    hmax = options.hmax;
  }
  let maxSteps = DEFAULT_MAX_STEPS;
  if (options.maxSteps !== undefined) {
    const m = options.maxSteps;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) {
      throw new RangeError(`Invalid option maxSteps=${describe(m)}: must be an integer >= 1`);
    }
    maxSteps = m;
  }
  let fixedStep = 0;
  if (options.fixedStep !== undefined) {
    const f = options.fixedStep;
    if (typeof f !== 'number' || !Number.isFinite(f) || !(f > 0)) {
      throw new RangeError(`Invalid option fixedStep=${describe(f)}: must be a finite number > 0`);
    }
    fixedStep = f;
  }
  return { rtol, atol, h0, hmax, maxSteps, fixedStep };
}

function checkState(name: string, y: Float64Array, n: number): void {
  if (!(y instanceof Float64Array)) throw new RangeError(`Invalid ${name}: must be a Float64Array`);
  if (y.length !== n) {
    throw new RangeError(`Invalid ${name}: length ${y.length} does not match the system dimension n=${n}`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new RangeError(`Invalid ${name}[${i}]=${y[i]}: must be finite`);
  }
}

function checkTime(name: string, t: number): void {
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new RangeError(`Invalid ${name}=${describe(t)}: must be a finite number`);
  }
}

class IntegratorImpl extends SwitchingSteppers implements Integrator {
  private readonly n: number;
  private lastOut: number;
  private stickyStatus: IntegratorStatus = 'ok';
  private failureRecord: IntegrationFailure | null = null;

  constructor(method: OdeMethod, system: OdeSystem, t0: number, y0: Float64Array, options: IntegratorOptions | undefined) {
    const opts = resolveOptions(system.n, options);
    super(method, system, opts, newStats(), method === 'auto' && opts.fixedStep === 0, t0, y0);
    this.n = system.n;
    this.lastOut = t0;
  }

  get t(): number {
    return this.active.t;
  }

  get stats(): IntegratorStats {
    return { ...this.counters };
  }

  get currentMethod(): 'dopri5' | 'rodas4' {
    return this.active.name;
  }

  get failure(): IntegrationFailure | null {
    return this.failureRecord;
  }

  private fail(status: IntegratorStatus, message: string): IntegratorStatus {
    const s = this.active;
    this.failureRecord = { t: s.t, y: Float64Array.from(s.y), message };
    if (status !== 'maxSteps') this.stickyStatus = status;
    return status;
  }

  /** Steps until the active stepper reaches `target` (clipping at `tClip`). */
  private run(target: number, tClip: number): IntegratorStatus {
    const maxSteps = this.opts.maxSteps;
    let steps = 0;
    while (this.active.t < target) {
      if (steps >= maxSteps) {
        return this.fail(
          'maxSteps',
          `${this.active.name}: step budget of ${maxSteps} steps per call exhausted at t=${this.active.t} (target ${target})`,
        );
      }
      steps++;
      const r = this.active.attemptStep(tClip);
      if (r === 'accepted') {
        this.interp = this.active;
        if (this.auto) this.maybeSwitch();
      } else if (r !== 'rejected') {
        return this.fail(r, this.active.failureMessage);
      }
    }
    return 'ok';
  }

  private checkOut(name: string, tOut: number, out: Float64Array): void {
    checkTime(name, tOut);
    if (tOut < this.lastOut) {
      throw new RangeError(
        `Invalid ${name}=${tOut}: earlier than the last output/stop time ${this.lastOut} (backward integration is not supported)`,
      );
    }
    if (!(out instanceof Float64Array) || out.length < this.n) {
      throw new RangeError(`Invalid out: must be a Float64Array of length >= n=${this.n}`);
    }
  }

  advanceTo(tOut: number, out: Float64Array): IntegratorStatus {
    this.checkOut('tOut', tOut, out);
    if (this.stickyStatus !== 'ok') return this.stickyStatus;
    this.failureRecord = null;
    const status = this.run(tOut, Infinity);
    if (status !== 'ok') return status;
    const s = this.interp;
    if (tOut === s.t) out.set(s.y);
    else s.interpolate(tOut, out);
    this.lastOut = tOut;
    return 'ok';
  }

  stopAt(tStop: number, out: Float64Array): IntegratorStatus {
    this.checkOut('tStop', tStop, out);
    if (this.stickyStatus !== 'ok') return this.stickyStatus;
    this.failureRecord = null;
    if (tStop < this.active.t) {
      // The last step went past tStop (it was taken for an earlier output): redo it, clipped.
      const s = this.interp;
      if (s !== this.active) {
        this.active = s;
        this.counters.methodSwitches--;
      }
      s.rewind();
    }
    const status = this.run(tStop, tStop);
    if (status !== 'ok') return status;
    out.set(this.active.y);
    this.lastOut = tStop;
    return 'ok';
  }

  reset(t: number, y: Float64Array): void {
    checkTime('t', t);
    checkState('y', y, this.n);
    this.active.restart(t, y, 0);
    this.interp = this.active;
    this.lastOut = t;
    this.stickyStatus = 'ok';
    this.failureRecord = null;
  }
}

/**
 * Creates a stateful integrator for y' = f(t, y), y(t0) = y0 (see {@link Integrator} for the
 * contract: dense output on any non-decreasing sequence of output times, bit-identical whether
 * advanced in one call or in chunks, `stopAt` + `reset` for discontinuities).
 *
 * @param method 'dopri5' (non-stiff), 'rodas4' (stiff) or 'auto' (DOPRI5 with switch to Rodas4 on
 *   detected stiffness).
 * @param system right-hand side (and optional Jacobian) of dimension n.
 * @param t0 initial time (finite).
 * @param y0 initial state, length n, finite (copied).
 * @param options tolerances and limits; see {@link IntegratorOptions}.
 * @returns an Integrator; nothing is evaluated until the first advance.
 * @throws RangeError for invalid options (message names the option and value), a non-finite t0,
 *   or a y0 of the wrong length / with non-finite entries, or an unknown method.
 */
export function createIntegrator(
  method: OdeMethod,
  system: OdeSystem,
  t0: number,
  y0: Float64Array,
  options?: IntegratorOptions,
): Integrator {
  if (method !== 'dopri5' && method !== 'rodas4' && method !== 'auto') {
    throw new RangeError(`Invalid method=${String(method)}: expected 'dopri5', 'rodas4' or 'auto'`);
  }
  if (!system || !Number.isInteger(system.n) || system.n < 1) {
    throw new RangeError(`Invalid system.n=${describe(system?.n)}: must be an integer >= 1`);
  }
  checkTime('t0', t0);
  checkState('y0', y0, system.n);
  return new IntegratorImpl(method, system, t0, y0, options);
}

/**
 * Integrates y' = f(t, y), y(times[0]) = y0 and returns y at every time of the grid (by dense
 * output: the internal steps do not depend on the grid). Stops at the first failure, keeping the
 * rows before it. Never throws once the integration has started.
 *
 * @param method see {@link createIntegrator}.
 * @param system right-hand side of dimension n.
 * @param y0 initial state at times[0] (length n).
 * @param times output grid (length >= 1, finite, non-decreasing); times[0] is the initial time and
 *   row 0 is y0.
 * @param options see {@link IntegratorOptions}.
 * @returns {@link GridSolution}: values row-major [nTimes][n].
 * @throws RangeError for invalid options, y0, or times (empty, non-finite, or decreasing; the
 *   message names `times` with the index and values).
 */
export function solveOnGrid(
  method: OdeMethod,
  system: OdeSystem,
  y0: Float64Array,
  times: Float64Array,
  options?: IntegratorOptions,
): GridSolution {
  if (!(times instanceof Float64Array) || times.length < 1) {
    throw new RangeError(`Invalid times=${describe(times)}: must be a non-empty Float64Array`);
  }
  for (let k = 0; k < times.length; k++) {
    if (!Number.isFinite(times[k])) throw new RangeError(`Invalid times[${k}]=${times[k]}: must be finite`);
    if (k > 0 && times[k] < times[k - 1]) {
      throw new RangeError(
        `Invalid times: not non-decreasing at index ${k} (times[${k - 1}]=${times[k - 1]} > times[${k}]=${times[k]})`,
      );
    }
  }
  const integ = createIntegrator(method, system, times[0], y0, options);
  const n = system.n;
  const nT = times.length;
  const values = new Float64Array(nT * n).fill(NaN);
  values.set(y0, 0);
  const row = new Float64Array(n);
  let status: IntegratorStatus = 'ok';
  let rowsDone = 1;
  for (let k = 1; k < nT; k++) {
    status = integ.advanceTo(times[k], row);
    if (status !== 'ok') break;
    values.set(row, k * n);
    rowsDone++;
  }
  return { status, values, rowsDone, stats: integ.stats, failure: integ.failure };
}
