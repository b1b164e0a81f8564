/**
 * The app's access to nichesim's core library, over a virtual file system of the shipped files
 * plus files the user dropped in. Pure browser code: no Node API (src/io is never imported).
 */
import { parseKnowledgeBase, type KnowledgeBase } from '../../src/kb/index.js';
import { parseModel, type LoadedModel } from '../../src/model/parse.js';
import { compileScenario, parseIntervention, type InterventionLibrary, type LoadedIntervention } from '../../src/scenarios/index.js';
import { DEFAULT_MODEL, SHIPPED, shippedIn } from './assets.js';

/** Files the user added (drag and drop), by virtual path 'user/<name>'; they shadow nothing shipped. */
export const USER_FILES = new Map<string, string>();

/** Joins and normalises POSIX paths ('scenarios/../models/a.yaml' -> 'models/a.yaml'). */
export function resolvePath(from: string, relative: string): string {
  const parts = (relative.startsWith('/') ? relative : from.replace(/[^/]*$/, '') + relative).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out.join('/');
}

/**
 * Reads a file of the virtual file system. A file the user loaded sits in 'user/'; what it names
 * relative to itself is looked for there first, then as if the file sat in the shipped 'models/'
 * or 'scenarios/' folder (so a loaded copy of a shipped model may `extends: aml-niche.yaml`).
 * @throws Error 'file not found' naming the path
 */
export function readVirtual(relative: string, fromFile: string): { text: string; file: string } {
  const file = resolvePath(fromFile, relative);
  const candidates = [file];
  if (fromFile.startsWith('user/') && !relative.startsWith('/')) {
    const name = fromFile.replace(/^.*\//, '');
    candidates.push(resolvePath(`models/${name}`, relative), resolvePath(`scenarios/${name}`, relative));
  }
  for (const f of candidates) {
    const text = USER_FILES.get(f) ?? SHIPPED.get(f);
    if (text !== undefined) return { text, file: f };
  }
  throw new Error(`file not found (looked for ${candidates.join(', ')}; the app holds the shipped models, scenarios and interventions, and the files you loaded)`);
}

let kbCache: KnowledgeBase | null = null;
/** The shipped knowledge base (parsed once). */
export function knowledgeBase(): KnowledgeBase {
  kbCache ??= parseKnowledgeBase(shippedIn('kb').map((p) => ({ path: p, text: SHIPPED.get(p)! })));
  return kbCache;
}

let libCache: InterventionLibrary | null = null;
/** The shipped intervention library, by intervention name. */
export function interventionLibrary(): InterventionLibrary {
  if (!libCache) {
    const lib = new Map<string, LoadedIntervention>();
    for (const p of shippedIn('interventions')) {
      const iv = parseIntervention(SHIPPED.get(p)!, p, knowledgeBase());
      lib.set(iv.input.name, iv);
    }
    libCache = lib;
  }
  return libCache;
}

/** True when a text is a nichesim scenario (top-level `nichesim_scenario:`). */
export function isScenarioText(text: string): boolean {
  return /^nichesim_scenario\s*:/m.test(text);
}

/**
 * Loads a model or a scenario from text at a virtual path (scenarios compile to a model).
 * @throws ModelError with located diagnostics (file, line, column, field, hint)
 */
export function loadModelText(text: string, file: string): LoadedModel {
  if (isScenarioText(text)) {
    return compileScenario({ text, file, readFile: readVirtual, library: interventionLibrary(), defaultModel: DEFAULT_MODEL, kb: knowledgeBase() });
  }
  return parseModel(text, file, readVirtual);
}

/** Loads a file of the virtual file system (shipped or user) as a model. */
export function loadModelPath(path: string): LoadedModel {
  return loadModelText(readVirtual(path, '').text, path);
}
