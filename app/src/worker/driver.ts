/**
 * What the engine worker drives: one run, advanced chunk by chunk. Each engine (mean-field,
 * spatial, SBML) has its own driver; the worker loop (engine.worker.ts) only sees this interface.
 */
import type { RunManifest, RunStatus, ColumnInfo, SimulationResult } from '../../../src/results/result.js';
import type { Simulation } from '../../../src/engines/engine.js';
import type { SpaceFrame } from './protocol.js';

/** New output rows: times (min) and one array per column. */
export interface Rows {
  times: Float64Array;
  values: Float64Array[];
}

/** One run under the worker's control. */
export interface Driver {
  readonly columns: ColumnInfo[];
  /** End time (min). */
  readonly tEnd: number;
  /** The engine's warnings about the model. */
  readonly warnings: string[];
  /** Simulated time reached (min). */
  readonly t: number;
  /**
   * Advances one chunk; `speed` scales the chunk (1 = the default chunk).
   * @returns true when the run is over (end time reached or a failure)
   */
  chunk(speed: number): boolean;
  /** Output rows produced since the last call, or null. */
  takeRows(): Rows | null;
  /** The spatial picture now (spatial engine only). */
  frame?(): SpaceFrame;
  /** How the run ended, and its manifest. */
  finish(): { status: RunStatus; message: string | null; manifest: RunManifest };
}

/**
 * Hands out the rows of a core `Simulation` not yet taken. It reads `result()` only when the
 * simulation has produced a new row (its `time` moved), so the cost stays small.
 */
export class RowCursor {
  private taken = 0;
  private lastTime = -Infinity;
  constructor(private readonly sim: Simulation) {}

  /** Rows produced since the last call, or null. */
  take(): Rows | null {
    if (!(this.sim.time > this.lastTime)) return null;
    this.lastTime = this.sim.time;
    return this.sliceFrom(this.sim.result());
  }

  private sliceFrom(r: SimulationResult): Rows | null {
    const n = r.times.length;
    if (n <= this.taken) return null;
    const from = this.taken;
    this.taken = n;
    return { times: r.times.slice(from), values: r.columns.map((c) => r.series[c.name].slice(from)) };
  }
}
