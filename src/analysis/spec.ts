/**
 * Analysis specs (layer 4): sweep, sensitivity and cohort files (YAML or JSON), validated with zod
 * and resolved against the model, every problem located (file, line, column, field, fix) like the
 * model loader. Reading files and resolving the model path is the caller's job (src/io/analysis).
 *
 * Parameter values in a spec are numbers in the parameter's display unit (the unit its value is
 * written in in the model file, e.g. 1/day) or texts with a unit ('0.1 1/day', '2 ng/mL').
 * Times need a unit ('180 day').
 */
import { z } from 'zod';
import { canonicalJson } from '../model/parse.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { type LocatedDocument, parseLocated, type PathKey, zodIssuesToDiagnostics } from '../model/located.js';
import type { Model } from '../model/model.js';
import { pathToString } from '../model/diagnostics.js';
import { closestNames, didYouMean } from '../units/index.js';
import { ENGINES } from '../simulate.js';
import type { Distribution } from './distributions.js';
import { checkEndpoints, ENDPOINT_FORMS, type EndpointDef, type EndpointStat, parseEndpointText, resultColumns } from './endpoints.js';
import { SpecError } from './errors.js';
import { type DisplayUnit, displayUnit, parseParamValue, parseTimeText } from './values.js';

// ---- source schemas --------------------------------------------------------------------------

const Q = z.union([z.number(), z.string().min(1)]);

export const ParameterSpecInput = z.strictObject({
  distribution: z.enum(['uniform', 'loguniform', 'normal', 'lognormal']).optional().describe('Default: loguniform when the range spans more than a decade, else uniform.'),
  range: z.tuple([Q, Q]).optional().describe("[low, high]; default: the range stored in the model. Truncates normal and lognormal."),
  mean: Q.optional().describe('Normal: mean (default: the model value).'),
  sd: Q.optional().describe('Normal: standard deviation.'),
  median: Q.optional().describe('Lognormal: median (default: the model value).'),
  sigma: z.number().positive().optional().describe('Lognormal: standard deviation of the natural log.'),
  values: z.array(Q).min(1).optional().describe('Explicit values (a grid axis, or equally likely values).'),
  levels: z.number().int().min(1).optional().describe('Grid design: number of levels of this parameter.'),
});

const ParametersInput = z.union([z.array(z.string().min(1)).min(1), z.record(z.string(), ParameterSpecInput.nullable())]);

const EndpointObject = z.strictObject({
  name: z.string().min(1).optional(),
  column: z.string().min(1),
  stat: z.enum(['at', 'final', 'max', 'min', 'mean', 'auc', 'time_to']),
  day: z.number().optional(),
  threshold: z.number().optional(),
  direction: z.enum(['above', 'below']).optional(),
});
const EndpointInput = z.union([z.string().min(1), EndpointObject]);

const SolverInput = z.strictObject({
  method: z.enum(['rodas4', 'dopri5', 'auto']).optional(),
  rtol: z.number().positive().optional(),
});

const common = {
  description: z.string().optional(),
  model: z.string().min(1).describe('Model file, relative to this spec file.'),
  engine: z.string().min(1).default('ode').describe("Engine: 'ode' (mean-field) or any other registered engine."),
  t_end: Q.optional().describe("End time, e.g. '180 day' (default: the model's)."),
  output_interval: Q.optional().describe("Time between output rows, e.g. '1 day' (default: the model's)."),
  seed: z.number().int().min(0).max(4294967295).default(1),
  set: z.record(z.string(), Q).default({}).describe('Parameters fixed for every run.'),
  solver: SolverInput.default({}),
};

export const SweepSpecInput = z.strictObject({
  ...common,
  parameters: ParametersInput,
  design: z.strictObject({
    kind: z.enum(['grid', 'lhs', 'sobol', 'random']),
    n: z.number().int().min(1).optional().describe('Number of points (lhs, sobol, random).'),
    levels: z.number().int().min(1).optional().describe('Grid: levels per parameter (default 3).'),
  }),
  replicates: z.number().int().min(1).default(1),
  common_random_numbers: z.boolean().default(false).describe('Replicate k uses the same seed at every point.'),
  endpoints: z.array(EndpointInput).min(1),
});
export type SweepSpecInput = z.infer<typeof SweepSpecInput>;

