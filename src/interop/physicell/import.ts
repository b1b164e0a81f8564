/**
 * PhysiCell 1.14 project import (layer 5, no Node-only API): settings XML, cell rules CSV and
 * initial cells CSV to a nichesim model (ModelInput-shaped plain object) plus initial agents.
 * Anything nichesim does not represent gives a located warning (no silent loss); malformed input
 * throws a PhysiCellError naming file, line and column.
 * Semantics: ../../shared/design/physicell-semantics.md; the writer is export.ts.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { DEFAULT_MECHANICS } from '../../engines/abm/mechanics.js';
import { CounterRng } from '../../random/index.js';
import { parseUnit } from '../../units/units.js';
import { assertNoWarnings, PhysiCellError, type PhysiCellWarning } from './errors.js';
import { NameTable } from './names.js';
import { parseRulesCsv, IMPORTED_RULE_EVIDENCE, type ImportedRule } from './rules.js';
import { parseCellsCsv, type PhysiCellAgent } from './cells.js';

export { IMPORTED_RULE_EVIDENCE };
export type { PhysiCellAgent };

/** What `importPhysiCell` reads. Paths are labels for messages and provenance (nothing is read from disk). */
export interface PhysiCellImportInput {
  /** Text of PhysiCell_settings.xml. */
  settingsXml: string;
  /** Path of the settings file, as shown in messages; its folder names the model. */
  settingsPath: string;
  /** The ruleset CSV the settings name (`references.rules`); read only when the settings enable a ruleset. */
  rulesCsv?: { text: string; path: string };
  /** The cell positions CSV the settings name (`references.cells`); read only when `<cell_positions enabled="true">`. */
  cellsCsv?: { text: string; path: string };
  /** When true, any warning makes the import fail with one PhysiCellError listing every warning (CLI `--strict`). */
  strict?: boolean;
}

/**
 * The imported project.
 *
 * Coordinates: nichesim's domain is [0, Lx] x [0, Ly] x [0, Lz] (2D: cells on the mid-plane
 * z = Lz/2). Agent positions are PhysiCell's minus `origin` (the settings' x_min, y_min, z_min);
 * in 2D, z is set to Lz/2.
 *
 * Initial cells, as PhysiCell's standard template creates them (`setup_tissue`): first
 * `number_of_cells` cells of every type at uniformly random positions, then the cells of
 * cells.csv (when `<cell_positions enabled="true">`). The model's `initial_number` of each type is
 * the total (cells.csv rows of that type + number_of_cells), so the mean-field engine starts from
 * the same numbers as the agent-based one. To run the agent-based engine without placing any cell
 * twice, give it the complete list and switch off its own random placement:
 *
 *     simulate(model, { engine: 'abm', agents: imported.abmAgents(seed), initialAgents: false, seed })
 *
 * (`agents` alone with the default `initialAgents: true` would add `initial_number` random cells
 * of each type on top of the cells.csv cells.)
 */
export interface PhysiCellImport {
  /** ModelInput-shaped plain object (stringify it as YAML/JSON, or parse it with parseModel). */
  model: Record<string, unknown>;
  /** The cells of cells.csv in nichesim coordinates (um), in file order; undefined when no cells.csv was read. */
  agents?: PhysiCellAgent[];
  /** Cells of each type (nichesim name) that the standard template places at random: number_of_cells (0 when absent). */
  randomCells: Record<string, number>;
  /** The settings' options/random_seed, when given: the default seed of a run of the project. */
  seed?: number;
  /** PhysiCell coordinates (um) of nichesim's origin: the settings' [x_min, y_min, z_min]. */
  origin: [number, number, number];
  /**
   * The complete initial agent list for the agent-based engine (um, nichesim coordinates):
   * `randomCells[type]` cells of each type at uniformly random positions in the domain (seeded by
   * `seed`, default 1; reproducible; PhysiCell's own random positions cannot be reproduced), then
   * `agents`. Its length per type equals the model's initial_number.
   * @throws RangeError unless seed is an integer in [0, 2^32)
   */
  abmAgents(seed?: number): PhysiCellAgent[];
  warnings: PhysiCellWarning[];
  /** Enabled ruleset and cell-position files named by the settings (paths as written). */
  references: { rules?: string; cells?: string };
}

/** Random stream of the positions `abmAgents` gives to number_of_cells cells ("PCNC"). */
const STREAM_RANDOM_CELLS = 0x50434e43;

const ELEMENT_NODE = 1;

function kids(el: Element | undefined, tag?: string): Element[] {
  if (!el) return [];
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE && (tag === undefined || (n as Element).tagName === tag)) out.push(n as Element);
  }
  return out;
}
function kid(el: Element | undefined, tag: string): Element | undefined {
  return kids(el, tag)[0];
}
function path(el: Element | undefined, ...tags: string[]): Element | undefined {
  let cur = el;
  for (const t of tags) cur = kid(cur, t);
  return cur;
}
function text(el: Element | undefined): string {
  return (el?.textContent ?? '').trim();
}
function lineOf(el: Element | undefined): number | undefined {
  return (el as unknown as { lineNumber?: number } | undefined)?.lineNumber;
}
function colOf(el: Element | undefined): number | undefined {
  return (el as unknown as { columnNumber?: number } | undefined)?.columnNumber;
}
function truthy(s: string | null | undefined): boolean {
  return /^(true|1|yes)$/i.test((s ?? '').trim());
}

