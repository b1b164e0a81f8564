/**
 * A one-step driver over nichesim's verified DOPRI5 and Rodas4 steppers (layer 5, no Node-only
 * API), for event location: unlike the public Integrator, it exposes the dense output of the last
 * step at any time inside it (in any order), which root finding on event triggers needs, and steps
 * that end exactly at a clip time (delayed event executions).
 *
 * Method 'auto' switches exactly as the Integrator does (see solvers/integrator.ts): DOPRI5 with
 * Hairer's stiffness test, to Rodas4 when it fires, back when Rodas4 sees 15 non-stiff steps.
 */
import { Dopri5Stepper } from '../../engines/ode/solvers/dopri5.js';
import { resolveOptions } from '../../engines/ode/solvers/integrator.js';
import { NONSTIFF_COUNT, Rodas4Stepper } from '../../engines/ode/solvers/rodas4.js';
import type { IntegratorOptions, IntegratorStats, OdeMethod, OdeStepper, OdeSystem, ResolvedIntegratorOptions } from '../../engines/ode/solvers/types.js';

export type StepOutcome = 'accepted' | 'nonFinite' | 'stepSizeUnderflow' | 'maxSteps';

export class OdeDriver {
  readonly stats: IntegratorStats = {
    rhsEvaluations: 0,
    jacobianEvaluations: 0,
    luDecompositions: 0,
    acceptedSteps: 0,
    rejectedSteps: 0,
    methodSwitches: 0,
  };
  private readonly opts: ResolvedIntegratorOptions;
  private readonly auto: boolean;
  private dopri: Dopri5Stepper | null = null;
  private rodas: Rodas4Stepper | null = null;
  private active: OdeStepper;
  private interp: OdeStepper;
  /** Most rejected attempts in a row before giving up on a step. */
  private readonly maxAttempts: number;
  message = '';

  constructor(method: OdeMethod, private readonly system: OdeSystem, t0: number, y0: Float64Array, options: IntegratorOptions = {}) {
    this.opts = resolveOptions(system.n, options);
    this.auto = method === 'auto';
    this.maxAttempts = this.opts.maxSteps;
    if (method === 'rodas4') {
      this.active = this.getRodas(t0, y0);
    } else {
      const d = this.getDopri(t0, y0);
      d.detectStiffness = this.auto;
      this.active = d;
    }
    this.interp = this.active;
  }

  private getDopri(t: number, y: Float64Array): Dopri5Stepper {
    if (!this.dopri) this.dopri = new Dopri5Stepper(this.system, this.opts, this.stats, t, y);
    return this.dopri;
  }

  private getRodas(t: number, y: Float64Array): Rodas4Stepper {
    if (!this.rodas) {
      this.rodas = new Rodas4Stepper(this.system, this.opts, this.stats, t, y);
      this.rodas.detectNonStiffness = this.auto;
    }
    return this.rodas;
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

  private maybeSwitch(): void {
    const cur = this.active;
    if (cur === this.dopri && this.dopri.isStiff) {
      const r = this.getRodas(cur.t, cur.y);
      r.restart(cur.t, cur.y, cur.h);
      this.active = r;
      this.stats.methodSwitches++;
    } else if (cur === this.rodas && this.rodas.nonStiffCount >= NONSTIFF_COUNT) {
      const d = this.getDopri(cur.t, cur.y);
      d.restart(cur.t, cur.y, cur.h);
      d.detectStiffness = true;
      this.active = d;
      this.stats.methodSwitches++;
    }
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
