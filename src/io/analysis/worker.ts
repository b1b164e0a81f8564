/**
 * The worker-thread entry of the analysis pool (layer 5, Node): runs a batch of simulations and
 * returns only their endpoints (a few numbers per run), so results stream back without holding
 * time courses. The models and the shared run settings arrive once per worker as workerData.
 *
 * Loaded by piscina from the compiled worker.js next to pool.js, or from worker.ts through tsx
 * when running from source (tests).
 */
import { workerData } from 'node:worker_threads';
import { extractEndpoints } from '../../analysis/endpoints.js';
import { FitProblem, fitParameters, profileParameter, type FitEstimate, type FitSetup, type ObservedData } from '../../analysis/fit.js';
import type { Model } from '../../model/model.js';
import { simulate, type SimulateOptions } from '../../simulate.js';
import type { PoolSetup, RunOutput, WorkerTask } from './protocol.js';

function setupOf(): PoolSetup {
  const d = workerData as PoolSetup | undefined;
  if (d && typeof d === 'object' && 'runSettings' in d) return d;
  throw new Error('analysis worker: no setup in workerData');
}

let setup: PoolSetup | null = null;

/** Runs one task: a batch of simulations, a likelihood profile, or a bootstrap refit. */
export default function runTask(task: WorkerTask): RunOutput[] | unknown {
  setup ??= setupOf();
  if (task.kind === 'profile') {
    const problem = new FitProblem(task.setup as FitSetup);
    return profileParameter(problem, task.best as FitEstimate, task.index, task.threshold, task.options);
  }
  if (task.kind === 'refit') {
    const problem = new FitProblem(task.setup as FitSetup);
    return fitParameters(problem, { ...task.options, extraStarts: 0 }, task.data as ObservedData, task.start).values;
  }
  const s = setup.runSettings;
  const out: RunOutput[] = [];
  for (const r of task.runs) {
    const model: Model | undefined = setup.models[r.model];
    const t0 = performance.now();
    try {
      if (!model) throw new Error(`no model '${r.model}' in the worker`);
      const result = simulate(model, {
        engine: s.engine as SimulateOptions['engine'],
        parameters: r.parameters,
        tEnd: s.tEnd,
        outputInterval: s.outputInterval,
        seed: r.seed,
        method: s.method,
        rtol: s.rtol,
        modelHash: setup.modelHashes[r.model],
      });
      const values = extractEndpoints(result, s.endpoints);
      out.push({ runId: r.runId, status: result.status, error: result.status === 'ok' ? null : result.message, wallMs: performance.now() - t0, endpoints: values });
    } catch (e) {
      out.push({ runId: r.runId, status: 'error', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), wallMs: performance.now() - t0, endpoints: s.endpoints.map(() => NaN) });
    }
  }
  return out;
}
