/**
 * PhysiCell 1.14 project export (layer 5, no Node-only API): a normalised nichesim model to the
 * text of a PhysiCell project that PhysiCell 1.14.2's standard template (sample_projects/template,
 * no custom C++) runs, and that `importPhysiCell` reads back to the same model.
 *
 * Layout (names relative to the output folder; PhysiCell runs from the project root as
 * `./project ./config/PhysiCell_settings.xml` and opens the files the settings name relative to
 * that root, so the settings name them as folder `./config`):
 *
 *     config/PhysiCell_settings.xml   domain, times, options, substrates, cell definitions,
 *                                      initial_conditions -> ./config/cells.csv,
 *                                      cell_rules (CBHG 3.0, csv) -> ./config/cell_rules.csv,
 *                                      user_parameters (number_of_cells + the model's parameters)
 *     config/cell_rules.csv           rules, 8-column v3 form, no header, `//` comment lines
 *     config/cells.csv                initial cells, headed form `x,y,z,type` (type by name)
 *
 * Semantics: ../../../shared/design/physicell-semantics.md. Mapping (nichesim -> PhysiCell):
 * - Units: nichesim's canonical units are PhysiCell's (min, micron, 1/min, micron^2/min,
 *   micron^3; concentrations in the substrate's unit; net export in unit x micron^3/min), so
 *   numbers are written unchanged, with full precision (shortest round-trip decimal). Values
 *   written as expressions over parameters are evaluated (a warning says the link is lost).
 * - Domain: x in [0, Lx], y in [0, Ly] (nichesim's frame, so positions are written unchanged);
 *   2D: z in [-Lz/2, Lz/2] and cells at z = 0 (PhysiCell's 2D convention); 3D: z in [0, Lz].
 * - Cycle: the live model (code 5) with one stochastic transition 0 -> 0 at the cycle entry rate;
 *   for a type with a division delay, the basic Ki67 model (code 1): phase 0 -> 1 stochastic at
 *   the cycle entry rate (what PhysiCell's rule behaviour "cycle entry" sets, written as a rate),
 *   phase 1 -> 0 of fixed duration division_delay (written as a duration, index 1), division at
 *   the exit of phase 1.
 *   Death: apoptosis (code 100) and necrosis (code 101) at their rates; the apoptotic phase and
 *   the lysed necrotic phase last the clearance times, stochastically (fixed_duration false), as
 *   nichesim removes dead cells with rate 1/clearance time; PhysiCell's default volume-change
 *   parameters.
 * - Volume: the total; the nuclear volume scaled from PhysiCell's defaults (540 of 2494 um^3).
 *   Mechanics: the type's adhesion and repulsion strengths and relative maximum adhesion
 *   distance, the agent-based engine's defaults (DEFAULT_MECHANICS) where it sets none;
 *   affinity 1 to every type.
 * - Motility: enabled when the type moves (speed, bias, persistence or chemotaxis differ from
 *   the defaults) or a rule acts on its migration; chemotaxis as advanced chemotaxis with one
 *   sensitivity per substrate (unnormalised gradients).
 * - Secretion, phagocytosis (apoptotic, necrotic, live per type), attack and transformation
 *   rates per type; attack damage rate and duration (PhysiCell's defaults 1 1/min and 0.1 min
 *   when the type's attacks kill, with a warning), damage repair rate; other-dead phagocytosis,
 *   fusion and self-damage rates 0.
 * - Initial cells: see `exportPhysiCell`.
 * - Names: each substrate, cell type and parameter is written under its label when the importer
 *   maps that label back to the same identifier (names.ts), else under its identifier.
 * Anything the project cannot hold gives a warning (no silent loss): derived outputs, dosing and
 * pharmacokinetics, influx (recruitment) and rules on it, expressions, a niche volume other than
 * the domain's, an output interval other than the snapshot interval, citations and notes
 * (written as comments), attacks that kill at once (PhysiCell's deliver damage).
 */
import { DEFAULT_MECHANICS } from '../../engines/abm/mechanics.js';
import { evaluateExpr, parseExpr } from '../../expr/index.js';
import type { CellType, Model, Value } from '../../model/model.js';
import { CounterRng } from '../../random/index.js';
import { parseQuantity } from '../../units/index.js';
import { NICHESIM_VERSION } from '../../version.js';
import type { BehaviourRef } from '../../vocabulary/behaviours.js';
import type { SignalRef } from '../../vocabulary/signals.js';
import { PhysiCellError, type PhysiCellWarning } from './errors.js';
import { mapUnit } from './import.js';
import { NameTable, type NameKind } from './names.js';
import { IMPORTED_RULE_EVIDENCE } from './rules.js';

/** One file of an exported project: `name` relative to the output folder. */
export interface PhysiCellExportFile {
  name: string;
  text: string;
}

/** Options of `exportPhysiCell`. */
export interface PhysiCellExportOptions {
  /**
   * Initial cells (cell-type name, position in um in nichesim's frame: [0, Lx] x [0, Ly] x [0, Lz];
   * z is ignored in 2D), e.g. `PhysiCellImport.agents` or a model's initial-cells file.
   */
  agents?: ReadonlyArray<{ type: string; x: number; y: number; z?: number }>;
  /** Written as `<random_seed>`, and seeds the positions of cells the exporter places (integer 0..2^32-1; default 0). */
  seed?: number;
  /** 2 or 3; default the model's spatial.dims. Switching to 3D gives z the smaller of the x and y extents, to 2D one voxel (as the agent-based engine does). */
  dims?: 2 | 3;
}

