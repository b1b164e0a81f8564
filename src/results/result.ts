/**
 * The result of one simulation: immutable, self-describing and indexed by name (layer 0).
 *
 * Times are in minutes internally; writers convert to days for people. Series are indexed by
 * column name: cell counts use the cell type's name (cells), dead pools use `<type> (dead)`,
 * substrates use the substrate's name (in its declared unit), derived outputs use their own
 * name (e.g. `M2 fraction`, dimensionless).
 */

/** How a run ended. A run that failed keeps the rows computed before the failure. */
export type RunStatus = 'ok' | 'maxSteps' | 'stepSizeUnderflow' | 'nonFinite' | 'cancelled';

/** What a column holds, so that plots and tables can group and label it. */
export interface ColumnInfo {
  name: string;
  kind: 'cells' | 'dead cells' | 'substrate' | 'output';
  /** Unit label as shown to people, e.g. "cells", "ng/mL", "dimensionless". */
  unit: string;
}

/** Everything needed to reproduce and cite a run. */
export interface RunManifest {
  nichesimVersion: string;
  modelName: string;
  /** SHA-256 (hex) of the canonical JSON of the normalised model. */
  modelHash: string;
  engine: string;
  engineSettings: Record<string, unknown>;
  /** Work counters of the solver (e.g. RHS evaluations, accepted steps), when the engine has them. */
  solverStats?: Record<string, number>;
  seed: number;
  /** Every resolved parameter value, in base units (min, um, ng, nmol, cells). */
  parameters: Record<string, number>;
  /** The same values in the units the model wrote them in, e.g. "0.12 1/day". */
  parametersWritten?: Record<string, string>;
  /** Parameters changed for this run (e.g. with --set), as given. */
  overrides?: Record<string, string>;
  /** Wall-clock duration of the run, ms. */
  wallMs: number;
  /** ISO-8601 start time of the run. */
  startedAt: string;
}

export interface SimulationResult {
  status: RunStatus;
  /** Human-readable explanation when status is not 'ok' (time and state of the failure). */
  message: string | null;
  /** Output times, minutes, shape [nTimes]. */
  times: Float64Array;
  columns: ColumnInfo[];
  /** One series per column name, each shape [nTimes]. */
  series: Record<string, Float64Array>;
  manifest: RunManifest;
}

/** Minutes per day, used wherever results are shown in days. */
export const MINUTES_PER_DAY = 1440;
