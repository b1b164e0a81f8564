/**
 * YAML/JSON text -> plain data, keeping a map from field paths back to line and column (layer 1).
 *
 * JSON is read by the same parser (JSON is a subset of YAML 1.2). Duplicate keys are errors.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { type Diagnostic, pathToString } from './diagnostics.js';

export type PathKey = string | number;

/** Parsed text plus a locator for field paths. */
export interface LocatedDocument {
  data: unknown;
  /**
   * 1-based line/column of the value at `path`, or of the nearest existing ancestor;
   * with `key: true`, of the key of that entry (for "unknown key" errors).
   */
  locate(path: ReadonlyArray<PathKey>, key?: boolean): { line: number; column: number };
  /** The file a path was read from, when the document merges several files (`extends`). */
  fileAt?(path: ReadonlyArray<PathKey>): string;
}

/** True when `data` holds a value at `path`. */
export function hasPath(data: unknown, path: ReadonlyArray<PathKey>): boolean {
  let node: unknown = data;
  for (const k of path) {
    if (node === null || typeof node !== 'object' || !(String(k) in (node as Record<string, unknown>))) return false;
    node = (node as Record<string, unknown>)[String(k)];
  }
  return true;
}

/** Top-level lists that a model extending another adds to, rather than replaces. */
export const APPENDED_LISTS: readonly string[] = ['rules', 'dosing', 'pharmacokinetics'];

/**
 * Deep-merges a child document over its parent (`extends`): mappings merge key by key; the
 * top-level `rules` and `dosing` lists are appended to the parent's; any other value (including
 * other lists) replaces the parent's. Locations come from the file that supplied the value.
 */
export function mergeLocated(parent: LocatedDocument, parentFile: string, child: LocatedDocument, childFile: string): LocatedDocument {
  const merge = (a: unknown, b: unknown): unknown => {
    if (isPlainObject(a) && isPlainObject(b)) {
      const out: Record<string, unknown> = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
      return out;
    }
    return b;
  };
  const childData = { ...(child.data as Record<string, unknown>) };
  delete childData.extends;
  const parentData = parent.data as Record<string, unknown>;
  const offsets = new Map<string, number>();
  for (const key of APPENDED_LISTS) {
    const p = parentData[key];
    const c = childData[key];
    if (Array.isArray(p) && Array.isArray(c)) {
      offsets.set(key, p.length);
      childData[key] = [...p, ...c];
    }
  }
  const data = merge(parentData, childData);
  /** Where a path lives: in the child (with list indices shifted back) or in the parent. */
  const route = (path: ReadonlyArray<PathKey>): { inChild: boolean; path: ReadonlyArray<PathKey> } => {
    if (path.length === 0) return { inChild: true, path };
    const offset = offsets.get(String(path[0]));
    if (offset !== undefined && path.length >= 2 && typeof path[1] === 'number') {
      return path[1] >= offset ? { inChild: true, path: [path[0], path[1] - offset, ...path.slice(2)] } : { inChild: false, path };
    }
    return hasPath(child.data, path) ? { inChild: true, path } : { inChild: false, path };
  };
  return {
    data,
    locate: (path, key) => {
      const r = route(path);
      return r.inChild ? child.locate(r.path, key) : parent.locate(r.path, key);
    },
    fileAt: (path) => {
      const r = route(path);
      // The parent may itself merge several files (extends chains): ask it where its part came from.
      return r.inChild ? (child.fileAt?.(r.path) ?? childFile) : (parent.fileAt?.(r.path) ?? parentFile);
    },
  };
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * Parses YAML or JSON text. Syntax errors (including duplicate keys) are returned as diagnostics
 * with their position; `document` is null when the text cannot be read at all.
 */
export function parseLocated(text: string, file: string): { document: LocatedDocument | null; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    const duplicate = /duplicate|must be unique/i.test(e.message) || e.code === 'DUPLICATE_KEY';
    const key = duplicate ? keyAt(text, e.pos[0]) : '';
    const colonInValue = /mapping values are not allowed|Nested mappings are not allowed in compact mappings|Implicit map keys need to be/i.test(e.message);
    diagnostics.push({
      severity: 'error',
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      message: duplicate ? `duplicate key '${key}': it appears twice in the same mapping` : `not valid YAML/JSON: ${firstLine(e.message)}`,
      hint: duplicate
        ? 'each name may appear once in a section; rename or merge the two entries'
        : colonInValue
          ? "put text that contains ': ' in quotes, e.g. title: \"AML: niche\""
          : 'check indentation (spaces, not tabs), colons and quotes near this position',
    });
  }
  if (diagnostics.length > 0) return { document: null, diagnostics };

  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const locate = (path: ReadonlyArray<PathKey>, key = false) => {
    let node: unknown = doc.contents;
    let keyNode: unknown = null;
    for (const k of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof k === 'number' && k < node.items.length) {
        keyNode = null;
        node = node.items[k];
      } else break;
    }
    const target = (key && keyNode ? keyNode : node) as Node | null;
    const range = target && (target as Node).range;
    return range ? pos(range[0]) : { line: 1, column: 1 };
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // The yaml library refuses documents that expand aliases excessively ("billion laughs").
    return {
      document: null,
      diagnostics: [{ severity: 'error', file, line: 1, column: 1, path: '', message: `cannot read the document: ${firstLine(e instanceof Error ? e.message : String(e))}`, hint: 'use fewer YAML aliases (*name), or write the values out' }],
    };
  }
  return { document: { data, locate }, diagnostics };
}

