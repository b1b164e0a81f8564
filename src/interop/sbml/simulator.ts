/**
 * Time-course simulation of an SBML model with events (layer 5, no Node-only API).
 *
 * Integration: DOPRI5 / Rodas4 / automatic switching (driver.ts). Steps are never shortened for
 * output times, so asking for outputs in one call or in several chunks gives bit-identical values;
 * a step is only cut at an event (trigger crossing or delayed execution), and the integrator is
 * restarted from the post-event state.
 *
 * Events (SBML L3V2 section 4.12 semantics):
 * - after every step the triggers are evaluated at its end; when one has turned from false to true
 *   (or a pending non-persistent event's trigger has turned false), the first crossing time is
 *   located by bisection on the step's dense output, down to adjacent floating-point numbers;
 * - at an event time, triggers that went from false to true schedule their event at t + delay
 *   (assignment values computed now when useValuesFromTriggerTime); then, while events are due,
 *   the one of highest priority (evaluated now) is executed — ties between events that declare a
 *   priority are broken at random (seeded), otherwise by document order — and triggers are
 *   re-evaluated after each execution (cascades, cancellation of non-persistent events);
 * - at t0 a trigger is compared with its initialValue (L2: true, so no firing at t0); the state
 *   reported at t0 is the state after the events at t0.
 * - output at an event time is the post-event state.
 */
import type { IntegratorOptions, OdeMethod } from '../../engines/ode/solvers/types.js';
import { OdeDriver } from './driver.js';
import { SbmlError } from './errors.js';
import { SbmlSystem, type CompiledEvent, type SbmlSystemOptions } from './executable.js';
import { mulberry32 } from './random.js';
import { DelayHistory } from './history.js';

export interface SbmlSimulationOptions extends SbmlSystemOptions {
  /** Integration method (default 'auto'). */
  method?: OdeMethod;
  /** Relative tolerance (default 1e-8). */
  rtol?: number;
  /**
   * Absolute tolerance (default 1e-12), in the units of each state's value as mathematics reads
   * it: amounts of species read as concentrations are scaled by their initial compartment size, so
   * that a tiny compartment does not make the tolerance swallow the dynamics.
   */
  atol?: number;
  /** Largest step (default unbounded). */
  hmax?: number;
  /** Step budget per advance call (default 1e6). */
  maxSteps?: number;
  /** Seed of the random order of simultaneous events of equal priority (default 1). */
  seed?: number;
  /** Most events executed at one time point before the run is declared stuck (default 100000). */
  maxEventsPerTime?: number;
}

export type SbmlRunStatus = 'ok' | 'maxSteps' | 'stepSizeUnderflow' | 'nonFinite' | 'eventLoop';

interface Pending {
  event: CompiledEvent;
  time: number;
  values: Float64Array | null;
  seq: number;
}

/** A stateful time-course simulation. Create, then call advanceTo with non-decreasing times. */
export class SbmlSimulation {
  readonly system: SbmlSystem;
  readonly t0: number;
  status: SbmlRunStatus = 'ok';
  message: string | null = null;
  /** Number of event executions so far. */
  eventCount = 0;
  /** Constraint violations seen at output times (first per constraint). */
  readonly constraintViolations: string[] = [];

  private readonly drv: OdeDriver;
  private readonly y: Float64Array;
  private segEnd: number;
  private eventDue = false;
  private readonly last: Uint8Array;
  private queue: Pending[] = [];
  private seq = 0;
  private readonly rng: () => number;
  private readonly maxSteps: number;
  private readonly maxEventsPerTime: number;
  private lastOut: number;
  private readonly violated = new Set<number>();
  private history: DelayHistory | null = null;
  private readonly interpFn = (t: number, out: Float64Array): void => this.drv.interpolate(t, out);