/** The settings file of an exported project (PhysiCell's default path). */
export const PHYSICELL_SETTINGS_FILE = 'config/PhysiCell_settings.xml';
/** The rules file of an exported project. */
export const PHYSICELL_RULES_FILE = 'config/cell_rules.csv';
/** The initial cells file of an exported project. */
export const PHYSICELL_CELLS_FILE = 'config/cells.csv';

const SETTINGS = PHYSICELL_SETTINGS_FILE;
const RULES = PHYSICELL_RULES_FILE;
const CELLS = PHYSICELL_CELLS_FILE;

/** Random stream of the positions the exporter gives to cells ("PCEX"). */
const STREAM_EXPORT_CELLS = 0x50434558;
/** More initial cells than this are not written out one by one. */
const MAX_CELL_ROWS = 2_000_000;

/** A number as PhysiCell reads it back exactly (shortest round-trip decimal; -0 as 0). */
function fmt(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\r?\n/g, ' ');
}

/** Text safe inside an XML comment (no "--"). */
function xmlComment(s: string): string {
  return s.replace(/-{2,}/g, (m) => m.split('').join(' ')).replace(/-$/, '- ');
}

/** Text safe on one `//` comment line of a CSV. */
function csvComment(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

/** A name PhysiCell can carry in its XML and CSV files (no separators, no surrounding spaces). */
function physiCellSafe(name: string): boolean {
  return name !== '' && name === name.trim() && !/[,\t\r\n"]/.test(name) && !name.startsWith('//');
}

/**
 * Writes a nichesim model as a PhysiCell 1.14 project.
 *
 * Initial cells, chosen so that `importPhysiCell` gives back the same initial numbers (and the
 * same agents): with d_t = initial_number(t) − (agents of type t in `options.agents`), rounded to
 * whole cells:
 * - if every d_t is the same n >= 0: `number_of_cells` = n (the standard template places n cells of
 *   every type at random) and cells.csv holds exactly `options.agents` (so a project imported
 *   from PhysiCell comes back with its number_of_cells and its cells.csv);
 * - otherwise `number_of_cells` = 0 and cells.csv holds `options.agents` plus d_t cells of each
 *   type with d_t > 0 at uniformly random positions (seeded by `options.seed`, reproducible); a
 *   type with d_t < 0 starts with its agents (a warning says so).
 * `<cell_positions>` is enabled when cells.csv has rows; the ruleset is always enabled (the file
 * may hold comments only).
 *
 * @param model a normalised model (parseModel); values are in canonical units (min, um, 1/min, ...)
 * @param options initial cells (um, nichesim frame), seed, dimensions
 * @returns the three files (settings, rules, cells; names in PHYSICELL_*_FILE) and a warning
 *   {file, element, message} for everything the project cannot hold, naming the nichesim field
 * @throws PhysiCellError when an agent names an unknown cell type or has a non-finite position,
 *   a value evaluates to a non-finite number, or more than 2,000,000 cells would be written;
 *   RangeError for a seed that is not an integer in [0, 2^32)
 */
export function exportPhysiCell(model: Model, options: PhysiCellExportOptions = {}): { files: PhysiCellExportFile[]; warnings: PhysiCellWarning[] } {
  const warnings: PhysiCellWarning[] = [];
  const warn = (file: string, element: string, message: string): void => {
    warnings.push({ file, element, message });
  };
  const seed = options.seed ?? 0;
  const contactRules = model.rules.some((r) => r.behaviour.kind === 'phagocytose' || r.behaviour.kind === 'attack' || r.behaviour.kind === 'phagocytose apoptotic cell' || r.behaviour.kind === 'phagocytose necrotic cell');
  if ((model.spatial.contactInteractions ?? 'per-predator') === 'per-predator' && (contactRules || model.cellTypes.some((c) => Object.keys(c.phagocytosis?.live ?? {}).length > 0 || Object.keys(c.attack ?? {}).length > 0))) {
    warn(SETTINGS, 'spatial.contact_interactions', 'PhysiCell tries every eligible neighbour in turn, so a phagocytosis or attack rate acts per neighbour; this model uses it per predator (the mean-field closure), so contact interactions are faster in PhysiCell where cells have several neighbours');
  }
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new RangeError(`exportPhysiCell: the seed must be an integer from 0 to 4294967295, got ${seed}`);

  // --- values ---------------------------------------------------------------------------------
  const env: Record<string, number> = {};
  for (const [k, p] of Object.entries(model.parameters)) env[k] = p.value;
  /** A Value as a number in its canonical unit; expressions are evaluated (with a warning). */
  const val = (v: Value, field: string, file = SETTINGS): number => {
    if (typeof v === 'number') return v;
    const x = evaluateExpr(parseExpr(v.expr), env) * v.scale;
    if (!Number.isFinite(x)) throw new PhysiCellError(`'${v.expr}' evaluates to ${x}`, { file, element: field });
    warn(file, field, `the expression '${v.expr}' is written as its value ${fmt(x)}: PhysiCell holds numbers, so its link to the parameters is lost`);
    return x;
  };

  // --- domain ---------------------------------------------------------------------------------
  const sp = model.spatial;
  const dims = options.dims ?? sp.dims;
  const size: [number, number, number] = [sp.size[0], sp.size[1], sp.size[2]];
  if (dims !== sp.dims) size[2] = dims === 3 ? Math.min(size[0], size[1]) : sp.voxelSize;
  const [Lx, Ly, Lz] = size;
  const zMin = dims === 2 ? -Lz / 2 : 0;
  const zMax = dims === 2 ? Lz / 2 : Lz;
  const domainVolume = Lx * Ly * Lz;
  const niche = val(model.nicheVolume, 'niche.volume');
  if (Math.abs(niche - domainVolume) > 1e-9 * domainVolume) {
    warn(SETTINGS, 'niche.volume', `the niche volume ${fmt(niche)} um^3 of the mean-field engine is not part of a PhysiCell project; the domain's volume ${fmt(domainVolume)} um^3 takes its place on re-import`);
  }
  if (model.outputInterval !== sp.snapshotInterval) {
    warn(SETTINGS, 'simulation.output_interval', `PhysiCell saves at one interval: the snapshot interval ${fmt(sp.snapshotInterval)} min is written (full_data and SVG); the output interval ${fmt(model.outputInterval)} min is lost`);
  }

  // --- names ----------------------------------------------------------------------------------
  const table = new NameTable();
  const pick = (kind: NameKind, id: string, label: string, field: string): string => {
    const maps = (c: string) => physiCellSafe(c) && table.preview(kind, c) === id;
    let chosen = maps(label) ? label : maps(id) ? id : null;
    if (chosen === null) {
      chosen = id;
      warn(SETTINGS, field, `the name "${id}" would come back as "${table.preview(kind, id)}" on re-import (it clashes with an earlier name, ignoring case)`);
    } else if (chosen !== label) {
      warn(SETTINGS, `${field}.label`, `the label "${label}" cannot be a PhysiCell name that maps back to "${id}"; "${id}" is written and the label is lost`);
    }
    table.add(kind, chosen);
    return chosen;
  };
  const subName = new Map<string, string>();
  model.substrates.forEach((s) => subName.set(s.name, pick('substrate', s.name, s.label, `substrates.${s.name}`)));
  const typeName = new Map<string, string>();
  model.cellTypes.forEach((c) => typeName.set(c.name, pick('cellType', c.name, c.label, `cell_types.${c.name}`)));
  const paramName = new Map<string, string>();
  for (const p of Object.values(model.parameters)) {
    if (p.name === 'number_of_cells' || p.name === 'random_seed') {
      warn(SETTINGS, `parameters.${p.name}`, `"${p.name}" is a PhysiCell setting, so the parameter cannot be written as a user parameter; it is lost`);
      continue;
    }
    paramName.set(p.name, pick('parameter', p.name, p.name, `parameters.${p.name}`));
  }
  if (model.substrates.length === 0) warn(SETTINGS, 'substrates', 'the model has no substrate; PhysiCell (BioFVM) expects at least one <variable>');
  for (const s of model.substrates) {
    if (mapUnit(s.unit) !== s.unit) warn(SETTINGS, `substrates.${s.name}.unit`, `the unit "${s.unit}" is read back as "${mapUnit(s.unit) ?? 'dimensionless'}"`);
  }

  // --- model parts PhysiCell cannot hold --------------------------------------------------------
  for (const o of model.outputs) {
    warn(SETTINGS, `outputs.${o.name}`, `the derived output ${o.name} = ${o.expression} (${o.unit}) is not part of a PhysiCell project (compute it from PhysiCell's output); it is lost`);
  }
  model.dosing.forEach((d, i) => {
    const what = d.kind === 'bolus' ? `bolus of ${fmt(d.amount)}` : `infusion of ${fmt(d.rate)} per min for ${fmt(d.duration)} min`;
    warn(SETTINGS, `dosing[${i}]`, `PhysiCell has no dosing schedule: the ${what} of ${d.substrate} from t = ${fmt(d.start)} min (${d.count} time${d.count === 1 ? '' : 's'}) is lost (it needs custom C++)`);
  });
  model.pharmacokinetics.forEach((p, i) => {
    warn(SETTINGS, `pharmacokinetics[${i}]`, `PhysiCell has no pharmacokinetics: the plasma concentration that drives ${p.substrate} (${p.administrations.length} administration${p.administrations.length === 1 ? '' : 's'}, vascular exchange ${fmt(p.exchange)} 1/min) is lost (it needs custom C++)`);
  });
  const meta: string[] = [];
  if (model.rules.some((r) => r.evidence.join(' ') !== IMPORTED_RULE_EVIDENCE || (r.note !== '' && !r.note.startsWith('imported from')))) meta.push('rule evidence and notes');
  if (model.cellTypes.some((c) => c.source !== '' || c.description !== '')) meta.push('cell-type sources and descriptions');
  if (model.substrates.some((s) => s.source !== '')) meta.push('substrate sources');
  if (Object.values(model.parameters).some((p) => p.source !== '' || p.range !== null || p.estimate)) meta.push('parameter sources, ranges and estimate flags');
  if (meta.length > 0) {
    warn(SETTINGS, 'citations', `PhysiCell has no place for ${meta.join(', ')}: they are written as comments, and a re-import cites ${IMPORTED_RULE_EVIDENCE} (rules imported from PhysiCell)`);
  }

  // --- rules (needed to decide motility) ---------------------------------------------------------
  const signalText = (ref: SignalRef): string => {
    switch (ref.kind) {
      case 'substrate':
        return subName.get(ref.substrate) as string;
      case 'contact with':
        return `contact with ${typeName.get(ref.cellType) as string}`;
      default:
        return ref.kind;
    }
  };
  const behaviourText = (ref: BehaviourRef): string | null => {
    switch (ref.kind) {
      case 'influx':
        return null;
      case 'secretion':
      case 'secretion target':
      case 'uptake':
      case 'export':
        return `${subName.get(ref.substrate) as string} ${ref.kind}`;
      case 'chemotactic response':
        return `chemotactic response to ${subName.get(ref.substrate) as string}`;
      case 'transform to':
      case 'phagocytose':
      case 'attack':
        return `${ref.kind} ${typeName.get(ref.cellType) as string}`;
      default:
        return ref.kind;
    }
  };
  const ruleLines = [
    `// PhysiCell 1.14 cell rules (protocol CBHG version 3.0) written by nichesim ${NICHESIM_VERSION} from model ${model.name}`,
    '// columns: cell type; signal; direction; behaviour; saturation value; half-max; Hill power; applies to dead (0/1)',
  ];
  const migrating = new Set<string>();
  model.rules.forEach((r, i) => {
    const field = `rules[${i}]${r.line !== null ? ` (line ${r.line})` : ''}`;
    const behaviour = behaviourText(r.behaviour);
    if (behaviour === null) {
      warn(RULES, field, `"${r.cellType}: ${r.signalText} ${r.direction} ${r.behaviourText}" acts on influx (recruitment into the niche), which PhysiCell does not have; the rule is lost`);
      return;
    }
    const k = r.behaviour.kind;
    if (k === 'migration speed' || k === 'migration bias' || k === 'migration persistence time' || k === 'chemotactic response') migrating.add(r.cellType);
    const saturation = val(r.saturation, `${field}.saturation`, RULES);
    const halfMax = val(r.halfMax, `${field}.half_max`, RULES);
    const hill = val(r.hillPower, `${field}.hill_power`, RULES);
    const imported = r.evidence.join(' ') === IMPORTED_RULE_EVIDENCE && (r.note === '' || r.note.startsWith('imported from'));
    if (!imported) ruleLines.push(csvComment(`// ${r.cellType}: ${r.signalText} ${r.direction} ${r.behaviourText}; evidence ${r.evidence.join(' ')}${r.note ? `; ${r.note}` : ''}`));
    ruleLines.push([typeName.get(r.cellType) as string, signalText(r.signal), r.direction, behaviour, fmt(saturation), fmt(halfMax), fmt(hill), r.appliesToDead ? '1' : '0'].join(','));
  });

  // --- initial cells --------------------------------------------------------------------------
  const index = new Map(model.cellTypes.map((c, i) => [c.name, i]));
  const given = options.agents ?? [];
  const perType = model.cellTypes.map(() => 0);
  for (const a of given) {
    const t = index.get(a.type);
    if (t === undefined) throw new PhysiCellError(`agents: unknown cell type "${a.type}" (known: ${model.cellTypes.map((c) => c.name).join(', ')})`, { file: CELLS, element: 'agents' });
    if (!Number.isFinite(a.x) || !Number.isFinite(a.y) || (a.z !== undefined && !Number.isFinite(a.z))) throw new PhysiCellError(`agents: the position of a ${a.type} agent is not finite`, { file: CELLS, element: 'agents' });
    perType[t]++;
  }
  const wanted = model.cellTypes.map((c) => {
    const n = val(c.initialNumber, `cell_types.${c.name}.initial_number`);
    const r = Math.round(n);
    if (r !== n) warn(SETTINGS, `cell_types.${c.name}.initial_number`, `${fmt(n)} cells is not a whole number; PhysiCell starts with ${r}`);
    return r;
  });
  const extra = wanted.map((n, t) => n - perType[t]);
  const uniform = extra.length > 0 && extra.every((d) => d === extra[0]) && extra[0] >= 0;
  const numberOfCells = uniform ? extra[0] : 0;
  const rows: Array<{ t: number; x: number; y: number; z: number }> = given.map((a) => ({ t: index.get(a.type) as number, x: a.x, y: a.y, z: a.z ?? Lz / 2 }));
  if (!uniform) {
    const rng = new CounterRng(seed);
    const pair = new Float64Array(2);
    let k = 0;
    const total = given.length + extra.reduce((s, d) => s + Math.max(0, d), 0);
    if (total > MAX_CELL_ROWS) throw new PhysiCellError(`the model starts with ${total} cells of unequal numbers per type; writing more than ${MAX_CELL_ROWS} cells to cells.csv is refused (give equal initial numbers, written as number_of_cells, or fewer cells)`, { file: CELLS });
    extra.forEach((d, t) => {
      const c = model.cellTypes[t];
      if (d < 0) warn(CELLS, `cell_types.${c.name}.initial_number`, `the ${perType[t]} given agents of ${c.name} outnumber its initial_number ${wanted[t]}; PhysiCell starts with the agents`);
      for (let i = 0; i < d; i++, k++) {
        rng.uniformPair(STREAM_EXPORT_CELLS, k, 0, 0, pair);
        rows.push({ t, x: pair[0] * Lx, y: pair[1] * Ly, z: dims === 3 ? rng.uniform(STREAM_EXPORT_CELLS, k, 0, 1) * Lz : Lz / 2 });
      }
    });
  }
  const cellLines = ['x,y,z,type'];
  for (const r of rows) cellLines.push(`${fmt(r.x)},${fmt(r.y)},${fmt(dims === 2 ? 0 : r.z + zMin)},${typeName.get(model.cellTypes[r.t].name) as string}`);

  // --- settings XML ---------------------------------------------------------------------------
  const x: string[] = [];
  const line = (depth: number, s: string) => x.push(`${'    '.repeat(depth)}${s}`);
  const leaf = (depth: number, tag: string, value: string, attrs = '') => line(depth, `<${tag}${attrs}>${value}</${tag}>`);
  const bool = (b: boolean) => (b ? 'true' : 'false');

  x.push('<?xml version="1.0" encoding="UTF-8"?>');
  x.push(`<!-- ${xmlComment(`PhysiCell 1.14 settings written by nichesim ${NICHESIM_VERSION} from model "${model.name}"${model.title ? ` (${model.title})` : ''}.`)}`);
  if (model.description) x.push(`     ${xmlComment(model.description.replace(/\s+/g, ' '))}`);
  x.push('     Run from the project root: ./project ./config/PhysiCell_settings.xml (rules in ./config/cell_rules.csv, cells in ./config/cells.csv).');
  x.push(`     Coordinates are nichesim's: x from 0 to ${fmt(Lx)}, y from 0 to ${fmt(Ly)} um${dims === 2 ? '; 2D, cells at z = 0' : `, z from 0 to ${fmt(Lz)} um`}. -->`);
  line(0, '<PhysiCell_settings version="devel-version">');

  line(1, '<domain>');
  leaf(2, 'x_min', '0');
  leaf(2, 'x_max', fmt(Lx));
  leaf(2, 'y_min', '0');
  leaf(2, 'y_max', fmt(Ly));
  leaf(2, 'z_min', fmt(zMin));
  leaf(2, 'z_max', fmt(zMax));
  leaf(2, 'dx', fmt(sp.voxelSize));
  leaf(2, 'dy', fmt(sp.voxelSize));
  leaf(2, 'dz', fmt(sp.voxelSize));
  leaf(2, 'use_2D', bool(dims === 2));
  line(1, '</domain>');

  line(1, '<overall>');
  leaf(2, 'max_time', fmt(model.tEnd), ' units="min"');
  leaf(2, 'time_units', 'min');
  leaf(2, 'space_units', 'micron');
  leaf(2, 'dt_diffusion', fmt(sp.dtDiffusion), ' units="min"');
  leaf(2, 'dt_mechanics', fmt(sp.dtMechanics), ' units="min"');
  leaf(2, 'dt_phenotype', fmt(sp.dtPhenotype), ' units="min"');
  line(1, '</overall>');

  line(1, '<parallel>');
  line(2, '<!-- one thread: PhysiCell runs are reproducible per seed only on one thread -->');
  leaf(2, 'omp_num_threads', '1');
  line(1, '</parallel>');

  line(1, '<save>');
  leaf(2, 'folder', 'output');
  line(2, '<full_data>');
  leaf(3, 'interval', fmt(sp.snapshotInterval), ' units="min"');
  leaf(3, 'enable', 'true');
  line(2, '</full_data>');
  line(2, '<SVG>');
  leaf(3, 'interval', fmt(sp.snapshotInterval), ' units="min"');
  leaf(3, 'enable', 'true');
  line(3, '<plot_substrate enabled="false" limits="false">');
  leaf(4, 'substrate', xmlText(model.substrates.length > 0 ? (subName.get(model.substrates[0].name) as string) : ''));
  leaf(4, 'colormap', 'YlOrRd');
  leaf(4, 'min_conc', '0');
  leaf(4, 'max_conc', '1');
  line(3, '</plot_substrate>');
  line(2, '</SVG>');
  line(2, '<legacy_data>');
  leaf(3, 'enable', 'false');
  line(2, '</legacy_data>');
  line(1, '</save>');

  line(1, '<options>');
  leaf(2, 'legacy_random_points_on_sphere_in_divide', 'false');
  leaf(2, 'virtual_wall_at_domain_edge', 'true');
  line(2, '<!-- nichesim simulates no spring attachments -->');
  leaf(2, 'disable_automated_spring_adhesions', 'true');
  leaf(2, 'random_seed', String(seed));
  line(1, '</options>');

  // substrates
  const faces = ['xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax'];
  line(1, '<microenvironment_setup>');
  model.substrates.forEach((s, i) => {
    const at = `substrates.${s.name}`;
    const unit = xmlAttr(s.unit);
    if (s.source) line(2, `<!-- ${xmlComment(`${s.name}: ${s.source.replace(/\s+/g, ' ')}`)} -->`);
    line(2, `<variable name="${xmlAttr(subName.get(s.name) as string)}" units="${unit}" ID="${i}">`);
    line(3, '<physical_parameter_set>');
    leaf(4, 'diffusion_coefficient', fmt(val(s.diffusionCoefficient, `${at}.diffusion_coefficient`)), ' units="micron^2/min"');
    leaf(4, 'decay_rate', fmt(val(s.decayRate, `${at}.decay_rate`)), ' units="1/min"');
    line(3, '</physical_parameter_set>');
    leaf(3, 'initial_condition', fmt(val(s.initialCondition, `${at}.initial_condition`)), ` units="${unit}"`);
    const dbc = s.dirichletBoundary;
    const dv = dbc ? val(dbc.value, `${at}.dirichlet_boundary.value`) : 0;
    leaf(3, 'Dirichlet_boundary_condition', fmt(dv), ` units="${unit}" enabled="${bool(dbc?.enabled ?? false)}"`);
    // Per-face options: every active face at the value when enabled; all off when there is none.
    // (A disabled boundary with a value is written without options, so its value is kept.)
    if (!dbc || dbc.enabled) {
      line(3, '<Dirichlet_options>');
      for (const f of faces) {
        const on = dbc !== null && (dims === 3 || !f.startsWith('z'));
        leaf(4, 'boundary_value', fmt(dv), ` ID="${f}" enabled="${bool(on)}"`);
      }
      line(3, '</Dirichlet_options>');
    }
    line(2, '</variable>');
  });
  line(2, '<options>');
  leaf(3, 'calculate_gradients', 'true');
  leaf(3, 'track_internalized_substrates_in_each_agent', 'false');
  line(3, '<initial_condition type="matlab" enabled="false">');
  leaf(4, 'filename', './config/initial.mat');
  line(3, '</initial_condition>');
  line(3, '<dirichlet_nodes type="matlab" enabled="false">');
  leaf(4, 'filename', './config/dirichlet.mat');
  line(3, '</dirichlet_nodes>');
  line(2, '</options>');
  line(1, '</microenvironment_setup>');

  // cell definitions
  line(1, '<cell_definitions>');
  model.cellTypes.forEach((c, i) => writeCellDefinition(c, i));
  line(1, '</cell_definitions>');

  function writeCellDefinition(c: CellType, id: number): void {
    const at = `cell_types.${c.name}`;
    const rate = (v: Value, f: string) => fmt(val(v, `${at}.${f}`));
    const perTypeRates = (tag: string, item: string, rec: Record<string, Value>, f: string, unit = ' units="1/min"') => {
      line(4, `<${tag}>`);
      for (const t of model.cellTypes) {
        const v = rec[t.name];
        leaf(5, item, v === undefined ? '0' : fmt(val(v, `${at}.${f}.${t.name}`)), ` name="${xmlAttr(typeName.get(t.name) as string)}"${unit}`);
      }
      line(4, `</${tag}>`);
    };
    const provenance = [c.description, c.source].filter((s) => s !== '').join(' | ');
    if (provenance) line(2, `<!-- ${xmlComment(`${c.name}: ${provenance.replace(/\s+/g, ' ')}`)} -->`);
    line(2, `<cell_definition name="${xmlAttr(typeName.get(c.name) as string)}" ID="${id}">`);
    line(3, '<phenotype>');
    const delay = c.divisionDelay === undefined ? 0 : val(c.divisionDelay, `${at}.division_delay`);
    if (delay > 0) {
      // cycle: basic Ki67, phase 0 exits stochastically at the cycle entry rate (PhysiCell's
      // "cycle entry"), phase 1 lasts division_delay (fixed duration), division at its exit.
      // PhysiCell reads the rates, then the durations, each setting its own link; the delay is
      // written as a duration so that it is read back exactly.
      line(4, '<cycle code="1" name="Ki67 (basic)">');
      line(5, '<phase_transition_rates units="1/min">');
      leaf(6, 'rate', rate(c.cycleEntry, 'cycle_entry'), ' start_index="0" end_index="1" fixed_duration="false"');
      line(5, '</phase_transition_rates>');
      line(5, '<phase_durations units="min">');
      leaf(6, 'duration', fmt(delay), ' index="1" fixed_duration="true"');
      line(5, '</phase_durations>');
      line(4, '</cycle>');
    } else {
      // cycle: live, one stochastic transition
      line(4, '<cycle code="5" name="live">');
      line(5, '<phase_transition_rates units="1/min">');
      leaf(6, 'rate', rate(c.cycleEntry, 'cycle_entry'), ' start_index="0" end_index="0" fixed_duration="false"');
      line(5, '</phase_transition_rates>');
      line(4, '</cycle>');
    }
    // death
    line(4, '<death>');
    // PhysiCell's standard death-model volume parameters (nichesim does not simulate them).
    const deathModel = (code: number, name: string, deathRate: string, durations: Array<[string, boolean]>, volumeRates: [string, string, string, string]): void => {
      line(5, `<model code="${code}" name="${name}">`);
      leaf(6, 'death_rate', deathRate, ' units="1/min"');
      line(6, '<phase_durations units="min">');
      durations.forEach(([d, fixed], i) => leaf(7, 'duration', d, ` index="${i}" fixed_duration="${fixed}"`));
      line(6, '</phase_durations>');
      line(6, '<parameters>');
      const [unlysed, lysed, cytoplasmic, nuclear] = volumeRates;
      leaf(7, 'unlysed_fluid_change_rate', unlysed, ' units="1/min"');
      leaf(7, 'lysed_fluid_change_rate', lysed, ' units="1/min"');
      leaf(7, 'cytoplasmic_biomass_change_rate', cytoplasmic, ' units="1/min"');
      leaf(7, 'nuclear_biomass_change_rate', nuclear, ' units="1/min"');
      leaf(7, 'calcification_rate', '0', ' units="1/min"');
      leaf(7, 'relative_rupture_volume', '2.0', ' units="dimensionless"');
      line(6, '</parameters>');
      line(5, '</model>');
    };
    deathModel(100, 'apoptosis', rate(c.apoptosis, 'apoptosis'), [[rate(c.apoptoticClearanceTime, 'apoptotic_clearance_time'), false]], ['0.05', '0', '1.66667e-02', '5.83333e-03']);
    deathModel(101, 'necrosis', rate(c.necrosis, 'necrosis'), [['0', true], [rate(c.necroticClearanceTime, 'necrotic_clearance_time'), false]], ['1.11667e-2', '8.33333e-4', '5.33333e-5', '2.16667e-3']);
    line(4, '</death>');
    // volume
    const volume = val(c.volume, `${at}.volume`);
    line(4, '<volume>');
    leaf(5, 'total', fmt(volume), ' units="micron^3"');
    leaf(5, 'fluid_fraction', '0.75', ' units="dimensionless"');
    leaf(5, 'nuclear', fmt((volume * 540) / 2494), ' units="micron^3"');
    leaf(5, 'fluid_change_rate', '0.05', ' units="1/min"');
    leaf(5, 'cytoplasmic_biomass_change_rate', '0.0045', ' units="1/min"');
    leaf(5, 'nuclear_biomass_change_rate', '0.0055', ' units="1/min"');
    leaf(5, 'calcified_fraction', '0', ' units="dimensionless"');
    leaf(5, 'calcification_rate', '0', ' units="1/min"');
    leaf(5, 'relative_rupture_volume', '2.0', ' units="dimensionless"');
    line(4, '</volume>');
    // mechanics
    line(4, '<mechanics>');
    const mech = c.mechanics;
    const mechValue = (v: Value | undefined, f: string, dflt: number) => (v === undefined ? fmt(dflt) : fmt(val(v, `${at}.mechanics.${f}`)));
    leaf(5, 'cell_cell_adhesion_strength', mechValue(mech?.cellCellAdhesionStrength, 'cell_cell_adhesion_strength', DEFAULT_MECHANICS.adhesion), ' units="micron/min"');
    leaf(5, 'cell_cell_repulsion_strength', mechValue(mech?.cellCellRepulsionStrength, 'cell_cell_repulsion_strength', DEFAULT_MECHANICS.repulsion), ' units="micron/min"');
    leaf(5, 'relative_maximum_adhesion_distance', mechValue(mech?.relativeMaximumAdhesionDistance, 'relative_maximum_adhesion_distance', DEFAULT_MECHANICS.relativeMaxAdhesionDistance), ' units="dimensionless"');
    line(5, '<cell_adhesion_affinities>');
    for (const t of model.cellTypes) leaf(6, 'cell_adhesion_affinity', '1', ` name="${xmlAttr(typeName.get(t.name) as string)}"`);
    line(5, '</cell_adhesion_affinities>');
    line(5, '<options>');
    leaf(6, 'set_relative_equilibrium_distance', '1.8', ' enabled="false" units="dimensionless"');
    leaf(6, 'set_absolute_equilibrium_distance', '15.12', ' enabled="false" units="micron"');
    line(5, '</options>');
    leaf(5, 'attachment_elastic_constant', '0.01', ' units="1/min"');
    leaf(5, 'attachment_rate', '0', ' units="1/min"');
    leaf(5, 'detachment_rate', '0', ' units="1/min"');
    leaf(5, 'maximum_number_of_attachments', '12');
    line(4, '</mechanics>');
    // motility
    const m = c.motility;
    const speed = val(m.migrationSpeed, `${at}.motility.migration_speed`);
    const persistence = val(m.persistenceTime, `${at}.motility.persistence_time`);
    const bias = val(m.migrationBias, `${at}.motility.migration_bias`);
    const chemo = Object.entries(m.chemotaxis).map(([s, v]) => [s, val(v, `${at}.motility.chemotaxis.${s}`)] as const).filter(([, v]) => v !== 0);
    const moves = speed !== 0 || persistence !== 1 || bias !== 0 || chemo.length > 0 || migrating.has(c.name);
    line(4, '<motility>');
    leaf(5, 'speed', fmt(speed), ' units="micron/min"');
    leaf(5, 'persistence_time', fmt(persistence), ' units="min"');
    leaf(5, 'migration_bias', fmt(bias), ' units="dimensionless"');
    line(5, '<options>');
    leaf(6, 'enabled', bool(moves));
    leaf(6, 'use_2D', bool(dims === 2));
    line(6, '<chemotaxis>');
    leaf(7, 'enabled', 'false');
    leaf(7, 'substrate', xmlText(model.substrates.length > 0 ? (subName.get(model.substrates[0].name) as string) : ''));
    leaf(7, 'direction', '1');
    line(6, '</chemotaxis>');
    line(6, '<advanced_chemotaxis>');
    leaf(7, 'enabled', bool(chemo.length > 0));
    leaf(7, 'normalize_each_gradient', 'false');
    line(7, '<chemotactic_sensitivities>');
    for (const s of model.substrates) {
      const v = chemo.find(([n]) => n === s.name)?.[1] ?? 0;
      leaf(8, 'chemotactic_sensitivity', fmt(v), ` substrate="${xmlAttr(subName.get(s.name) as string)}"`);
    }
    line(7, '</chemotactic_sensitivities>');
    line(6, '</advanced_chemotaxis>');
    line(5, '</options>');
    line(4, '</motility>');
    // secretion
    line(4, '<secretion>');
    for (const s of model.substrates) {
      const e = c.secretion[s.name];
      const f = `${at}.secretion.${s.name}`;
      line(5, `<substrate name="${xmlAttr(subName.get(s.name) as string)}">`);
      leaf(6, 'secretion_rate', e ? fmt(val(e.secretionRate, `${f}.secretion_rate`)) : '0', ' units="1/min"');
      leaf(6, 'secretion_target', e ? fmt(val(e.secretionTarget, `${f}.secretion_target`)) : '0', ' units="substrate density"');
      leaf(6, 'uptake_rate', e ? fmt(val(e.uptakeRate, `${f}.uptake_rate`)) : '0', ' units="1/min"');
      leaf(6, 'net_export_rate', e ? fmt(val(e.netExportRate, `${f}.net_export_rate`)) : '0', ' units="total substrate/min"');
      line(5, '</substrate>');
    }
    line(4, '</secretion>');
    // interactions
    line(4, '<cell_interactions>');
    leaf(5, 'apoptotic_phagocytosis_rate', rate(c.phagocytosis.apoptotic, 'phagocytosis.apoptotic'), ' units="1/min"');
    leaf(5, 'necrotic_phagocytosis_rate', rate(c.phagocytosis.necrotic, 'phagocytosis.necrotic'), ' units="1/min"');
    leaf(5, 'other_dead_phagocytosis_rate', '0', ' units="1/min"');
    perTypeRates('live_phagocytosis_rates', 'phagocytosis_rate', c.phagocytosis.live, 'phagocytosis.live');
    perTypeRates('attack_rates', 'attack_rate', c.attack, 'attack');
    // Attacks that deliver damage are PhysiCell's; attacks that kill at once have no equivalent.
    // (absent fields: null or undefined, whichever the model uses)
    const damageRate: Value | null = c.attackDamageRate ?? null;
    const attackDuration: Value | null = c.attackDuration ?? null;
    const damages = damageRate !== null && attackDuration !== null;
    leaf(5, 'attack_damage_rate', damageRate !== null && attackDuration !== null ? rate(damageRate, 'attack_damage_rate') : '1', ' units="1/min"');
    leaf(5, 'attack_duration', damageRate !== null && attackDuration !== null ? rate(attackDuration, 'attack_duration') : '0.1', ' units="min"');
    perTypeRates('fusion_rates', 'fusion_rate', {}, 'fusion');
    line(4, '</cell_interactions>');
    const attacks = Object.entries(c.attack).filter(([, v]) => typeof v !== 'number' || v !== 0);
    if (attacks.length > 0 && !damages) {
      warn(SETTINGS, `${at}.attack`, `in nichesim these attacks kill their target at once (no attack_damage_rate); a PhysiCell attack delivers damage (attack_damage_rate 1 1/min for attack_duration 0.1 min are written) and kills only through a rule such as "damage increases apoptosis", which is not written (${attacks.map(([t]) => t).join(', ')})`);
    } else if (attacks.length > 0) {
      warn(SETTINGS, `${at}.attack`, 'in nichesim an attack adds attack_damage_rate x attack_duration of damage at once; in PhysiCell the damage accrues while the attacker stays attached, for a random time');
    }
    line(4, '<cell_transformations>');
    line(5, '<transformation_rates>');
    for (const t of model.cellTypes) {
      const v = c.transformation[t.name];
      leaf(6, 'transformation_rate', v === undefined ? '0' : fmt(val(v, `${at}.transformation.${t.name}`)), ` name="${xmlAttr(typeName.get(t.name) as string)}" units="1/min"`);
    }
    line(5, '</transformation_rates>');
    line(4, '</cell_transformations>');
    line(4, '<cell_integrity>');
    leaf(5, 'damage_rate', '0', ' units="1/min"');
    leaf(5, 'damage_repair_rate', rate(c.damageRepairRate ?? 0, 'damage_repair_rate'), ' units="1/min"');
    line(4, '</cell_integrity>');
    line(3, '</phenotype>');
    line(3, '<custom_data />');
    line(3, '<initial_parameter_distributions enabled="false" />');
    line(2, '</cell_definition>');
    const influx = val(c.influx, `${at}.influx`);
    if (influx !== 0) warn(SETTINGS, `${at}.influx`, `influx (recruitment of ${fmt(influx)} cells/min into the niche) has no PhysiCell equivalent without custom C++; it is lost`);
  }

  line(1, '<initial_conditions>');
  line(2, `<cell_positions type="csv" enabled="${bool(rows.length > 0)}">`);
  leaf(3, 'folder', './config');
  leaf(3, 'filename', 'cells.csv');
  line(2, '</cell_positions>');
  line(1, '</initial_conditions>');

  line(1, '<cell_rules>');
  line(2, '<rulesets>');
  line(3, '<ruleset protocol="CBHG" version="3.0" format="csv" enabled="true">');
  leaf(4, 'folder', './config');
  leaf(4, 'filename', 'cell_rules.csv');
  line(3, '</ruleset>');
  line(2, '</rulesets>');
  line(2, '<settings />');
  line(1, '</cell_rules>');

  line(1, '<user_parameters>');
  leaf(2, 'number_of_cells', String(numberOfCells), ' type="int" units="none" description="initial number of cells (for each cell type), placed at random by the standard template"');
  for (const p of Object.values(model.parameters)) {
    const name = paramName.get(p.name);
    if (name === undefined) continue;
    // The value as written (with its unit) when it still holds, else in the base unit.
    let value = p.value;
    let unit = p.unit;
    const q = (() => {
      try {
        return parseQuantity(p.written);
      } catch {
        return null;
      }
    })();
    if (q && q.value * q.unit.factor === p.value) {
      value = q.value;
      unit = q.unit.text;
    }
    if (unit === '' || unit === '1') unit = 'dimensionless';
    const comment = [p.source ? `source: ${p.source}` : '', p.estimate ? 'estimate' : '', p.range ? `range [${fmt(p.range[0])}, ${fmt(p.range[1])}] ${p.unit}` : ''].filter((s) => s !== '').join('; ');
    if (comment) line(2, `<!-- ${xmlComment(`${p.name}: ${comment.replace(/\s+/g, ' ')}`)} -->`);
    leaf(2, name, fmt(value), ` type="double" units="${xmlAttr(unit)}" description="${xmlAttr(p.description)}"`);
  }
  line(1, '</user_parameters>');
  line(0, '</PhysiCell_settings>');

  return {
    files: [
      { name: SETTINGS, text: `${x.join('\n')}\n` },
      { name: RULES, text: `${ruleLines.join('\n')}\n` },
      { name: CELLS, text: `${cellLines.join('\n')}\n` },
    ],
    warnings,
  };
}