/** Maps a PhysiCell unit string to nichesim's spelling (micron -> um), or null if nichesim does not know it. */
export function mapUnit(u: string | null | undefined): string | null {
  if (!u) return null;
  const m = u.trim().replace(/microns?|micrometers?|µm/g, 'um').replace(/minutes?\b/g, 'min').replace(/\bhours?\b/g, 'h').replace(/\bdays?\b/g, 'day');
  try {
    parseUnit(m);
    return m;
  } catch {
    return null;
  }
}

/**
 * Reads a PhysiCell 1.14 project (settings XML, v3 or v1 rules CSV, headed or headerless cells CSV).
 *
 * Units: PhysiCell's (min, micron, 1/min, micron^2/min, micron^3) are nichesim's canonical units,
 * so numbers are copied; an element whose `units` attribute names another known unit becomes a
 * "value unit" string. Names: PhysiCell names become identifiers (names.ts); the original is kept
 * as `label`.
 * @returns the model, the cells.csv agents, the random cells, `abmAgents(seed)`, located warnings for
 *   everything nichesim does not represent, and the files the settings reference
 * @throws PhysiCellError (file, line, column, element) for malformed XML or CSV, unknown or
 *   duplicate names (cell types, substrates, user parameters, rules naming one behaviour twice),
 *   non-finite numbers ('NA', 'inf', empty), zero or negative phase durations; with `strict`, for
 *   any warning (all listed)
 */
