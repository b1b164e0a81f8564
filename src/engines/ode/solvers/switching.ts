/**
 * The DOPRI5/Rodas4 pair behind both the public Integrator and the SBML event driver (layer 3):
 * which stepper is active, which one owns the dense output of the last step, and the automatic
 * switch of method 'auto' (Hairer, Solving ODE I, sec. IV.2): DOPRI5 with its stiffness test,
 * to Rodas4 when the test fires; back to DOPRI5 after NONSTIFF_COUNT non-stiff Rodas4 steps.
 */
import { Dopri5Stepper } from './dopri5.js';
import { NONSTIFF_COUNT, Rodas4Stepper } from './rodas4.js';
import type { IntegratorStats, OdeMethod, OdeStepper, OdeSystem, ResolvedIntegratorOptions } from './types.js';

/** Zeroed work counters. */
export function newStats(): IntegratorStats {
  return { rhsEvaluations: 0, jacobianEvaluations: 0, luDecompositions: 0, acceptedSteps: 0, rejectedSteps: 0, methodSwitches: 0 };
}

export abstract class SwitchingSteppers {
  protected dopri: Dopri5Stepper | null = null;
  protected rodas: Rodas4Stepper | null = null;
  /** Stepper used for the next step. */
  protected active: OdeStepper;
  /** Stepper that produced the last accepted step (owner of the dense output). */
  protected interp: OdeStepper;

  /**
   * @param auto whether method 'auto' switches (false for fixed-step runs)
   * @param counters shared work counters, updated by the steppers
   */
  protected constructor(
    method: OdeMethod,
    protected readonly system: OdeSystem,
    protected readonly opts: ResolvedIntegratorOptions,
    protected readonly counters: IntegratorStats,
    protected readonly auto: boolean,
    t0: number,
    y0: Float64Array,
  ) {
    if (method === 'rodas4') {
      this.active = this.getRodas(t0, y0);
    } else {
      const d = this.getDopri(t0, y0);
      d.detectStiffness = auto;
      this.active = d;
    }
    this.interp = this.active;
  }

  protected getDopri(t: number, y: Float64Array): Dopri5Stepper {
    if (!this.dopri) this.dopri = new Dopri5Stepper(this.system, this.opts, this.counters, t, y);
    return this.dopri;
  }

  protected getRodas(t: number, y: Float64Array): Rodas4Stepper {
    if (!this.rodas) {
      this.rodas = new Rodas4Stepper(this.system, this.opts, this.counters, t, y);
      this.rodas.detectNonStiffness = this.auto;
    }
    return this.rodas;
  }

  /** After an accepted step in 'auto' mode: switch method when the detectors say so. */
  protected maybeSwitch(): void {
    const cur = this.active;
    if (cur === this.dopri && this.dopri.isStiff) {
      const r = this.getRodas(cur.t, cur.y);
      r.restart(cur.t, cur.y, cur.h);
      this.active = r;
      this.counters.methodSwitches++;
    } else if (cur === this.rodas && this.rodas.nonStiffCount >= NONSTIFF_COUNT) {
      const d = this.getDopri(cur.t, cur.y);
      d.restart(cur.t, cur.y, cur.h);
      d.detectStiffness = true;
      this.active = d;
      this.counters.methodSwitches++;
    }
  }
}
