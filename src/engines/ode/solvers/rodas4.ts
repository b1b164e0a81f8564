/**
 * Rodas4: L-stable Rosenbrock method of order 4 with embedded order-3 error estimate and a
 * 3rd-order dense output, for stiff ODEs (no Node-only API; no allocation in the step loop).
 *
 * References:
 * - E. Hairer & G. Wanner, Solving Ordinary Differential Equations II, 2nd ed., Springer 1996,
 *   sec. VI.4 (Rosenbrock methods, formulation (4.8') without matrix–vector products, the
 *   RODAS method, Table 4.2 ff.; dense output of sec. VI.4 "Dense output").
 * - Coefficients: the Hairer–Wanner RODAS code (rodas.f, METH=1, subroutine RODAS_COEFFICIENTS:
 *   gamma = 0.25, "RODAS4" stage coefficients A_ij, C_ij, D_i and dense-output rows D2j, D3j).
 * - Step-size control: Hairer's RODAS (hnew/h in [1/5, 6], safety 0.9) with Gustafsson's
 *   predictive controller (Gustafsson, ACM TOMS 20 (1994) 496–517).
 * - Jacobian: analytic when the system provides one, else forward differences with increment
 *   δ_j = sqrt(uround · max(1e-5, |y_j|)) (as in Hairer's RADAU5/RODAS drivers).
 */

import { acceptStep } from './stepTiming.js';
import { UROUND, initialStepSize } from './dopri5.js';
import { allFinite, luFactor, luSolve, matrixInfNorm, weightedRmsNorm } from './linalg.js';
import type {
  IntegratorStats,
  OdeStepper,
  OdeSystem,
  ResolvedIntegratorOptions,
  StepAttempt,
} from './types.js';

// RODAS4 coefficients (Hairer–Wanner rodas.f, METH = 1).
const C2 = 0.386;
const C3 = 0.21;
const C4 = 0.63;
const D1 = 0.25;
const D2 = -0.1043;
const D3 = 0.1035;
const D4 = -0.3620000000000023e-1;
const A21 = 0.1544e1;
const A31 = 0.9466785280815826;
const A32 = 0.2557011698983284;
const A41 = 0.3314825187068521e1;
const A42 = 0.2896124015972201e1;
const A43 = 0.9986419139977817;
const A51 = 0.1221224509226641e1;
const A52 = 0.6019134481288629e1;
const A53 = 0.1253708332932087e2;
const A54 = -0.687886036105895;
const C21 = -0.56688e1;
const C31 = -0.2430093356833875e1;
const C32 = -0.2063599157091915;
const C41 = -0.1073529058151375;
const C42 = -0.9594562251023355e1;
const C43 = -0.2047028614809616e2;
const C51 = 0.7496443313967647e1;
const C52 = -0.1024680431464352e2;
const C53 = -0.3399990352819905e2;
const C54 = 0.117089089320616e2;
const C61 = 0.8083246795921522e1;
const C62 = -0.7981132988064893e1;
const C63 = -0.3152159432874371e2;
const C64 = 0.1631930543123136e2;
const C65 = -0.6058818238834054e1;
const GAMMA = 0.25;
const D21 = 0.1012623508344586e2;
const D22 = -0.7487995877610167e1;
const D23 = -0.3480091861555747e2;
const D24 = -0.7992771707568823e1;
const D25 = 0.1025137723295662e1;
const D31 = -0.6762803392801253;
const D32 = 0.6087714651680015e1;
const D33 = 0.1643084320892478e2;
const D34 = 0.2476722511418386e2;
const D35 = -0.6594389125716872e1;

// Controller (Hairer's RODAS defaults).
const SAFE = 0.9;
const FAC1 = 5; // h/hnew <= 5  (hnew >= h/5)
const FAC2 = 1 / 6; // h/hnew >= 1/6 (hnew <= 6h)
const NONFINITE_SHRINK = 0.25;
const SINGULAR_SHRINK = 0.5;

