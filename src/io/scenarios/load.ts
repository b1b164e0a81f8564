/**
 * Reading scenarios, the intervention library and literature targets from disk (layer 5, Node).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { KnowledgeBase } from '../../kb/index.js';
import { type Diagnostic, ModelError } from '../../model/diagnostics.js';
import type { LoadedModel } from '../../model/parse.js';
import {
  compileScenario,
  type FileReader,
  type InterventionLibrary,
  type LoadedIntervention,
  type LoadedScenario,
  type LoadedTarget,
  type LocatedModifications,
  parseIntervention,
  parseTarget,
} from '../../scenarios/index.js';
import { loadKnowledgeBase, loadModelFile, packageRoot } from '../load.js';

/** Reads a file named relative to another (the way models name the files they extend). */
export const readRelative: FileReader = (relative, from) => {
  const file = resolve(dirname(from), relative);
  try {
    return { text: readFileSync(file, 'utf8'), file };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `file not found (looked for ${file})` : `cannot read ${file} (${code ?? String(e)})`);
  }
};

/** Reads a file the user named, as a located diagnostic when it cannot be read. @throws ModelError */
function readUserFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelError([
      {
        severity: 'error',
        file: path,
        line: null,
        column: null,
        path: '',
        message: code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? `this is a folder, not ${what}` : `cannot read the file (${code ?? String(e)})`,
        hint: code === 'ENOENT' ? `check the path (resolved to ${resolve(path)})` : `give the path of ${what} (.yaml)`,
      },
    ]);
  }
}

/** The package's intervention library folder. */
export function interventionsDir(): string {
  return join(packageRoot(), 'interventions');
}

const libraries = new Map<string, InterventionLibrary>();
let packageKb: KnowledgeBase | null = null;

/** The package's knowledge base (loaded once). */
export function defaultKnowledgeBase(): KnowledgeBase {
  packageKb ??= loadKnowledgeBase();
  return packageKb;
}

/**
 * Loads every `*.yaml` of an intervention folder (default: the package's interventions/), each
 * checked against the knowledge base. A file must be named after its intervention (`<name>.yaml`).
 * @throws ModelError listing every problem of every file
 */
export function loadInterventionLibrary(dir: string = interventionsDir(), kb: KnowledgeBase = defaultKnowledgeBase()): InterventionLibrary {
  const key = resolve(dir);
  const cached = libraries.get(key);
  if (cached) return cached;
  const lib = new Map<string, LoadedIntervention>();
  const errors: Diagnostic[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(key).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    names = [];
  }
  for (const f of names) {
    const file = join(key, f);
    try {
      const iv = parseIntervention(readFileSync(file, 'utf8'), file, kb);
      const stem = basename(f).replace(/\.ya?ml$/, '');
      if (stem !== iv.input.name) {
        const at = iv.doc.locate(['name']);
        errors.push({ severity: 'error', file, ...at, path: 'name', message: `the intervention '${iv.input.name}' is in a file named ${f}`, hint: `name the file ${iv.input.name}.yaml, or the intervention '${stem}'` });
      }
      if (lib.has(iv.input.name)) {
        const at = iv.doc.locate(['name']);
        errors.push({ severity: 'error', file, ...at, path: 'name', message: `a second intervention named '${iv.input.name}' (first in ${lib.get(iv.input.name)!.file})`, hint: 'give each intervention its own name' });
      }
      lib.set(iv.input.name, iv);
    } catch (e) {
      if (e instanceof ModelError) errors.push(...e.diagnostics);
      else throw e;
    }
  }
  if (errors.length) throw new ModelError(errors);
  libraries.set(key, lib);
  return lib;
}

/** Options of {@link loadScenarioFile}. */
export interface ScenarioLoadOptions {
  kb?: KnowledgeBase;
  library?: InterventionLibrary;
  /** Further modifications, e.g. a target's variant of the scenario. */
  extra?: LocatedModifications;
}

/**
 * Reads a scenario file and compiles it into a model (with the package's intervention library
 * and knowledge base unless others are given). The result is a LoadedModel, so `runJob` and
 * `simulate` take it as they take a model file; `scenario` describes the scenario.
 * @throws ModelError with every problem located in the scenario, intervention or model file
 */
export function loadScenarioFile(path: string, options: ScenarioLoadOptions = {}): LoadedScenario {
  const text = readUserFile(path, 'a scenario file');
  const kb = options.kb ?? defaultKnowledgeBase();
  return compileScenario({
    text,
    file: resolve(path),
    readFile: readRelative,
    library: options.library ?? loadInterventionLibrary(undefined, kb),
    defaultModel: join(packageRoot(), 'models', 'aml-niche.yaml'),
    kb,
    extra: options.extra,
  });
}

/** True when the file is a scenario (its text has a top-level `nichesim_scenario:` key). */
export function isScenarioFile(path: string): boolean {
  try {
    return /^nichesim_scenario\s*:/m.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}

/** Loads a model file or a scenario file (for `nichesim run FILE`). @throws ModelError */
export function loadModelOrScenario(path: string): LoadedModel {
  return isScenarioFile(path) ? loadScenarioFile(path) : loadModelFile(path);
}

/** Reads and parses a target file. @throws ModelError */
export function loadTargetFile(path: string, kb: KnowledgeBase = defaultKnowledgeBase()): LoadedTarget {
  return parseTarget(readUserFile(path, 'a target file'), resolve(path), kb);
}

/** The package's target files (targets/*.yaml), sorted. */
export function defaultTargetFiles(dir: string = join(packageRoot(), 'targets')): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}
