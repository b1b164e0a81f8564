/**
 * Scenario -> ordinary nichesim model (layer 4).
 *
 * A scenario names a base model (which may `extends` others), adds interventions from the
 * library (each a drug substrate, its PK and its effect rules, plus any mechanism the base model
 * lacks), changes parameters and rules, and sets the duration. The result is model data that goes
 * through the same schema and normaliser as a model file, so both engines run it and every error
 * is reported at the file and line it came from (scenario, intervention or model file).
 *
 * The core reads no files: callers pass a `FileReader` and the parsed intervention library.
 */
import { CompileError, compileModel } from '../compile/compile.js';
import type { KnowledgeBase } from '../kb/index.js';
import { type Diagnostic, ModelError, pathToString } from '../model/diagnostics.js';
import { type LocatedDocument, parseLocated, type PathKey, zodIssuesToDiagnostics } from '../model/located.js';
import type { Model } from '../model/model.js';
import { normalizeModel } from '../model/normalize.js';
import { OverrideError, overrideWarnings, parseOverrides } from '../model/overrides.js';
import type { LoadedModel } from '../model/parse.js';
import { ModelInput } from '../model/schema.js';
import { behaviourKey, resolveBehaviour } from '../vocabulary/behaviours.js';
import { resolveSignal, signalKey } from '../vocabulary/signals.js';
import { Composition, isPlainObject, type Layer, subLayer } from './layers.js';
import {
  type Administration,
  expandSchedule,
  fmtDays,
  infusionOverlaps,
  MIN_PER_DAY,
  readDose,
  readTime,
  type RegimenLine,
  ScheduleError,
} from './schedule.js';
import {
  type EndpointInput,
  FRAGMENT_KEYS,
  isCombination,
  InterventionInput,
  type Reference,
  type RuleSelector,
  ScenarioInput,
  type ScenarioInterventionInput,
} from './schema.js';

/** Reads a file named relative to another file; returns its text and resolved name. @throws Error */
export type FileReader = (relativePath: string, fromFile: string) => { text: string; file: string };

/** A parsed intervention file. */
export interface LoadedIntervention {
  input: InterventionInput;
  file: string;
  doc: LocatedDocument;
}

/** The intervention library by name. */
export type InterventionLibrary = ReadonlyMap<string, LoadedIntervention>;

/** Changes a scenario or a target makes: parameter overrides, removed rules, inline model changes. */
export interface Modifications {
  set: Record<string, number | string>;
  remove_rules: RuleSelector[];
  changes?: Record<string, unknown>;
  duration?: number | string;
  output_interval?: number | string;
}

/** A source of modifications and where they are written (for messages). */
export interface LocatedModifications {
  mods: Modifications;
  file: string;
  doc: LocatedDocument;
  /** Path of the modifications object in `doc` (e.g. ['baseline'] in a target file). */
  prefix: PathKey[];
}

/** One administration as scheduled, for reports. */
export interface ScheduledDose {
  intervention: string;
  drug: string;
  route: string;
  /** Start (day). */
  day: number;
  /** Duration (day), 0 for a bolus. */
  durationDays: number;
  dose: string;
  /** Amount reaching plasma (mg) for plasma routes. */
  mg: number | null;
  cycle: number;
}

/** What a scenario is, besides its model. */
export interface ScenarioInfo {
  name: string;
  title: string;
  description: string;
  disease: string;
  file: string;
  references: Reference[];
  /** Column measuring leukaemic burden. */
  burden: string;
  endpoints: Record<string, EndpointInput>;
  interventions: Array<{
    name: string;
    title: string;
    therapies: string[];
    confidence: string;
    file: string;
    control: boolean;
    mechanism: string;
    caveats: string;
    addedToModel: string;
  }>;
  schedule: ScheduledDose[];
  /** Day of the first administration, or null without any. */
  firstDoseDay: number | null;
  /** Notes on how the scenario was composed (rules kept from the model, removed rules, ...). */
  notes: string[];
  /** Parameter overrides applied, as written. */
  overrides: Record<string, string>;
  /** Files read (scenario, base models, interventions). */
  files: string[];
}

/** A scenario compiled to a model. */
export interface LoadedScenario extends LoadedModel {
  scenario: ScenarioInfo;
}

/** Inputs of {@link compileScenario}. */
export interface CompileScenarioArgs {
  /** Scenario text and file name. */
  text: string;
  file: string;
  readFile: FileReader;
  library: InterventionLibrary;
  /** Base model when the scenario names none (an absolute path the reader understands). */
  defaultModel: string;
  /** Knowledge base for evidence and therapy ids (checked when given). */
  kb?: KnowledgeBase;
  /** Further modifications (a target's variant of the scenario). */
  extra?: LocatedModifications;
}

const SCENARIO_HINT = 'see scenarios/README.md (scenario format)';

/** Located diagnostics from zod issues, with hints that point to the scenario format. */
function schemaDiagnostics(issues: Parameters<typeof zodIssuesToDiagnostics>[0], doc: LocatedDocument, file: string): Diagnostic[] {
  return zodIssuesToDiagnostics(issues, doc, file).map((d) => ({ ...d, hint: d.hint.replace(/see the model-format reference in README\.md/, SCENARIO_HINT) }));
}