export const SensitivitySpecInput = z.strictObject({
  ...common,
  parameters: ParametersInput,
  morris: z.strictObject({ trajectories: z.number().int().min(2).default(20), levels: z.number().int().min(2).default(4) }).optional(),
  sobol: z.strictObject({ n: z.number().int().min(2).describe('Base sample size N (runs: N·(d + 2)).') }).optional(),
  bootstrap: z.strictObject({ resamples: z.number().int().min(0).default(1000), confidence: z.number().gt(0).lt(1).default(0.95) }).default({ resamples: 1000, confidence: 0.95 }),
  endpoints: z.array(EndpointInput).min(1),
});
export type SensitivitySpecInput = z.infer<typeof SensitivitySpecInput>;

export const CohortSpecInput = z.strictObject({
  ...common,
  patients: z.number().int().min(1),
  sampling: z.enum(['random', 'lhs', 'sobol']).default('random'),
  parameters: ParametersInput,
  arms: z.record(
    z.string(),
    z
      .strictObject({
        label: z.string().optional(),
        set: z.record(z.string(), Q).default({}),
        dosing: z.array(z.record(z.string(), z.unknown())).optional().describe("Doses added to the model's dosing, in the model's dosing format."),
      })
      .nullable(),
  ),
  response: z
    .strictObject({
      endpoint: EndpointInput,
      reduction_at_least: z.number().gt(0).max(1).describe('Fractional reduction counted as a response, e.g. 0.5.'),
      relative_to: z.string().default('initial').describe("'initial' (the value at day 0) or the name of an arm (the same patient in that arm)."),
    })
    .optional(),
  event: z
    .strictObject({
      column: z.string().min(1),
      above: z.number().optional(),
      below: z.number().optional(),
      label: z.string().optional(),
    })
    .optional(),
  endpoints: z.array(EndpointInput).default([]),
});
export type CohortSpecInput = z.infer<typeof CohortSpecInput>;

// ---- parsing -----------------------------------------------------------------------------------

export interface ParsedSpec<T> {
  data: T;
  doc: LocatedDocument;
  file: string;
}

/** Parses and validates spec text. @throws SpecError with every problem located */
export function parseSpecText<S extends z.ZodType>(text: string, file: string, schema: S): ParsedSpec<z.infer<S>> {
  const { document, diagnostics } = parseLocated(text, file);
  if (!document) throw new SpecError(diagnostics);
  if (document.data === null || typeof document.data !== 'object' || Array.isArray(document.data)) {
    throw new SpecError([{ severity: 'error', file, line: 1, column: 1, path: '', message: 'an analysis spec must be a mapping with keys such as model, parameters, endpoints', hint: 'start from a spec in analyses/' }]);
  }
  const parsed = schema.safeParse(document.data, { reportInput: true });
  if (!parsed.success) {
    const ds = zodIssuesToDiagnostics(parsed.error.issues, document, file).map((d) =>
      d.hint.includes('model-format reference') ? { ...d, hint: d.hint.replace('the model-format reference in README.md', 'analyses/README.md') } : d,
    );
    throw new SpecError(ds);
  }
  return { data: parsed.data as z.infer<S>, doc: document, file };
}

// ---- resolution ---------------------------------------------------------------------------------

/** A varied parameter: its distribution in base units and its display unit. */
export interface ResolvedParameter {
  name: string;
  distribution: Distribution;
  unit: DisplayUnit;
  /** Grid levels (grid designs only). */
  levels?: number;
}

/** Settings shared by every analysis. */
export interface ResolvedCommon {
  /** The model path as written in the spec (relative to the spec file). */
  modelPath: string;
  engine: string;
  /** min */
  tEnd: number;
  /** min */
  outputInterval: number;
  seed: number;
  /** Fixed parameter values (base units). */
  fixed: Record<string, number>;
  solver: { method?: 'rodas4' | 'dopri5' | 'auto'; rtol?: number };
  endpoints: EndpointDef[];
}

export interface ResolvedSweep extends ResolvedCommon {
  kind: 'sweep';
  parameters: ResolvedParameter[];
  design: { kind: 'grid' | 'lhs' | 'sobol' | 'random'; n: number };
  replicates: number;
  commonRandomNumbers: boolean;
}

export interface ResolvedSensitivity extends ResolvedCommon {
  kind: 'sensitivity';
  parameters: ResolvedParameter[];
  morris: { trajectories: number; levels: number } | null;
  sobol: { n: number } | null;
  bootstrap: { resamples: number; confidence: number };
}

