/**
 * Run plans (layer 4): the list of runs an analysis makes, computed run by run from the run id
 * (never materialised), so a sweep of millions of runs costs no memory and a resumed sweep
 * regenerates exactly the runs it has not done. Each run has its varied parameter values (base
 * units), its design point, replicate, arm and an independent recorded seed.
 */
import { type Distribution, isBounded, quantile } from './distributions.js';
import { gridDesign, lhsDesign, type MorrisDesign, morrisDesign, randomDesign, saltelliDesign, sobolDesign, type UnitDesign } from './designs.js';
import { deriveSeed } from './rng.js';
import type { ResolvedCohort, ResolvedParameter, ResolvedSensitivity, ResolvedSweep } from './spec.js';

export interface PlannedRun {
  runId: number;
  /** Design point (patient, for cohorts). */
  point: number;
  replicate: number;
  /** Arm index (cohorts) or -1. */
  arm: number;
  /** Design name ('morris' or 'sobol' for sensitivity) or ''. */
  design: string;
  seed: number;
  /** Varied parameter values in base units, in the order of `plan.parameters`. */
  values: Float64Array;
}

export interface RunPlan {
  readonly total: number;
  readonly parameters: ResolvedParameter[];
  /** Arm names (cohorts) or []. */
  readonly arms: string[];
  run(runId: number): PlannedRun;
}

/** Maps a unit-cube point to parameter values. Unbounded distributions use the central 99% for Morris grids. */
function mapPoint(params: ResolvedParameter[], u: Float64Array, out: Float64Array, morris = false): void {
  for (let j = 0; j < params.length; j++) {
    const d: Distribution = params[j].distribution;
    const x = morris && !isBounded(d) ? 0.005 + 0.99 * u[j] : u[j];
    out[j] = quantile(d, x);
  }
}

/** Plan of a sweep: run id = point · replicates + replicate. */
export function sweepPlan(spec: ResolvedSweep): RunPlan {
  const params = spec.parameters;
  const dim = params.length;
  let design: UnitDesign;
  switch (spec.design.kind) {
    case 'grid':
      design = gridDesign(
        params.map((p) => p.levels ?? 3),
        params.map((p) => isBounded(p.distribution)),
      );
      break;
    case 'lhs':
      design = lhsDesign(spec.design.n, dim, spec.seed);
      break;
    case 'sobol':
      design = sobolDesign(spec.design.n, dim);
      break;
    case 'random':
      design = randomDesign(spec.design.n, dim, spec.seed);
      break;
  }
  const R = spec.replicates;
  const u = new Float64Array(dim);
  return {
    total: design.size * R,
    parameters: params,
    arms: [],
    run(runId) {
      const point = Math.floor(runId / R);
      const replicate = runId % R;
      design.point(point, u);
      const values = new Float64Array(dim);
      mapPoint(params, u, values);
      const seed = spec.commonRandomNumbers ? deriveSeed(spec.seed, 0x435246, replicate) : deriveSeed(spec.seed, point, replicate);
      return { runId, point, replicate, arm: -1, design: '', seed, values };
    },
  };
}

export interface SensitivityPlan extends RunPlan {
  morris: MorrisDesign | null;
  /** Run ids [morrisOffset, morrisOffset + morris.size) are the Morris runs. */
  morrisOffset: number;
  sobol: (UnitDesign & { base: number }) | null;
  sobolOffset: number;
}

/** Plan of a sensitivity analysis: the Morris runs (if any) then the Saltelli runs (if any). */
export function sensitivityPlan(spec: ResolvedSensitivity): SensitivityPlan {
  const params = spec.parameters;
  const dim = params.length;
  const morris = spec.morris ? morrisDesign(spec.morris.trajectories, dim, spec.morris.levels, spec.seed) : null;
  const sobol = spec.sobol ? saltelliDesign(spec.sobol.n, dim) : null;
  const mSize = morris?.size ?? 0;
  const u = new Float64Array(dim);
  return {
    total: mSize + (sobol?.size ?? 0),
    parameters: params,
    arms: [],
    morris,
    morrisOffset: 0,
    sobol,
    sobolOffset: mSize,
    run(runId) {
      const values = new Float64Array(dim);
      const seed = deriveSeed(spec.seed, runId);
      if (morris && runId < mSize) {
        morris.point(runId, u);
        mapPoint(params, u, values, true);
        return { runId, point: runId, replicate: 0, arm: -1, design: 'morris', seed, values };
      }
      const i = runId - mSize;
      sobol!.point(i, u);
      mapPoint(params, u, values);
      return { runId, point: i, replicate: 0, arm: -1, design: 'sobol', seed, values };
    },
  };
}

/**
 * Plan of a cohort: run id = patient · arms + arm. A patient has the same parameters and the same
 * seed in every arm (paired comparison; common random numbers for stochastic engines).
 */
export function cohortPlan(spec: ResolvedCohort): RunPlan {
  const params = spec.parameters;
  const dim = params.length;
  const design =
    spec.sampling === 'lhs' ? lhsDesign(spec.patients, dim, spec.seed) : spec.sampling === 'sobol' ? sobolDesign(spec.patients, dim) : randomDesign(spec.patients, dim, spec.seed);
  const A = spec.arms.length;
  const u = new Float64Array(dim);
  return {
    total: spec.patients * A,
    parameters: params,
    arms: spec.arms.map((a) => a.name),
    run(runId) {
      const point = Math.floor(runId / A);
      const arm = runId % A;
      design.point(point, u);
      const values = new Float64Array(dim);
      mapPoint(params, u, values);
      return { runId, point, replicate: 0, arm, design: '', seed: deriveSeed(spec.seed, 0x504154, point), values };
    },
  };
}
