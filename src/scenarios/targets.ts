/**
 * Literature targets (layer 4): cited observations the model should reproduce, either a direction
 * (an endpoint rises or falls from one scenario to another) or a value (an endpoint lies in a
 * range). A target is parsed here and evaluated with runs supplied by the caller, so the core
 * stays free of file access.
 */
import type { KnowledgeBase } from '../kb/index.js';
import { type Diagnostic, ModelError, pathToString } from '../model/diagnostics.js';
import { type LocatedDocument, type PathKey, zodIssuesToDiagnostics } from '../model/located.js';
import type { SimulationResult } from '../results/result.js';
import { checkEndpoint, type LocatedModifications, type ScenarioInfo, readLocated } from './compile.js';
import { describeEndpoint, evaluateEndpoint } from './endpoints.js';
import { type EndpointInput, type Reference, type ScenarioRefInput, TargetInput } from './schema.js';

/** One side of a target: a scenario file (relative to the target file) and its modifications. */
export interface ScenarioRef {
  /** The scenario path as written (relative to the target file). */
  scenario: string;
  label: string;
  mods: LocatedModifications;
}

/** A parsed target. */
export interface LoadedTarget {
  input: TargetInput;
  file: string;
  doc: LocatedDocument;
  sides: { baseline?: ScenarioRef; compare?: ScenarioRef; scenario?: ScenarioRef };
}

/** A run of one side: its result and the scenario it came from. */
export interface SideRun {
  result: SimulationResult;
  scenario: ScenarioInfo;
}

/** The outcome of checking a target. */
export interface TargetOutcome {
  id: string;
  title: string;
  kind: 'direction' | 'value';
  file: string;
  observation: string;
  references: Reference[];
  evidence: string[];
  mechanism: string;
  endpoint: string;
  unit: string;
  pass: boolean;
  /** The measured value (the compared scenario's value for a direction target). */
  measured: number;
  /** Direction targets: the baseline value and the relative change (compare - baseline) / |baseline|. */
  baseline?: number;
  relativeChange?: number;
  /** What was expected, in words. */
  expected: string;
  /** The measurement in words. */
  measuredText: string;
  /** Scenario labels: [baseline, compare] or [scenario]. */
  scenarios: string[];
  /** Set when the target could not be evaluated (the run failed, an endpoint is missing). */
  error?: string;
}

/**
 * Parses a target file.
 * @throws ModelError listing every problem (file, line, column)
 */
export function parseTarget(text: string, file: string, kb?: KnowledgeBase): LoadedTarget {
  const doc = readLocated(text, file, 'a target file', 'nichesim_target');
  const parsed = TargetInput.safeParse(doc.data, { reportInput: true });
  if (!parsed.success) {
    throw new ModelError(zodIssuesToDiagnostics(parsed.error.issues, doc, file).map((d) => ({ ...d, hint: d.hint.replace(/see the model-format reference in README\.md/, 'see targets/README.md') })));
  }
  const input = parsed.data;
  const errors: Diagnostic[] = [];
  const at = (path: PathKey[], message: string, hint: string) => {
    const p = doc.locate(path);
    errors.push({ severity: 'error', file, line: p.line, column: p.column, path: pathToString(path), message, hint });
  };
  if (kb) input.evidence.forEach((id, i) => kb.byId.has(id) || at(['evidence', i], `unknown evidence id '${id}'`, 'use an id listed by `nichesim kb`'));
  if (input.kind === 'value' && input.expect.range[0] > input.expect.range[1]) at(['expect', 'range'], 'the range is [high, low]', 'write it as [low, high]');
  const side = (ref: ScenarioRefInput, key: string): ScenarioRef => {
    const r = typeof ref === 'string' ? { scenario: ref } : ref;
    const label = ('label' in r && r.label) || r.scenario.split(/[\\/]/).pop()!.replace(/\.ya?ml$/, '');
    const mods = typeof ref === 'string' ? { set: {}, remove_rules: [] } : { set: ref.set, remove_rules: ref.remove_rules, changes: ref.changes, duration: ref.duration, output_interval: ref.output_interval };
    return { scenario: r.scenario, label, mods: { mods, file, doc, prefix: [key] } };
  };
  const sides = input.kind === 'direction' ? { baseline: side(input.baseline, 'baseline'), compare: side(input.compare, 'compare') } : { scenario: side(input.scenario, 'scenario') };
  if (errors.length) throw new ModelError(errors);
  return { input, file, doc, sides };
}

