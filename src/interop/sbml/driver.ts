/**
 * A one-step driver over nichesim's verified DOPRI5 and Rodas4 steppers (layer 5, no Node-only
 * API), for event location: unlike the public Integrator, it exposes the dense output of the last
 * step at any time inside it (in any order), which root finding on event triggers needs, and steps
 * that end exactly at a clip time (delayed event executions).
 *
 * Method 'auto' switches exactly as the Integrator does (see solvers/integrator.ts): DOPRI5 with
 * Hairer's stiffness test, to Rodas4 when it fires, back when Rodas4 sees 15 non-stiff steps.
 */
import { resolveOptions } from '../../engines/ode/solvers/integrator.js';
import { newStats, SwitchingSteppers } from '../../engines/ode/solvers/switching.js';
import type { IntegratorOptions, IntegratorStats, OdeMethod, OdeSystem } from '../../engines/ode/solvers/types.js';

export type StepOutcome = 'accepted' | 'nonFinite' | 'stepSizeUnderflow' | 'maxSteps';

export class OdeDriver extends SwitchingSteppers {
  /** Most rejected attempts in a row before giving up on a step. */
  private readonly maxAttempts: number;
  message = '';

  constructor(method: OdeMethod, system: OdeSystem, t0: number, y0: Float64Array, options: IntegratorOptions = {}) {
    const opts = resolveOptions(system.n, options);
    super(method, system, opts, newStats(), method === 'auto', t0, y0);
    this.maxAttempts = opts.maxSteps;
  }

  /** Work counters since creation. */
  get stats(): IntegratorStats {
    return this.counters;
  }

  /** End of the last accepted step (or the restart time). */
  get t(): number {
    return this.active.t;
  }
  /** Start of the interval covered by the dense output. */
  get tOld(): number {
    return this.interp.tOld;
  }
  /** State at `t` (read-only). */
  get y(): Float64Array {
    return this.active.y;
  }
  get method(): 'dopri5' | 'rodas4' {
    return this.active.name;
  }

  /** Takes one accepted step that does not end after `tClip` (rejected attempts are retried). */
  step(tClip: number): StepOutcome {
    for (let k = 0; k < this.maxAttempts; k++) {
      const r = this.active.attemptStep(tClip);
      if (r === 'accepted') {
        this.interp = this.active;
        if (this.auto) this.maybeSwitch();
        return 'accepted';
      }
      if (r !== 'rejected') {
        this.message = this.active.failureMessage;
        return r;
      }
    }
    this.message = `${this.maxAttempts} rejected step attempts in a row at t=${this.active.t}`;
    return 'maxSteps';
  }


  /** Dense output at tq in [tOld, t] of the last step. */
  interpolate(tq: number, out: Float64Array): void {
    if (tq === this.active.t) out.set(this.active.y);
    else this.interp.interpolate(tq, out);
  }

  /** Restarts from (t, y) after a discontinuity (keeps the current method). */
  restart(t: number, y: Float64Array): void {
    this.active.restart(t, y, 0);
    this.interp = this.active;
  }
}
