/**
 * Dormand–Prince 5(4) explicit Runge–Kutta method with dense output, PI step-size control and
 * stiffness detection (no Node-only API; no allocation in the step loop).
 *
 * References:
 * - J. R. Dormand & P. J. Prince, "A family of embedded Runge–Kutta formulae",
 *   J. Comput. Appl. Math. 6 (1980) 19–26 (coefficients, FSAL).
 * - E. Hairer, S. P. Nørsett & G. Wanner, Solving Ordinary Differential Equations I, 2nd ed.,
 *   Springer 1993: sec. II.4 (error norm, initial step), II.5 (continuous extension of order 4,
 *   Table 5.2 / eq. 5.7 as in the DOPRI5 code), IV.2 (PI "Lund" stabilisation of the
 *   controller, beta = 0.04), IV.2 "Stiffness detection" (h·λ estimate, Hairer threshold 3.25; see STIFF_HLAMBDA).
 */

import { acceptStep } from './stepTiming.js';
import { allFinite, weightedRmsNorm } from './linalg.js';
import type {
  IntegratorStats,
  OdeStepper,
  OdeSystem,
  ResolvedIntegratorOptions,
  StepAttempt,
} from './types.js';

/** Unit round-off of IEEE double (2^-52). */
export const UROUND = 2.220446049250313e-16;

// Butcher tableau of DOPRI5 (Dormand & Prince 1980).
const C2 = 1 / 5;
const C3 = 3 / 10;
const C4 = 4 / 5;
const C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40;
const A32 = 9 / 40;
const A41 = 44 / 45;
const A42 = -56 / 15;
const A43 = 32 / 9;
const A51 = 19372 / 6561;
const A52 = -25360 / 2187;
const A53 = 64448 / 6561;
const A54 = -212 / 729;
const A61 = 9017 / 3168;
const A62 = -355 / 33;
const A63 = 46732 / 5247;
const A64 = 49 / 176;
const A65 = -5103 / 18656;
const A71 = 35 / 384;
const A73 = 500 / 1113;
const A74 = 125 / 192;
const A75 = -2187 / 6784;
const A76 = 11 / 84;
// Error coefficients: b - b_hat (5th minus embedded 4th order weights).
const E1 = 71 / 57600;
const E3 = -71 / 16695;
const E4 = 71 / 1920;
const E5 = -17253 / 339200;
const E6 = 22 / 525;
const E7 = -1 / 40;
// Dense output (continuous extension of order 4; Hairer's DOPRI5 coefficients).
const D1 = -12715105075 / 11282082432;
const D3 = 87487479700 / 32700410799;
const D4 = -10690763975 / 1880347072;
const D5 = 701980252875 / 199316789632;
const D6 = -1453857185 / 822651844;
const D7 = 69997945 / 29380423;

// Step-size controller (Hairer's DOPRI5 defaults).
const SAFE = 0.9;
const FAC_MIN = 0.2; // hnew/h >= 0.2
const FAC_MAX = 10; // hnew/h <= 10
const BETA = 0.04; // PI (Lund) stabilisation
const EXPO1 = 0.2 - BETA * 0.75;
/** Factor applied to h after a step that produced NaN/Infinity. */
const NONFINITE_SHRINK = 0.25;

/**
 * Stiffness detection: an accepted step is flagged "stiff" when the estimate h·|λ| exceeds this.
 * Hairer's DOPRI5 reports stiffness at 3.25 (just below DOPRI5's real stability boundary ≈ 3.3).
 * With the PI controller the stability-limited step settles smoothly at h·|λ| ≈ 2.5–3.2, the lower
 * the tighter the tolerance (measured on ROBER and VDPOL mu=1000 at rtol 1e-8…1e-12), so that 3.25
 * is seldom exceeded at tight tolerances; 'auto' therefore uses 2.5. Accuracy-limited steps of a
 * non-stiff problem stay well below it (DETEST A–E switch only at rtol >= 1e-6 on the mildly stiff
 * chains C2–C4).
 */