/** 'auto': a Rodas4 step counts as non-stiff when h·‖J‖∞ is below this (DOPRI5 is stable there). */
export const NONSTIFF_HNORM = 1.5;
/** 'auto': number of consecutive non-stiff Rodas4 steps before switching back to DOPRI5. */
export const NONSTIFF_COUNT = 15;

/**
 * One-step driver of Rodas4 for the integrator (see {@link OdeStepper}).
 *
 * Each step solves 6 linear systems with the matrix E = I/(γh) − J (one dense LU with partial
 * pivoting per attempt), uses 6 evaluations of f (one at the step start, 5 in the stages), one
 * Jacobian per accepted state (re-used after a rejection) and, for non-autonomous systems, one
 * extra f evaluation for the forward-difference ∂f/∂t. Error = RMS norm of the difference between
 * the order-4 and order-3 solutions with sc_i = atol_i + rtol·max(|y_i|, |y_new_i|).
 *
 * For method 'auto' it records `nonStiffCount`: consecutive accepted steps with h·‖J‖∞ < 1.5.
 *
 * Units: t and h in the system's time unit; y in the state's units; J in 1/(time unit).
 */
export class Rodas4Stepper implements OdeStepper {
  /** Method name. */
  readonly name = 'rodas4' as const;
  /** When true, `nonStiffCount` is updated after every accepted step (method 'auto'). */
  detectNonStiffness = false;
  /** Consecutive accepted steps whose h·‖J‖∞ was below NONSTIFF_HNORM. */
  nonStiffCount = 0;

  private readonly n: number;
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
  /** @internal step timing (see stepTiming.ts) */
  rejectFlag = false;
  private lastRejectNonFinite = false;
  private needInit = true;
  private stateFresh = true; // f, J, df/dt must be (re)computed at the current state
  /** @internal step timing (see stepTiming.ts) */
  canRewind = false;
  private haveAccepted = false;
  private hAcc = 0;
  private errAcc = 0;
  private jacNorm = 0;
  private singularCount = 0;
  /** @internal step timing (see stepTiming.ts) */
  fixedBase: number;
  /** @internal step timing (see stepTiming.ts) */
  fixedCount = 0;
  private message = '';

  private yCur: Float64Array;
  private ynew: Float64Array;
  private dy: Float64Array;
  private dy1: Float64Array;
  private fx: Float64Array;
  private ak1: Float64Array;
  private ak2: Float64Array;
  private ak3: Float64Array;
  private ak4: Float64Array;
  private ak5: Float64Array;
  private ak6: Float64Array;
  private jac: Float64Array;
  private e: Float64Array;
  private piv: Int32Array;
  // Dense output of the last accepted step: y(θ) = (1−θ)·c0 + θ·(c1 + (1−θ)·(c2 + θ·c3)).
  private c0: Float64Array;
  private c2: Float64Array;
  private c3: Float64Array;

  /**
   * @param system the ODE; `jacobian` is used when present, `autonomous` skips ∂f/∂t.
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
    this.n = n;
    const mk = (): Float64Array => new Float64Array(n);
    this.yCur = mk();
    this.ynew = mk();
    this.dy = mk();
    this.dy1 = mk();
    this.fx = mk();
    this.ak1 = mk();
    this.ak2 = mk();
    this.ak3 = mk();
    this.ak4 = mk();
    this.ak5 = mk();
    this.ak6 = mk();
    this.c0 = mk();
    this.c2 = mk();
    this.c3 = mk();
    this.jac = new Float64Array(n * n);
    this.e = new Float64Array(n * n);
    this.piv = new Int32Array(n);
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
  /** Proposed next step size. */
  get h(): number {
    return this.hNext;
  }
  /** Explanation of the last failure. */
  get failureMessage(): string {
    return this.message;
  }
  /** ‖J‖∞ of the last Jacobian (1/time unit). */
  get jacobianNorm(): number {
    return this.jacNorm;
  }

  /** Restarts from (t, y): forgets step history (controller, Jacobian, dense output). */
  restart(t: number, y: Float64Array, hStart: number): void {
    this.yCur.set(y);
    this.tCur = t;
    this.tPrev = t;
    this.hUsed = 0;
    this.hNext = hStart > 0 ? hStart : 0;
    this.rejectFlag = false;
    this.lastRejectNonFinite = false;
    this.needInit = true;
    this.stateFresh = true;
    this.canRewind = false;
    this.haveAccepted = false;
    this.nonStiffCount = 0;
    this.singularCount = 0;
    this.fixedBase = t;
    this.fixedCount = 0;
    this.message = '';
  }

