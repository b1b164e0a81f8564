/**
 * Step-time bookkeeping shared by the DOPRI5 and Rodas4 steppers (layer 3): after an accepted
 * step, where the integrator now stands and which step to try next. Adaptive steps follow
 * Hairer's controllers (Solving ODE I, II.4): the proposal is capped at hmax, not raised right
 * after a rejection, and a step shortened only to land on a clip time does not shrink the next
 * one. Fixed steps (testing only) advance on an exact grid t_base + k·h.
 */
import type { ResolvedIntegratorOptions } from './types.js';

/** The timing fields a stepper keeps (units: the problem's time unit). */
export interface StepTimingState {
  /** End of the last accepted step. */
  tCur: number;
  /** Start of the last accepted step. */
  tPrev: number;
  /** Size of the last accepted step (0 after a restart). */
  hUsed: number;
  /** Step proposed for the next attempt. */
  hNext: number;
  /** The step size proposed before it was shortened to a clip time. */
  hPreClip: number;
  /** True when the previous attempt was rejected. */
  rejectFlag: boolean;
  /** True when the last accepted step can be undone (dense output still valid). */
  canRewind: boolean;
  /** Fixed-step grid: base time and number of steps taken from it. */
  fixedBase: number;
  fixedCount: number;
}

/**
 * Records an accepted step from t of size h.
 * @param tEnd the step's end time as computed by the method (t + h)
 * @param hNew the controller's proposal for the next step
 * @param clipped whether this step was shortened to end at `tClip`
 */
export function acceptStep(s: StepTimingState, opts: ResolvedIntegratorOptions, t: number, h: number, tEnd: number, hNew: number, clipped: boolean, tClip: number): void {
  s.tPrev = t;
  s.hUsed = h;
  s.canRewind = true;
  if (opts.fixedStep > 0) {
    if (clipped) {
      s.tCur = tClip;
      s.fixedBase = tClip;
      s.fixedCount = 0;
    } else {
      s.fixedCount++;
      s.tCur = s.fixedBase + s.fixedCount * opts.fixedStep;
    }
    return;
  }
  s.tCur = tEnd;
  if (hNew > opts.hmax) hNew = opts.hmax;
  if (s.rejectFlag) hNew = Math.min(hNew, h);
  if (clipped) hNew = Math.max(hNew, Math.min(s.hPreClip, opts.hmax));
  s.rejectFlag = false;
  s.hNext = hNew;
}