/** The mapping key written at `offset` (up to its colon), for messages. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset);
  const m = /^\s*["']?([^"':\n]+)["']?\s*:/.exec(rest);
  return m ? m[1].trim() : rest.split(/[\n:]/)[0].trim();
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** Turns zod issues into located diagnostics with a message that says what was expected. */
export function zodIssuesToDiagnostics(issues: z.core.$ZodIssue[], doc: LocatedDocument, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        const at = doc.locate([...path, k], true);
        out.push({
          severity: 'error',
          file: doc.fileAt?.([...path, k]) ?? file,
          ...at,
          path: pathToString([...path, k]),
          message: `unknown key '${k}'`,
          hint: `remove it or correct its spelling; see the model-format reference in README.md`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      const key = (issue as { input?: unknown }).input;
      const keyPath = typeof key === 'string' && path[path.length - 1] !== key ? [...path, key] : path;
      const at = doc.locate(keyPath, true);
      const suggestion = suggestName(typeof key === 'string' ? key : '');
      out.push({
        severity: 'error',
        file: doc.fileAt?.(keyPath) ?? file,
        ...at,
        path: pathToString(keyPath),
        message: `the name ${JSON.stringify(key)} is not allowed: a name must start with a letter and contain only letters, digits and _`,
        hint: `rename it, e.g. '${suggestion}' (a label: field can hold the display name)`,
      });
      continue;
    }
    const at = doc.locate(path);
    out.push({ severity: 'error', file: doc.fileAt?.(path) ?? file, ...at, path: pathToString(path), ...describeIssue(issue, path) });
  }
  return out;
}

const KIND_NAMES: Record<string, string> = {
  object: 'a mapping (key: value lines)',
  record: 'a mapping of names to entries',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  int: 'a whole number',
};

function kindName(expected: string): string {
  return KIND_NAMES[expected] ?? expected;
}

function describeIssue(issue: z.core.$ZodIssue, path: PathKey[]): { message: string; hint: string } {
  const hasInput = 'input' in issue;
  const input = (issue as { input?: unknown }).input;
  const field = path.length > 0 ? String(path[path.length - 1]) : '';
  const missing = (what: string) => ({
    message: `missing required field '${field}' (${what})`,
    hint: field === 'nichesim' ? "add 'nichesim: 1' (the format version) at the top of the file" : `add ${field}: to this section`,
  });
  if (typeof input === 'number' && !Number.isFinite(input)) {
    return { message: `expected a finite number, got ${input === Infinity ? '.inf' : input === -Infinity ? '-.inf' : '.nan'}`, hint: 'write a finite number' };
  }
  switch (issue.code) {
    case 'invalid_type': {
      if (!hasInput || input === undefined) return missing(kindName(issue.expected));
      return { message: `expected ${kindName(issue.expected)}, got ${describeValue(input)}`, hint: hintForKind(issue.expected, field) };
    }
    case 'invalid_value': {
      if (field === 'nichesim') {
        if (!hasInput || input === undefined) return missing('the format version');
        if (input === '1') return { message: 'the format version is written as text ("1")', hint: "write it as a number, without quotes: 'nichesim: 1'" };
        return { message: `format version ${describeValue(input)} is not supported (this nichesim reads format 1)`, hint: "write 'nichesim: 1'" };
      }
      const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return { message: `expected one of ${values}, got ${describeValue(input)}`, hint: 'use one of the listed values' };
    }
    case 'invalid_union':
      if (!hasInput || input === undefined) return missing("a number or a quantity such as '2e7 um^3'");
      return { message: `expected a number or a quantity text such as "48 h", got ${describeValue(input)}`, hint: 'write a number, a quantity with a unit, or an expression over parameters' };
    case 'too_small': {
      const min = Number((issue as { minimum?: number | bigint }).minimum ?? 0);
      if (issue.origin === 'array') {
        if (field === 'evidence') return { message: 'a rule must cite at least one knowledge-base entry', hint: 'write e.g. evidence: [I019] (ids are listed by `nichesim kb`)' };
        return { message: `give at least ${min} item${min === 1 ? '' : 's'}`, hint: 'add the missing items' };
      }
      if (issue.origin === 'string') return { message: 'this text may not be empty', hint: 'write a value or remove the field' };
      return { message: `expected a number ${issue.inclusive ? 'of at least' : 'greater than'} ${min}, got ${describeValue(input)}`, hint: `give a value ${issue.inclusive ? '>=' : '>'} ${min}` };
    }
    case 'too_big': {
      const max = Number((issue as { maximum?: number | bigint }).maximum ?? 0);
      if (issue.origin === 'array') return { message: `give at most ${max} item${max === 1 ? '' : 's'}`, hint: field === 'range' ? 'write the range as [low, high]' : 'remove the extra items' };
      return { message: `expected a value of at most ${max}, got ${describeValue(input)}`, hint: `give a value <= ${max}` };
    }
    case 'invalid_format':
      return { message: 'a name must start with a letter and contain only letters, digits and _', hint: `rename it, e.g. ${JSON.stringify(suggestName(String(input ?? '')))}` };
    default:
      return { message: issue.message, hint: 'see the model-format reference in README.md' };
  }
}

/** A valid name close to an invalid one (spaces and symbols to _, a leading letter added). */
function suggestName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (cleaned === '') return 'name_1';
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `n${cleaned}`;
}

function hintForKind(expected: string, field: string): string {
  switch (expected) {
    case 'array':
      return field === 'evidence' ? 'write a list in brackets, e.g. evidence: [I019]' : 'write a list, e.g. [a, b] or one "- item" per line';
    case 'object':
    case 'record':
      return 'write one "name: value" entry per line under this key, indented';
    case 'boolean':
      return 'write true or false';
    case 'string':
      return 'write text (in quotes if it looks like a number)';
    default:
      return `write ${kindName(expected)} here`;
  }
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return String(v);
}