export interface ResolvedArm {
  name: string;
  label: string;
  /** Parameter overrides (base units), on top of the spec's `set`. */
  set: Record<string, number>;
  /** Extra doses in the model's source format (normalised by the caller, who can read files). */
  dosing: Array<Record<string, unknown>>;
}

export interface ResolvedCohort extends ResolvedCommon {
  kind: 'cohort';
  patients: number;
  sampling: 'random' | 'lhs' | 'sobol';
  parameters: ResolvedParameter[];
  arms: ResolvedArm[];
  response: { endpoint: string; reductionAtLeast: number; relativeTo: string; initialEndpoint: string | null } | null;
  event: { endpoint: string; column: string; threshold: number; direction: 'above' | 'below'; label: string } | null;
}

class Collector {
  readonly ds: Diagnostic[] = [];
  constructor(
    private readonly doc: LocatedDocument,
    private readonly file: string,
  ) {}
  err(path: PathKey[], message: string, hint: string, key = false): void {
    const at = this.doc.locate(path, key);
    this.ds.push({ severity: 'error', file: this.file, line: at.line, column: at.column, path: pathToString(path), message, hint });
  }
  throwIfAny(): void {
    if (this.ds.length > 0) throw new SpecError(this.ds);
  }
}

function paramValue(c: Collector, model: Model, name: string, input: number | string, path: PathKey[]): number | null {
  const p = model.parameters[name];
  const r = parseParamValue(p, input);
  if ('error' in r) {
    c.err(path, r.error, `write a number in ${displayUnit(p).label || 'dimensionless units'} or a value with a unit`);
    return null;
  }
  return r.value;
}

function unknownParameter(c: Collector, model: Model, name: string, path: PathKey[]): boolean {
  if (model.parameters[name]) return false;
  const dym = didYouMean(closestNames(name, Object.keys(model.parameters)));
  c.err(path, `the model has no parameter '${name}'`, dym || `known parameters: ${Object.keys(model.parameters).slice(0, 12).join(', ')}, …`, true);
  return true;
}

function resolveSet(c: Collector, model: Model, set: Record<string, number | string>, path: PathKey[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(set)) {
    if (unknownParameter(c, model, name, [...path, name])) continue;
    const x = paramValue(c, model, name, v, [...path, name]);
    if (x !== null) out[name] = x;
  }
  return out;
}

