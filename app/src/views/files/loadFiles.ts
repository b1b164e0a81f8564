/**
 * Turns files the user dropped or picked into a model source: a nichesim model or scenario
 * (YAML/JSON), a share file (JSON), an SBML model (.xml, optionally with a test-suite
 * `-settings.txt`), or a PhysiCell project (settings XML, optionally with the rules CSV and the
 * cells CSV, dropped together). Malformed files throw with their location.
 */
import { stringify } from 'yaml';
import { importPhysiCell } from '../../../../src/interop/physicell/import.js';
import { PhysiCellError } from '../../../../src/interop/physicell/errors.js';
import type { ModelSource, AgentPlacement } from '../../state/modelSource.js';
import { isShareFile, readShareFile, type ShareState } from '../../state/share.js';

/** A file's name and text. */
export interface NamedText {
  name: string;
  text: string;
}

/** What a set of files is. */
export type Loaded = { kind: 'source'; source: ModelSource; warnings: string[] } | { kind: 'share'; state: ShareState };

/** Reads File objects as text. */
export async function readFiles(files: FileList | File[]): Promise<NamedText[]> {
  return Promise.all([...files].map(async (f) => ({ name: f.name, text: await f.text() })));
}

const ext = (name: string) => (/\.([^.]+)$/.exec(name)?.[1] ?? '').toLowerCase();

/**
 * Classifies and reads the files.
 * @throws Error (or a located ModelError/PhysiCellError) when the files are not a model
 */
export function interpretFiles(files: NamedText[]): Loaded {
  if (files.length === 0) throw new Error('no file was given');
  const xmls = files.filter((f) => ext(f.name) === 'xml');
  const physicell = xmls.find((f) => /<PhysiCell_settings\b/.test(f.text));
  if (physicell) return physiCellProject(physicell, files.filter((f) => f !== physicell));
  const sbml = xmls.find((f) => /<sbml\b/.test(f.text)) ?? (xmls.length === 1 && files.length <= 2 ? xmls[0] : undefined);
  if (sbml) {
    const settings = files.find((f) => f !== sbml && /settings\.txt$/i.test(f.name));
    return { kind: 'source', source: { kind: 'sbml', file: `user/${sbml.name}`, text: sbml.text, settingsText: settings?.text }, warnings: [] };
  }
  if (files.length > 1) {
    throw new Error(`drop one model file at a time (a nichesim .yaml/.json, an SBML .xml), or a PhysiCell project (settings .xml with its rules .csv and cells .csv); got ${files.map((f) => f.name).join(', ')}`);
  }
  const f = files[0];
  const e = ext(f.name);
  if (e === 'json') {
    let data: unknown = undefined;
    try {
      data = JSON.parse(f.text);
    } catch {
      data = undefined; // the model loader reports the syntax error with its line and column
    }
    if (data !== undefined && isShareFile(data)) return { kind: 'share', state: readShareFile(data) };
  }
  if (e !== 'yaml' && e !== 'yml' && e !== 'json') {
    throw new Error(`${f.name}: not a model file the app reads (expected .yaml, .yml or .json for nichesim models and scenarios, .xml for SBML or PhysiCell settings, .csv with a PhysiCell settings .xml)`);
  }
  return { kind: 'source', source: { kind: 'text', file: `user/${f.name}`, text: f.text }, warnings: [] };
}

function physiCellProject(settings: NamedText, others: NamedText[]): Loaded {
  const csvs = others.filter((f) => ext(f.name) === 'csv');
  const isCells = (f: NamedText) => {
    // A cells CSV starts with an x,y,z,type header or with three numbers; a rules CSV with a cell type name.
    const first = f.text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('//')) ?? '';
    if (/^\s*x\s*,\s*y\s*,\s*z\s*,\s*type/i.test(first)) return true;
    const fields = first.split(',');
    if (fields.length >= 4 && fields.slice(0, 3).every((x) => x.trim() !== '' && Number.isFinite(Number(x)))) return true;
    return /cells/i.test(f.name) && !/rule/i.test(f.name);
  };
  const cells = csvs.find(isCells);
  const rules = csvs.find((f) => f !== cells);
  const imported = importPhysiCell({
    settingsXml: settings.text,
    settingsPath: settings.name,
    rulesCsv: rules ? { text: rules.text, path: rules.name } : undefined,
    cellsCsv: cells ? { text: cells.text, path: cells.name } : undefined,
  });
  // As the CLI: a project whose settings enable a rules file or a cells file is refused without it.
  const missing: string[] = [];
  if (imported.references.rules && !rules) missing.push(`the rules file ${imported.references.rules}`);
  if (imported.references.cells && !cells) missing.push(`the cells file ${imported.references.cells}`);
  if (missing.length) {
    const first = imported.warnings.find((w) => w.file === settings.name && /was not given to the importer|were not given to the importer/.test(w.message));
    throw new PhysiCellError(
      `the settings enable ${missing.join(' and ')}, but ${missing.length > 1 ? 'they were' : 'it was'} not loaded: choose ${settings.name} together with ${missing.length > 1 ? 'those files' : 'that file'} (the model would run without its ${missing.map((m) => (m.includes('rules') ? 'rules' : 'initial cells')).join(' and ')})`,
      { file: settings.name, line: first?.line, element: imported.references.rules && !rules ? 'cell_rules' : 'cell_positions' },
    );
  }
  // The complete initial cells of the spatial engine (number_of_cells random cells of each type,
  // placed with seed 1, then cells.csv), in nichesim coordinates; kept with the model so that
  // runs and shared links are reproducible.
  const all = imported.abmAgents(1);
  const agents: AgentPlacement[] | undefined = all.length ? all.map((a) => ({ type: a.type, x: a.x, y: a.y, z: a.z })) : undefined;
  const warnings = imported.warnings.map((w) => `${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.element}: ${w.message}`);
  const name = settings.name.replace(/\.xml$/i, '') + '.yaml';
  return { kind: 'source', source: { kind: 'text', file: `user/${name}`, text: stringify(imported.model), agents, origin: 'physicell' }, warnings };
}
