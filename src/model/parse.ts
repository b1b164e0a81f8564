/**
 * Model text (YAML or JSON) -> canonical Model, with every problem located (layer 1).
 */
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { type Diagnostic, ModelError } from './diagnostics.js';
import { type LocatedDocument, mergeLocated, parseLocated, zodIssuesToDiagnostics } from './located.js';
import type { Model } from './model.js';
import { normalizeModel } from './normalize.js';
import { ModelInput } from './schema.js';

/** A loaded model and the warnings found while loading it. */
export interface LoadedModel {
  model: Model;
  warnings: Diagnostic[];
  /** The file name given to the loader (for messages). */
  file: string;
}

/** Reads the file a model `extends` (the core reads no files itself). */
export type ParentResolver = (relativePath: string, fromFile: string) => { text: string; file: string };

/**
 * Parses and normalises a model from text.
 * @param text YAML or JSON text of a model file (format version `nichesim: 1`)
 * @param file file name used in messages
 * @param resolveParent reads the file named by `extends:` (needed only for models that extend another)
 * @throws ModelError listing every error (file, line, column, field path, expectation, fix)
 */
export function parseModel(text: string, file: string, resolveParent?: ParentResolver): LoadedModel {
  const document = readDocument(text, file, resolveParent, []);
  const parsed = ModelInput.safeParse(document.data, { reportInput: true });
  if (!parsed.success) throw new ModelError(byPosition(zodIssuesToDiagnostics(parsed.error.issues, document, file), file));
  const { model, diagnostics: more } = normalizeModel(parsed.data, document, file);
  if (more.some((d) => d.severity === 'error')) throw new ModelError(byPosition(more, file));
  return { model, warnings: more.filter((d) => d.severity === 'warning'), file };
}

/**
 * Orders diagnostics as they appear: the file the user loaded first (then any file it extends),
 * then line and column; stable otherwise.
 */
function byPosition(ds: Diagnostic[], firstFile: string): Diagnostic[] {
  const rank = (f: string) => (f === firstFile ? 0 : 1);
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.file) - rank(b.d.file) || a.d.file.localeCompare(b.d.file) || (a.d.line ?? 0) - (b.d.line ?? 0) || (a.d.column ?? 0) - (b.d.column ?? 0) || a.i - b.i)
    .map((x) => x.d);
}

function readDocument(text: string, file: string, resolveParent: ParentResolver | undefined, chain: string[]): LocatedDocument {
  const { document, diagnostics } = parseLocated(text, file);
  if (!document) throw new ModelError(diagnostics);
  const data = document.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ModelError([
      { severity: 'error', file, line: 1, column: 1, path: '', message: 'a model file must be a mapping with keys such as nichesim, name, niche, cell_types', hint: 'start from models/aml-niche.yaml' },
    ]);
  }
  const parentPath = (data as Record<string, unknown>).extends;
  if (parentPath === undefined) return document;
  const at = document.locate(['extends']);
  const fail = (message: string, hint: string) =>
    new ModelError([{ severity: 'error', file, line: at.line, column: at.column, path: 'extends', message, hint }]);
  if (typeof parentPath !== 'string' || parentPath === '') throw fail('extends must be the path of a model file', 'write e.g. extends: aml-niche.yaml');
  if (!resolveParent) throw fail('this model extends another, but no file reader was given', 'load it with loadModelFile()');
  let parent: { text: string; file: string };
  try {
    parent = resolveParent(parentPath, file);
  } catch (e) {
    throw fail(`cannot read '${parentPath}': ${e instanceof Error ? e.message : String(e)}`, 'the path is relative to this file');
  }
  if (chain.includes(parent.file) || parent.file === file) {
    const cycle = [...chain.slice(chain.indexOf(parent.file) >= 0 ? chain.indexOf(parent.file) : chain.length), file, parent.file];
    throw fail(`extends cycle: ${cycle.join(' -> ')}`, 'a model may not extend itself, directly or through other files; remove one extends');
  }
  const parentDoc = readDocument(parent.text, parent.file, resolveParent, [...chain, file]);
  return mergeLocated(parentDoc, parent.file, document, file);
}

/** Stable JSON: object keys sorted, so equal models give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/** SHA-256 (hex) of the canonical JSON of a normalised model: the model's identity in manifests. */
export function modelHash(model: Model): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(model))));
}
