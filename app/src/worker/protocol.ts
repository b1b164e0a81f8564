/**
 * Messages between the app (main thread) and the engine worker. Everything here is
 * structured-cloneable; typed arrays in frames are transferred, not copied.
 *
 * Units: times in minutes, positions and radii in micrometres, concentrations in each substrate's
 * declared unit.
 */
import type { Model } from '../../../src/model/model.js';
import type { ColumnInfo } from '../../../src/results/result.js';

/** One 2D picture of the spatial engine: the agents and one z-slice of every substrate. */
export interface SpaceFrame {
  /** Simulation time (min). */
  time: number;
  /** Domain lower corner and extent in x and y (um). */
  origin: [number, number];
  size: [number, number];
  /** Cell type names and display labels, indexed by `type`. */
  cellTypes: Array<{ name: string; label: string }>;
  /** Number of agents; the arrays below have length n. */
  n: number;
  x: Float32Array;
  y: Float32Array;
  /** Equivalent-sphere radius (um). */
  radius: Float32Array;
  /** Index into cellTypes. */
  type: Uint16Array;
  /** 0 live, 1 apoptotic, 2 necrotic. */
  state: Uint8Array;
  /** The voxel grid of each substrate at the mid z-plane: values flattened [ny][nx], x fastest. */
  substrates: Array<{ name: string; unit: string; nx: number; ny: number; values: Float32Array }>;
}

/** Engine settings of a run. */
export interface RunSettings {
  engine: 'ode' | 'abm';
  /** Parameter values in each parameter's base unit, by name (as `simulate`'s `parameters`). */
  parameters: Record<string, number>;
  seed: number;
  /** End time (min); default the model's. */
  tEnd?: number;
  /** Spatial engine only: 2 (default in the app) or 3. */
  dims?: 2 | 3;
  /** Time between output rows (min); default: the model's (the spatial engine: at most 1/200 of the end time). */
  outputInterval?: number;
  /** Spatial engine only: the complete initial population at given positions (um), e.g. an imported PhysiCell project; the model's initial_number agents are then not placed. */
  agents?: Array<{ type: string; x: number; y: number; z?: number }>;
}

/** An SBML model to run on the SBML time-course simulator (the mean-field integrators). */
export interface SbmlSource {
  text: string;
  file: string;
  /** The model's time unit in seconds (from its unit declarations, else seconds). */
  secondsPerUnit: number;
  /** End time and number of output intervals in model time units (default 100 units in 100 intervals). */
  end: number;
  steps: number;
}

export type ToWorker =
  /** Starts a run (replacing any other); with `paused` it waits for 'step' or 'resume'. */
  | { type: 'start'; runId: number; model: Model; settings: RunSettings; paused?: boolean; speed?: number }
  /** Runs an SBML model (parameters by SBML id; settings.engine is ignored, tEnd overrides sbml.end). */
  | { type: 'start-sbml'; runId: number; sbml: SbmlSource; settings: RunSettings; paused?: boolean; speed?: number }
  | { type: 'pause'; runId: number }
  | { type: 'resume'; runId: number }
  | { type: 'step'; runId: number }
  | { type: 'speed'; runId: number; /** simulated minutes advanced per chunk, relative to the default (1 = default) */ value: number }
  | { type: 'stop'; runId: number };

export type FromWorker =
  | { type: 'started'; runId: number; columns: ColumnInfo[]; tEnd: number; /** the engine's warnings about the model */ warnings: string[] }
  /** New output rows since the last message: times (min) and one array per column, same order as `started.columns`. */
  | { type: 'rows'; runId: number; times: Float64Array; values: Float64Array[]; t: number; tEnd: number; /** computing time so far (ms) */ wallMs?: number }
  | { type: 'frame'; runId: number; frame: SpaceFrame }
  | { type: 'paused'; runId: number; t: number }
  | { type: 'resumed'; runId: number }
  | { type: 'done'; runId: number; status: string; message: string | null; wallMs: number; manifest: unknown }
  | { type: 'error'; runId: number; message: string };