function docError(doc: LocatedDocument, file: string, path: PathKey[], message: string, hint: string, key = false): Diagnostic {
  const at = doc.locate(path, key);
  return { severity: 'error', file, line: at.line, column: at.column, path: pathToString(path), message, hint };
}

/** Parses YAML/JSON text into a located document, or throws the syntax errors. */
export function readLocated(text: string, file: string, what: string, versionKey: string): LocatedDocument {
  const { document, diagnostics } = parseLocated(text, file);
  if (!document) throw new ModelError(diagnostics);
  if (!isPlainObject(document.data)) {
    throw new ModelError([{ severity: 'error', file, line: 1, column: 1, path: '', message: `${what} must be a mapping of keys to values`, hint: `start with '${versionKey}: 1'` }]);
  }
  return document;
}

/**
 * Parses an intervention file.
 * @throws ModelError listing every problem (file, line, column)
 */
export function parseIntervention(text: string, file: string, kb?: KnowledgeBase): LoadedIntervention {
  const doc = readLocated(text, file, 'an intervention file', 'nichesim_intervention');
  const parsed = InterventionInput.safeParse(doc.data, { reportInput: true });
  if (!parsed.success) throw new ModelError(schemaDiagnostics(parsed.error.issues, doc, file));
  const input = parsed.data;
  const errors: Diagnostic[] = [];
  for (const k of Object.keys(input.model)) {
    if (!(FRAGMENT_KEYS as readonly string[]).includes(k)) {
      errors.push(docError(doc, file, ['model', k], `an intervention's model changes may not hold '${k}'`, `use ${FRAGMENT_KEYS.join(', ')}; drugs and their PK go under drugs:`, true));
    }
  }
  if (kb) {
    input.therapies.forEach((id, i) => {
      if (!kb.byId.has(id)) errors.push(docError(doc, file, ['therapies', i], `unknown therapy id '${id}'`, 'use an id of kb/therapies.yaml (T001-T046)'));
    });
  }
  input.regimen.doses.forEach((d, i) => {
    if (!(d.drug in input.drugs)) errors.push(docError(doc, file, ['regimen', 'doses', i, 'drug'], `unknown drug '${d.drug}'`, `use one of: ${Object.keys(input.drugs).join(', ')}`));
  });
  for (const [name, d] of Object.entries(input.drugs)) {
    const routes = new Set(input.regimen.doses.filter((x) => x.drug === name).map((x) => x.route));
    const plasma = [...routes].some((r) => r === 'bolus' || r === 'infusion' || r === 'oral' || r === 'subcutaneous');
    if (plasma && !d.pk) errors.push(docError(doc, file, ['drugs', name], `drug '${name}' is given to the patient but has no pk:`, 'add pk: {model: one-compartment, half_life: ..., volume: ...} with its citation'));
    if (routes.has('cells') && (!d.cell_type || !d.influx_parameter)) {
      errors.push(docError(doc, file, ['drugs', name], `drug '${name}' is a cell graft (route cells) but lacks cell_type or influx_parameter`, 'name the grafted cell type and the influx parameter its rule uses'));
    }
  }
  if (errors.length) throw new ModelError(errors);
  return { input, file, doc };
}

/** Parses a scenario's text into its validated input and located document. @throws ModelError */
export function parseScenarioText(text: string, file: string): { input: ScenarioInput; doc: LocatedDocument } {
  const doc = readLocated(text, file, 'a scenario file', 'nichesim_scenario');
  const parsed = ScenarioInput.safeParse(doc.data, { reportInput: true });
  if (!parsed.success) throw new ModelError(schemaDiagnostics(parsed.error.issues, doc, file));
  return { input: parsed.data, doc };
}

/** Reads a base model and the models it extends as layers (the oldest ancestor first). */
function baseLayers(path: string, from: string, readFile: FileReader, at: () => Diagnostic, chain: string[] = []): { layers: Layer[]; files: string[] } {
  let read: { text: string; file: string };
  try {
    read = readFile(path, from);
  } catch (e) {
    const d = at();
    throw new ModelError([{ ...d, message: `cannot read the model '${path}': ${e instanceof Error ? e.message : String(e)}`, hint: 'the path is relative to the file that names it' }]);
  }
  if (chain.includes(read.file)) {
    const d = at();
    throw new ModelError([{ ...d, message: `extends cycle: ${[...chain, read.file].join(' -> ')}`, hint: 'a model may not extend itself' }]);
  }
  const doc = readLocated(read.text, read.file, 'a model file', 'nichesim');
  const data = { ...(doc.data as Record<string, unknown>) };
  const parent = data.extends;
  delete data.extends;
  const own: Layer = { data, file: read.file, locate: doc.locate };
  if (typeof parent === 'string' && parent !== '') {
    const up = baseLayers(parent, read.file, readFile, () => docError(doc, read.file, ['extends'], '', ''), [...chain, read.file]);
    return { layers: [...up.layers, own], files: [...up.files, read.file] };
  }
  return { layers: [own], files: [read.file] };
}