/** The endpoint a target measures on one side (a name is looked up in that side's scenario). */
function endpointFor(target: LoadedTarget, run: SideRun): EndpointInput {
  const e = target.input.endpoint;
  if (typeof e !== 'string') return e;
  const named = run.scenario.endpoints[e];
  if (!named) throw new Error(`the scenario '${run.scenario.name}' has no endpoint named '${e}' (it has: ${Object.keys(run.scenario.endpoints).join(', ') || 'none'})`);
  return named;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'not measurable' : String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/**
 * Evaluates a target on runs of its sides.
 * @param runs the run of each side by key: baseline and compare, or scenario
 */
export function evaluateTarget(target: LoadedTarget, runs: Partial<Record<'baseline' | 'compare' | 'scenario', SideRun>>): TargetOutcome {
  const t = target.input;
  const base: Omit<TargetOutcome, 'pass' | 'measured' | 'expected' | 'measuredText' | 'endpoint'> = {
    id: t.id,
    title: t.title,
    kind: t.kind,
    file: target.file,
    observation: t.observation,
    references: t.references,
    evidence: t.evidence,
    mechanism: t.mechanism,
    unit: t.unit ?? '',
    scenarios: t.kind === 'direction' ? [target.sides.baseline!.label, target.sides.compare!.label] : [target.sides.scenario!.label],
  };
  const measure = (key: 'baseline' | 'compare' | 'scenario'): { value: number; endpoint: string } => {
    const run = runs[key];
    if (!run) throw new Error(`no run for ${key}`);
    if (run.result.status !== 'ok') throw new Error(`the run of ${target.sides[key]!.label} stopped early (${run.result.status}: ${run.result.message ?? ''})`);
    const ep = endpointFor(target, run);
    const columns = new Set(run.result.columns.map((c) => c.name));
    const problems: string[] = [];
    checkEndpoint(ep, columns, run.scenario.burden, (p, m) => problems.push(`${pathToString(['endpoint', ...p])}: ${m}`));
    if (problems.length) throw new Error(problems.join('; '));
    return { value: evaluateEndpoint(ep, run.result, run.scenario.burden), endpoint: describeEndpoint(ep, run.scenario.burden) };
  };
  try {
    if (t.kind === 'value') {
      const { value, endpoint } = measure('scenario');
      const [lo, hi] = t.expect.range;
      const pass = Number.isFinite(value) && value >= lo && value <= hi;
      return {
        ...base,
        endpoint,
        pass,
        measured: value,
        expected: `${endpoint} in [${fmt(lo)}, ${fmt(hi)}]${t.unit ? ` ${t.unit}` : ''}${t.expect.value !== undefined ? ` (reported ${fmt(t.expect.value)}; ${t.expect.basis})` : ` (${t.expect.basis})`}`,
        measuredText: `${fmt(value)}${t.unit ? ` ${t.unit}` : ''}`,
      };
    }
    const b = measure('baseline');
    const c = measure('compare');
    const change = (c.value - b.value) / Math.abs(b.value);
    const rel = b.value === 0 ? (c.value > 0 ? Infinity : c.value < 0 ? -Infinity : 0) : change;
    const wanted = t.expect === 'increases' ? rel >= t.min_relative_change : rel <= -t.min_relative_change;
    const pass = Number.isFinite(b.value) && Number.isFinite(c.value) && wanted;
    return {
      ...base,
      endpoint: c.endpoint,
      pass,
      measured: c.value,
      baseline: b.value,
      relativeChange: rel,
      expected: `${c.endpoint} ${t.expect} from ${base.scenarios[0]} to ${base.scenarios[1]} by at least ${fmt(100 * t.min_relative_change)}%`,
      measuredText: `${fmt(b.value)} -> ${fmt(c.value)}${t.unit ? ` ${t.unit}` : ''} (${rel >= 0 ? '+' : ''}${fmt(100 * rel)}%)`,
    };
  } catch (e) {
    return { ...base, endpoint: typeof t.endpoint === 'string' ? t.endpoint : describeEndpoint(t.endpoint), pass: false, measured: NaN, expected: '', measuredText: 'not measured', error: e instanceof Error ? e.message : String(e) };
  }
}

/** The citation of a target in one line (first reference, with PMID/DOI). */
export function citationLine(refs: Reference[]): string {
  return refs
    .map((r) => [r.text, r.pmid ? `PMID ${r.pmid}` : '', r.doi ? `doi:${r.doi}` : '', r.pmcid ?? ''].filter(Boolean).join(', '))
    .join('; ');
}
