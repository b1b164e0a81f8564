/**
 * Where the current model comes from (a shipped file, a file the user loaded, an SBML file) and
 * loading it into what the views need. Loading never changes the app's state by itself: callers
 * keep the previous model when it throws.
 */
import type { LoadedModel } from '../../../src/model/parse.js';
import type { LoadedScenario } from '../../../src/scenarios/index.js';
import { readSbml, type SbmlDocument } from '../../../src/interop/sbml/document.js';
import { secondsPerTimeUnit } from '../../../src/interop/sbml/units.js';
import { parseSettings } from '../../../src/interop/sbml/suite.js';
import { loadModelText, readVirtual, USER_FILES } from '../core.js';
import type { SbmlSource } from '../worker/protocol.js';

/** An initial agent position (um) of a spatial run. */
export interface AgentPlacement {
  type: string;
  x: number;
  y: number;
  z?: number;
}

/** The model's origin, as shared in URLs and share files. */
export type ModelSource =
  | { kind: 'shipped'; path: string }
  /** A nichesim model or scenario (YAML/JSON) the user loaded, at virtual path 'user/<name>'. */
  | { kind: 'text'; file: string; text: string; agents?: AgentPlacement[]; /** 'physicell' for an imported PhysiCell project */ origin?: 'physicell' }
  | { kind: 'sbml'; file: string; text: string; settingsText?: string };

/** A loaded model, ready for the views and the worker. */
export type CurrentModel =
  | { kind: 'nichesim'; source: ModelSource; file: string; text: string; loaded: LoadedModel | LoadedScenario; agents?: AgentPlacement[] }
  | { kind: 'sbml'; source: ModelSource; file: string; text: string; doc: SbmlDocument; sbml: SbmlSource; warnings: string[] };

/** The file name a source is known by in messages. */
export function sourceFile(src: ModelSource): string {
  return src.kind === 'shipped' ? src.path : src.file;
}

/**
 * Loads a model source.
 * @throws ModelError, SbmlError (with file, line, column) or Error
 */
export function loadSource(src: ModelSource): CurrentModel {
  if (src.kind === 'sbml') {
    const doc = readSbml(src.text);
    const warnings = [...doc.warnings];
    let secondsPerUnit = secondsPerTimeUnit(doc);
    if (secondsPerUnit === null) {
      secondsPerUnit = 1;
      warnings.push('the model does not declare its time unit: it is taken as seconds');
    }
    const settings = src.settingsText ? parseSettings(src.settingsText) : null;
    const end = settings && Number.isFinite(settings.duration) ? settings.start + settings.duration : 100;
    const steps = settings && Number.isFinite(settings.steps) && settings.steps > 0 ? settings.steps : 100;
    return { kind: 'sbml', source: src, file: src.file, text: src.text, doc, warnings, sbml: { text: src.text, file: src.file, secondsPerUnit, end, steps } };
  }
  if (src.kind === 'shipped') {
    const { text, file } = readVirtual(src.path, '');
    return { kind: 'nichesim', source: src, file, text, loaded: loadModelText(text, file) };
  }
  // A user file may be extended by, or name, other user files: it lives in the virtual file system.
  const previous = USER_FILES.get(src.file);
  USER_FILES.set(src.file, src.text);
  try {
    return { kind: 'nichesim', source: src, file: src.file, text: src.text, loaded: loadModelText(src.text, src.file), agents: src.agents };
  } catch (e) {
    if (previous === undefined) USER_FILES.delete(src.file);
    else USER_FILES.set(src.file, previous);
    throw e;
  }
}

/** The scenario information when the model is a compiled scenario. */
export function scenarioOf(m: CurrentModel): LoadedScenario['scenario'] | null {
  return m.kind === 'nichesim' && 'scenario' in m.loaded ? (m.loaded as LoadedScenario).scenario : null;
}