/** The rule's identity (cell type, signal, direction, behaviour) once names are known, or null. */
function ruleIdentity(r: unknown, substrates: string[], cellTypes: string[]): string | null {
  if (!isPlainObject(r)) return null;
  const s = typeof r.signal === 'string' ? resolveSignal(r.signal, substrates, cellTypes) : null;
  const b = typeof r.behaviour === 'string' ? resolveBehaviour(r.behaviour, substrates, cellTypes) : null;
  if (!s || !b) return null;
  return `${String(r.cell_type)}|${signalKey(s)}|${String(r.direction)}|${behaviourKey(b)}`;
}

function selectorMatches(sel: RuleSelector, r: unknown, substrates: string[], cellTypes: string[]): boolean {
  if (!isPlainObject(r) || r.cell_type !== sel.cell_type) return false;
  if (sel.direction && r.direction !== sel.direction) return false;
  if (sel.signal) {
    const a = resolveSignal(sel.signal, substrates, cellTypes);
    const b = typeof r.signal === 'string' ? resolveSignal(r.signal, substrates, cellTypes) : null;
    if (!a || !b || signalKey(a) !== signalKey(b)) return false;
  }
  if (sel.behaviour) {
    const a = resolveBehaviour(sel.behaviour, substrates, cellTypes);
    const b = typeof r.behaviour === 'string' ? resolveBehaviour(r.behaviour, substrates, cellTypes) : null;
    if (!a || !b || behaviourKey(a) !== behaviourKey(b)) return false;
  }
  return true;
}

/** "a, b, c" with the names closest to `text` first. */
function knownList(text: string, names: readonly string[]): string {
  const d = (a: string, b: string) => {
    const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = dp[0];
      dp[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const t = dp[j];
        dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = t;
      }
    }
    return dp[b.length];
  };
  return [...names].sort((a, b) => d(text.toLowerCase(), a.toLowerCase()) - d(text.toLowerCase(), b.toLowerCase()) || a.localeCompare(b)).join(', ');
}

function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/**
 * Compiles a scenario (plus optional extra modifications) into a model.
 * @throws ModelError listing every problem, each at its file, line and column
 */