export const STIFF_HLAMBDA = 2.5;
/** Hairer's original threshold (DOPRI5 code), kept for reference. */
export const HAIRER_STIFF_HLAMBDA = 3.25;
/** Number of stiff-flagged accepted steps (without 6 non-stiff ones in between) that signal stiffness. */
export const STIFF_COUNT = 15;
/** Number of consecutive non-stiff steps that clear the stiff counter. */
export const NONSTIFF_RESET = 6;

/**
 * Initial step size by Hairer's algorithm (Solving ODE I, sec. II.4, "Starting step size"; the HINIT
 * routine of DOPRI5), with the RMS norm of the error control:
 *   d0 = ‖y0‖, d1 = ‖f0‖, h0 = 0.01·d0/d1 (1e-6 if either is <= 1e-5), one explicit Euler step,
 *   d2 = ‖f(t0+h0, y0+h0 f0) − f0‖/h0, h1 = (0.01/max(d1,d2))^(1/order), h = min(100·h0, h1, hmax).
 *
 * @param system the ODE (one extra evaluation of f is made and counted in `stats`).
 * @param t0 initial time; y0 initial state (length n); f0 = f(t0, y0) (length n).
 * @param order order of the method's error estimator (5 for DOPRI5's local error, 4 for Rodas4).
 * @param rtol, atol tolerances; hmax largest step; work a scratch pair of length-n vectors.
 * @returns a positive, finite step size (time unit of t). Never throws.
 */
export function initialStepSize(
  system: OdeSystem,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  order: number,
  rtol: number,
  atol: Float64Array,
  hmax: number,
  work1: Float64Array,
  work2: Float64Array,
  stats: IntegratorStats,
): number {
  const n = y0.length;
  let dnf = 0;
  let dny = 0;
  for (let i = 0; i < n; i++) {
    const sk = atol[i] + rtol * Math.abs(y0[i]);
    const a = f0[i] / sk;
    const b = y0[i] / sk;
    dnf += a * a;
    dny += b * b;
  }
  dnf /= n;
  dny /= n;
  let h = dnf <= 1e-10 || dny <= 1e-10 ? 1e-6 : Math.sqrt(dny / dnf) * 0.01;
  h = Math.min(h, hmax);
  // Explicit Euler step to estimate the second derivative.
  for (let i = 0; i < n; i++) work1[i] = y0[i] + h * f0[i];
  system.rhs(t0 + h, work1, work2);
  stats.rhsEvaluations++;
  let der2 = 0;
  for (let i = 0; i < n; i++) {
    const sk = atol[i] + rtol * Math.abs(y0[i]);
    const d = (work2[i] - f0[i]) / sk;
    der2 += d * d;
  }
  der2 = Math.sqrt(der2 / n) / h;
  const der12 = Math.max(Math.abs(der2), Math.sqrt(dnf));
  const h1 = der12 <= 1e-15 ? Math.max(1e-6, h * 1e-3) : Math.pow(0.01 / der12, 1 / order);
  let hNew = Math.min(100 * h, h1, hmax);
  // Guards (non-finite second-derivative estimate, or a step at round-off level of t0).
  if (!(hNew > 0) || !Number.isFinite(hNew)) hNew = Math.min(1e-6, hmax);
  const hFloor = 100 * UROUND * Math.abs(t0);
  if (hNew < hFloor) hNew = Math.min(hFloor, hmax);
  return hNew;
}

/**
 * One-step driver of DOPRI5 (Dormand–Prince 5(4)) for the integrator (see {@link OdeStepper}).
 *
 * - Local extrapolation (advances with the 5th-order solution), FSAL (7th stage = next 1st stage).
 * - Error: Hairer's RMS norm with sc_i = atol_i + rtol·max(|y_i|, |y_new_i|).
 * - Controller: hnew = h / clamp(err^(0.2−0.75β) / errold^β / 0.9, 1/10, 5), β = 0.04; after a
 *   rejection the step may not grow; after NaN/Infinity in a stage the step is divided by 4.
 * - Dense output: Hairer's 4th-order continuous extension over the last accepted step.
 * - Stiffness detection (when `detectStiffness` is true): h·λ ≈ h·‖f(y1)−f(ŷ6)‖/‖y1−ŷ6‖ after each
 *   accepted step (ŷ6 = argument of the 6th stage, also at t+h); a step counts as stiff when
 *   h·λ > STIFF_HLAMBDA; exposed as `hLambda`, `stiffCount`, `isStiff`.
 * - `fixedStep` mode (testing): steps of exactly that size, every finite step accepted.
 *
 * Units: t and h in the system's time unit; y in the state's units.
 */
