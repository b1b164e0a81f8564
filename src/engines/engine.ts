/**
 * The interface every engine implements (layer 3): the model is data, engines are
 * interchangeable solvers. `simulate()` (src/simulate.ts) is init + advance to the end.
 */
import type { CompiledModel } from '../compile/compile.js';
import type { RunStatus, SimulationResult } from '../results/result.js';

/** Options common to all engines. Times in minutes. */
export interface EngineOptions {
  /** End time (min); defaults to the model's simulation.t_end. */
  tEnd?: number;
  /** Time between output rows (min); defaults to the model's simulation.output_interval. */
  outputInterval?: number;
  /** Seed of every random stream (stochastic engines); recorded in the manifest by all engines. */
  seed?: number;
  /** Filled into the manifest. */
  modelHash?: string;
}

/** A problem an engine finds with a model before it runs. */
export interface EngineIssue {
  severity: 'error' | 'warning';
  message: string;
}

/** A running simulation: a value, no globals; several can run side by side. */
export interface Simulation {
  /** Time (min) up to which output rows have been produced. */
  readonly time: number;
  /** Produces the output rows with time <= tUntil (min). Returns the status; a failure is final. */
  advance(tUntil: number): RunStatus;
  /** The result so far (complete after advance(tEnd) returned 'ok'). */
  result(): SimulationResult;
}

export interface Engine<O extends EngineOptions = EngineOptions> {
  readonly name: string;
  /** What the engine cannot represent in this model. */
  check(model: CompiledModel): EngineIssue[];
  init(model: CompiledModel, options: O): Simulation;
}

/** Most output rows a run may produce (memory guard). */
export const MAX_OUTPUT_ROWS = 1_000_000;

/** The output grid: 0, Δ, 2Δ, … and tEnd itself (min). Throws RangeError for non-positive values. */
export function outputTimes(tEnd: number, interval: number): Float64Array {
  if (!(tEnd > 0) || !Number.isFinite(tEnd)) throw new RangeError(`t_end must be a positive finite time, got ${tEnd} min`);
  if (!(interval > 0) || !Number.isFinite(interval)) throw new RangeError(`output interval must be a positive finite time, got ${interval} min`);
  const n = Math.floor(tEnd / interval + 1e-9);
  if (n > MAX_OUTPUT_ROWS) {
    throw new RangeError(`t_end / output interval gives ${n} output rows (more than ${MAX_OUTPUT_ROWS}); use a longer output interval or a shorter t_end`);
  }
  const times: number[] = [];
  for (let k = 0; k <= n; k++) times.push(k * interval);
  // k·Δ may land a rounding error past tEnd (200 × 0.30000000000000004 = 60.00000000000001):
  // a last time within 1e-9·tEnd of tEnd is tEnd itself, so the run's final row is never lost.
  const last = times.length - 1;
  if (Math.abs(tEnd - times[last]) <= 1e-9 * tEnd) times[last] = tEnd;
  else if (tEnd - times[last] > 1e-9 * tEnd) times.push(tEnd);
  return Float64Array.from(times);
}
