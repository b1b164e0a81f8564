/**
 * One-call time course of an SBML model on an output grid (layer 5, no Node-only API).
 */
import { readSbml, type SbmlDocument } from './document.js';
import { SbmlError } from './errors.js';
import { SbmlSystem } from './executable.js';
import { SbmlSimulation, type SbmlRunStatus, type SbmlSimulationOptions } from './simulator.js';

/** A variable to report: an SBML id, and for species whether the amount or the concentration. */
export interface SbmlOutputVariable {
  id: string;
  /** Species only; default: the species' value as mathematics reads it (concentration unless hasOnlySubstanceUnits). */
  mode?: 'amount' | 'concentration';
}

export interface SbmlTimeCourseOptions extends SbmlSimulationOptions {
  /** Output times (non-decreasing). The first is the start time. */
  times: ArrayLike<number>;
  /** Variables to report (default: see {@link defaultOutputs}). */
  variables?: Array<string | SbmlOutputVariable>;
}

export interface SbmlTimeCourse {
  status: SbmlRunStatus;
  message: string | null;
  times: Float64Array;
  /** Reported variables, in order, with the mode used for species. */
  variables: Array<{ id: string; kind: string; mode: 'amount' | 'concentration' | 'value' }>;
  /** One series per variable id (same order as `variables`). */
  values: Float64Array[];
  /** Rows computed before a failure (all rows when status is 'ok'); later rows are NaN. */
  rowsDone: number;
  warnings: string[];
  stats: Record<string, number>;
}

/**
 * The variables reported by default: every species (as mathematics reads it), then every
 * compartment and parameter that can change (rules or events), then nothing else.
 */
export function defaultOutputs(system: SbmlSystem, doc: SbmlDocument): SbmlOutputVariable[] {
  const out: SbmlOutputVariable[] = doc.species.map((s) => ({ id: s.id, mode: s.hasOnlySubstanceUnits ? 'amount' : 'concentration' }));
  const assigned = new Set(doc.events.flatMap((e) => e.assignments.map((a) => a.variable)));
  for (const c of doc.compartments) if (!c.constant || assigned.has(c.id)) out.push({ id: c.id });
  for (const p of doc.parameters) if (!p.constant || system.symbols.get(p.id)?.rule || assigned.has(p.id)) out.push({ id: p.id });
  return out;
}

/**
 * Simulates an SBML model (text or parsed document) and samples it on `times`.
 * @throws SbmlError for unreadable or unsupported models and unknown output ids.
 */
export function simulateSbml(model: string | SbmlDocument, options: SbmlTimeCourseOptions): SbmlTimeCourse {
  const doc = typeof model === 'string' ? readSbml(model) : model;
  const times = Float64Array.from(options.times);
  if (times.length === 0) throw new RangeError('simulateSbml: times must not be empty');
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(times[i])) throw new RangeError(`simulateSbml: times[${i}]=${times[i]} is not finite`);
    if (i > 0 && times[i] < times[i - 1]) throw new RangeError(`simulateSbml: times must not decrease (times[${i}]=${times[i]} < ${times[i - 1]})`);
  }
  const system = new SbmlSystem(doc, options);
  const wanted = (options.variables ?? defaultOutputs(system, doc)).map((x) => (typeof x === 'string' ? { id: x } : x));
  const variables = wanted.map((w) => {
    const sym = system.symbols.get(w.id);
    if (!sym) throw new SbmlError('invalid', `output variable '${w.id}' is not an identifier of the model`);
    if (sym.kind === 'species') {
      return { id: w.id, kind: sym.kind, mode: w.mode ?? (sym.hasOnlySubstanceUnits ? 'amount' : 'concentration') } as const;
    }
    return { id: w.id, kind: sym.kind, mode: 'value' } as const;
  });
  const span = times[times.length - 1] - times[0];
  const simOpts: SbmlSimulationOptions = { ...options };
  if (simOpts.hmax === undefined && doc.events.length > 0 && span > 0) simOpts.hmax = span / 50;
  const sim = new SbmlSimulation(system, times[0], simOpts);
  const values = variables.map(() => new Float64Array(times.length));
  const syms = variables.map((x) => system.symbols.get(x.id)!);
  let rowsDone = 0;
  for (let k = 0; k < times.length; k++) {
    if (sim.advanceTo(times[k]) === 'ok') rowsDone = k + 1;
    for (let j = 0; j < variables.length; j++) {
      const m = variables[j].mode;
      const s = syms[j];
      values[j][k] = m === 'amount' ? system.amount(s) : m === 'concentration' ? system.concentration(s) : system.v[s.slot];
    }
  }
  return {
    status: sim.status,
    message: sim.message,
    times,
    variables,
    values,
    rowsDone,
    warnings: [...system.warnings, ...sim.constraintViolations],
    stats: sim.stats,
  };
}

/** `n + 1` evenly spaced times from start to start + duration (the test suite's grid). */
export function uniformGrid(start: number, duration: number, steps: number): Float64Array {
  const out = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) out[i] = start + (duration * i) / steps;
  return out;
}