export class Dopri5Stepper implements OdeStepper {
  /** Method name. */
  readonly name = 'dopri5' as const;
  /** When true, the h·λ stiffness estimate is computed after every accepted step (method 'auto'). */
  detectStiffness = false;
  /** Last stiffness estimate h·|λ| (0 before the first estimate). */
  hLambda = 0;
  /** Hairer's counter of stiff-flagged steps (reset after 6 consecutive non-stiff ones). */
  stiffCount = 0;
  private nonStiffCount = 0;

  /** @internal step timing (see stepTiming.ts) */
  tCur: number;
  /** @internal step timing (see stepTiming.ts) */
  tPrev: number;
  /** @internal step timing (see stepTiming.ts) */
  hNext = 0;
  /** @internal step timing (see stepTiming.ts) */
  hUsed = 0;
  /** @internal step timing (see stepTiming.ts) */
  hPreClip = 0;
  private facOld = 1e-4;
  private facOldPrev = 1e-4;
  /** @internal step timing (see stepTiming.ts) */
  rejectFlag = false;
  private lastRejectNonFinite = false;
  private needInit = true;
  /** @internal step timing (see stepTiming.ts) */
  canRewind = false;
  /** @internal step timing (see stepTiming.ts) */
  fixedBase: number;
  /** @internal step timing (see stepTiming.ts) */
  fixedCount = 0;
  private message = '';

  private yCur: Float64Array;
  private y1: Float64Array;
  private ysti: Float64Array;
  private k1: Float64Array;
  private k2: Float64Array;
  private k3: Float64Array;
  private k4: Float64Array;
  private k5: Float64Array;
  private k6: Float64Array;
  private k7: Float64Array;
  private errv: Float64Array;
  private k1Prev: Float64Array;
  // Dense output of the last accepted step.
  private r1: Float64Array;
  private r2: Float64Array;
  private r3: Float64Array;
  private r4: Float64Array;
  private r5: Float64Array;

  /**
   * @param system the ODE (only `rhs` is used).
   * @param opts   validated options (see createIntegrator).
   * @param stats  counters, incremented in place (shared with the integrator).
   * @param t0, y0 initial time and state (y0 is copied).
   */
  constructor(
    private readonly system: OdeSystem,
    private readonly opts: ResolvedIntegratorOptions,
    private readonly stats: IntegratorStats,
    t0: number,
    y0: Float64Array,
  ) {
    const n = system.n;
    const mk = (): Float64Array => new Float64Array(n);
    this.yCur = mk();
    this.y1 = mk();
    this.ysti = mk();
    this.k1 = mk();
    this.k2 = mk();
    this.k3 = mk();
    this.k4 = mk();
    this.k5 = mk();
    this.k6 = mk();
    this.k7 = mk();
    this.errv = mk();
    this.k1Prev = mk();
    this.r1 = mk();
    this.r2 = mk();
    this.r3 = mk();
    this.r4 = mk();
    this.r5 = mk();
    this.tCur = t0;
    this.tPrev = t0;
    this.fixedBase = t0;
    this.restart(t0, y0, 0);
  }

  /** Time of the current state. */
  get t(): number {
    return this.tCur;
  }
  /** Start of the last accepted step. */
  get tOld(): number {
    return this.tPrev;
  }
  /** Current state (do not modify). */
  get y(): Float64Array {
    return this.yCur;
  }
  /** Proposed next step size (0 before the first step when chosen automatically). */
  get h(): number {
    return this.hNext;
  }
  /** Explanation of the last failure. */
  get failureMessage(): string {
    return this.message;
  }
  /** True when Hairer's test has flagged 15 stiff steps (see STIFF_COUNT). */
  get isStiff(): boolean {
    return this.stiffCount >= STIFF_COUNT;
  }

