/**
 * The engine worker: runs one simulation at a time in chunks, so the page never blocks. Between
 * chunks it yields to its message queue (pause, step, speed and stop take effect at once), posts
 * the new output rows and, for the spatial engine, a frame at most ~30 times per second.
 * Messages: see protocol.ts.
 */
import { ModelError } from '../../../src/model/diagnostics.js';
import { abmDriver } from './abmDriver.js';
import type { Driver } from './driver.js';
import { frameTransfers } from './frame.js';
import { odeDriver } from './odeDriver.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { sbmlDriver } from './sbmlDriver.js';

/** Shortest time between two frames (ms): about 30 frames per second. */
const FRAME_INTERVAL_MS = 33;

interface Run {
  runId: number;
  driver: Driver;
  running: boolean;
  speed: number;
  /** Wall time spent computing chunks (ms). */
  busyMs: number;
  lastFrame: number;
  over: boolean;
}

const scope = self as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
let run: Run | null = null;

// A MessageChannel yields to the event loop without setTimeout's 4 ms clamp.
const tick = new MessageChannel();
let scheduled = false;
tick.port1.onmessage = () => {
  scheduled = false;
  loop();
};
function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    tick.port2.postMessage(null);
  }
}

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function describe(e: unknown): string {
  if (e instanceof ModelError) return e.message;
  return e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
}

function flush(r: Run, forceFrame: boolean): void {
  const rows = r.driver.takeRows();
  if (rows) post({ type: 'rows', runId: r.runId, times: rows.times, values: rows.values, t: r.driver.t, tEnd: r.driver.tEnd, wallMs: r.busyMs }, [rows.times.buffer as ArrayBuffer, ...rows.values.map((v) => v.buffer as ArrayBuffer)]);
  if (r.driver.frame) {
    const now = performance.now();
    if (forceFrame || now - r.lastFrame >= FRAME_INTERVAL_MS) {
      r.lastFrame = now;
      const frame = r.driver.frame();
      post({ type: 'frame', runId: r.runId, frame }, frameTransfers(frame));
    }
  }
}

/** Runs one chunk of the current run; returns whether the run is over. */
function chunk(r: Run): boolean {
  const t0 = performance.now();
  let over = true;
  try {
    over = r.driver.chunk(r.speed);
  } catch (e) {
    r.busyMs += performance.now() - t0;
    r.over = true;
    post({ type: 'error', runId: r.runId, message: describe(e) });
    run = null;
    return true;
  }
  r.busyMs += performance.now() - t0;
  flush(r, over);
  if (over) finish(r);
  return over;
}

function finish(r: Run): void {
  r.over = true;
  r.running = false;
  const end = r.driver.finish();
  const manifest = { ...end.manifest, wallMs: Math.round(r.busyMs) };
  post({ type: 'done', runId: r.runId, status: end.status, message: end.message, wallMs: r.busyMs, manifest });
}

function loop(): void {
  const r = run;
  if (!r || !r.running || r.over) return;
  if (!chunk(r)) schedule();
}

function start(runId: number, make: () => Driver, paused: boolean, speed: number): void {
  run = null;
  let driver: Driver;
  try {
    driver = make();
  } catch (e) {
    post({ type: 'error', runId, message: describe(e) });
    return;
  }
  const r: Run = { runId, driver, running: !paused, speed, busyMs: 0, lastFrame: -Infinity, over: false };
  run = r;
  post({ type: 'started', runId, columns: driver.columns, tEnd: driver.tEnd, warnings: driver.warnings });
  flush(r, true);
  if (paused) post({ type: 'paused', runId, t: driver.t });
  else schedule();
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'start':
      start(m.runId, () => (m.settings.engine === 'abm' ? abmDriver(m.model, m.settings) : odeDriver(m.model, m.settings)), m.paused ?? false, m.speed ?? 1);
      return;
    case 'start-sbml':
      start(m.runId, () => sbmlDriver(m.sbml, m.settings), m.paused ?? false, m.speed ?? 1);
      return;
  }
  const r = run;
  if (!r || r.runId !== m.runId) return;
  switch (m.type) {
    case 'pause':
      if (r.running) {
        r.running = false;
        post({ type: 'paused', runId: r.runId, t: r.driver.t });
      }
      break;
    case 'resume':
      if (!r.running && !r.over) {
        r.running = true;
        post({ type: 'resumed', runId: r.runId });
        schedule();
      }
      break;
    case 'step':
      if (!r.running && !r.over && !chunk(r)) post({ type: 'paused', runId: r.runId, t: r.driver.t });
      break;
    case 'speed':
      if (Number.isFinite(m.value) && m.value > 0) r.speed = m.value;
      break;
    case 'stop':
      run = null;
      break;
  }
};