function resolveParameters(
  c: Collector,
  model: Model,
  input: string[] | Record<string, z.infer<typeof ParameterSpecInput> | null>,
  fixed: Record<string, number>,
): ResolvedParameter[] {
  const entries: Array<[string, z.infer<typeof ParameterSpecInput>, PathKey[]]> = Array.isArray(input)
    ? input.map((n, i) => [n, {}, ['parameters', i]])
    : Object.entries(input).map(([n, s]) => [n, s ?? {}, ['parameters', n]]);
  const out: ResolvedParameter[] = [];
  const seen = new Set<string>();
  for (const [name, s, path] of entries) {
    if (unknownParameter(c, model, name, path)) continue;
    if (seen.has(name)) {
      c.err(path, `parameter '${name}' is listed twice`, 'list each parameter once');
      continue;
    }
    seen.add(name);
    if (name in fixed) c.err(path, `parameter '${name}' is both varied and fixed in set:`, 'remove it from one of the two');
    const p = model.parameters[name];
    const unit = displayUnit(p);
    const v = (q: number | string, k: PathKey[]) => paramValue(c, model, name, q, [...path, ...k]);
    if (s.values) {
      if (s.distribution || s.range || s.mean !== undefined || s.sd !== undefined || s.median !== undefined || s.sigma !== undefined) {
        c.err(path, `parameter '${name}': values: lists the values; it cannot be combined with a distribution or range`, 'keep either values: or the distribution fields');
        continue;
      }
      const vals = s.values.map((q, i) => v(q, ['values', i]));
      if (vals.some((x) => x === null)) continue;
      out.push({ name, distribution: { kind: 'discrete', values: vals as number[] }, unit, levels: s.levels ?? vals.length });
      continue;
    }
    let range: [number, number] | null = null;
    if (s.range) {
      const lo = v(s.range[0], ['range', 0]);
      const hi = v(s.range[1], ['range', 1]);
      if (lo === null || hi === null) continue;
      if (!(lo < hi)) {
        c.err([...path, 'range'], `parameter '${name}': the range must have low < high`, 'swap or correct the two values');
        continue;
      }
      range = [lo, hi];
    } else range = p.range;
    const kind = s.distribution ?? (range && range[0] > 0 && range[1] / range[0] > 10 ? 'loguniform' : 'uniform');
    let dist: Distribution;
    if (kind === 'uniform' || kind === 'loguniform') {
      if (!range) {
        c.err(path, `parameter '${name}': the model stores no range for it`, 'give range: [low, high] or a normal/lognormal distribution', !Array.isArray(input));
        continue;
      }
      if (kind === 'loguniform' && !(range[0] > 0)) {
        c.err([...path, s.range ? 'range' : 'distribution'], `parameter '${name}': a loguniform distribution needs a positive low end (the range starts at ${range[0] / unit.factor})`, 'use distribution: uniform, or give a range with a positive low end');
        continue;
      }
      dist = { kind, lo: range[0], hi: range[1] };
    } else if (kind === 'normal') {
      const mean = s.mean !== undefined ? v(s.mean, ['mean']) : p.value;
      if (s.sd === undefined) {
        c.err(path, `parameter '${name}': a normal distribution needs sd`, `add sd: e.g. ${(0.2 * Math.abs(p.value)) / unit.factor}`);
        continue;
      }
      const sd = v(s.sd, ['sd']);
      if (mean === null || sd === null) continue;
      if (!(sd > 0)) {
        c.err([...path, 'sd'], 'sd must be positive', 'give a positive standard deviation');
        continue;
      }
      dist = s.range && range ? { kind, mean, sd, lo: range[0], hi: range[1] } : { kind, mean, sd };
    } else {
      const median = s.median !== undefined ? v(s.median, ['median']) : p.value;
      if (s.sigma === undefined) {
        c.err(path, `parameter '${name}': a lognormal distribution needs sigma (standard deviation of ln)`, 'add sigma: e.g. 0.3');
        continue;
      }
      if (median === null) continue;
      if (!(median > 0)) {
        c.err(path, `parameter '${name}': the lognormal median must be positive`, 'give median: a positive value');
        continue;
      }
      dist = s.range && range ? { kind, median, sigma: s.sigma, lo: range[0], hi: range[1] } : { kind, median, sigma: s.sigma };
    }
    out.push({ name, distribution: dist, unit, levels: s.levels });
  }
  if (out.length === 0 && c.ds.length === 0) c.err(['parameters'], 'no parameters to vary', 'list at least one parameter');
  return out;
}

function resolveEndpointInput(c: Collector, input: z.infer<typeof EndpointInput>, path: PathKey[]): EndpointDef | null {
  if (typeof input === 'string') {
    const e = parseEndpointText(input);
    if ('error' in e) {
      c.err(path, e.error, ENDPOINT_FORMS);
      return null;
    }
    return e;
  }
  const stat = input.stat as EndpointStat;
  if (stat === 'at' && input.day === undefined) c.err(path, "stat 'at' needs day:", 'add day: e.g. 180');
  if (stat === 'time_to' && input.threshold === undefined) c.err(path, "stat 'time_to' needs threshold:", 'add threshold: (in the unit of the column)');
  const name = input.name ?? (stat === 'at' ? `${input.column} at day ${input.day}` : stat === 'time_to' ? `time to ${input.column} ${input.direction === 'below' ? '<=' : '>='} ${input.threshold}` : `${stat} ${input.column}`);
  return { name, column: input.column, stat, day: input.day, threshold: input.threshold, direction: input.direction ?? 'above' };
}

