/**
 * Benchmark page of the space renderer (app/bench.html, e.g. /bench.html?n=10000&seconds=3):
 * draws a synthetic frame of n agents with small jitter every animation frame for a few
 * seconds and reports the frame rate in the page and as `window.__spaceBench`.
 * Query: n (agents, default 10000), seconds (default 3), width (CSS px, default 720),
 * substrate (0 to disable the heat map).
 */
import { SpaceRenderer } from './renderer.js';
import { jitter, seededUniform, syntheticFrame } from './syntheticFrame.js';

/** The result the bench publishes on `window.__spaceBench`. */
export interface SpaceBenchResult {
  n: number;
  frames: number;
  seconds: number;
  fps: number;
  /** Mean time inside `draw` + jitter per frame (ms): the headroom below the display rate. */
  drawMs: number;
}

declare global {
  interface Window {
    __spaceBench?: SpaceBenchResult;
  }
}

/** Runs the benchmark and resolves with its result. */
export function runSpaceBench(): Promise<SpaceBenchResult> {
  const q = new URLSearchParams(location.search);
  const n = Math.max(0, Math.floor(Number(q.get('n') ?? 10000)) || 0);
  const duration = Math.max(0.5, Number(q.get('seconds') ?? 3) || 3);
  const width = Math.max(100, Number(q.get('width') ?? 720) || 720);
  const substrate = q.get('substrate') === '0' ? null : 'CXCL12';

  const canvas = document.getElementById('bench-canvas') as HTMLCanvasElement;
  const out = document.getElementById('bench-result')!;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${width}px`;
  const renderer = new SpaceRenderer(canvas);
  renderer.setSize(width, width);
  const frame = syntheticFrame(n, 42);
  const rand = seededUniform(7);
  out.textContent = `running: n = ${n} for ${duration} s…`;

  return new Promise((resolve) => {
    let frames = 0;
    let busy = 0;
    let start = -1;
    const tick = (now: number): void => {
      if (start < 0) start = now;
      const t0 = performance.now();
      jitter(frame, rand);
      frame.time += 6;
      renderer.draw(frame, substrate);
      busy += performance.now() - t0;
      frames++;
      const seconds = (now - start) / 1000;
      if (seconds < duration) {
        requestAnimationFrame(tick);
        return;
      }
      const result: SpaceBenchResult = {
        n,
        frames,
        seconds: Number(seconds.toFixed(3)),
        fps: Number(((frames - 1) / seconds).toFixed(1)),
        drawMs: Number((busy / frames).toFixed(2)),
      };
      window.__spaceBench = result;
      out.textContent = `n = ${n}: ${result.fps} frames/s (${frames} frames in ${result.seconds} s; ${result.drawMs} ms per draw)`;
      resolve(result);
    };
    requestAnimationFrame(tick);
  });
}

void runSpaceBench();
