/**
 * Messages between the analysis pool and its workers (layer 5): plain structured-clone data.
 */
import type { EndpointDef } from '../../analysis/endpoints.js';
import type { Model } from '../../model/model.js';

/** Settings shared by every run of an analysis, sent once per worker. */
export interface RunSettings {
  engine: string;
  /** min */
  tEnd: number;
  /** min */
  outputInterval: number;
  method?: 'rodas4' | 'dopri5' | 'auto';
  rtol?: number;
  endpoints: EndpointDef[];
}

export interface PoolSetup {
  /** Models by key ('base', or an arm name for arms with their own dosing). */
  models: Record<string, Model>;
  modelHashes: Record<string, string>;
  runSettings: RunSettings;
}

export interface RunRequest {
  runId: number;
  model: string;
  seed: number;
  /** Every parameter set for this run (base units). */
  parameters: Record<string, number>;
}

export type WorkerTask =
  | { kind: 'runs'; runs: RunRequest[] }
  | { kind: 'profile'; setup: unknown; best: unknown; index: number; threshold: number; options?: { steps?: number; maxEvaluations?: number } }
  | { kind: 'refit'; setup: unknown; data: unknown; start: Float64Array; options?: { maxEvaluations?: number } };

export interface RunOutput {
  runId: number;
  /** 'ok', the engine's failure status, or 'error' (an exception, e.g. an impossible parameter value). */
  status: string;
  error: string | null;
  wallMs: number;
  /** One value per endpoint; null = threshold not reached (censored); NaN = not available. */
  endpoints: Array<number | null>;
}
