/**
 * The mean-field ODE engine (layer 3): integrates MeanFieldSystem with the verified integrators,
 * writes rows on the output grid (independent of internal steps), applies doses as breakpoints,
 * and stops on failure with the time and state named, keeping the rows computed before.
 */
import type { CompiledModel } from '../../compile/compile.js';
import type { ColumnInfo, RunStatus, SimulationResult } from '../../results/result.js';
import { NICHESIM_VERSION } from '../../version.js';
import { type Engine, type EngineIssue, type EngineOptions, outputTimes, type Simulation } from '../engine.js';
import { MeanFieldSystem } from './meanField.js';
import { createIntegrator } from './solvers/integrator.js';
import type { Integrator, OdeMethod } from './solvers/types.js';

export interface OdeEngineOptions extends EngineOptions {
  /** Integration method; default 'rodas4' (the niche couples minute-scale cytokines to day-scale cells: stiff). */
  method?: OdeMethod;
  /** Relative tolerance, default 1e-6. */
  rtol?: number;
  /** Absolute tolerance for cell numbers (cells), default 1e-6. */
  atolCells?: number;
  /** Absolute tolerance for concentrations (substrate units), default 1e-9. */
  atolConcentration?: number;
  /** Step budget per output interval, default 1e6. */
  maxSteps?: number;
}

/** A dose event at a time: bolus amount or a change of infusion rate. */
interface Breakpoint {
  t: number;
  substrate: number;
  bolus: number;
  infusionDelta: number;
}

function breakpoints(model: CompiledModel, tEnd: number): Breakpoint[] {
  const out: Breakpoint[] = [];
  for (const d of model.dosing) {
    const s = model.layout.substrate(d.substrate);
    for (let k = 0; k < d.count; k++) {
      const t0 = d.start + k * d.interval;
      if (t0 > tEnd) break;
      if (d.kind === 'bolus') out.push({ t: t0, substrate: s, bolus: d.amount, infusionDelta: 0 });
      else {
        out.push({ t: t0, substrate: s, bolus: 0, infusionDelta: d.rate });
        out.push({ t: t0 + d.duration, substrate: s, bolus: 0, infusionDelta: -d.rate });
      }
    }
  }
  // Plasma PK: a dose starts or an infusion ends -> the forcing has a kink; restart there.
  for (const p of model.pharmacokinetics) {
    const s = model.layout.substrate(p.substrate);
    for (const a of p.administrations) {
      if (a.start <= tEnd) out.push({ t: a.start, substrate: s, bolus: 0, infusionDelta: 0 });
      if (a.kind === 'infusion' && a.start + a.duration <= tEnd) out.push({ t: a.start + a.duration, substrate: s, bolus: 0, infusionDelta: 0 });
    }
  }
  return out.sort((a, b) => a.t - b.t || a.substrate - b.substrate);
}

/** Column layout of the mean-field output. */
export function meanFieldColumns(model: CompiledModel): ColumnInfo[] {
  return [
    ...model.cellTypes.map((c) => ({ name: c.name, kind: 'cells' as const, unit: 'cells' })),
    ...model.cellTypes.map((c) => ({ name: `${c.name} (dead)`, kind: 'dead cells' as const, unit: 'cells' })),
    ...model.substrates.map((s) => ({ name: s.name, kind: 'substrate' as const, unit: s.unit })),
    ...model.outputs.map((o) => ({ name: o.name, kind: 'output' as const, unit: o.unit })),
  ];
}

class OdeSimulation implements Simulation {
  private readonly system: MeanFieldSystem;
  private readonly integrator: Integrator;
  private readonly times: Float64Array;
  private readonly columns: ColumnInfo[];
  private readonly data: Float64Array[]; // per column, length nTimes
  private readonly events: Breakpoint[];
  private nextEvent = 0;
  private row = 0;
  private status: RunStatus = 'ok';
  private message: string | null = null;
  private readonly y: Float64Array;
  private readonly outVars: Float64Array;
  /** Parameter values in the order of model.outputVariables. */
  private readonly parameterValues: Float64Array;
  private readonly started = Date.now();
  private wallMs = 0;
  private readonly settings: Record<string, unknown>;

  constructor(
    private readonly model: CompiledModel,
    private readonly options: OdeEngineOptions,
  ) {
    const tEnd = options.tEnd ?? model.tEnd;
    this.times = outputTimes(tEnd, options.outputInterval ?? model.outputInterval);
    this.system = new MeanFieldSystem(model);
    const nT = this.system.nT;
    const atol = new Float64Array(this.system.n);
    atol.fill(options.atolCells ?? 1e-6, 0, 3 * nT);
    atol.fill(options.atolConcentration ?? 1e-9, 3 * nT);
    const method = options.method ?? 'rodas4';
    const rtol = options.rtol ?? 1e-6;
    const maxSteps = options.maxSteps ?? 1_000_000;
    this.settings = { method, rtol, atolCells: options.atolCells ?? 1e-6, atolConcentration: options.atolConcentration ?? 1e-9, maxSteps, tEnd, outputInterval: this.times.length > 1 ? this.times[1] - this.times[0] : tEnd };
    this.y = this.system.initialState();
    this.events = breakpoints(model, tEnd);
    // Doses at t = 0 act on the initial state.
    this.applyEventsAt(0);
    this.integrator = createIntegrator(method, this.system, 0, this.y, { rtol, atol, maxSteps });
    this.columns = meanFieldColumns(model);
    this.data = this.columns.map(() => new Float64Array(this.times.length).fill(NaN));
    this.outVars = new Float64Array(model.outputVariables.length);
    this.parameterValues = Float64Array.from(Object.values(model.parameters));
    this.record(0, this.y);
    this.row = 1;
  }