  /** Undoes the last accepted step (see OdeStepper.rewind). */
  rewind(): boolean {
    if (!this.canRewind) return false;
    this.yCur.set(this.c0);
    this.tCur = this.tPrev;
    this.hNext = this.hUsed;
    this.hUsed = 0;
    this.rejectFlag = false;
    this.lastRejectNonFinite = false;
    this.stateFresh = true;
    this.canRewind = false;
    if (this.opts.fixedStep > 0) {
      this.fixedBase = this.tCur;
      this.fixedCount = 0;
    }
    return true;
  }

  /** Dense output at tq in [tOld, t] (Hairer's CONTRO of RODAS, order 3). */
  interpolate(tq: number, out: Float64Array): void {
    const n = this.n;
    if (this.hUsed === 0) {
      out.set(this.yCur);
      return;
    }
    const s = (tq - this.tPrev) / this.hUsed;
    const s1 = 1 - s;
    const c0 = this.c0;
    const c1 = this.yCur;
    const c2 = this.c2;
    const c3 = this.c3;
    for (let i = 0; i < n; i++) out[i] = c0[i] * s1 + s * (c1[i] + s1 * (c2[i] + s * c3[i]));
  }

  /** Evaluates f, J (and ∂f/∂t) at the current state. Returns false on NaN/Infinity. */
  private prepareState(): boolean {
    const sys = this.system;
    const n = this.n;
    const stats = this.stats;
    const t = this.tCur;
    const y = this.yCur;
    const dy1 = this.dy1;
    sys.rhs(t, y, dy1);
    stats.rhsEvaluations++;
    if (!allFinite(dy1, n)) {
      this.message = `rodas4: f(t, y) is NaN or infinite at t=${t}`;
      return false;
    }
    const jac = this.jac;
    if (sys.jacobian) {
      sys.jacobian(t, y, jac);
    } else {
      // Forward differences, column by column (the state is restored bit-exactly).
      const ftmp = this.dy;
      for (let j = 0; j < n; j++) {
        const ysafe = y[j];
        let delt = Math.sqrt(UROUND * Math.max(1e-5, Math.abs(ysafe)));
        // For |y| beyond ~1/uround Hairer's increment is below one ulp of y: use a relative one.
        if (ysafe + delt === ysafe) delt = Math.sqrt(UROUND) * Math.abs(ysafe);
        y[j] = ysafe + delt;
        delt = y[j] - ysafe; // exactly representable increment
        sys.rhs(t, y, ftmp);
        for (let i = 0; i < n; i++) jac[i * n + j] = (ftmp[i] - dy1[i]) / delt;
        y[j] = ysafe;
      }
      stats.rhsEvaluations += n;
    }
    stats.jacobianEvaluations++;
    if (!allFinite(jac, n * n)) {
      this.message = `rodas4: the Jacobian contains NaN or infinite values at t=${t}`;
      return false;
    }
    this.jacNorm = matrixInfNorm(jac, n);
    const fx = this.fx;
    if (sys.autonomous === true) {
      fx.fill(0);
    } else {
      const ftmp = this.dy;
      let delt = Math.sqrt(UROUND * Math.max(1e-5, Math.abs(t)));
      delt = t + delt - t;
      sys.rhs(t + delt, y, ftmp);
      stats.rhsEvaluations++;
      for (let i = 0; i < n; i++) fx[i] = (ftmp[i] - dy1[i]) / delt;
      if (!allFinite(fx, n)) fx.fill(0); // f undefined just after t: fall back to a W-step
    }
    this.stateFresh = false;
    return true;
  }

