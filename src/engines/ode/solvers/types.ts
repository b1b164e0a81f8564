/**
 * Shared types of nichesim's ODE integrators (layer 3, no Node-only API).
 *
 * An initial-value problem y' = f(t, y), y(t0) = y0 of dimension n. States are Float64Array of
 * length n; a Jacobian is a dense row-major Float64Array of length n*n with J[i*n + j] = df_i/dy_j.
 */

/** Right-hand side and (optionally) its Jacobian. Implementations must not keep references to `y`. */
export interface OdeSystem {
  /** Dimension of the state. */
  readonly n: number;
  /** Writes f(t, y) into `dydt` (length n). Must not allocate in the hot path if avoidable. */
  rhs(t: number, y: Float64Array, dydt: Float64Array): void;
  /**
   * Writes the Jacobian df/dy at (t, y) into `jac` (row-major, length n*n). Optional: when absent,
   * stiff methods use a forward-difference approximation.
   */
  jacobian?(t: number, y: Float64Array, jac: Float64Array): void;
  /**
   * Optional hint: true when f does not depend explicitly on t. Lets Rosenbrock methods skip the
   * forward-difference estimate of df/dt (one right-hand-side evaluation per step). When absent or
   * false, df/dt is estimated (it is exactly zero for an autonomous f, so the hint only saves work).
   */
  readonly autonomous?: boolean;
}

/** Names of the integration methods. 'auto' starts non-stiff and switches on detected stiffness. */
export type OdeMethod = 'dopri5' | 'rodas4' | 'auto';

/** Options of one integration. */
export interface IntegratorOptions {
  /** Relative tolerance (dimensionless), > 0. Default 1e-6. */
  rtol?: number;
  /** Absolute tolerance, a scalar or one value per component (in the component's unit), > 0. Default 1e-9. */
  atol?: number | Float64Array;
  /** Initial step (same unit as t); chosen automatically when absent. */
  h0?: number;
  /** Largest step allowed. Default: unbounded. */
  hmax?: number;
  /** Largest number of accepted + rejected steps per advance call before giving up. Default 1e6. */
  maxSteps?: number;
  /**
   * Testing/verification only: take steps of exactly this size (same unit as t), with no error
   * control (every finite step is accepted). Used to measure orders of convergence. When set, `h0`
   * is ignored and `hmax` does not apply; method 'auto' never switches. Default: adaptive steps.
   */
  fixedStep?: number;
}

/**
 * How an integration ended.
 * - ok: reached the requested time.
 * - maxSteps: the step budget ran out.
 * - stepSizeUnderflow: the step became smaller than the time's round-off.
 * - nonFinite: f returned NaN/Infinity, or the state did.
 */
export type IntegratorStatus = 'ok' | 'maxSteps' | 'stepSizeUnderflow' | 'nonFinite';

/** Counters for work-precision reporting. */
export interface IntegratorStats {
  rhsEvaluations: number;
  jacobianEvaluations: number;
  luDecompositions: number;
  acceptedSteps: number;
  rejectedSteps: number;
  /** Number of switches between non-stiff and stiff methods (method 'auto'). */
  methodSwitches: number;
}

/**
 * A stateful integrator with dense output.
 *
 * Contract (tested): integrating to the same output times in one call or in several chunks
 * gives bit-identical values, because the integrator never shortens a step to land on an output
 * time; output values come from the dense-output interpolant of the step that covers them.
 * Only `stopAt` forces a step to end exactly at a time (for discontinuities such as a dose).
 */