  get time(): number {
    return this.times[this.row - 1];
  }

  /** Applies all events at exactly time t (<= t) to this.y; returns whether any applied. */
  private applyEventsAt(t: number): boolean {
    let any = false;
    while (this.nextEvent < this.events.length && this.events[this.nextEvent].t <= t) {
      const e = this.events[this.nextEvent++];
      const k = 3 * this.system.nT + e.substrate;
      this.y[k] += e.bolus;
      this.system.infusion[e.substrate] += e.infusionDelta;
      if (Math.abs(this.system.infusion[e.substrate]) < 1e-15) this.system.infusion[e.substrate] = 0;
      any = true;
    }
    return any;
  }

  private record(row: number, y: Float64Array): void {
    const nT = this.system.nT;
    const nS = this.system.nS;
    let c = 0;
    for (let i = 0; i < nT; i++) this.data[c++][row] = y[i];
    for (let i = 0; i < nT; i++) this.data[c++][row] = y[nT + i] + y[2 * nT + i];
    for (let s = 0; s < nS; s++) this.data[c++][row] = y[3 * nT + s];
    const v = this.outVars;
    let k = 0;
    for (let i = 0; i < nT; i++) v[k++] = y[i];
    for (let s = 0; s < nS; s++) v[k++] = y[3 * nT + s];
    const pv = this.parameterValues;
    for (let j = 0; j < pv.length; j++) v[k++] = pv[j];
    v[k] = this.times[row];
    for (const o of this.model.outputs) this.data[c++][row] = o.evaluate(v);
  }

  advance(tUntil: number): RunStatus {
    const t0 = Date.now();
    try {
      while (this.status === 'ok' && this.row < this.times.length && this.times[this.row] <= tUntil) {
        const tOut = this.times[this.row];
        // Breakpoints up to and including tOut: integrate exactly to each, apply it, restart.
        while (this.status === 'ok' && this.nextEvent < this.events.length && this.events[this.nextEvent].t <= tOut) {
          const te = this.events[this.nextEvent].t;
          // Always land exactly on the event: stopAt redoes a step that overshot it (taken for
          // an earlier output row), so nothing between that row and the event is lost.
          this.check(this.integrator.stopAt(te, this.y));
          if (this.status !== 'ok') break;
          this.applyEventsAt(te);
          this.integrator.reset(te, this.y);
        }
        if (this.status !== 'ok') break;
        this.check(this.integrator.advanceTo(tOut, this.y));
        if (this.status !== 'ok') break;
        this.record(this.row, this.y);
        this.row++;
      }
    } finally {
      this.wallMs += Date.now() - t0;
    }
    return this.status;
  }

  private check(status: RunStatus): void {
    if (status === 'ok') return;
    this.status = status;
    const f = this.integrator.failure;
    const names = this.system.stateNames();
    const state = f
      ? names.map((n, i) => `${n}=${formatNumber(f.y[i])}`).join(', ')
      : '(state not available)';
    const day = f ? (f.t / 1440).toPrecision(6) : '?';
    this.message = `the ${String(this.settings.method)} integrator stopped (${status}) at t = ${day} day (${f ? f.t.toPrecision(8) : '?'} min): ${f?.message ?? ''}. State: ${state}. Results are kept up to day ${(this.time / 1440).toPrecision(6)}.`;
  }

  result(): SimulationResult {
    const n = this.row;
    const series: Record<string, Float64Array> = {};
    this.columns.forEach((c, i) => (series[c.name] = this.data[i].slice(0, n)));
    return {
      status: this.status,
      message: this.message,
      times: this.times.slice(0, n),
      columns: this.columns,
      series,
      manifest: {
        nichesimVersion: NICHESIM_VERSION,
        modelName: this.model.name,
        modelHash: this.options.modelHash ?? '',
        engine: 'ode',
        engineSettings: { ...this.settings },
        solverStats: { ...this.integrator.stats },
        seed: this.options.seed ?? 0,
        parameters: { ...this.model.parameters },
        wallMs: this.wallMs,
        startedAt: new Date(this.started).toISOString(),
      },
    };
  }
}

function formatNumber(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

/** The mean-field engine. */
export const odeEngine: Engine<OdeEngineOptions> = {
  name: 'ode',
  check(model: CompiledModel): EngineIssue[] {
    return model.notes.map((message) => ({ severity: 'warning' as const, message }));
  },
  init(model: CompiledModel, options: OdeEngineOptions): Simulation {
    return new OdeSimulation(model, options);
  },
};