export function compileScenario(args: CompileScenarioArgs): LoadedScenario {
  const { file, readFile, library, kb, extra } = args;
  const { input: sc, doc } = parseScenarioText(args.text, file);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const notes: string[] = [];
  const err = (path: PathKey[], message: string, hint: string, key = false) => errors.push(docError(doc, file, path, message, hint, key));

  // ---- the base model ----------------------------------------------------------------------
  const comp = new Composition();
  const modelPath = sc.model ?? args.defaultModel;
  const base = baseLayers(modelPath, file, readFile, () => docError(doc, file, ['model'], '', ''));
  for (const l of base.layers) comp.add(l);
  const files = [file, ...base.files];

  // ---- interventions: their model fragments and drug substrates -----------------------------
  const used: Array<{ entry: ScenarioInterventionInput; index: number; iv: LoadedIntervention }> = [];
  sc.interventions.forEach((entry, index) => {
    const iv = library.get(entry.use);
    if (!iv) {
      const known = [...library.keys()];
      err(['interventions', index, 'use'], `unknown intervention '${entry.use}'`, known.length ? `known interventions: ${knownList(entry.use, known)}` : 'the intervention library is empty (interventions/*.yaml)');
      return;
    }
    used.push({ entry, index, iv });
    if (!files.includes(iv.file)) files.push(iv.file);
  });
  const ruleCountBefore = comp.lists.rules.length;
  const drugOwner = new Map<string, { iv: LoadedIntervention; substrate: string; pk: string }>();
  const addedInterventions = new Set<string>();
  for (const { iv } of used) {
    if (addedInterventions.has(iv.input.name)) continue;
    addedInterventions.add(iv.input.name);
    for (const [drug, d] of Object.entries(iv.input.drugs)) {
      const substrate = JSON.stringify(d.substrate);
      const pk = JSON.stringify([d.pk ?? null, d.molecular_weight ?? null, d.vascular_exchange ?? null]);
      const prev = drugOwner.get(drug);
      if (prev) {
        if (prev.substrate !== substrate || prev.pk !== pk) {
          errors.push(docError(iv.doc, iv.file, ['drugs', drug], `interventions '${prev.iv.input.name}' and '${iv.input.name}' describe the drug '${drug}' differently`, `make the two descriptions of ${drug} identical (substrate and PK), or use one intervention`));
        }
        continue;
      }
      drugOwner.set(drug, { iv, substrate, pk });
      comp.add({
        data: { substrates: { [drug]: d.substrate } },
        file: iv.file,
        locate: (p, key) => iv.doc.locate(p[0] === 'substrates' ? ['drugs', drug, 'substrate', ...p.slice(2)] : ['drugs', drug], key),
      });
    }
    // Parameters the model already defines keep the model's value (a disease model may have tuned them).
    const fragment = { ...iv.input.model };
    const have = comp.data().parameters;
    if (isPlainObject(fragment.parameters) && isPlainObject(have)) {
      const own: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fragment.parameters)) {
        if (!(k in have)) own[k] = v;
        else if (JSON.stringify(have[k]) !== JSON.stringify(v)) notes.push(`${iv.file.split(/[\\/]/).pop()}: the parameter '${k}' is already defined by the model; the model's value is used.`);
      }
      fragment.parameters = own;
    }
    comp.add(subLayer(iv.doc, iv.file, ['model'], fragment));
  }
  const interventionRuleRange: [number, number] = [ruleCountBefore, comp.lists.rules.length];

  // ---- inline changes and extra outputs -------------------------------------------------------
  const fragmentCheck = (changes: Record<string, unknown> | undefined, d: LocatedDocument, f: string, prefix: PathKey[]) => {
    for (const k of Object.keys(changes ?? {})) {
      if (!(FRAGMENT_KEYS as readonly string[]).includes(k)) errors.push(docError(d, f, [...prefix, k], `changes may not hold '${k}'`, `use ${FRAGMENT_KEYS.join(', ')}`, true));
    }
  };
  fragmentCheck(sc.changes, doc, file, ['changes']);
  if (sc.changes) comp.add(subLayer(doc, file, ['changes'], sc.changes));
  if (extra?.mods.changes) {
    fragmentCheck(extra.mods.changes, extra.doc, extra.file, [...extra.prefix, 'changes']);
    comp.add(subLayer(extra.doc, extra.file, [...extra.prefix, 'changes'], extra.mods.changes));
  }
  if (Object.keys(sc.outputs).length) comp.add({ data: { outputs: sc.outputs }, file, locate: (p, key) => doc.locate(['outputs', ...p.slice(1)], key) });

  // ---- rules: drop intervention rules the model already has; remove selected rules -----------
  const merged = comp.data();
  const substrateNames = isPlainObject(merged.substrates) ? Object.keys(merged.substrates) : [];
  const cellTypeNames = isPlainObject(merged.cell_types) ? Object.keys(merged.cell_types) : [];
  const identities = new Map<string, number>();
  comp.lists.rules = comp.lists.rules.filter((e, i) => {
    const id = ruleIdentity(e.value, substrateNames, cellTypeNames);
    if (id === null) return true;
    if (identities.has(id) && i >= interventionRuleRange[0] && i < interventionRuleRange[1]) {
      const r = e.value as Record<string, unknown>;
      notes.push(`${e.layer.file.split(/[\\/]/).pop()}: the rule "${String(r.cell_type)}: ${String(r.signal)} ${String(r.direction)} ${String(r.behaviour)}" is already in the model; the model's version is used.`);
      return false;
    }
    identities.set(id, i);
    return true;
  });
  const removals: Array<{ sel: RuleSelector; d: LocatedDocument; f: string; path: PathKey[] }> = [
    ...sc.remove_rules.map((sel, i) => ({ sel, d: doc, f: file, path: ['remove_rules', i] as PathKey[] })),
    ...(extra?.mods.remove_rules ?? []).map((sel, i) => ({ sel, d: extra!.doc, f: extra!.file, path: [...extra!.prefix, 'remove_rules', i] as PathKey[] })),
  ];
  for (const { sel, d, f, path } of removals) {
    const before = comp.lists.rules.length;
    const removed = comp.lists.rules.filter((e) => selectorMatches(sel, e.value, substrateNames, cellTypeNames));
    comp.lists.rules = comp.lists.rules.filter((e) => !removed.includes(e));
    if (comp.lists.rules.length === before) {
      const candidates = comp.lists.rules
        .map((e) => e.value as Record<string, unknown>)
        .filter((r) => r.cell_type === sel.cell_type)
        .map((r) => `${String(r.signal)} ${String(r.direction)} ${String(r.behaviour)}`);
      errors.push(docError(d, f, path, `no rule of the model matches this selector (cell_type ${sel.cell_type}${sel.signal ? `, signal ${sel.signal}` : ''}${sel.behaviour ? `, behaviour ${sel.behaviour}` : ''}${sel.direction ? `, ${sel.direction}` : ''})`, candidates.length ? `rules of ${sel.cell_type}: ${candidates.slice(0, 10).join('; ')}` : `the model has no rules for ${sel.cell_type}`));
    } else {
      for (const e of removed) {
        const r = e.value as Record<string, unknown>;
        notes.push(`removed the rule "${String(r.cell_type)}: ${String(r.signal)} ${String(r.direction)} ${String(r.behaviour)}"${sel.why ? ` (${sel.why})` : ''}.`);
      }
    }
  }

  // ---- evidence of every rule (reported together with the model's own errors) ---------------
  const evidenceErrors: Diagnostic[] = [];
  if (kb) {
    comp.lists.rules.forEach((e) => {
      const r = e.value;
      if (!isPlainObject(r) || !Array.isArray(r.evidence)) return;
      r.evidence.forEach((id, j) => {
        if (typeof id === 'string' && !kb.byId.has(id)) {
          const at = e.layer.locate([...e.path, 'evidence', j]);
          evidenceErrors.push({ severity: 'error', file: e.layer.file, ...at, path: pathToString([...(e.layer.prefix ?? []), ...e.path, 'evidence', j]), message: `unknown evidence id '${id}'`, hint: 'use an id listed by `nichesim kb`, or add the entry to kb/' });
        }
      });
    });
  }

  // ---- schedules -> pharmacokinetics and niche dosing ------------------------------------------
  const patient = { bodySurfaceArea: sc.patient.body_surface_area, bodyWeight: sc.patient.body_weight };
  const schedule: ScheduledDose[] = [];
  const allAdmins: Array<Administration & { index: number; iv: LoadedIntervention }> = [];
  const graftRates = new Map<string, { perMin: number; index: number }>();
  for (const { entry, index, iv } of used) {
    if (entry.control) continue;
    const path: PathKey[] = ['interventions', index];
    const drugs = Object.keys(iv.input.drugs);
    const one = drugs.length === 1 ? drugs[0] : null;
    if ((entry.dose !== undefined || entry.duration !== undefined) && !one) {
      err([...path, entry.dose !== undefined ? 'dose' : 'duration'], `'${iv.input.name}' has several drugs (${drugs.join(', ')}), so a single dose/duration is ambiguous`, 'give doses per drug under drugs:, e.g. drugs: {cytarabine: {dose: 200 mg/m^2}}');
      continue;
    }
    for (const d of Object.keys(entry.drugs)) {
      if (!drugs.includes(d)) err([...path, 'drugs', d], `'${iv.input.name}' has no drug '${d}'`, `its drugs: ${drugs.join(', ')}`, true);
    }
    let lines: RegimenLine[];
    try {
      lines = iv.input.regimen.doses.map((l, i) => {
        const o = entry.drugs[l.drug] ?? {};
        const where = (k: string): PathKey[] => (o[k as keyof typeof o] !== undefined ? [...path, 'drugs', l.drug, k] : (one && k === 'dose' && entry.dose !== undefined) || (one && k === 'duration' && entry.duration !== undefined) ? [...path, k] : ['@iv', i, k]);
        const at = (k: string) => (e: unknown) => {
          if (e instanceof ScheduleError) throw new ScheduleError(e.message, e.hint, where(k));
          throw e;
        };
        const t = (v: number | string | undefined, k: string, what: string): number | undefined => {
          if (v === undefined) return undefined;
          try {
            return readTime(v, what);
          } catch (e) {
            return at(k)(e) as never;
          }
        };
        const route = o.route ?? l.route;
        const dose = o.dose ?? (one ? entry.dose : undefined) ?? l.dose;
        const duration = t(o.duration ?? (one ? entry.duration : undefined) ?? l.duration, 'duration', 'duration') ?? 0;
        const count = o.count ?? l.count;
        const every = t(o.every ?? l.every, 'every', 'every') ?? 0;
        if ((route === 'infusion' || route === 'niche_infusion' || route === 'cells') && !(duration > 0)) {
          throw new ScheduleError(`an infusion of ${l.drug} needs a positive duration`, "add duration: e.g. '24 h'", where('duration'));
        }
        if ((route === 'bolus' || route === 'niche_bolus') && duration > 0) {
          throw new ScheduleError(`a ${route} of ${l.drug} has no duration`, 'remove duration:, or use an infusion route', where('duration'));
        }
        if (count > 1 && !(every > 0)) throw new ScheduleError(`count is ${count} but ${l.drug} has no interval between administrations`, "add every: e.g. '1 day'", where('every'));
        if (count > 1 && (route === 'infusion' || route === 'niche_infusion' || route === 'cells') && duration > every + 1e-9) {
          throw new ScheduleError(`each infusion of ${l.drug} (${fmtDays(duration)}) lasts longer than the time between infusions (${fmtDays(every)})`, 'infusions of one drug may not overlap: shorten duration or lengthen every', where('duration'));
        }
        try {
          readDose(dose, route, patient);
        } catch (e) {
          at('dose')(e);
        }
        return { drug: l.drug, route, dose, duration, at: t(o.at ?? l.at, 'at', 'at') ?? 0, every, count };
      });
    } catch (e) {
      if (!(e instanceof ScheduleError)) throw e;
      if (e.path[0] === '@iv') errors.push(docError(iv.doc, iv.file, ['regimen', 'doses', e.path[1], e.path[2]], e.message, e.hint));
      else err(e.path.length ? [...e.path] : path, e.message, e.hint);
      continue;
    }
    let admins: Administration[];
    try {
      const start = readTime(entry.start, 'start');
      const cycleLength = iv.input.regimen.cycle_length !== undefined ? readTime(iv.input.regimen.cycle_length, 'cycle_length') : undefined;
      admins = expandSchedule(lines, {
        start,
        cycles: entry.cycles,
        interval: entry.interval !== undefined ? readTime(entry.interval, 'interval') : undefined,
        gap: entry.gap !== undefined ? readTime(entry.gap, 'gap') : undefined,
        cycleLength,
      });
    } catch (e) {
      if (!(e instanceof ScheduleError)) throw e;
      err(e.path.length ? [...path, ...e.path] : path, e.message, e.hint);
      continue;
    }
    for (const a of admins) {
      allAdmins.push({ ...a, index, iv });
      const dose = readDose(a.dose, a.route, patient);
      const drug = iv.input.drugs[a.drug];
      const f = a.route === 'oral' || a.route === 'subcutaneous' ? drug.bioavailability : 1;
      schedule.push({
        intervention: iv.input.name,
        drug: a.drug,
        route: a.route,
        day: a.start / MIN_PER_DAY,
        durationDays: a.duration / MIN_PER_DAY,
        dose: dose.written,
        mg: dose.kind === 'mass' ? dose.mg * f : null,
        cycle: a.cycle,
      });
      if (dose.kind === 'cells') {
        const perMin = dose.cells / a.duration;
        const prev = graftRates.get(a.drug);
        if (prev && Math.abs(prev.perMin - perMin) > 1e-12 * perMin) {
          err(['interventions', index], `cell grafts of ${a.drug} with different doses per homing time in one scenario (${num(prev.perMin * MIN_PER_DAY)} and ${num(perMin * MIN_PER_DAY)} cells/day)`, 'give every graft of one scenario the same dose and duration');
        } else graftRates.set(a.drug, { perMin, index });
      }
    }
  }
  const overlaps = new Map<string, { a: (typeof allAdmins)[number]; b: (typeof allAdmins)[number]; n: number }>();
  for (const o of infusionOverlaps(allAdmins)) {
    const a = o.first as (typeof allAdmins)[number];
    const b = o.second as (typeof allAdmins)[number];
    const key = `${o.drug}|${a.index}|${b.index}`;
    const prev = overlaps.get(key);
    if (prev) prev.n++;
    else overlaps.set(key, { a, b, n: 1 });
  }
  for (const [key, { a, b, n }] of overlaps) {
    const drug = key.split('|')[0];
    const who = a.index === b.index ? `(both from ${a.iv.input.name})` : `(${a.iv.input.name} and ${b.iv.input.name})`;
    err(['interventions', b.index], `infusions of ${drug} overlap ${who}: one runs from day ${num(a.start / MIN_PER_DAY)} for ${fmtDays(a.duration)} and another starts on day ${num(b.start / MIN_PER_DAY)}${n > 1 ? ` (${n} overlapping pairs in all)` : ''}`, 'infusions of one drug may not overlap: move a start, shorten a duration, or lengthen the interval or gap between cycles');
  }

  // Plasma PK entries (one per drug, all its doses) and niche dosing, each located at the scenario entry.
  const pkDoses = new Map<string, Array<{ value: Record<string, unknown>; index: number }>>();
  const nicheDoses: Array<{ value: Record<string, unknown>; index: number }> = [];
  for (const a of allAdmins) {
    const drug = a.iv.input.drugs[a.drug];
    const dose = readDose(a.dose, a.route, patient);
    const start = `${num(a.start)} min`;
    if (dose.kind === 'mass') {
      let mg = dose.mg;
      let kind: 'bolus' | 'infusion' = a.route === 'infusion' ? 'infusion' : 'bolus';
      let duration = a.duration;
      if (a.route === 'oral' || a.route === 'subcutaneous') {
        mg *= drug.bioavailability;
        if (drug.absorption_time !== undefined) {
          kind = 'infusion';
          duration = readTime(drug.absorption_time, 'absorption_time');
        }
      }
      const v: Record<string, unknown> = { kind, start, dose: `${num(mg)} mg`, note: `${a.iv.input.name}: ${dose.written} ${a.route}` };
      if (kind === 'infusion') v.duration = `${num(duration)} min`;
      const list = pkDoses.get(a.drug) ?? [];
      list.push({ value: v, index: a.index });
      pkDoses.set(a.drug, list);
    } else if (dose.kind === 'concentration') {
      const v: Record<string, unknown> = a.route === 'niche_bolus' ? { substrate: a.drug, kind: 'bolus', start, amount: dose.written } : { substrate: a.drug, kind: 'infusion', start, rate: dose.written, duration: `${num(a.duration)} min` };
      nicheDoses.push({ value: v, index: a.index });
    } else {
      // A cell graft: the carrier substrate is infused at 1 (unit)/min while the cells home.
      nicheDoses.push({ value: { substrate: a.drug, kind: 'infusion', start, rate: '1 1/min', duration: `${num(a.duration)} min` }, index: a.index });
    }
  }
  const scenarioEntryLayer = (index: number): Layer => ({ data: {}, file, locate: () => doc.locate(['interventions', index]) });
  for (const [drug, doses] of pkDoses) {
    const owner = drugOwner.get(drug)!;
    const d = owner.iv.input.drugs[drug];
    const value: Record<string, unknown> = {
      substrate: drug,
      pk: d.pk,
      body_surface_area: patient.bodySurfaceArea,
      body_weight: patient.bodyWeight,
      doses: doses.map((x) => x.value),
      source: d.source ?? '',
    };
    if (d.molecular_weight !== undefined) value.molecular_weight = d.molecular_weight;
    if (d.vascular_exchange !== undefined) value.vascular_exchange = d.vascular_exchange;
    const ivDoc = owner.iv;
    const layer: Layer = {
      data: {},
      file: ivDoc.file,
      fileAt: (p) => (p[0] === 'doses' ? file : ivDoc.file),
      locate: (p, key) => {
        // p = [field, ...]: doses point at the scenario entry that gave them; the rest at the drug.
        if (p[0] === 'doses' && typeof p[1] === 'number') return doc.locate(['interventions', doses[p[1]]?.index ?? 0]);
        return ivDoc.doc.locate(['drugs', drug, ...(p[0] === 'substrate' ? [] : p)], key);
      },
    };
    comp.lists.pharmacokinetics.push({ value, layer, path: [] });
  }
  for (const x of nicheDoses) comp.lists.dosing.push({ value: x.value, layer: scenarioEntryLayer(x.index), path: [] });

  // Cell grafts set their influx parameter (cells/min) to cells / homing time, after normalisation.
  for (const [drug] of graftRates) {
    const owner = drugOwner.get(drug)!;
    const param = owner.iv.input.drugs[drug].influx_parameter!;
    const params = isPlainObject(merged.parameters) ? merged.parameters : {};
    if (!(param in params)) errors.push(docError(owner.iv.doc, owner.iv.file, ['drugs', drug, 'influx_parameter'], `the influx parameter '${param}' is not defined`, 'define it under model: parameters: (cells/min)'));
  }

  // ---- simulation settings and identity -------------------------------------------------------
  const sim: Record<string, unknown> = isPlainObject(merged.simulation) ? { ...merged.simulation } : {};
  const timeSetting = (v: number | string | undefined, d: LocatedDocument, f: string, p: PathKey[]): string | undefined => {
    if (v === undefined) return undefined;
    try {
      const min = readTime(v, String(p[p.length - 1]));
      if (!(min > 0)) throw new ScheduleError(`${String(p[p.length - 1])} must be positive`, 'give a positive time');
      return `${num(min)} min`;
    } catch (e) {
      if (!(e instanceof ScheduleError)) throw e;
      errors.push(docError(d, f, p, e.message, e.hint));
      return undefined;
    }
  };
  const tEnd = timeSetting(extra?.mods.duration, extra?.doc ?? doc, extra?.file ?? file, [...(extra?.prefix ?? []), 'duration']) ?? timeSetting(sc.duration, doc, file, ['duration']);
  const outInt = timeSetting(extra?.mods.output_interval, extra?.doc ?? doc, extra?.file ?? file, [...(extra?.prefix ?? []), 'output_interval']) ?? timeSetting(sc.output_interval, doc, file, ['output_interval']);
  if (tEnd) sim.t_end = tEnd;
  if (outInt) sim.output_interval = outInt;
  const descParts = [sc.description ?? '', ...used.map(({ iv, entry }) => `${entry.control ? 'Vehicle arm of' : 'With'} ${iv.input.title} (${iv.input.therapies.join(', ')}).`)];
  comp.add({
    data: { name: sc.name, title: sc.title, description: descParts.filter(Boolean).join('\n\n'), simulation: sim },
    file,
    locate: (p, key) => doc.locate(p[0] === 'simulation' ? [p[1] === 'output_interval' ? 'output_interval' : 'duration'] : [p[0] === 'title' ? 'title' : 'name'], key),
  });

  if (errors.length) throw new ModelError(errors);

  // ---- the model ------------------------------------------------------------------------------
  const located = comp.document(file);
  const parsed = ModelInput.safeParse(located.data, { reportInput: true });
  if (!parsed.success) throw new ModelError([...evidenceErrors, ...zodIssuesToDiagnostics(parsed.error.issues, located, file).map((d) => comp.relocate(d))]);
  const { model, diagnostics } = normalizeModel(parsed.data, located, file);
  const modelErrors = [...evidenceErrors, ...diagnostics.filter((d) => d.severity === 'error').map((d) => comp.relocate(d))];
  if (modelErrors.length) throw new ModelError(modelErrors);
  warnings.push(...diagnostics.filter((d) => d.severity === 'warning').map((d) => comp.relocate(d)));

  // ---- parameter overrides --------------------------------------------------------------------
  const overrides: Record<string, string> = {};
  const sets: Array<{ name: string; value: number | string; d: LocatedDocument; f: string; path: PathKey[] }> = [
    ...Object.entries(sc.set).map(([name, value]) => ({ name, value, d: doc, f: file, path: ['set', name] as PathKey[] })),
    ...Object.entries(extra?.mods.set ?? {}).map(([name, value]) => ({ name, value, d: extra!.doc, f: extra!.file, path: [...extra!.prefix, 'set', name] as PathKey[] })),
  ];
  for (const s of sets) {
    if (!(s.name in model.parameters)) {
      errors.push(docError(s.d, s.f, s.path, `unknown parameter '${s.name}'`, `parameters of this model: ${knownList(s.name, Object.keys(model.parameters)).split(', ').slice(0, 10).join(', ')}, …`, true));
      continue;
    }
    const text = `${s.name}=${typeof s.value === 'number' ? String(s.value) : s.value}`;
    try {
      const v = parseOverrides(model, [text])[s.name];
      model.parameters[s.name] = { ...model.parameters[s.name], value: v, written: String(s.value) };
      overrides[s.name] = String(s.value);
      for (const w of overrideWarnings(model, { [s.name]: v })) {
        const at = s.d.locate(s.path);
        warnings.push({ severity: 'warning', file: s.f, ...at, path: pathToString(s.path), message: w.replace(/^--set /, 'set: '), hint: 'values outside the range are allowed but are extrapolations' });
      }
    } catch (e) {
      if (!(e instanceof OverrideError)) throw e;
      const p = model.parameters[s.name];
      const msg = e.message.replace(/^--set '[^']*': /, '').replace(/^'([^']+)' is \S+ but/, `'$1' is written in ${p.declaredUnit} but`);
      errors.push(docError(s.d, s.f, s.path, msg, `give a number (read in ${p.declaredUnit}) or a quantity with a unit of the same kind`));
    }
  }
  for (const [drug, { perMin }] of graftRates) {
    const param = drugOwner.get(drug)!.iv.input.drugs[drug].influx_parameter!;
    const p = model.parameters[param];
    if (p) model.parameters[param] = { ...p, value: perMin, written: `${num(perMin * MIN_PER_DAY)} cells/day`, source: `${p.source} (set by the scenario's graft dose)` };
  }
  if (errors.length) throw new ModelError(errors);
  try {
    compileModel(model);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    throw new ModelError([{ severity: 'error', file, line: null, column: null, path: '', message: e.message, hint: 'check the parameter overrides and the rules the interventions add' }]);
  }

  const columns = new Set([...model.cellTypes.map((c) => c.name), ...model.substrates.map((s) => s.name), ...model.outputs.map((o) => o.name)]);
  if (sc.burden !== undefined && !model.cellTypes.some((c) => c.name === sc.burden)) {
    throw new ModelError([docError(doc, file, ['burden'], `the burden '${sc.burden}' is not a cell type of the model`, `use one of: ${model.cellTypes.map((c) => c.name).join(', ')}`)]);
  }
  const burden = sc.burden ?? (model.cellTypes.some((c) => c.name === 'AML_blast') ? 'AML_blast' : model.cellTypes[model.cellTypes.length - 1].name);
  const endpointErrors: Diagnostic[] = [];
  for (const [name, ep] of Object.entries(sc.endpoints)) checkEndpoint(ep, columns, burden, (p, m, h) => endpointErrors.push(docError(doc, file, ['endpoints', name, ...p], m, h)));
  if (endpointErrors.length) throw new ModelError(endpointErrors);

  const scheduled = schedule.sort((a, b) => a.day - b.day);
  const info: ScenarioInfo = {
    name: sc.name,
    title: sc.title,
    description: sc.description ?? '',
    disease: sc.disease ?? '',
    file,
    references: sc.references,
    burden,
    endpoints: sc.endpoints,
    interventions: used.map(({ iv, entry }) => ({
      name: iv.input.name,
      title: iv.input.title,
      therapies: iv.input.therapies,
      confidence: iv.input.confidence,
      file: iv.file,
      control: entry.control,
      mechanism: iv.input.mechanism,
      caveats: iv.input.caveats ?? '',
      addedToModel: iv.input.added_to_model ?? '',
    })),
    schedule: scheduled,
    firstDoseDay: scheduled.length ? scheduled[0].day : null,
    notes,
    overrides,
    files,
  };
  return { model: model as Model, warnings, file, scenario: info };
}