export function importPhysiCell(input: PhysiCellImportInput): PhysiCellImport {
  const file = input.settingsPath;
  const warnings: PhysiCellWarning[] = [];
  const warn = (el: Element | undefined, message: string, element?: string): void => {
    warnings.push({ file, line: lineOf(el), element: element ?? `<${el?.tagName ?? '?'}>`, message });
  };
  const fail = (el: Element | undefined, message: string): never => {
    throw new PhysiCellError(message, { file, line: lineOf(el), column: colOf(el), element: el ? `<${el.tagName}>` : undefined });
  };

  // --- XML --------------------------------------------------------------------------------
  let doc;
  try {
    doc = new DOMParser({
      locator: true,
      onError: (level, msg) => {
        if (level === 'warning') return;
        throw new Error(msg);
      },
    }).parseFromString(input.settingsXml, 'text/xml');
  } catch (e) {
    const err = e as { message?: string; locator?: { lineNumber?: number; columnNumber?: number } };
    throw new PhysiCellError(`not well-formed XML: ${String(err.message ?? e).split('\n')[0]}`, { file, line: err.locator?.lineNumber, column: err.locator?.columnNumber });
  }
  const root = doc.documentElement as Element | null;
  if (!root || root.tagName !== 'PhysiCell_settings') fail(root ?? undefined, 'the root element must be <PhysiCell_settings>');
  const R = root as Element;

  /** A number from an element's text; `canonical` is nichesim's unit for the field. */
  const num = (el: Element | undefined, fallback?: number): number => {
    if (!el) {
      if (fallback !== undefined) return fallback;
      return fail(undefined, 'a required element is missing');
    }
    const t = text(el);
    if (t === '' && fallback !== undefined) return fallback;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) || !Number.isFinite(Number(t))) fail(el, `"${t}" is not a finite number`);
    return Number(t);
  };
  /** A number in a canonical unit, or a "value unit" string when the element states another known unit. */
  const qty = (el: Element | undefined, canonical: string[], fallback?: number): number | string => {
    const v = num(el, fallback);
    const u = el?.getAttribute('units');
    if (!el || !u) return v;
    const m = mapUnit(u);
    if (m !== null && (canonical.includes(m) || m === 'dimensionless')) return v;
    // PhysiCell reads every value in its fixed units (min, micron, 1/min, ...): the units
    // attribute is a label, not a conversion. nichesim reads the value the same way.
    warn(el, `units="${u}" is a label PhysiCell does not convert: the value ${v} is read in ${canonical[0]}, as PhysiCell reads it`);
    return v;
  };

  // --- domain and times ---------------------------------------------------------------------
  const domain = kid(R, 'domain');
  if (!domain) fail(R, 'missing <domain>');
  const d = (t: string): number => num(kid(domain, t) ?? fail(domain, `missing <${t}> in <domain>`));
  const sx = d('x_max') - d('x_min');
  const sy = d('y_max') - d('y_min');
  const sz = d('z_max') - d('z_min');
  const dx = d('dx');
  const use2D = truthy(text(kid(domain, 'use_2D')));
  for (const [a, b, el] of [[dx, num(kid(domain, 'dy'), dx), kid(domain, 'dy')], [dx, use2D ? dx : num(kid(domain, 'dz'), dx), kid(domain, 'dz')]] as const) {
    if (a !== b) warn(el, `voxels are not cubic (dx = ${a}, ${el?.tagName} = ${b}); nichesim uses cubic voxels of edge dx`);
  }
  for (const [s, axis] of [[sx, 'x'], [sy, 'y'], [sz, 'z']] as const) {
    if (!(s > 0)) fail(domain, `the domain extent along ${axis} must be positive (got ${s})`);
  }
  const overall = kid(R, 'overall');
  const spaceUnits = text(kid(overall, 'space_units'));
  if (spaceUnits && mapUnit(spaceUnits) !== 'um') warn(kid(overall, 'space_units'), `space units "${spaceUnits}" are read as um`);
  const timeUnits = text(kid(overall, 'time_units'));
  if (timeUnits && mapUnit(timeUnits) !== 'min') warn(kid(overall, 'time_units'), `time units "${timeUnits}" are read as min`);
  const tEnd = qty(kid(overall, 'max_time'), ['min']);
  const save = kid(R, 'save');
  const full = kid(save, 'full_data');
  const svg = kid(save, 'SVG');
  const snapEl = truthy(text(kid(full, 'enable'))) ? kid(full, 'interval') : truthy(text(kid(svg, 'enable'))) ? kid(svg, 'interval') : kid(full, 'interval') ?? kid(svg, 'interval');
  const snapshot = snapEl ? qty(snapEl, ['min']) : 60;
  const spatial: Record<string, unknown> = {
    dims: use2D ? 2 : 3,
    size: [sx, sy, sz],
    voxel_size: dx,
    dt_diffusion: qty(kid(overall, 'dt_diffusion'), ['min'], 0.01),
    dt_mechanics: qty(kid(overall, 'dt_mechanics'), ['min'], 0.1),
    dt_phenotype: qty(kid(overall, 'dt_phenotype'), ['min'], 6),
    snapshot_interval: snapshot,
    // PhysiCell tries each eligible neighbour in turn: an interaction's rate grows with them.
    contact_interactions: 'per-neighbour',
  };
  if (kid(overall, 'dt_intracellular')) warn(kid(overall, 'dt_intracellular'), 'intracellular models are not supported; dt_intracellular is ignored');

  const options = kid(R, 'options');
  // random_seed is run setting, not model: the caller uses it as the run's default seed.
  // (PhysiCell's per-thread generators cannot be reproduced, so the same seed does not give
  // PhysiCell's run; nichesim's own runs are reproducible from it.)
  const seedEl = kid(options, 'random_seed');
  let seed: number | undefined;
  if (seedEl) {
    const v = num(seedEl);
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 32 - 1) fail(seedEl, `random_seed must be a whole number from 0 to 4294967295, got ${text(seedEl)}`);
    seed = v;
  }
  const springEl = kid(options, 'disable_automated_spring_adhesions');
  if (springEl && !truthy(text(springEl))) warn(springEl, 'automated spring attachments are not simulated by nichesim; attached cells move independently');

  // --- substrates -----------------------------------------------------------------------------
  const names = new NameTable();
  const micro = kid(R, 'microenvironment_setup');
  const substrates: Record<string, unknown> = {};
  const faces = use2D ? ['xmin', 'xmax', 'ymin', 'ymax'] : ['xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax'];
  for (const v of kids(micro, 'variable')) {
    const name = v.getAttribute('name') ?? fail(v, 'a <variable> needs a name');
    if (names.substrates.has(name)) fail(v, `duplicate substrate name "${name}"`);
    const id = names.add('substrate', name);
    const unitAttr = v.getAttribute('units') ?? 'dimensionless';
    let unit = mapUnit(unitAttr);
    if (unit === null) {
      warn(v, `concentration unit "${unitAttr}" is not a nichesim unit; the substrate is imported as dimensionless`);
      unit = 'dimensionless';
    }
    const pps = kid(v, 'physical_parameter_set');
    const sub: Record<string, unknown> = {
      unit,
      diffusion_coefficient: qty(kid(pps, 'diffusion_coefficient'), ['um^2/min'], 0),
      decay_rate: qty(kid(pps, 'decay_rate'), ['1/min'], 0),
      initial_condition: num(kid(v, 'initial_condition'), 0),
    };
    if (id !== name) sub.label = name;
    const dbc = kid(v, 'Dirichlet_boundary_condition');
    const master = truthy(dbc?.getAttribute('enabled'));
    const masterValue = num(dbc, 0);
    const opts = kids(kid(v, 'Dirichlet_options'), 'boundary_value').filter((b) => faces.includes(b.getAttribute('ID') ?? ''));
    if (opts.length > 0) {
      const per = opts.map((b) => ({ enabled: master && truthy(b.getAttribute('enabled')), value: num(b, masterValue) }));
      const on = per.filter((p) => p.enabled);
      const differ = on.length > 0 && (on.length !== per.length || on.some((p) => p.value !== on[0].value));
      if (differ) warn(kid(v, 'Dirichlet_options'), `substrate "${name}": per-face Dirichlet options differ (${opts.map((b, k) => `${b.getAttribute('ID')}: ${per[k].enabled ? per[k].value : 'off'}`).join(', ')}); nichesim holds one value on every face, ${on[0].value} is used on all`);
      if (master || on.length > 0) sub.dirichlet_boundary = { enabled: on.length > 0, value: on.length > 0 ? on[0].value : masterValue };
    } else if (dbc) {
      sub.dirichlet_boundary = { enabled: master, value: masterValue };
    }
    substrates[id] = sub;
  }
  const mopts = kid(micro, 'options');
  for (const tag of ['initial_condition', 'dirichlet_nodes']) {
    const el = kid(mopts, tag);
    if (el && truthy(el.getAttribute('enabled'))) warn(el, `${tag} from a file (${text(kid(el, 'filename'))}) is not supported; the uniform values of each variable are used`);
  }
  const track = kid(mopts, 'track_internalized_substrates_in_each_agent');
  if (track && truthy(text(track))) warn(track, 'internalised substrates are not tracked by nichesim');

  // --- cell definitions ---------------------------------------------------------------------
  const defsEl = kid(R, 'cell_definitions');
  const defs = kids(defsEl, 'cell_definition');
  if (defs.length === 0) fail(defsEl ?? R, 'no <cell_definition>');
  const byName = new Map<string, Element>();
  for (const def of defs) {
    const name = def.getAttribute('name') ?? fail(def, 'a <cell_definition> needs a name');
    if (byName.has(name)) fail(def, `duplicate cell type name "${name}"`);
    byName.set(name, def);
    names.add('cellType', name);
    const id = def.getAttribute('ID');
    if (id !== null && id !== '') names.cellTypeIds.set(id, name);
  }
  /** The definition and its ancestors (parent_type, else the first definition). */
  const chainOf = (def: Element): Element[] => {
    const chain: Element[] = [def];
    let cur = def;
    while (chain.length <= defs.length) {
      const p = cur.getAttribute('parent_type');
      let next: Element | undefined;
      if (p) {
        next = byName.get(p);
        if (!next) fail(cur, `parent_type "${p}" is not a defined cell type`);
      } else if (cur !== defs[0]) next = defs[0];
      if (!next || chain.includes(next)) break;
      chain.push(next);
      cur = next;
    }
    return chain;
  };
  const find = (chain: Element[], ...tags: string[]): Element | undefined => {
    for (const c of chain) {
      const e = path(c, ...tags);
      if (e) return e;
    }
    return undefined;
  };
  /** Named entries (e.g. secretion substrates) merged down the chain: nearest definition wins. */
  const named = (chain: Element[], attr: string, ...tags: string[]): Map<string, Element> => {
    const out = new Map<string, Element>();
    const parentTags = tags.slice(0, -1);
    const leaf = tags[tags.length - 1];
    for (const c of chain) for (const e of kids(path(c, ...parentTags), leaf)) {
      const n = e.getAttribute(attr);
      if (n !== null && !out.has(n)) out.set(n, e);
    }
    return out;
  };
  const typeRef = (n: string, el: Element): string => names.cellType(n) ?? fail(el, `unknown cell type "${n}"`);
  const subRef = (n: string, el: Element): string => names.substrates.get(n) ?? fail(el, `unknown substrate "${n}"`);

  const onceSeen = new Set<string>();
  const warnOnce = (key: string, el: Element | undefined, message: string): void => {
    if (onceSeen.has(key)) return;
    onceSeen.add(key);
    warn(el, message);
  };

  const cellTypes: Record<string, unknown> = {};
  /** Cell types whose motility PhysiCell disables (rules on their migration then do nothing there). */
  const motilityOff = new Map<string, Element>();
  for (const def of defs) {
    const name = def.getAttribute('name') as string;
    const id = names.cellTypes.get(name) as string;
    const chain = chainOf(def);
    const ct: Record<string, unknown> = {};
    if (id !== name) ct.label = name;
    ct.source = `PhysiCell ${file}, cell_definition "${name}"`;

    // cycle
    const cycle = find(chain, 'phenotype', 'cycle');
    if (cycle) {
      const durs = kids(kid(cycle, 'phase_durations'), 'duration');
      const rates = kids(kid(cycle, 'phase_transition_rates'), 'rate');
      let total = 0;
      let blocked = false;
      let phases = 0;
      let fixed = false;
      for (const dEl of durs) {
        const v = num(dEl);
        if (v === 0) fail(dEl, `a cycle phase duration of 0 min is not allowed (cell type "${name}")`);
        if (v < 0) fail(dEl, `a negative phase duration (cell type "${name}")`);
        total += v;
        phases++;
        fixed ||= truthy(dEl.getAttribute('fixed_duration'));
      }
      for (const rEl of rates) {
        const r = num(rEl);
        if (r < 0) fail(rEl, `a negative transition rate (cell type "${name}")`);
        if (r === 0) blocked = true;
        else total += 1 / r;
        phases++;
        fixed ||= truthy(rEl.getAttribute('fixed_duration'));
      }
      const model = `cycle model ${cycle.getAttribute('code') ?? ''} (${cycle.getAttribute('name') ?? ''}) has ${phases} phase${phases === 1 ? '' : 's'}`;
      // The phase links, rates (start_index) and durations (index) alike (PhysiCell reads both
      // lists, rates first); phase 0's exit link is the one of phase 0, else the first one.
      const links = [...rates.map((el) => ({ el, rate: true, phase: el.getAttribute('start_index') })), ...durs.map((el) => ({ el, rate: false, phase: el.getAttribute('index') }))];
      const first = links.find((l) => (l.phase ?? '').trim() === '0') ?? links[0];
      const later = links.filter((l) => l !== first);
      const laterBlocked = later.some((l) => l.rate && num(l.el) === 0);
      if (first && later.length > 0 && !truthy(first.el.getAttribute('fixed_duration')) && !laterBlocked) {
        // PhysiCell's "cycle entry" is phase 0's exit rate: keep it exactly; the later phases
        // (fixed durations or 1/rate means) become the time from cycle entry to division.
        const entry = first.rate ? num(first.el) : 1 / num(first.el);
        let delay = 0;
        for (const l of later) delay += l.rate ? 1 / num(l.el) : num(l.el);
        ct.cycle_entry = entry;
        ct.division_delay = delay;
        warn(cycle, `cell type "${name}": ${model}; phase 0's exit rate is kept as cycle_entry = ${entry.toPrecision(4)} 1/min (PhysiCell's "cycle entry") and the later phases become division_delay = ${delay.toPrecision(4)} min, so the mean cycle time 1/cycle_entry + division_delay is PhysiCell's; division times are exponential with that mean (rate cycle_entry / (1 + cycle_entry x division_delay)), not phase-structured`);
      } else {
        // One stochastic rate (live cycle, code 5) is kept exactly, not as 1/(1/r).
        const entry = blocked || total === 0 ? 0 : durs.length === 0 && rates.length === 1 ? num(rates[0]) : 1 / total;
        ct.cycle_entry = entry;
        if (phases > 1 || fixed) {
          warn(cycle, `cell type "${name}": ${model}${fixed ? ' with fixed durations' : ''}; collapsed to one exponential cycle_entry rate = 1 / total duration = ${entry.toPrecision(4)} 1/min (division times are exponential, not phase-structured)`);
        }
      }
      const asym = kid(cycle, 'standard_asymmetric_division');
      if (asym && truthy(asym.getAttribute('enabled'))) warn(asym, `cell type "${name}": asymmetric division is not supported; daughters keep the parent's type`);
    }
    // death
    for (const m of kids(find(chain, 'phenotype', 'death'), 'model')) {
      const code = m.getAttribute('code');
      const rate = num(kid(m, 'death_rate'), 0);
      const durs = kids(kid(m, 'phase_durations'), 'duration');
      const rts = kids(kid(m, 'phase_transition_rates'), 'rate');
      const phaseTime = (k: number): number | undefined => {
        if (durs[k]) return num(durs[k]);
        if (rts[k]) {
          const r = num(rts[k]);
          return r > 0 ? 1 / r : undefined;
        }
        return undefined;
      };
      if (code === '100') {
        ct.apoptosis = rate;
        const t = phaseTime(0);
        if (t !== undefined && t > 0) ct.apoptotic_clearance_time = t;
      } else if (code === '101') {
        ct.necrosis = rate;
        const t = phaseTime(1);
        if (t !== undefined && t > 0) ct.necrotic_clearance_time = t;
      } else warn(m, `cell type "${name}": death model code ${code} is not supported`);
      if (kid(m, 'parameters')) warnOnce('death-params', kid(m, 'parameters'), 'death-model volume parameters (fluid change, biomass change, calcification, rupture volume) are not simulated; dead cells keep their volume until removal');
    }
    // volume
    const vol = find(chain, 'phenotype', 'volume');
    const total = kid(vol, 'total');
    if (total) ct.volume = qty(total, ['um^3']);
    if (vol && kids(vol).length > 1) warnOnce('volume', vol, 'only the total cell volume is imported; volume sub-compartments and their change rates (fluid, nuclear, calcification) are not simulated');
    // mechanics
    const mech = find(chain, 'phenotype', 'mechanics');
    if (mech) {
      // The strengths and the relative maximum adhesion distance, each from the nearest
      // definition of the chain that gives it; values at PhysiCell's defaults (nichesim's
      // global mechanics) are left out, so the model reads the same as without them.
      const mechanics: Record<string, number | string> = {};
      const fields = [
        ['cell_cell_adhesion_strength', 'um/min', DEFAULT_MECHANICS.adhesion],
        ['cell_cell_repulsion_strength', 'um/min', DEFAULT_MECHANICS.repulsion],
        ['relative_maximum_adhesion_distance', 'dimensionless', DEFAULT_MECHANICS.relativeMaxAdhesionDistance],
      ] as const;
      for (const [tag, unit, dflt] of fields) {
        const el = find(chain, 'phenotype', 'mechanics', tag);
        if (!el) continue;
        const v = qty(el, [unit]);
        if (typeof v === 'number' && v < 0) fail(el, `a negative ${tag} (cell type "${name}")`);
        if (v !== dflt) mechanics[tag] = v;
      }
      if (Object.keys(mechanics).length > 0) ct.mechanics = mechanics;
      warnOnce('mechanics', mech, 'mechanics: the adhesion and repulsion strengths and the relative maximum adhesion distance are imported; adhesion affinities, equilibrium distances and spring attachments (elastic constant, attachment and detachment rates, maximum number) are not, nichesim uses adhesion affinity 1 between all types and no spring attachments');
    }
    // motility
    const mot = find(chain, 'phenotype', 'motility');
    if (!mot || !truthy(text(path(mot, 'options', 'enabled')))) motilityOff.set(id, mot ?? def);
    if (mot) {
      const enabled = truthy(text(path(mot, 'options', 'enabled')));
      if (enabled) {
        const chemo: Record<string, number> = {};
        const adv = path(mot, 'options', 'advanced_chemotaxis');
        const basic = path(mot, 'options', 'chemotaxis');
        if (adv && truthy(text(kid(adv, 'enabled')))) {
          for (const s of kids(kid(adv, 'chemotactic_sensitivities'), 'chemotactic_sensitivity')) {
            const v = num(s);
            if (v !== 0) chemo[subRef(s.getAttribute('substrate') ?? '', s)] = v;
          }
          if (truthy(text(kid(adv, 'normalize_each_gradient')))) warn(kid(adv, 'normalize_each_gradient'), `cell type "${name}": normalize_each_gradient is not supported; gradients are weighted unnormalised`);
        } else if (basic && truthy(text(kid(basic, 'enabled')))) {
          const sEl = kid(basic, 'substrate');
          chemo[subRef(text(sEl), sEl as Element)] = num(kid(basic, 'direction'), 1);
        }
        const motility = {
          migration_speed: qty(kid(mot, 'speed'), ['um/min'], 0),
          persistence_time: qty(kid(mot, 'persistence_time'), ['min'], 1),
          migration_bias: num(kid(mot, 'migration_bias'), 0),
          chemotaxis: chemo,
        };
        // Motility at nichesim's defaults is left out (the model then reads the same).
        const atDefaults = motility.migration_speed === 0 && motility.persistence_time === 1 && motility.migration_bias === 0 && Object.keys(chemo).length === 0;
        if (!atDefaults) ct.motility = motility;
      }
    }
    // secretion
    const secretion: Record<string, unknown> = {};
    for (const [sname, s] of named(chain, 'name', 'phenotype', 'secretion', 'substrate')) {
      const e = {
        secretion_rate: num(kid(s, 'secretion_rate'), 0),
        secretion_target: num(kid(s, 'secretion_target'), 0),
        uptake_rate: num(kid(s, 'uptake_rate'), 0),
        net_export_rate: num(kid(s, 'net_export_rate'), 0),
      };
      // Kept when any value is non-zero: the target matters once a rule raises the secretion rate.
      if (e.secretion_rate !== 0 || e.secretion_target !== 0 || e.uptake_rate !== 0 || e.net_export_rate !== 0) secretion[subRef(sname, s)] = e;
    }
    if (Object.keys(secretion).length > 0) ct.secretion = secretion;
    // interactions
    const ci = find(chain, 'phenotype', 'cell_interactions');
    if (ci) {
      const live: Record<string, number> = {};
      for (const [t, e] of named(chain, 'name', 'phenotype', 'cell_interactions', 'live_phagocytosis_rates', 'phagocytosis_rate')) {
        const v = num(e);
        if (v !== 0) live[typeRef(t, e)] = v;
      }
      const apo = num(kid(ci, 'apoptotic_phagocytosis_rate'), 0);
      const nec = num(kid(ci, 'necrotic_phagocytosis_rate'), 0);
      if (apo !== 0 || nec !== 0 || Object.keys(live).length > 0) ct.phagocytosis = { apoptotic: apo, necrotic: nec, live };
      const other = kid(ci, 'other_dead_phagocytosis_rate');
      if (other && num(other) !== 0) warn(other, `cell type "${name}": phagocytosis of other dead cells is not supported`);
      const attack: Record<string, number> = {};
      for (const [t, e] of named(chain, 'name', 'phenotype', 'cell_interactions', 'attack_rates', 'attack_rate')) {
        const v = num(e);
        if (v !== 0) attack[typeRef(t, e)] = v;
      }
      if (Object.keys(attack).length > 0) {
        ct.attack = attack;
        // PhysiCell 1.14: an attack delivers damage (attack_damage_rate while attached, for
        // attack_duration on average); the target dies only through its rules.
        const adr = kid(ci, 'attack_damage_rate');
        const dur = kid(ci, 'attack_duration');
        const duration = dur ? num(dur) : 0;
        if (adr && dur && duration > 0) {
          ct.attack_damage_rate = qty(adr, ['1/min'], 0);
          ct.attack_duration = qty(dur, ['min']);
          warn(kid(ci, 'attack_rates'), `cell type "${name}": an attack adds attack_damage_rate x attack_duration (${text(adr)} x ${text(dur)}) of damage to its target at once; in PhysiCell the damage accrues while the attacker stays attached, for a random time`);
        } else {
          warn(kid(ci, 'attack_rates') ?? ci, `cell type "${name}": no positive attack_damage_rate and attack_duration are given, so in nichesim an attack kills its target at once`);
        }
      }
      for (const [t, e] of named(chain, 'name', 'phenotype', 'cell_interactions', 'fusion_rates', 'fusion_rate')) {
        if (num(e) !== 0) warn(e, `cell type "${name}": fusion with "${t}" is not supported; the fusion rate ${text(e)} 1/min is dropped`);
      }
    }
    const transformation: Record<string, number> = {};
    for (const [t, e] of named(chain, 'name', 'phenotype', 'cell_transformations', 'transformation_rates', 'transformation_rate')) {
      const v = num(e);
      if (v !== 0) transformation[typeRef(t, e)] = v;
    }
    if (Object.keys(transformation).length > 0) ct.transformation = transformation;
    const integ = find(chain, 'phenotype', 'cell_integrity');
    const damageRate = kid(integ, 'damage_rate');
    if (damageRate && num(damageRate) !== 0) warn(damageRate, `cell type "${name}": damage_rate (damage a cell gives itself) is not supported; the rate ${text(damageRate)} 1/min is dropped`);
    const repair = kid(integ, 'damage_repair_rate');
    if (repair && num(repair) !== 0) ct.damage_repair_rate = qty(repair, ['1/min']);
    const intra = find(chain, 'phenotype', 'intracellular');
    if (intra) warn(intra, `cell type "${name}": intracellular model (type "${intra.getAttribute('type') ?? ''}") is not supported; the cell's phenotype will not respond to it`);
    const custom = kid(def, 'custom_data');
    if (custom && kids(custom).length > 0) warn(custom, `cell type "${name}": custom_data (${kids(custom).map((c) => c.tagName).join(', ')}) is not supported; custom variables are only read by custom C++ and by custom: signals`);
    const ipd = kid(def, 'initial_parameter_distributions');
    if (ipd && truthy(ipd.getAttribute('enabled'))) warn(ipd, `cell type "${name}": initial_parameter_distributions are not supported; every cell starts with its type's values`);
    const fn = kid(def, 'functions');
    if (fn) warn(fn, `cell type "${name}": custom C++ functions are not imported`);
    cellTypes[id] = ct;
  }

  // --- user parameters -------------------------------------------------------------------------
  const up = kid(R, 'user_parameters');
  let numberOfCells = 0;
  const parameters: Record<string, unknown> = {};
  const seenParams = new Map<string, Element>();
  for (const p of kids(up)) {
    const tag = p.tagName;
    const prev = seenParams.get(tag);
    if (prev) fail(p, `duplicate user parameter "${tag}" (first given at line ${lineOf(prev) ?? '?'})`);
    seenParams.set(tag, p);
    if (tag === 'number_of_cells') {
      numberOfCells = num(p, 0);
      if (!Number.isInteger(numberOfCells) || numberOfCells < 0) fail(p, `number_of_cells must be a whole number of 0 or more, got ${text(p)}`);
      if (numberOfCells > 0) {
        warn(p, `number_of_cells = ${numberOfCells}: assumed to be read by the standard template's setup_tissue, which places ${numberOfCells} cells of every type at random before reading cells.csv; they are added to each type's initial_number and placed by abmAgents(seed) (PhysiCell's random positions are not reproduced)`);
      }
      continue;
    }
    if (tag === 'random_seed') {
      warn(p, `random_seed ${text(p)} is not part of a nichesim model; pass the seed to the run`);
      continue;
    }
    const type = (p.getAttribute('type') ?? '').trim().toLowerCase();
    if (type === 'bool' || type === 'string') {
      warn(p, `user parameter "${tag}" (${type}) is only read by custom C++ code and nichesim parameters are numbers; it is dropped`);
      continue;
    }
    if (type !== '' && type !== 'int' && type !== 'double') fail(p, `user parameter "${tag}" has type "${type}"; PhysiCell knows int, double, bool and string`);
    const value = num(p);
    const id = names.add('parameter', tag);
    const entry: Record<string, unknown> = { value, source: `PhysiCell user parameter in ${file}` };
    const unitAttr = (p.getAttribute('units') ?? '').trim();
    if (unitAttr !== '' && !/^(none|dimensionless|1|-)$/i.test(unitAttr)) {
      const m = mapUnit(unitAttr);
      if (m === null) warn(p, `user parameter "${tag}": unit "${unitAttr}" is not a nichesim unit; the value ${value} is imported as dimensionless`);
      else if (m !== 'dimensionless') entry.unit = m;
    }
    const description = (p.getAttribute('description') ?? '').trim();
    if (description !== '') entry.description = description;
    parameters[id] = entry;
    warn(p, `user parameter "${tag}" is only read by custom C++ code; it is kept as parameter "${id}", but nothing in the imported model uses it`);
  }

  // --- rules and cells -------------------------------------------------------------------------
  const references: PhysiCellImport['references'] = {};
  let rulesetVersion: string | undefined;
  const allRulesets = kids(path(R, 'cell_rules', 'rulesets'), 'ruleset');
  const rulesets = allRulesets.filter((r) => truthy(r.getAttribute('enabled')));
  let readRules = false;
  if (rulesets.length > 0) {
    const r = rulesets[0];
    rulesetVersion = r.getAttribute('version') ?? undefined;
    references.rules = joinPath(text(kid(r, 'folder')), text(kid(r, 'filename')));
    const format = r.getAttribute('format');
    if (format !== null && format.toLowerCase() !== 'csv') fail(r, `ruleset format "${format}" is not supported; PhysiCell 1.14 reads csv`);
    if (rulesets.length > 1) warn(rulesets[1], 'only the first enabled ruleset is imported');
    if (!input.rulesCsv) warn(r, `the ruleset ${references.rules} was not given to the importer; its rules are missing`);
    else readRules = true;
  } else if (input.rulesCsv) {
    warn(allRulesets[0] ?? kid(R, 'cell_rules') ?? R, `the settings enable no ruleset, so PhysiCell does not read ${input.rulesCsv.path}; its rules are ignored`);
  }
  const pos = path(R, 'initial_conditions', 'cell_positions');
  let readCells = false;
  if (pos && truthy(pos.getAttribute('enabled'))) {
    references.cells = joinPath(text(kid(pos, 'folder')), text(kid(pos, 'filename')));
    const type = pos.getAttribute('type');
    if (type !== null && type.toLowerCase() !== 'csv') fail(pos, `cell positions of type "${type}" are not supported; use a csv file`);
    if (!input.cellsCsv) warn(pos, `the cell positions ${references.cells} were not given to the importer; those cells are missing`);
    else readCells = true;
  } else if (input.cellsCsv) {
    warn(pos ?? kid(R, 'initial_conditions') ?? R, `the settings do not enable <cell_positions>, so PhysiCell does not read ${input.cellsCsv.path}; its cells are ignored`);
  }
  let rules: ImportedRule[] = [];
  if (readRules && input.rulesCsv) rules = parseRulesCsv(input.rulesCsv.text, input.rulesCsv.path, names, warnings, rulesetVersion);
  const origin: [number, number, number] = [d('x_min'), d('y_min'), d('z_min')];
  const size: [number, number, number] = [sx, sy, sz];
  let agents: PhysiCellAgent[] | undefined;
  if (readCells && input.cellsCsv) agents = parseCellsCsv(input.cellsCsv.text, input.cellsCsv.path, names, warnings, { origin, size, dims: use2D ? 2 : 3 });

  // Rules on the migration of a cell type whose PhysiCell motility is off act in nichesim.
  const MIGRATION = /^(migration speed|migration bias|migration persistence time|chemotactic response to .+)$/;
  const migrationWarned = new Set<string>();
  for (const r of rules) {
    const el = motilityOff.get(r.cell_type);
    if (el && MIGRATION.test(r.behaviour) && !migrationWarned.has(r.cell_type)) {
      migrationWarned.add(r.cell_type);
      warn(el, `cell type "${r.cell_type}": PhysiCell's motility is disabled, so its rules on migration (e.g. "${r.behaviour}") have no effect there; nichesim applies them (the base values are nichesim's defaults)`);
    }
  }

  // Initial numbers: cells.csv rows + number_of_cells, per type.
  const randomCells: Record<string, number> = {};
  for (const [id, ct] of Object.entries(cellTypes)) {
    randomCells[id] = numberOfCells;
    const n = numberOfCells + (agents ? agents.filter((a) => a.type === id).length : 0);
    if (n > 0) (ct as Record<string, unknown>).initial_number = n;
  }

  const folder = file.replace(/\\/g, '/').split('/').slice(0, -1).filter((s) => s !== '' && s !== '.' && s !== '..' && s !== 'config').pop() ?? 'physicell';
  let modelName = folder.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z]/.test(modelName)) modelName = `physicell_${modelName}`;

  const model: Record<string, unknown> = {
    nichesim: 1,
    name: modelName,
    title: `PhysiCell project ${folder}`,
    description: `Imported from ${file}.`,
    niche: { volume: sx * sy * sz, description: 'the PhysiCell domain volume' },
    simulation: { t_end: tEnd, output_interval: snapshot },
    spatial,
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    substrates,
    cell_types: cellTypes,
    rules,
  };
  if (input.strict) assertNoWarnings(warnings, file);
  const dims = use2D ? 2 : 3;
  const abmAgents = (seed = 1): PhysiCellAgent[] => {
    const rng = new CounterRng(seed);
    const pair = new Float64Array(2);
    const out: PhysiCellAgent[] = [];
    let k = 0;
    for (const [type, n] of Object.entries(randomCells)) {
      for (let i = 0; i < n; i++, k++) {
        rng.uniformPair(STREAM_RANDOM_CELLS, k, 0, 0, pair);
        out.push({ type, x: pair[0] * sx, y: pair[1] * sy, z: dims === 3 ? rng.uniform(STREAM_RANDOM_CELLS, k, 0, 1) * sz : sz / 2 });
      }
    }
    return agents ? [...out, ...agents.map((a) => ({ ...a }))] : out;
  };
  return { model, agents, randomCells, origin, abmAgents, warnings, references, ...(seed !== undefined ? { seed } : {}) };
}

function joinPath(folder: string, filename: string): string {
  if (!folder) return filename;
  return `${folder.replace(/\/+$/, '')}/${filename}`;
}
