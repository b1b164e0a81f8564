/**
 * PhysiCell projects on disk (layer 5, Node): finding a project's settings XML, reading the rules
 * and cells files it names, and the initial-cells file a nichesim model names
 * (`spatial.initial_cells`). The parsing itself is in src/interop/physicell (no Node API).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { formatWarning, importPhysiCell, PhysiCellError, type PhysiCellAgent, type PhysiCellImport, type PhysiCellWarning } from '../../interop/physicell/index.js';
import { parseCellsCsv } from '../../interop/physicell/cells.js';
import { NameTable } from '../../interop/physicell/names.js';
import type { Model } from '../../model/model.js';
import { type Diagnostic, ModelError } from '../../model/diagnostics.js';
import { type LoadedModel, parseModel } from '../../model/parse.js';

/** True when the file's root element is `<PhysiCell_settings>` (reads at most the first 4 kB). */
export function isPhysiCellSettings(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const head = readFileSync(path, 'utf8').slice(0, 4096).replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
    return /^\s*<PhysiCell_settings[\s>]/.test(head);
  } catch {
    return false;
  }
}

/**
 * The settings XML of a project given as a folder (its PhysiCell_settings.xml, or
 * config/PhysiCell_settings.xml) or as the XML itself.
 * @throws PhysiCellError when nothing is found
 */
export function findSettingsFile(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new PhysiCellError(`not found (resolved to ${resolve(path)}); give a PhysiCell project folder or its PhysiCell_settings.xml`, { file: path });
  }
  if (st.isFile()) return path;
  for (const c of [join(path, 'PhysiCell_settings.xml'), join(path, 'config', 'PhysiCell_settings.xml')]) if (existsSync(c)) return c;
  throw new PhysiCellError('this folder has neither PhysiCell_settings.xml nor config/PhysiCell_settings.xml', { file: path });
}

/**
 * Where a file named in the settings is. PhysiCell opens such paths relative to the folder it runs
 * in (the project root, whose config/ holds the settings); a bare config folder is accepted too.
 * @returns the first existing candidate, or null with the candidates tried
 */
function locateReferenced(settingsFile: string, ref: string): { path: string | null; tried: string[] } {
  const here = dirname(resolve(settingsFile));
  const candidates = [resolve(dirname(here), ref), resolve(here, ref), join(here, basename(ref))];
  const tried = [...new Set(candidates)];
  return { path: tried.find((c) => existsSync(c)) ?? null, tried };
}

/** A PhysiCell project read from disk: the import, the files read, and the model as nichesim loads it. */
export interface LoadedPhysiCellProject {
  imported: PhysiCellImport;
  loaded: LoadedModel;
  files: { settings: string; rules?: string; cells?: string };
}

/**
 * Reads a PhysiCell project (folder or settings XML) with the rules and cells files it enables.
 * @param strict when true, any warning (an element nichesim does not represent) is an error
 * @throws PhysiCellError for malformed input, a missing referenced file, or (strict) any warning
 */
export { formatWarning as formatPhysiCellWarning };

export function loadPhysiCellProject(path: string, options: { strict?: boolean } = {}): LoadedPhysiCellProject {
  const settings = findSettingsFile(path);
  const settingsXml = readFileSync(settings, 'utf8');
  // First pass: which files does the settings enable?
  const probe = importPhysiCell({ settingsXml, settingsPath: settings });
  const files: LoadedPhysiCellProject['files'] = { settings };
  const read = (ref: string | undefined, what: string): { text: string; path: string } | undefined => {
    if (!ref) return undefined;
    const { path: p, tried } = locateReferenced(settings, ref);
    if (!p) throw new PhysiCellError(`the ${what} file ${ref} named by the settings was not found (looked at ${tried.join(', ')})`, { file: settings, element: what === 'rules' ? '<cell_rules>' : '<initial_conditions>' });
    return { text: readFileSync(p, 'utf8'), path: p };
  };
  const rulesCsv = read(probe.references.rules, 'rules');
  const cellsCsv = read(probe.references.cells, 'cells');
  if (rulesCsv) files.rules = rulesCsv.path;
  if (cellsCsv) files.cells = cellsCsv.path;
  const imported = importPhysiCell({ settingsXml, settingsPath: settings, rulesCsv, cellsCsv, strict: options.strict });
  // The model is checked as nichesim reads it; its line numbers would be those of an
  // intermediate YAML text, so problems name the field path and the project's files instead.
  let loaded: LoadedModel;
  const where = [settings, files.rules].filter(Boolean).join(' or ');
  const relocate = (d: Diagnostic): Diagnostic => ({ ...d, file: settings, line: null, column: null, message: `${d.message} (in the project as imported: see ${where})` });
  try {
    loaded = parseModel(stringify(imported.model), settings);
  } catch (e) {
    if (e instanceof ModelError) throw new ModelError(e.diagnostics.map(relocate));
    throw e;
  }
  for (const r of loaded.model.rules) r.line = null;
  loaded.warnings = loaded.warnings.map(relocate);
  return { imported, loaded, files };
}

/**
 * Reads the initial cells a model names in `spatial.initial_cells` (path relative to the model
 * file; CSV `x,y,z,type` in um, with or without a header, PhysiCell's cells.csv form).
 * @returns the agents, or undefined when the model names no file
 * @throws PhysiCellError with file, line and column for a malformed row, unknown cell type or missing file
 */
export function readInitialCells(model: Model, modelFile: string): PhysiCellAgent[] | undefined {
  const ref = model.spatial.initialCells;
  if (!ref) return undefined;
  const file = resolve(dirname(resolve(modelFile)), ref);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PhysiCellError(`spatial.initial_cells: ${code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(e)})`} (resolved to ${file})`, { file: modelFile });
  }
  const names = new NameTable();
  for (const c of model.cellTypes) {
    names.cellTypes.set(c.name, c.name);
    names.cellTypeIds.set(String(names.cellTypeIds.size), c.name);
  }
  const warnings: PhysiCellWarning[] = [];
  return parseCellsCsv(text, file, names, warnings);
}

/**
 * Warnings when the initial cells and the model's initial numbers disagree (the mean-field engine
 * starts from initial_number; the agent-based engine from the listed cells).
 */
export function initialCellsWarnings(model: Model, agents: ReadonlyArray<{ type: string }>): string[] {
  const count = new Map<string, number>();
  for (const a of agents) count.set(a.type, (count.get(a.type) ?? 0) + 1);
  const out: string[] = [];
  for (const c of model.cellTypes) {
    const n = count.get(c.name) ?? 0;
    if (typeof c.initialNumber === 'number' && Math.abs(n - c.initialNumber) > 0.5) out.push(`spatial.initial_cells lists ${n} ${c.name} cells but initial_number is ${c.initialNumber}: the agent-based engine starts from the listed cells, the mean-field engine from initial_number`);
  }
  return out;
}