  /** One step attempt (see OdeStepper.attemptStep). */
  attemptStep(tClip: number): StepAttempt {
    const sys = this.system;
    const n = this.n;
    const opts = this.opts;
    const stats = this.stats;
    const fixed = opts.fixedStep > 0;
    const y = this.yCur;

    if (this.stateFresh) {
      if (!this.prepareState()) return 'nonFinite';
    }
    if (this.needInit) {
      if (fixed) this.hNext = opts.fixedStep;
      else if (!(this.hNext > 0)) {
        this.hNext =
          opts.h0 > 0
            ? Math.min(opts.h0, opts.hmax)
            : initialStepSize(sys, this.tCur, y, this.dy1, 4, opts.rtol, opts.atol, opts.hmax, this.ynew, this.dy, stats);
      }
      this.needInit = false;
    }

    const t = this.tCur;
    let h = fixed ? opts.fixedStep : Math.min(this.hNext, opts.hmax);
    if (!(h >= 10 * UROUND * Math.abs(t)) || !(h > 0) || t + h === t) {
      this.message = this.lastRejectNonFinite
        ? `rodas4: f produced NaN or infinite values for every step size down to h=${h} at t=${t}`
        : `rodas4: step size h=${h} fell below 10·eps·|t| at t=${t} (singularity or too strict tolerances?)`;
      return this.lastRejectNonFinite ? 'nonFinite' : 'stepSizeUnderflow';
    }
    let clipped = false;
    if (t + 1.01 * h >= tClip) {
      this.hPreClip = h;
      h = tClip - t;
      clipped = true;
    }

    // E = I/(γh) − J, factorised.
    const fac = 1 / (h * GAMMA);
    const e = this.e;
    const jac = this.jac;
    const nn = n * n;
    for (let k = 0; k < nn; k++) e[k] = -jac[k];
    for (let i = 0; i < n; i++) e[i * n + i] += fac;
    stats.luDecompositions++;
    if (!luFactor(e, n, this.piv)) {
      stats.rejectedSteps++;
      this.singularCount++;
      this.rejectFlag = true;
      if (fixed) {
        this.message = `rodas4: singular iteration matrix at t=${t} (h=${h})`;
        return 'stepSizeUnderflow';
      }
      this.hNext = h * SINGULAR_SHRINK;
      return 'rejected';
    }
    this.singularCount = 0;
    const piv = this.piv;

    const dy = this.dy;
    const dy1 = this.dy1;
    const fx = this.fx;
    const ynew = this.ynew;
    const ak1 = this.ak1;
    const ak2 = this.ak2;
    const ak3 = this.ak3;
    const ak4 = this.ak4;
    const ak5 = this.ak5;
    const ak6 = this.ak6;
    const hc21 = C21 / h;
    const hc31 = C31 / h;
    const hc32 = C32 / h;
    const hc41 = C41 / h;
    const hc42 = C42 / h;
    const hc43 = C43 / h;
    const hc51 = C51 / h;
    const hc52 = C52 / h;
    const hc53 = C53 / h;
    const hc54 = C54 / h;
    const hc61 = C61 / h;
    const hc62 = C62 / h;
    const hc63 = C63 / h;
    const hc64 = C64 / h;
    const hc65 = C65 / h;
    const hd1 = h * D1;
    const hd2 = h * D2;
    const hd3 = h * D3;
    const hd4 = h * D4;
    const tEnd = clipped ? tClip : t + h;

    // Stage 1
    for (let i = 0; i < n; i++) ak1[i] = dy1[i] + hd1 * fx[i];
    luSolve(e, n, piv, ak1);
    // Stage 2
    for (let i = 0; i < n; i++) ynew[i] = y[i] + A21 * ak1[i];
    sys.rhs(t + C2 * h, ynew, dy);
    for (let i = 0; i < n; i++) ak2[i] = dy[i] + hd2 * fx[i] + hc21 * ak1[i];
    luSolve(e, n, piv, ak2);
    // Stage 3
    for (let i = 0; i < n; i++) ynew[i] = y[i] + A31 * ak1[i] + A32 * ak2[i];
    sys.rhs(t + C3 * h, ynew, dy);
    for (let i = 0; i < n; i++) ak3[i] = dy[i] + hd3 * fx[i] + hc31 * ak1[i] + hc32 * ak2[i];
    luSolve(e, n, piv, ak3);
    // Stage 4
    for (let i = 0; i < n; i++) ynew[i] = y[i] + A41 * ak1[i] + A42 * ak2[i] + A43 * ak3[i];
    sys.rhs(t + C4 * h, ynew, dy);
    for (let i = 0; i < n; i++) {
      ak4[i] = dy[i] + hd4 * fx[i] + hc41 * ak1[i] + hc42 * ak2[i] + hc43 * ak3[i];
    }
    luSolve(e, n, piv, ak4);
    // Stage 5
    for (let i = 0; i < n; i++) {
      ynew[i] = y[i] + A51 * ak1[i] + A52 * ak2[i] + A53 * ak3[i] + A54 * ak4[i];
    }
    sys.rhs(tEnd, ynew, dy);
    for (let i = 0; i < n; i++) {
      ak5[i] = dy[i] + hc51 * ak1[i] + hc52 * ak2[i] + hc53 * ak3[i] + hc54 * ak4[i];
    }
    luSolve(e, n, piv, ak5);
    // Embedded (order 3) solution, then stage 6 and the order-4 solution.
    for (let i = 0; i < n; i++) ynew[i] += ak5[i];
    sys.rhs(tEnd, ynew, dy);
    for (let i = 0; i < n; i++) {
      ak6[i] = dy[i] + hc61 * ak1[i] + hc62 * ak2[i] + hc63 * ak3[i] + hc64 * ak4[i] + hc65 * ak5[i];
    }
    luSolve(e, n, piv, ak6);
    for (let i = 0; i < n; i++) ynew[i] += ak6[i];
    stats.rhsEvaluations += 5;

    const err = weightedRmsNorm(ak6, y, ynew, opts.atol, opts.rtol);
    if (!Number.isFinite(err) || !allFinite(ynew, n)) {
      stats.rejectedSteps++;
      this.rejectFlag = true;
      this.lastRejectNonFinite = true;
      if (fixed) {
        this.message = `rodas4: NaN or infinite values in a fixed step from t=${t} (h=${h})`;
        return 'nonFinite';
      }
      this.hNext = h * NONFINITE_SHRINK;
      return 'rejected';
    }
    this.lastRejectNonFinite = false;

    let hNew = h;
    if (!fixed) {
      let facH = Math.max(FAC2, Math.min(FAC1, Math.pow(err, 0.25) / SAFE));
      hNew = h / facH;
      if (err <= 1 && this.haveAccepted) {
        // Gustafsson's predictive controller.
        let facGus = ((this.hAcc / h) * Math.pow((err * err) / this.errAcc, 0.25)) / SAFE;
        facGus = Math.max(FAC2, Math.min(FAC1, facGus));
        facH = Math.max(facH, facGus);
        hNew = h / facH;
      }
    }

    if (fixed || err <= 1) {
      // ---- accepted
      stats.acceptedSteps++;
      if (!fixed) {
        this.hAcc = h;
        this.errAcc = Math.max(1e-2, err);
        this.haveAccepted = true;
      }
      if (this.detectNonStiffness && !fixed) {
        if (h * this.jacNorm < NONSTIFF_HNORM) this.nonStiffCount++;
        else this.nonStiffCount = 0;
      }
      const c0 = this.c0;
      const c2 = this.c2;
      const c3 = this.c3;
      for (let i = 0; i < n; i++) {
        c0[i] = y[i];
        c2[i] = D21 * ak1[i] + D22 * ak2[i] + D23 * ak3[i] + D24 * ak4[i] + D25 * ak5[i];
        c3[i] = D31 * ak1[i] + D32 * ak2[i] + D33 * ak3[i] + D34 * ak4[i] + D35 * ak5[i];
      }
      this.yCur = ynew;
      this.ynew = y;
      this.stateFresh = true;
      acceptStep(this, opts, t, h, tEnd, hNew, clipped, tClip);
      return 'accepted';
    }

    // ---- rejected (the Jacobian at the current state is re-used)
    stats.rejectedSteps++;
    this.rejectFlag = true;
    this.hNext = hNew;
    return 'rejected';
  }
}
