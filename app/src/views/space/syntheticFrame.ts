/**
 * A deterministic synthetic SpaceFrame for benchmarks and visual checks: n agents of 5 cell
 * types in a 1000 x 1000 um domain, seeded positions, a few dead cells, and one 50 x 50
 * substrate (a smooth bump).
 */
import { CounterRng } from '../../../../src/random/index.js';
import type { SpaceFrame } from '../../worker/protocol.js';

/** A seeded stream of uniform numbers in [0, 1), from nichesim's counter-based generator. */
export function seededUniform(seed: number): () => number {
  const rng = new CounterRng(seed);
  let k = 0;
  return () => rng.uniform(0, 0, 0, k++);
}

const TYPES = [
  { name: 'MSC', label: 'mesenchymal stromal cell', radius: 9.8 },
  { name: 'M0', label: 'monocyte / M0 macrophage', radius: 7.5 },
  { name: 'M1', label: 'M1 macrophage', radius: 7.5 },
  { name: 'M2', label: 'M2 macrophage (TAM)', radius: 7.5 },
  { name: 'AML_blast', label: 'AML blast', radius: 6 },
];

/** Builds a synthetic frame with `n` agents (seeded; the same seed gives the same frame). */
export function syntheticFrame(n: number, seed = 1, time = 12 * 1440 + 300): SpaceFrame {
  const rand = seededUniform(seed);
  const size: [number, number] = [1000, 1000];
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const radius = new Float32Array(n);
  const type = new Uint16Array(n);
  const state = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Blasts (most agents) cluster around a few foci; the rest are uniform.
    const t = rand() < 0.55 ? 4 : Math.floor(rand() * 4);
    type[i] = t;
    if (t === 4) {
      const focus = Math.floor(rand() * 3);
      const fx = [300, 700, 550][focus];
      const fy = [650, 600, 250][focus];
      const ang = rand() * 2 * Math.PI;
      const d = 180 * Math.sqrt(rand());
      x[i] = Math.min(size[0], Math.max(0, fx + d * Math.cos(ang)));
      y[i] = Math.min(size[1], Math.max(0, fy + d * Math.sin(ang)));
    } else {
      x[i] = rand() * size[0];
      y[i] = rand() * size[1];
    }
    radius[i] = TYPES[t].radius * (0.9 + 0.2 * rand());
    const u = rand();
    state[i] = u < 0.03 ? 1 : u < 0.04 ? 2 : 0;
  }
  const nx = 50;
  const ny = 50;
  const values = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const dx = (i + 0.5) / nx - 0.35;
      const dy = (j + 0.5) / ny - 0.6;
      values[j * nx + i] = 0.05 + 2.4 * Math.exp(-(dx * dx + dy * dy) / 0.04) + 0.02 * Math.sin(i / 3);
    }
  }
  return {
    time,
    origin: [0, 0],
    size,
    cellTypes: TYPES.map(({ name, label }) => ({ name, label })),
    n,
    x,
    y,
    radius,
    type,
    state,
    substrates: [{ name: 'CXCL12', unit: 'ng/mL', nx, ny, values }],
  };
}

/** Moves every agent by a small random step (in place), keeping it in the domain. */
export function jitter(frame: SpaceFrame, rand: () => number, step = 1.5): void {
  const [w, h] = frame.size;
  const { x, y, n } = frame;
  for (let i = 0; i < n; i++) {
    const nx = x[i] + (rand() - 0.5) * 2 * step;
    const ny = y[i] + (rand() - 0.5) * 2 * step;
    x[i] = nx < 0 ? 0 : nx > w ? w : nx;
    y[i] = ny < 0 ? 0 : ny > h ? h : ny;
  }
}
