/**
 * Benchmark of the diffusion–decay microenvironment (src/pde): cost of one implicit LOD step.
 *
 * For each case, a random nonnegative field is stepped with dt = 0.01 min (PhysiCell's default
 * dt_diffusion) after a warm-up; each timing repeat runs enough steps to last ≳ 150 ms, and the
 * median of the repeats is reported. Columns:
 * - nsPerVoxelStep: wall time per voxel per step, all substrates together (PhysiCell's reference:
 *   26–33 ns per voxel-step in 2D for 1–5 substrates, 77 ns in 3D, one thread);
 * - nsPerVoxelSubstrateStep: the same divided by the number of substrates;
 * - voxelUpdatesPerSecond: voxel·substrate values advanced by one step per second.
 *
 * Run alone with `npx tsx bench/pde.ts`.
 */
import { createMesh, type MeshDims } from '../src/pde/mesh.js';
import { createMicroenvironment, step, type SubstrateSpec } from '../src/pde/microenvironment.js';

interface BenchCase {
  name: string;
  dims: MeshDims;
  n: number;
  substrates: number;
  dirichletFaces?: boolean;
}

const CASES: BenchCase[] = [
  { name: '2D 50x50, 1 substrate', dims: 2, n: 50, substrates: 1 },
  { name: '2D 50x50, 5 substrates', dims: 2, n: 50, substrates: 5 },
  { name: '2D 200x200, 1 substrate', dims: 2, n: 200, substrates: 1 },
  { name: '2D 200x200, 5 substrates', dims: 2, n: 200, substrates: 5 },
  { name: '2D 200x200, 1 substrate, Dirichlet on 4 faces', dims: 2, n: 200, substrates: 1, dirichletFaces: true },
  { name: '3D 50x50x50, 1 substrate', dims: 3, n: 50, substrates: 1 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/**
 * Measures ns per voxel-step and voxel updates per second of `step` for 2D (50×50, 200×200; 1 and
 * 5 substrates; also with Dirichlet faces) and 3D (50×50×50, 1 substrate) meshes of 20 um voxels,
 * dt = 0.01 min. Returns one row per case:
 * {case, dims, voxels, substrates, nsPerVoxelStep, nsPerVoxelSubstrateStep, voxelUpdatesPerSecond}.
 */
export async function benchPde(): Promise<Array<Record<string, number | string>>> {
  const rows: Array<Record<string, number | string>> = [];
  const dt = 0.01;
  for (const c of CASES) {
    const L = c.n * 20;
    const mesh = createMesh({ xMin: 0, xMax: L, yMin: 0, yMax: L, zMin: 0, zMax: L, dx: 20, dims: c.dims });
    const specs: SubstrateSpec[] = [];
    for (let k = 0; k < c.substrates; k++) {
      specs.push({
        name: `s${k}`,
        diffusionCoefficient: [1e5, 1000, 100, 10, 1][k % 5],
        decayRate: [0.1, 0.01, 0.001, 1, 0][k % 5],
        initialValue: 1,
        dirichlet: c.dirichletFaces
          ? { faces: { xmin: { enabled: true, value: 38 }, xmax: { enabled: true, value: 38 }, ymin: { enabled: true, value: 38 }, ymax: { enabled: true, value: 38 } } }
          : undefined,
      });
    }
    const env = createMicroenvironment(mesh, specs);
    let seed = 12345;
    for (let i = 0; i < env.densities.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      env.densities[i] = seed / 4294967296;
    }
    const voxelSteps = mesh.nVoxels;
    // Warm up (JIT) and size the repeats to ≳ 150 ms each.
    let steps = 1;
    for (;;) {
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) step(env, dt);
      const ms = performance.now() - t0;
      if (ms > 150) break;
      steps = Math.ceil(steps * Math.min(10, Math.max(2, 200 / Math.max(ms, 1))));
    }
    const perStepNs: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) step(env, dt);
      perStepNs.push(((performance.now() - t0) * 1e6) / steps);
      await Promise.resolve(); // let other tasks run between repeats
    }
    const ns = median(perStepNs);
    rows.push({
      case: c.name,
      dims: c.dims,
      voxels: mesh.nVoxels,
      substrates: c.substrates,
      nsPerVoxelStep: Number((ns / voxelSteps).toFixed(2)),
      nsPerVoxelSubstrateStep: Number((ns / (voxelSteps * c.substrates)).toFixed(2)),
      voxelUpdatesPerSecond: Math.round((voxelSteps * c.substrates * 1e9) / ns),
    });
  }
  return rows;
}

if (typeof process !== 'undefined' && process.argv[1] !== undefined && /bench[\\/]pde\.ts$/.test(process.argv[1])) {
  benchPde().then(
    (rows) => console.table(rows),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