  /** Restarts from (t, y): forgets step history, stiffness counters and dense output. */
  restart(t: number, y: Float64Array, hStart: number): void {
    this.yCur.set(y);
    this.tCur = t;
    this.tPrev = t;
    this.hUsed = 0;
    this.hNext = hStart > 0 ? hStart : 0;
    this.facOld = 1e-4;
    this.rejectFlag = false;
    this.lastRejectNonFinite = false;
    this.needInit = true;
    this.canRewind = false;
    this.stiffCount = 0;
    this.nonStiffCount = 0;
    this.hLambda = 0;
    this.fixedBase = t;
    this.fixedCount = 0;
    this.message = '';
  }

  /** Undoes the last accepted step (see OdeStepper.rewind). */
  rewind(): boolean {
    if (!this.canRewind) return false;
    this.yCur.set(this.r1);
    this.k1.set(this.k1Prev);
    this.tCur = this.tPrev;
    this.hNext = this.hUsed;
    this.facOld = this.facOldPrev;
    this.rejectFlag = false;
    this.lastRejectNonFinite = false;
    this.canRewind = false;
    this.hUsed = 0;
    if (this.opts.fixedStep > 0) {
      this.fixedBase = this.tCur;
      this.fixedCount = 0;
    }
    return true;
  }

  /** Dense output at tq in [tOld, t] (Hairer's CONTD5). */
  interpolate(tq: number, out: Float64Array): void {
    const n = this.system.n;
    if (this.hUsed === 0) {
      out.set(this.yCur);
      return;
    }
    const theta = (tq - this.tPrev) / this.hUsed;
    const theta1 = 1 - theta;
    const r1 = this.r1;
    const r2 = this.r2;
    const r3 = this.r3;
    const r4 = this.r4;
    const r5 = this.r5;
    for (let i = 0; i < n; i++) {
      out[i] = r1[i] + theta * (r2[i] + theta1 * (r3[i] + theta * (r4[i] + theta1 * r5[i])));
    }
  }

