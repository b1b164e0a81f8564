/**
 * The main thread's side of the engine worker: starts, pauses, steps and stops runs, and
 * gathers the rows the worker streams into a growing table that views read.
 */
import type { ColumnInfo, RunStatus } from '../../../src/results/result.js';
import type { FromWorker, RunSettings, SbmlSource, SpaceFrame, ToWorker } from '../worker/protocol.js';
import type { Model } from '../../../src/model/model.js';

/** Where a run is. */
export type RunPhase = 'idle' | 'running' | 'paused' | 'done' | 'error';

/** Everything known about the current (or last) run. Arrays grow while the run goes on. */
export interface RunData {
  runId: number;
  phase: RunPhase;
  columns: ColumnInfo[];
  /** Output times (min). */
  times: number[];
  /** One array per column, same order as `columns`. */
  series: number[][];
  /** Simulated time reached and end time (min). */
  t: number;
  tEnd: number;
  status: RunStatus | null;
  /** Failure or error text. */
  message: string | null;
  warnings: string[];
  /** Wall time of the computation (ms). */
  wallMs: number;
  manifest: Record<string, unknown> | null;
  settings: RunSettings | null;
  /** Bumped at every change (for throttled views). */
  version: number;
}

function emptyRun(runId: number): RunData {
  return { runId, phase: 'idle', columns: [], times: [], series: [], t: 0, tEnd: 0, status: null, message: null, warnings: [], wallMs: 0, manifest: null, settings: null, version: 0 };
}

/** What a run is started with. */
export type RunRequest = { model: Model; settings: RunSettings } | { sbml: SbmlSource; settings: RunSettings };

/** A worker plus the state of its current run, with subscriptions for views. */
export class RunClient {
  private readonly worker: Worker;
  private nextId = 1;
  private data: RunData = emptyRun(0);
  private frameNow: SpaceFrame | null = null;
  private readonly listeners = new Set<(d: RunData) => void>();
  private readonly frameListeners = new Set<(f: SpaceFrame | null) => void>();
  private readonly doneWaiters = new Map<number, (d: RunData) => void>();
  private startedAt = 0;
  /** Called when a run completes (status 'ok' or a failure with rows). */
  onDone: ((d: RunData) => void) | null = null;

  constructor() {
    this.worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      this.update({ phase: 'error', message: `the engine worker failed: ${e.message || 'unknown error'}` });
    };
  }

  /** The current run (do not mutate). */
  get run(): RunData {
    return this.data;
  }

  /** The latest spatial frame, or null. */
  get frame(): SpaceFrame | null {
    return this.frameNow;
  }

  /** Calls `fn` after every change of the run; returns the unsubscribe function. */
  subscribe(fn: (d: RunData) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls `fn` with every new spatial frame; returns the unsubscribe function. */
  subscribeFrames(fn: (f: SpaceFrame | null) => void): () => void {
    this.frameListeners.add(fn);
    return () => this.frameListeners.delete(fn);
  }

  /** Starts a run (replacing the current one); `paused` waits for step or resume. */
  start(req: RunRequest, opts: { paused?: boolean; speed?: number } = {}): number {
    const runId = this.nextId++;
    this.data = { ...emptyRun(runId), phase: opts.paused ? 'paused' : 'running', settings: req.settings, version: this.data.version + 1 };
    this.frameNow = null;
    this.emitFrame();
    this.startedAt = performance.now();
    const msg: ToWorker = 'sbml' in req
      ? { type: 'start-sbml', runId, sbml: req.sbml, settings: req.settings, paused: opts.paused, speed: opts.speed }
      : { type: 'start', runId, model: req.model, settings: req.settings, paused: opts.paused, speed: opts.speed };
    this.worker.postMessage(msg);
    this.emit();
    return runId;
  }

  /** Runs to the end and resolves with the finished run. */
  runToEnd(req: RunRequest): Promise<RunData> {
    const id = this.start(req);
    return new Promise((resolve) => this.doneWaiters.set(id, resolve));
  }

  /** Pauses a running run (after its current chunk). */
  pause(): void {
    if (this.data.phase === 'running') this.send({ type: 'pause', runId: this.data.runId });
  }

  /** Resumes a paused run. */
  resume(): void {
    if (this.data.phase === 'paused') this.send({ type: 'resume', runId: this.data.runId });
  }

  /** Advances a paused run by one chunk. */
  step(): void {
    if (this.data.phase === 'paused') this.send({ type: 'step', runId: this.data.runId });
  }

  /** Sets the chunk size of the current run (1 = the default chunk). */
  setSpeed(value: number): void {
    this.send({ type: 'speed', runId: this.data.runId, value });
  }

  /**
   * Stops the run and forgets its rows and frame. The idle state gets a fresh run id, so the
   * messages the worker had already posted for the stopped run are ignored.
   */
  reset(): void {
    this.send({ type: 'stop', runId: this.data.runId });
    const w = this.doneWaiters.get(this.data.runId);
    this.doneWaiters.delete(this.data.runId);
    this.data = { ...emptyRun(this.nextId++), version: this.data.version + 1 };
    w?.(this.data);
    this.frameNow = null;
    this.emitFrame();
    this.emit();
  }

  /** Ends the worker. */
  dispose(): void {
    this.worker.terminate();
  }

  private send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private update(patch: Partial<RunData>): void {
    this.data = { ...this.data, ...patch, version: this.data.version + 1 };
    this.emit();
  }

  private emit(): void {
    for (const fn of this.listeners) fn(this.data);
  }

  private emitFrame(): void {
    for (const fn of this.frameListeners) fn(this.frameNow);
  }

  private receive(m: FromWorker): void {
    // Messages of a stopped or replaced run (still in the queue) are ignored.
    if (m.runId !== this.data.runId || this.data.phase === 'idle') return;
    const d = this.data;
    switch (m.type) {
      case 'started':
        this.update({ columns: m.columns, series: m.columns.map(() => []), tEnd: m.tEnd, warnings: m.warnings });
        break;
      case 'rows':
        if (d.series.length !== m.values.length) break;
        for (let i = 0; i < m.times.length; i++) d.times.push(m.times[i]);
        m.values.forEach((v, j) => {
          const s = d.series[j];
          for (let i = 0; i < v.length; i++) s.push(v[i]);
        });
        this.update({ t: m.t, tEnd: m.tEnd, wallMs: m.wallMs ?? performance.now() - this.startedAt });
        break;
      case 'frame':
        this.frameNow = m.frame;
        this.emitFrame();
        break;
      case 'paused':
        this.update({ phase: d.phase === 'done' ? 'done' : 'paused', t: m.t });
        break;
      case 'resumed':
        this.update({ phase: 'running' });
        break;
      case 'done': {
        this.update({ phase: 'done', status: m.status as RunStatus, message: m.message, wallMs: m.wallMs, manifest: m.manifest as Record<string, unknown> });
        this.onDone?.(this.data);
        const w = this.doneWaiters.get(m.runId);
        if (w) {
          this.doneWaiters.delete(m.runId);
          w(this.data);
        }
        break;
      }
      case 'error': {
        this.update({ phase: 'error', message: m.message });
        const w = this.doneWaiters.get(m.runId);
        if (w) {
          this.doneWaiters.delete(m.runId);
          w(this.data);
        }
        break;
      }
    }
  }
}
