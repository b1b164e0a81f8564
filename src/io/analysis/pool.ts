/**
 * The worker-thread pool of the analysis commands (layer 5, Node): piscina running worker.js
 * (compiled) or worker.ts (from source, through tsx's loader), one thread per core by default.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { PoolSetup } from './protocol.js';

/** The worker file and the Node options it needs: worker.js next to this module, or worker.ts with tsx. */
export function workerEntry(): { filename: string; execArgv: string[]; source: boolean } {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  if (here.endsWith('.ts')) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { filename: join(dir, 'worker.ts'), execArgv: ['--import', pathToFileURL(tsx).href], source: true };
  }
  const js = join(dir, 'worker.js');
  if (!existsSync(js)) throw new Error(`nichesim: the analysis worker ${js} is missing (rebuild with npm run build)`);
  return { filename: js, execArgv: [], source: false };
}

/** Default number of workers: the cores available to this process. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Starts a pool of `workers` threads, each given `setup` once. Close it with `pool.destroy()`. */
export function createAnalysisPool(setup: PoolSetup, workers: number = defaultWorkers()): Piscina {
  const entry = workerEntry();
  return new Piscina({
    filename: entry.filename,
    execArgv: entry.execArgv,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    workerData: setup,
    // Tasks are short and many: keep the queue unbounded, the runner bounds the work in flight.
  });
}