  /** One step attempt (see OdeStepper.attemptStep). */
  attemptStep(tClip: number): StepAttempt {
    const sys = this.system;
    const n = sys.n;
    const opts = this.opts;
    const stats = this.stats;
    const fixed = opts.fixedStep > 0;
    const y = this.yCur;
    const k1 = this.k1;

    if (this.needInit) {
      sys.rhs(this.tCur, y, k1);
      stats.rhsEvaluations++;
      if (!allFinite(k1, n)) {
        this.message = `dopri5: f(t, y) is NaN or infinite at t=${this.tCur}`;
        return 'nonFinite';
      }
      if (fixed) this.hNext = opts.fixedStep;
      else if (!(this.hNext > 0)) {
        this.hNext =
          opts.h0 > 0
            ? Math.min(opts.h0, opts.hmax)
            : initialStepSize(sys, this.tCur, y, k1, 5, opts.rtol, opts.atol, opts.hmax, this.y1, this.k2, stats);
      }
      this.needInit = false;
    }

    const t = this.tCur;
    let h = fixed ? opts.fixedStep : Math.min(this.hNext, opts.hmax);
    if (!(h >= 10 * UROUND * Math.abs(t)) || !(h > 0) || t + h === t) {
      this.message = this.lastRejectNonFinite
        ? `dopri5: f produced NaN or infinite values for every step size down to h=${h} at t=${t}`
        : `dopri5: step size h=${h} fell below 10·eps·|t| at t=${t} (singularity or too strict tolerances?)`;
      return this.lastRejectNonFinite ? 'nonFinite' : 'stepSizeUnderflow';
    }
    let clipped = false;
    if (t + 1.01 * h >= tClip) {
      this.hPreClip = h;
      h = tClip - t;
      clipped = true;
    }

    const y1 = this.y1;
    const ysti = this.ysti;
    const k2 = this.k2;
    const k3 = this.k3;
    const k4 = this.k4;
    const k5 = this.k5;
    const k6 = this.k6;
    const k7 = this.k7;

    for (let i = 0; i < n; i++) y1[i] = y[i] + h * A21 * k1[i];
    sys.rhs(t + C2 * h, y1, k2);
    for (let i = 0; i < n; i++) y1[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
    sys.rhs(t + C3 * h, y1, k3);
    for (let i = 0; i < n; i++) y1[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    sys.rhs(t + C4 * h, y1, k4);
    for (let i = 0; i < n; i++) {
      y1[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    }
    sys.rhs(t + C5 * h, y1, k5);
    for (let i = 0; i < n; i++) {
      ysti[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    }
    const tph = clipped ? tClip : t + h;
    sys.rhs(tph, ysti, k6);
    for (let i = 0; i < n; i++) {
      y1[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    }
    sys.rhs(tph, y1, k7);
    stats.rhsEvaluations += 6;

    const errv = this.errv;
    for (let i = 0; i < n; i++) {
      errv[i] = E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i];
    }
    const err = weightedRmsNorm(errv, y, y1, opts.atol, opts.rtol, h);

    // NaN/Infinity anywhere in the stages propagates into y1 or err (all stages enter one of them).
    if (!Number.isFinite(err) || !allFinite(y1, n)) {
      stats.rejectedSteps++;
      this.rejectFlag = true;
      this.lastRejectNonFinite = true;
      if (fixed) {
        this.message = `dopri5: NaN or infinite values in a fixed step from t=${t} (h=${h})`;
        return 'nonFinite';
      }
      this.hNext = h * NONFINITE_SHRINK;
      return 'rejected';
    }
    this.lastRejectNonFinite = false;

    const fac11 = Math.pow(err, EXPO1);
    if (fixed || err <= 1) {
      // ---- accepted
      let hNew = 0;
      if (!fixed) {
        let fac = fac11 / Math.pow(this.facOld, BETA);
        fac = Math.max(1 / FAC_MAX, Math.min(1 / FAC_MIN, fac / SAFE));
        hNew = h / fac;
        this.facOldPrev = this.facOld;
        this.facOld = Math.max(err, 1e-4);
      }
      stats.acceptedSteps++;

      if (this.detectStiffness && !fixed) {
        let stnum = 0;
        let stden = 0;
        for (let i = 0; i < n; i++) {
          const a = k7[i] - k6[i];
          const b = y1[i] - ysti[i];
          stnum += a * a;
          stden += b * b;
        }
        if (stden > 0) this.hLambda = h * Math.sqrt(stnum / stden);
        if (this.hLambda > STIFF_HLAMBDA) {
          this.nonStiffCount = 0;
          this.stiffCount++;
        } else {
          this.nonStiffCount++;
          if (this.nonStiffCount === NONSTIFF_RESET) this.stiffCount = 0;
        }
      }

      // Dense output (Hairer's DOPRI5, IOUT >= 2) and rewind data.
      const r1 = this.r1;
      const r2 = this.r2;
      const r3 = this.r3;
      const r4 = this.r4;
      const r5 = this.r5;
      for (let i = 0; i < n; i++) {
        const ydiff = y1[i] - y[i];
        const bspl = h * k1[i] - ydiff;
        r1[i] = y[i];
        r2[i] = ydiff;
        r3[i] = bspl;
        r4[i] = ydiff - h * k7[i] - bspl;
        r5[i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
      }
      this.k1Prev.set(k1);
      // Swap buffers: y <- y1, k1 <- k7 (FSAL).
      this.yCur = y1;
      this.y1 = y;
      this.k1 = k7;
      this.k7 = k1;

      acceptStep(this, opts, t, h, tph, hNew, clipped, tClip);
      return 'accepted';
    }

    // ---- rejected
    stats.rejectedSteps++;
    this.rejectFlag = true;
    this.hNext = h / Math.min(1 / FAC_MIN, fac11 / SAFE);
    return 'rejected';
  }
}
