/**
 * The spatial engine in chunks of a few mechanics steps, with 2D frames for the Space view.
 *
 * The core's `AbmSimulation.advance(t)` moves from one output row to the next, which for a
 * daily output grid is half a minute of wall time. To keep pause, step and frames responsive, the
 * driver steps the simulation's world itself, never past the next output row, and then lets
 * `advance(rowTime)` record that row. `advance` would have run exactly the same world steps (it
 * steps the world until the row's step count), so the rows are those of `simulate()` with the same
 * settings and seed: runs stay reproducible.
 */
import { compileModel } from '../../../src/compile/compile.js';
import { abmEngine, type AbmSimulation } from '../../../src/engines/abm/engine.js';
import { outputTimes } from '../../../src/engines/engine.js';
import type { Model } from '../../../src/model/model.js';
import { modelHash } from '../../../src/model/parse.js';
import type { RunStatus } from '../../../src/results/result.js';
import { type Driver, RowCursor, type Rows } from './driver.js';
import { spaceFrame } from './frame.js';
import type { RunSettings } from './protocol.js';
import { MAX_PLOT_ROWS } from '../state/runLimits.js';

/** Mechanics steps per chunk at speed 1. */
export const ABM_MECHANICS_STEPS_PER_CHUNK = 5;
/** The app stops a spatial run with more agents than this (the browser's memory). */
export const ABM_MAX_AGENTS = 200_000;

/**
 * The output interval of a spatial run: the given one, else the model's but at most 1/200 of the
 * end time (and at least 1/MAX_PLOT_ROWS of it), as a whole number of mechanics steps (min).
 */
export function abmOutputInterval(model: Model, tEnd: number, given?: number): number {
  if (given !== undefined) return given;
  const dtMech = Math.max(1, Math.round(model.spatial.dtMechanics / model.spatial.dtDiffusion)) * model.spatial.dtDiffusion;
  // At most 1/200 of the end time, and at least 1/MAX_PLOT_ROWS of it (the plot's rows stay bounded).
  const wanted = Math.max(Math.min(model.outputInterval, tEnd / 200), tEnd / MAX_PLOT_ROWS);
  return Number(Math.max(dtMech, Math.floor(wanted / dtMech + 1e-9) * dtMech).toPrecision(12));
}

/** Same rounding as the engine: diffusion steps of length dt that end at or before t. */
function stepsAt(t: number, dt: number): number {
  return Math.floor(t / dt + 1e-9);
}

/** Compiles the model with the run's parameters and starts a spatial run. @throws CompileError, RangeError */
export function abmDriver(model: Model, settings: RunSettings): Driver {
  const compiled = compileModel(model, settings.parameters);
  const warnings = abmEngine.check(compiled).map((i) => i.message);
  const tEnd = settings.tEnd ?? compiled.tEnd;
  const outputInterval = abmOutputInterval(model, tEnd, settings.outputInterval);
  const sim: AbmSimulation = abmEngine.init(compiled, {
    tEnd,
    outputInterval,
    seed: settings.seed,
    dims: settings.dims ?? 2,
    snapshots: false,
    agents: settings.agents,
    // A given agent list is the complete initial population (e.g. an imported PhysiCell project).
    initialAgents: settings.agents === undefined,
    modelHash: modelHash(model),
  });
  const world = sim.world;
  // Rows as `simulate()` gives them: the output grid up to tEnd (advance(tEnd) leaves out a last
  // grid time that rounding put a hair past tEnd).
  const rowTimes = outputTimes(tEnd, outputInterval).filter((t) => t <= tEnd);
  const cursor = new RowCursor(sim);
  const columns = sim.result().columns;
  let nextRow = 1;
  let status: RunStatus = 'ok';
  let failure: string | null = null;
  const over = () => status !== 'ok' || failure !== null || nextRow >= rowTimes.length;
  return {
    columns,
    tEnd,
    warnings,
    get t() {
      return world.time;
    },
    chunk(speed: number): boolean {
      let steps = Math.max(1, Math.round(ABM_MECHANICS_STEPS_PER_CHUNK * speed)) * world.spatial.diffusionPerMechanics;
      while (steps > 0 && !over()) {
        const rowTime = rowTimes[nextRow];
        if (world.diffusionSteps < stepsAt(rowTime, world.dtDiffusion)) {
          world.step();
          steps--;
          if (world.store.n > ABM_MAX_AGENTS) failure = `the number of agents (${world.store.n}) exceeded the app's limit of ${ABM_MAX_AGENTS}; run long spatial simulations with the command line`;
        } else {
          status = sim.advance(rowTime);
          nextRow++;
        }
      }
      // Record a row that is due now, so the end is reported without an extra chunk.
      if (!over() && world.diffusionSteps >= stepsAt(rowTimes[nextRow], world.dtDiffusion)) {
        status = sim.advance(rowTimes[nextRow]);
        nextRow++;
      }
      return over();
    },
    takeRows(): Rows | null {
      return cursor.take();
    },
    frame() {
      return spaceFrame(sim, compiled);
    },
    finish() {
      const r = sim.result();
      if (failure !== null && r.status === 'ok') return { status: 'cancelled' as RunStatus, message: failure, manifest: r.manifest };
      return { status: r.status, message: r.message, manifest: r.manifest };
    },
  };
}
