/**
 * Runs the plan of an analysis on the pool and streams results into the store (layer 5, Node).
 *
 * Runs already in the store are skipped (resume). Work is handed out in small batches with a
 * bounded number in flight, the batch size adapting to the measured run time (~25 ms of work
 * per task), so neither the plan nor the results are ever held whole in memory. A failed run
 * (an exception or an engine failure) is stored with its error and the analysis goes on.
 */
import type { Piscina } from 'piscina';
import type { PlannedRun, RunPlan } from '../../analysis/plan.js';
import type { ProgressSink } from './progress.js';
import type { RunOutput, RunRequest, WorkerTask } from './protocol.js';
import type { RunStore, StoredRun } from './store.js';

export interface RunPlanOptions {
  plan: RunPlan;
  store: RunStore;
  pool: Piscina;
  workers: number;
  /** The request sent to a worker for a planned run (model key, all parameter values). */
  request(run: PlannedRun): RunRequest;
  /** The stored row of a run and its output. */
  row(run: PlannedRun, out: RunOutput): StoredRun;
  progress?: ProgressSink | null;
  /** Stops handing out work (runs in flight finish and are stored). */
  signal?: AbortSignal;
  /** Re-run runs stored as failed. */
  retryFailed?: boolean;
  /** Largest batch per task, default 64. */
  maxBatch?: number;
  /** Called after each flushed batch (tests, benchmarks). */
  onFlush?: (done: number) => void;
}

export interface RunPlanSummary {
  total: number;
  /** Runs found complete in the store at start. */
  skipped: number;
  /** Runs made in this session. */
  ran: number;
  /** Runs that failed in this session. */
  failed: number;
  /** Failed runs in the store overall. */
  failedTotal: number;
  interrupted: boolean;
  wallMs: number;
}

export async function runPlan(o: RunPlanOptions): Promise<RunPlanSummary> {
  const t0 = performance.now();
  const { plan, store, pool } = o;
  const total = plan.total;
  const { done, count: skipped } = await store.completed(total, o.retryFailed ?? false);
  const failedBefore = Object.entries(await store.statusCounts())
    .filter(([k]) => k !== 'ok')
    .reduce((s, [, v]) => s + v, 0);
  let next = 0;
  let ran = 0;
  let failed = 0;
  let batch = 1;
  let meanWall = NaN;
  const maxInFlight = Math.max(2, o.workers * 3);
  const maxBatch = o.maxBatch ?? 64;
  let inFlight = 0;
  let writes: Promise<void> = Promise.resolve();
  let lastFlush = performance.now();
  let unflushed = 0;
  let firstError: unknown = null;
  let successes = 0;

  const nextRuns = (): PlannedRun[] => {
    const runs: PlannedRun[] = [];
    while (next < total && runs.length < batch) {
      const id = next++;
      if (!done[id]) runs.push(plan.run(id));
    }
    return runs;
  };

  const progress = () => o.progress?.update(skipped + ran, total, failedBefore + failed);
  progress();

  await new Promise<void>((resolve) => {
    const pump = () => {
      while (!firstError && inFlight < maxInFlight && next < total && !o.signal?.aborted) {
        const runs = nextRuns();
        if (runs.length === 0) break;
        inFlight++;
        const task: WorkerTask = { kind: 'runs', runs: runs.map((r) => o.request(r)) };
        (pool.run(task) as Promise<RunOutput[]>).then(
          (outs) => {
            successes++;
            const rows: StoredRun[] = [];
            let wall = 0;
            outs.forEach((out, i) => {
              rows.push(o.row(runs[i], out));
              wall += out.wallMs;
              if (out.status !== 'ok') failed++;
            });
            ran += outs.length;
            unflushed += outs.length;
            const m = wall / Math.max(1, outs.length);
            meanWall = Number.isNaN(meanWall) ? m : 0.8 * meanWall + 0.2 * m;
            batch = Math.max(1, Math.min(maxBatch, Math.round(25 / Math.max(0.05, meanWall))));
            writes = writes
              .then(() => store.append(rows))
              .then(() => {
                const now = performance.now();
                if (unflushed >= 256 || now - lastFlush > 2000) {
                  store.flush();
                  unflushed = 0;
                  lastFlush = now;
                  o.onFlush?.(skipped + ran);
                }
              })
              .catch((e) => {
                firstError ??= e;
              });
            inFlight--;
            progress();
            finishOrPump();
          },
          (e) => {
            // A worker died on this batch (e.g. out of memory). After the pool has worked at least
            // once, record the batch's runs as failed and go on (piscina replaces the worker);
            // a pool that never worked (a broken installation) stops the analysis instead.
            if (successes === 0) firstError ??= e;
            else {
              const message = `the worker thread failed: ${e instanceof Error ? e.message : String(e)}`;
              const rows = runs.map((r) => o.row(r, { runId: r.runId, status: 'error', error: message, wallMs: 0, endpoints: [] }));
              failed += runs.length;
              ran += runs.length;
              unflushed += runs.length;
              writes = writes.then(() => store.append(rows)).catch((err) => {
                firstError ??= err;
              });
            }
            inFlight--;
            progress();
            finishOrPump();
          },
        );
      }
      finishOrPump(true);
    };
    const finishOrPump = (fromPump = false) => {
      const exhausted = next >= total || o.signal?.aborted || firstError;
      if (inFlight === 0 && exhausted) resolve();
      else if (!fromPump) pump();
    };
    pump();
  });
  await writes;
  store.flush();
  if (firstError) throw firstError;
  o.onFlush?.(skipped + ran);
  const summary: RunPlanSummary = {
    total,
    skipped,
    ran,
    failed,
    failedTotal: failedBefore + failed,
    interrupted: !!o.signal?.aborted && skipped + ran < total,
    wallMs: performance.now() - t0,
  };
  o.progress?.finish(skipped + ran, total, failedBefore + failed);
  return summary;
}