/** Checks that an endpoint names existing columns; reports problems through `report(path, message, hint)`. */
export function checkEndpoint(ep: EndpointInput, columns: Set<string>, burden: string, report: (path: PathKey[], message: string, hint: string) => void, path: PathKey[] = []): void {
  if (isCombination(ep)) {
    checkEndpoint(ep.a, columns, burden, report, [...path, 'a']);
    checkEndpoint(ep.b, columns, burden, report, [...path, 'b']);
    return;
  }
  const of = ep.of === 'burden' ? burden : ep.of.replace(/\s*\(dead\)$/, '');
  if (!columns.has(of)) report([...path, 'of'], `'${ep.of}' is not a column of the run`, `use 'burden', a cell type, a substrate or an output: ${knownList(ep.of, [...columns]).split(', ').slice(0, 8).join(', ')}`);
  const times: Array<[string, number | string | undefined]> =
    ep.kind === 'value' ? [['day', ep.day]] : ep.kind === 'time_to' ? [['from', ep.from]] : [['from', (ep as { from?: number | string }).from], ['to', (ep as { to?: number | string }).to]];
  for (const [k, v] of times) {
    if (v === undefined) continue;
    try {
      readTime(v, k);
    } catch (e) {
      if (e instanceof ScheduleError) report([...path, k], e.message, e.hint);
      else throw e;
    }
  }
}

