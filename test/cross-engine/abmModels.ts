/**
 * Small models for the agent-based engine's tests (shared by test/unit/abm-*.test.ts and the
 * cross-engine test): a YAML body is wrapped with a name, a niche the size of the domain, and a
 * spatial section.
 */
import { compileModel, type CompiledModel } from '../../src/compile/compile.js';
import type { Model } from '../../src/model/model.js';
import { parseModel } from '../../src/model/parse.js';

export interface SmallModelOptions {
  /** Domain extent (um), default [200, 200, 20]. */
  size?: [number, number, number];
  dims?: 2 | 3;
  voxel?: number;
  /** Time steps (min), default 0.1 / 0.1 / 6. */
  dtDiffusion?: number;
  dtMechanics?: number;
  dtPhenotype?: number;
  tEnd?: string;
  outputInterval?: string;
  snapshotInterval?: string;
}

/** Parses a model from the YAML of its cell types, substrates, rules... (top-level keys). */
export function smallModel(body: string, o: SmallModelOptions = {}): Model {
  const size = o.size ?? [200, 200, 20];
  const text = `nichesim: 1
name: abm_test
niche: {volume: ${size[0] * size[1] * size[2]} um^3}
simulation: {t_end: ${o.tEnd ?? '1 day'}, output_interval: ${o.outputInterval ?? '6 h'}}
spatial:
  dims: ${o.dims ?? 2}
  size: [${size[0]} um, ${size[1]} um, ${size[2]} um]
  voxel_size: ${o.voxel ?? 20} um
  dt_diffusion: ${o.dtDiffusion ?? 0.1} min
  dt_mechanics: ${o.dtMechanics ?? 0.1} min
  dt_phenotype: ${o.dtPhenotype ?? 6} min
  snapshot_interval: ${o.snapshotInterval ?? '6 h'}
${body}`;
  return parseModel(text, 'abm-test.yaml').model;
}

export function compileSmall(body: string, o: SmallModelOptions = {}): CompiledModel {
  return compileModel(smallModel(body, o));
}