  constructor(system: SbmlSystem, t0: number, options: SbmlSimulationOptions = {}) {
    this.system = system;
    this.t0 = t0;
    this.rng = mulberry32(options.seed ?? 1);
    this.maxSteps = options.maxSteps ?? 1_000_000;
    this.maxEventsPerTime = options.maxEventsPerTime ?? 100_000;
    this.y = new Float64Array(system.n);
    this.last = new Uint8Array(system.events.length);
    system.events.forEach((e, i) => (this.last[i] = e.initialValue ? 1 : 0));

    system.initialize(t0);
    if (system.algebraicFailure) throw new SbmlError('invalid', `initial values: ${system.algebraicFailure}`);
    if (system.fastFailure) throw new SbmlError('invalid', `initial values: ${system.fastFailure}`);
    if (system.hasDelay) {
      // Before t0 the past is the initial state (before any event at t0).
      this.history = new DelayHistory(system.n);
      system.readState(this.y);
      this.history.setInitial(t0, this.y);
      system.history = this.history;
    }
    this.processEvents(t0);
    system.readState(this.y);
    for (let i = 0; i < system.n; i++) {
      if (!Number.isFinite(this.y[i])) {
        const s = system.stateSymbols[i];
        throw new SbmlError('invalid', `the initial value of '${s?.id ?? i}' is ${this.y[i]} (not a finite number)`, s?.loc);
      }
    }
    const atolBase = options.atol ?? 1e-12;
    const atol = new Float64Array(system.n);
    for (let i = 0; i < system.n; i++) atol[i] = atolBase * system.stateScale[i];
    const integ: IntegratorOptions = { rtol: options.rtol ?? 1e-8, atol, maxSteps: this.maxSteps };
    let hmax = options.hmax ?? Infinity;
    // A step longer than a delay would need the solution inside the step it is computing.
    if (system.hasDelay && Number.isFinite(system.minConstantDelay)) hmax = Math.min(hmax, system.minConstantDelay);
    if (Number.isFinite(hmax)) integ.hmax = hmax;
    this.drv = new OdeDriver(options.method ?? 'auto', system, t0, this.y, integ);
    this.segEnd = t0;
    this.lastOut = t0;
  }

  /** Work counters of the integrator. */
  get stats(): Record<string, number> {
    return { ...this.drv.stats, events: this.eventCount };
  }

  /**
   * Advances to `tOut` and leaves the model's values (system.v) at that time.
   * @returns the run status; on failure the values are NaN.
   */
  advanceTo(tOut: number): SbmlRunStatus {
    if (!(tOut >= this.lastOut)) {
      throw new RangeError(`advanceTo(${tOut}): output times must not decrease (last was ${this.lastOut})`);
    }
    this.lastOut = tOut;
    if (this.status !== 'ok') {
      this.system.v.fill(NaN);
      return this.status;
    }
    let steps = 0;
    const sys = this.system;
    for (;;) {
      if (tOut < this.segEnd || (tOut === this.segEnd && !this.eventDue)) {
        this.drv.interpolate(tOut, this.y);
        sys.load(tOut, this.y);
        this.checkConstraints();
        return 'ok';
      }
      if (this.eventDue) {
        const te = this.segEnd;
        this.drv.interpolate(te, this.y);
        sys.load(te, this.y);
        if (!this.processEvents(te)) return this.fail();
        sys.equilibrate();
        if (sys.fastFailure) {
          this.status = 'nonFinite';
          this.message = `${sys.fastFailure}`;
          return this.fail();
        }
        sys.readState(this.y);
        this.drv.restart(te, this.y);
        this.eventDue = false;
        continue;
      }
      if (steps++ >= this.maxSteps) {
        this.status = 'maxSteps';
        this.message = `step budget of ${this.maxSteps} steps exhausted at t=${this.drv.t}`;
        return this.fail();
      }
      const tClip = this.nextDue();
      const ta = this.segEnd;
      const r = this.drv.step(tClip);
      if (r !== 'accepted') {
        this.status = r;
        this.message = `integration failed at t=${this.drv.t}: ${this.drv.message}${sys.algebraicFailure ? ` (${sys.algebraicFailure})` : ''}${sys.fastFailure ? ` (${sys.fastFailure})` : ''}`;
        return this.fail();
      }
      const tb = this.drv.t;
      this.history?.record(ta, tb, this.interpFn);
      this.y.set(this.drv.y);
      sys.load(tb, this.y);
      if (this.crossing()) {
        this.segEnd = this.bisect(ta, tb);
        this.history?.truncate(this.segEnd);
        this.eventDue = true;
      } else {
        this.updateTriggers();
        this.segEnd = tb;
        if (tb >= tClip) this.eventDue = true;
      }
    }
  }

  private fail(): SbmlRunStatus {
    if (this.status === 'ok') this.status = 'eventLoop';
    this.system.v.fill(NaN);
    return this.status;
  }

  /** Earliest scheduled execution time (Infinity when none). */
  private nextDue(): number {
    let t = Infinity;
    for (const p of this.queue) if (p.time < t) t = p.time;
    return t;
  }

  private hasNonPersistentPending(e: CompiledEvent): boolean {
    if (e.persistent) return false;
    for (const p of this.queue) if (p.event === e) return true;
    return false;
  }

  /**
   * True when, at the currently loaded state, some trigger change requires stopping. With
   * `candidates`, only those events are examined (the bisection follows the events that changed
   * over the step); otherwise all, and the ones that changed are collected in `this.changed`.
   */
  private crossing(candidates: number[] | null = null): boolean {
    const ev = this.system.events;
    if (this.system.fastOffEquilibrium) {
      if (!candidates) this.changed.length = 0;
      return true;
    }
    if (candidates) {
      for (const i of candidates) {
        const cur = ev[i].trigger() !== 0 ? 1 : 0;
        if (cur !== this.last[i] && (cur === 1 || this.hasNonPersistentPending(ev[i]))) return true;
      }
      return false;
    }
    const changed = this.changed;
    changed.length = 0;
    for (let i = 0; i < ev.length; i++) {
      const cur = ev[i].trigger() !== 0 ? 1 : 0;
      if (cur === this.last[i]) continue;
      if (cur === 1 || this.hasNonPersistentPending(ev[i])) changed.push(i);
    }
    return changed.length > 0;
  }
  private readonly changed: number[] = [];