export interface Integrator {
  /** Current internal time (the end of the last accepted step, or a stop time). */
  readonly t: number;
  /** Counters since creation. */
  readonly stats: IntegratorStats;
  /** The method currently used ('dopri5' or 'rodas4'). */
  readonly currentMethod: 'dopri5' | 'rodas4';
  /**
   * Advances so that `tOut` is covered and writes y(tOut) into `out`.
   * Returns 'ok' or the failure status; on failure `out` is untouched and `failure` describes it.
   * Output times must be non-decreasing: `tOut` must not be earlier than the previous output,
   * stop or reset time (RangeError otherwise; no backward integration). It may be earlier than
   * `t`, since the last step may have gone past it: the value then comes from dense output.
   * 'maxSteps' can be resumed by calling again; 'nonFinite' and 'stepSizeUnderflow' are returned
   * again by every call until `reset`.
   */
  advanceTo(tOut: number, out: Float64Array): IntegratorStatus;
  /**
   * Integrates exactly to `tStop` (the last step is shortened to end there), so that the state
   * can then be changed with `reset` (e.g. a bolus dose). Writes y(tStop) into `out`.
   * If an earlier `advanceTo` already stepped past `tStop`, that step is redone, shortened.
   * Same ordering rule and failures as `advanceTo`.
   */
  stopAt(tStop: number, out: Float64Array): IntegratorStatus;
  /**
   * Restarts from (t, y) after a discontinuity: forgets step history, keeps stats; method 'auto'
   * keeps its current method. Clears a previous failure. RangeError for a non-finite t or a y of
   * the wrong length / with non-finite entries.
   */
  reset(t: number, y: Float64Array): void;
  /** When a call returned a failure: the time and state at which it failed, and a message. */
  readonly failure: { t: number; y: Float64Array; message: string } | null;
}

/**
 * Internal: validated, fully resolved options shared by the one-step methods (built by
 * `createIntegrator`). `atol` always has length n; `h0` and `fixedStep` are 0 when not set.
 * @internal
 */
export interface ResolvedIntegratorOptions {
  readonly rtol: number;
  readonly atol: Float64Array;
  readonly h0: number;
  readonly hmax: number;
  readonly maxSteps: number;
  readonly fixedStep: number;
}

/**
 * Outcome of one step attempt of an {@link OdeStepper}.
 * - accepted: the step was accepted; the stepper now covers [tOld, t] with dense output.
 * - rejected: the step was rejected (error too large, or non-finite values); state unchanged,
 *   a smaller step size is proposed.
 * - nonFinite / stepSizeUnderflow: unrecoverable; `failureMessage` explains.
 * @internal
 */
export type StepAttempt = 'accepted' | 'rejected' | 'nonFinite' | 'stepSizeUnderflow';

/**
 * Internal contract between the integrator driver (integrator.ts) and the one-step methods
 * (dopri5.ts, rodas4.ts). A stepper owns its state (t, y), its step-size controller and the
 * dense output of its last accepted step.
 * @internal
 */
export interface OdeStepper {
  readonly name: 'dopri5' | 'rodas4';
  /** Time of the current state (end of the last accepted step). */
  readonly t: number;
  /** Start of the last accepted step; equals `t` right after a restart. */
  readonly tOld: number;
  /** Current state (length n). Read-only for callers. */
  readonly y: Float64Array;
  /** Proposed size of the next step (0 = not yet chosen). */
  readonly h: number;
  /** Explanation of the last 'nonFinite' / 'stepSizeUnderflow' outcome. */
  readonly failureMessage: string;
  /**
   * Attempts one step. The step never ends after `tClip`; when t + 1.01·h reaches `tClip` the step
   * is shortened (or stretched by at most 1 %) to end exactly at `tClip`. Pass +Infinity normally.
   */
  attemptStep(tClip: number): StepAttempt;
  /** Dense output of the last accepted step at tq in [tOld, t] into `out`. */
  interpolate(tq: number, out: Float64Array): void;
  /**
   * Undoes the last accepted step (state back to tOld, step size back to the one used), so that
   * the step can be redone with a clip time. Returns false when there is nothing to undo.
   */
  rewind(): boolean;
  /** Restarts from (t, y), forgetting all step history; `hStart` > 0 proposes the first step. */
  restart(t: number, y: Float64Array, hStart: number): void;
}
