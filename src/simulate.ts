/**
 * The one entry point most callers need (layer 4): `simulate(model, options) -> result`.
 */
import { compileModel } from './compile/compile.js';
import { abmEngine, type AbmEngineOptions } from './engines/abm/engine.js';
import type { SpatialSnapshot } from './engines/abm/snapshot.js';
import type { EngineIssue } from './engines/engine.js';
import { odeEngine, type OdeEngineOptions } from './engines/ode/engine.js';
import type { Model } from './model/model.js';
import { modelHash } from './model/parse.js';
import type { SimulationResult } from './results/result.js';

export interface SimulateOptions extends OdeEngineOptions, AbmEngineOptions {
  /** Engine name: 'ode' (mean-field, default) or 'abm' (agent-based, spatial). */
  engine?: 'ode' | 'abm';
  /** Parameter values in each parameter's base unit, by name. */
  parameters?: Record<string, number>;
  /** Called after each output row when set, with the time reached (min) and the end time (min). */
  onProgress?: (t: number, tEnd: number) => void;
}

/** Engines by name. */
export const ENGINES = { ode: odeEngine, abm: abmEngine } as const;

/**
 * Compiles and runs a model to its end time.
 * @param model a normalised model (parseModel)
 * @param options engine, parameters (base units), times in minutes, tolerances, seed
 * @returns the result (status 'ok', or the failure status with the rows before the failure), the
 *   engine's issues, and for the agent-based engine its snapshots
 * @throws CompileError for parameter values the model cannot take; RangeError for bad options
 */
export function simulate(model: Model, options: SimulateOptions = {}): SimulationResult & { issues: EngineIssue[]; snapshots?: SpatialSnapshot[] } {
  const engineName = options.engine ?? 'ode';
  const engine = ENGINES[engineName];
  if (!engine) throw new RangeError(`unknown engine '${String(engineName)}' (known: ${Object.keys(ENGINES).join(', ')})`);
  const compiled = compileModel(model, options.parameters ?? {});
  const issues = engine.check(compiled);
  const sim = engine.init(compiled, { ...options, modelHash: options.modelHash ?? modelHash(model) });
  const tEnd = options.tEnd ?? compiled.tEnd;
  if (options.onProgress) {
    const step = Math.max(tEnd / 100, options.outputInterval ?? compiled.outputInterval);
    for (let t = step; ; t += step) {
      const status = sim.advance(Math.min(t, tEnd));
      options.onProgress(sim.time, tEnd);
      if (status !== 'ok' || t >= tEnd) break;
    }
  } else sim.advance(tEnd);
  const snapshots = 'snapshots' in sim && typeof sim.snapshots === 'function' ? (sim.snapshots as () => SpatialSnapshot[])() : undefined;
  return snapshots ? { ...sim.result(), issues, snapshots } : { ...sim.result(), issues };
}