function resolveCommon(c: Collector, data: z.infer<z.ZodObject<typeof common>> & { endpoints: Array<z.infer<typeof EndpointInput>> }, model: Model): ResolvedCommon {
  if (!(data.engine in ENGINES)) c.err(['engine'], `unknown engine '${data.engine}'`, `known engines: ${Object.keys(ENGINES).join(', ')}`);
  let tEnd = model.tEnd;
  if (data.t_end !== undefined) {
    const r = parseTimeText(data.t_end);
    if ('error' in r) c.err(['t_end'], r.error, "write e.g. t_end: '180 day'");
    else tEnd = r.value;
  }
  let outputInterval = Math.min(model.outputInterval, tEnd);
  if (data.output_interval !== undefined) {
    const r = parseTimeText(data.output_interval);
    if ('error' in r) c.err(['output_interval'], r.error, "write e.g. output_interval: '1 day'");
    else outputInterval = r.value;
  }
  const fixed = resolveSet(c, model, data.set, ['set']);
  const endpoints: EndpointDef[] = [];
  data.endpoints.forEach((e, i) => {
    const d = resolveEndpointInput(c, e, ['endpoints', i]);
    if (d) endpoints.push(d);
  });
  for (const p of checkEndpoints(endpoints, resultColumns(model), tEnd / 1440)) c.err(['endpoints', p.index], p.message, p.hint);
  for (const e of endpoints) if (model.parameters[e.name]) c.err(['endpoints'], `endpoint name '${e.name}' is also a parameter name`, 'rename the endpoint (name: ...)');
  return { modelPath: data.model, engine: data.engine, tEnd, outputInterval, seed: data.seed, fixed, solver: { ...data.solver }, endpoints };
}

/** Maximum runs of one analysis (a guard against a typo such as levels: 100 over 8 parameters). */
export const MAX_RUNS = 50_000_000;

/** Resolves a sweep spec against its model. @throws SpecError */
export function resolveSweep(parsed: ParsedSpec<SweepSpecInput>, model: Model): ResolvedSweep {
  const c = new Collector(parsed.doc, parsed.file);
  const d = parsed.data;
  const base = resolveCommon(c, d, model);
  const parameters = resolveParameters(c, model, d.parameters, base.fixed);
  let n = 0;
  if (d.design.kind === 'grid') {
    if (d.design.n !== undefined) c.err(['design', 'n'], 'a grid has no n: its size is the product of the levels', 'give design.levels (per parameter) or levels: / values: under a parameter');
    n = 1;
    for (const p of parameters) {
      p.levels = p.levels ?? d.design.levels ?? 3;
      n *= p.levels;
    }
  } else {
    const kindName = { lhs: 'a Latin-hypercube', sobol: "a Sobol'", random: 'a random' }[d.design.kind];
    if (d.design.n === undefined) c.err(['design'], `${kindName} design needs n (the number of points)`, 'add n: e.g. 256');
    if (d.design.levels !== undefined) c.err(['design', 'levels'], `levels applies to grid designs only`, 'remove it');
    n = d.design.n ?? 0;
  }
  if (n * d.replicates > MAX_RUNS) c.err(['design'], `the sweep would have ${n * d.replicates} runs (limit ${MAX_RUNS})`, 'use fewer levels, points or replicates');
  c.throwIfAny();
  return { ...base, kind: 'sweep', parameters, design: { kind: d.design.kind, n }, replicates: d.replicates, commonRandomNumbers: d.common_random_numbers };
}

/** Resolves a sensitivity spec against its model. @throws SpecError */
export function resolveSensitivity(parsed: ParsedSpec<SensitivitySpecInput>, model: Model): ResolvedSensitivity {
  const c = new Collector(parsed.doc, parsed.file);
  const d = parsed.data;
  const base = resolveCommon(c, d, model);
  const parameters = resolveParameters(c, model, d.parameters, base.fixed);
  if (!d.morris && !d.sobol) c.err([], 'no method: give morris: and/or sobol:', 'add e.g. morris: {trajectories: 20} or sobol: {n: 256}');
  if (d.morris && d.morris.levels % 2 !== 0) c.err(['morris', 'levels'], 'Morris levels must be even (so that Δ = p / (2 (p - 1)) stays on the grid)', 'use 4, 6 or 8');
  for (const p of parameters) if (p.distribution.kind === 'discrete') c.err(['parameters', p.name], 'sensitivity analysis needs a distribution or range, not a list of values', 'replace values: by range: [low, high]');
  if (d.sobol && 2 * parameters.length > 1024) c.err(['parameters'], 'at most 512 parameters for Sobol indices', 'vary fewer parameters');
  c.throwIfAny();
  return { ...base, kind: 'sensitivity', parameters, morris: d.morris ?? null, sobol: d.sobol ?? null, bootstrap: d.bootstrap };
}

