/**
 * The mean-field engine in chunks: each chunk advances 1/200 of the end time (times the speed).
 */
import { compileModel } from '../../../src/compile/compile.js';
import { odeEngine } from '../../../src/engines/ode/engine.js';
import type { Simulation } from '../../../src/engines/engine.js';
import type { Model } from '../../../src/model/model.js';
import { modelHash } from '../../../src/model/parse.js';
import type { ColumnInfo, RunStatus } from '../../../src/results/result.js';
import { type Driver, RowCursor, type Rows } from './driver.js';
import type { RunSettings } from './protocol.js';
import { boundedOutputInterval } from '../state/runLimits.js';

/** Number of chunks of a mean-field run at speed 1. */
export const ODE_CHUNKS = 200;

/** Compiles the model with the run's parameters and starts a mean-field run. @throws CompileError, RangeError */
export function odeDriver(model: Model, settings: RunSettings): Driver {
  const compiled = compileModel(model, settings.parameters);
  const warnings = odeEngine.check(compiled).map((i) => i.message);
  const tEnd = settings.tEnd ?? compiled.tEnd;
  // At most about MAX_PLOT_ROWS rows: a long run gets a longer output interval.
  const outputInterval = settings.outputInterval ?? boundedOutputInterval(model.outputInterval, tEnd);
  const sim: Simulation = odeEngine.init(compiled, { tEnd, outputInterval, seed: settings.seed, modelHash: modelHash(model) });
  const cursor = new RowCursor(sim);
  const columns: ColumnInfo[] = sim.result().columns;
  let reached = 0;
  let status: RunStatus = 'ok';
  return {
    columns,
    tEnd,
    warnings,
    get t() {
      return reached;
    },
    chunk(speed: number): boolean {
      if (status !== 'ok' || reached >= tEnd) return true;
      reached = Math.min(tEnd, reached + (tEnd / ODE_CHUNKS) * speed);
      status = sim.advance(reached);
      return status !== 'ok' || reached >= tEnd;
    },
    takeRows(): Rows | null {
      return cursor.take();
    },
    finish() {
      const r = sim.result();
      return { status: r.status, message: r.message, manifest: r.manifest };
    },
  };
}
