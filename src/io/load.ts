/**
 * Reading models and the knowledge base from disk (layer 5, Node).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKnowledgeBase, type KnowledgeBase } from '../kb/index.js';
import { ModelError } from '../model/diagnostics.js';
import { type LoadedModel, parseModel } from '../model/parse.js';

/** The package's root folder (where models/ and kb/ live), found from this file's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      if (statSync(join(dir, 'package.json')).isFile() && statSync(join(dir, 'kb')).isDirectory()) return dir;
    } catch {
      /* keep looking upwards */
    }
    dir = dirname(dir);
  }
  throw new Error('nichesim: cannot find the package folder (with package.json and kb/)');
}

/** Path of the default model, run by `nichesim run` without an argument. */
export function defaultModelPath(): string {
  return join(packageRoot(), 'models', 'aml-niche.yaml');
}

/**
 * Reads and parses a model file.
 * @throws ModelError (file not found or unreadable is reported as a diagnostic too)
 */
export function loadModelFile(path: string): LoadedModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelError([
      {
        severity: 'error',
        file: path,
        line: null,
        column: null,
        path: '',
        message: code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'this is a folder, not a model file' : `cannot read the file (${code ?? String(e)})`,
        hint: code === 'ENOENT' ? `check the path (resolved to ${resolve(path)})` : 'give the path of a .yaml or .json model file',
      },
    ]);
  }
  return parseModel(text, resolve(path), (relative, from) => {
    const file = resolve(dirname(from), relative);
    try {
      return { text: readFileSync(file, 'utf8'), file };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? `file not found (looked for ${file})` : `cannot read ${file} (${code ?? String(e)})`);
    }
  });
}

/** Loads every kb/*.yaml of the package (or of `dir`). @throws KbError */
export function loadKnowledgeBase(dir: string = join(packageRoot(), 'kb')): KnowledgeBase {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
  return parseKnowledgeBase(files);
}