  /** Records the current trigger values (changes that need no action). */
  private updateTriggers(): void {
    const ev = this.system.events;
    for (let i = 0; i < ev.length; i++) this.last[i] = ev[i].trigger() !== 0 ? 1 : 0;
  }

  /**
   * First time in (ta, tb] where a trigger change of the events found at tb (`this.changed`)
   * requires stopping, to adjacent floating-point numbers (bisection on the dense output).
   */
  private bisect(ta: number, tb: number): number {
    let a = ta;
    let b = tb;
    const sys = this.system;
    const candidates = this.changed.slice();
    for (let it = 0; it < 200; it++) {
      const m = a + (b - a) / 2;
      if (m <= a || m >= b) break;
      this.drv.interpolate(m, this.y);
      sys.load(m, this.y);
      if (this.crossing(candidates)) b = m;
      else a = m;
    }
    return b;
  }

  private computeValues(e: CompiledEvent): Float64Array {
    const out = new Float64Array(e.assignments.length);
    for (let k = 0; k < out.length; k++) out[k] = e.assignments[k].value();
    return out;
  }

  private schedule(e: CompiledEvent, t: number): void {
    let delay = 0;
    if (e.delay) {
      delay = e.delay();
      if (!(delay >= 0)) {
        throw new SbmlError('invalid', `event '${e.id}' has a delay of ${delay} at t=${t} (must be >= 0)`, e.loc);
      }
    }
    const values = e.useValuesFromTriggerTime ? this.computeValues(e) : null;
    this.queue.push({ event: e, time: t + delay, values, seq: this.seq++ });
  }

  /**
   * Fires and executes the events due at time t (the model's values must be loaded at t).
   * Returns false when the cascade does not end.
   */
  private processEvents(t: number): boolean {
    const sys = this.system;
    const ev = sys.events;
    if (ev.length === 0) return true;
    let executed = 0;
    for (;;) {
      for (let i = 0; i < ev.length; i++) {
        const e = ev[i];
        const cur = e.trigger() !== 0 ? 1 : 0;
        if (cur === 1 && this.last[i] === 0) this.schedule(e, t);
        else if (cur === 0 && this.last[i] === 1 && !e.persistent) this.queue = this.queue.filter((p) => p.event !== e);
        this.last[i] = cur;
      }
      const ready = this.queue.filter((p) => p.time <= t);
      if (ready.length === 0) return true;
      const chosen = this.choose(ready);
      this.queue.splice(this.queue.indexOf(chosen), 1);
      this.execute(chosen);
      this.eventCount++;
      if (++executed > this.maxEventsPerTime) {
        this.status = 'eventLoop';
        this.message = `more than ${this.maxEventsPerTime} event executions at t=${t}: the events trigger each other without end`;
        return false;
      }
    }
  }

  private choose(ready: Pending[]): Pending {
    if (ready.length === 1) return ready[0];
    let best: Pending[] = [];
    let bestP = -Infinity;
    let anyPriority = false;
    for (const p of ready) {
      let pr = -Infinity;
      if (p.event.priority) {
        anyPriority = true;
        pr = p.event.priority();
        if (Number.isNaN(pr)) pr = -Infinity;
      }
      if (pr > bestP) {
        bestP = pr;
        best = [p];
      } else if (pr === bestP) {
        best.push(p);
      }
    }
    if (best.length === 0) best = ready.slice();
    if (best.length === 1) return best[0];
    if (anyPriority && best.every((p) => p.event.priority !== null)) {
      return best[Math.floor(this.rng() * best.length)];
    }
    best.sort((x, y) => x.seq - y.seq || x.event.index - y.event.index);
    return best[0];
  }

  private execute(p: Pending): void {
    const e = p.event;
    const values = p.values ?? this.computeValues(e);
    this.system.applyAssignments(e.assignments, values);
  }

  private checkConstraints(): void {
    const cs = this.system.constraints;
    for (let i = 0; i < cs.length; i++) {
      if (this.violated.has(i)) continue;
      if (cs[i].check() === 0) {
        this.violated.add(i);
        this.constraintViolations.push(
          `constraint at line ${cs[i].loc.line} is violated at t=${this.system.env.t}${cs[i].message ? `: ${cs[i].message}` : ''}`,
        );
      }
    }
  }
}