/** Resolves a cohort spec against its model. @throws SpecError */
export function resolveCohort(parsed: ParsedSpec<CohortSpecInput>, model: Model): ResolvedCohort {
  const c = new Collector(parsed.doc, parsed.file);
  const d = parsed.data;
  const base = resolveCommon(c, d, model);
  const parameters = resolveParameters(c, model, d.parameters, base.fixed);
  const arms: ResolvedArm[] = [];
  const armNames = Object.keys(d.arms);
  if (armNames.length === 0) c.err(['arms'], 'a cohort needs at least one arm', 'add e.g. arms: {baseline: {}}');
  for (const [name, a] of Object.entries(d.arms)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) c.err(['arms', name], `the arm name '${name}' is not allowed: a name must start with a letter and contain only letters, digits and _`, 'rename the arm', true);
    const set = resolveSet(c, model, a?.set ?? {}, ['arms', name, 'set']);
    for (const k of Object.keys(set)) if (parameters.some((p) => p.name === k)) c.err(['arms', name, 'set', k], `'${k}' is sampled per patient; an arm cannot also set it`, 'remove it from parameters: or from the arm');
    arms.push({ name, label: a?.label ?? name, set, dosing: a?.dosing ?? [] });
  }
  let response: ResolvedCohort['response'] = null;
  let event: ResolvedCohort['event'] = null;
  const endpoints = [...base.endpoints];
  const addEndpoint = (e: EndpointDef) => {
    const same = endpoints.find((x) => x.name === e.name);
    if (!same) endpoints.push(e);
    return e.name;
  };
  const columns = resultColumns(model);
  if (d.response) {
    const e = resolveEndpointInput(c, d.response.endpoint, ['response', 'endpoint']);
    if (e) {
      for (const p of checkEndpoints([e], columns, base.tEnd / 1440)) c.err(['response', 'endpoint'], p.message, p.hint);
      const rel = d.response.relative_to;
      let initialEndpoint: string | null = null;
      if (rel === 'initial') {
        if (e.stat === 'time_to') c.err(['response', 'endpoint'], 'a response relative to the initial value needs a value endpoint, not a time', "write e.g. endpoint: 'AML_blast at day 90'");
        initialEndpoint = addEndpoint({ name: `${e.column} at day 0`, column: e.column, stat: 'at', day: 0 });
      } else if (!armNames.includes(rel)) c.err(['response', 'relative_to'], `relative_to '${rel}' is neither 'initial' nor an arm`, `use 'initial' or one of: ${armNames.join(', ')}`);
      response = { endpoint: addEndpoint(e), reductionAtLeast: d.response.reduction_at_least, relativeTo: rel, initialEndpoint };
    }
  }
  if (d.event) {
    const ev = d.event;
    if ((ev.above === undefined) === (ev.below === undefined)) c.err(['event'], 'give exactly one of above: or below: (the burden threshold)', 'e.g. event: {column: AML_blast, above: 5000}');
    else {
      const direction = ev.above !== undefined ? 'above' : 'below';
      const threshold = (ev.above ?? ev.below) as number;
      const e: EndpointDef = { name: `time to ${ev.column} ${direction === 'above' ? '>=' : '<='} ${threshold}`, column: ev.column, stat: 'time_to', threshold, direction };
      for (const p of checkEndpoints([e], columns, base.tEnd / 1440)) c.err(['event', 'column'], p.message, p.hint);
      event = { endpoint: addEndpoint(e), column: ev.column, threshold, direction, label: ev.label ?? `time to ${ev.column} ${direction === 'above' ? '≥' : '≤'} ${threshold}` };
    }
  }
  if (!d.response && !d.event && base.endpoints.length === 0) c.err([], 'nothing to report: give response:, event: or endpoints:', 'add e.g. event: {column: AML_blast, above: 5000}');
  if (d.patients * armNames.length > MAX_RUNS) c.err(['patients'], `the cohort would have ${d.patients * armNames.length} runs (limit ${MAX_RUNS})`, 'use fewer patients');
  c.throwIfAny();
  return { ...base, endpoints, kind: 'cohort', patients: d.patients, sampling: d.sampling, parameters, arms, response, event };
}

/** A stable identity of a resolved analysis (with the model hash): equal specs give equal text. */
export function specIdentity(resolved: ResolvedSweep | ResolvedSensitivity | ResolvedCohort, modelHash: string): string {
  return canonicalJson({ resolved, modelHash });
}
