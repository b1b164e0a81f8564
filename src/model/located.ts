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

/**
 * Deep-merges a child document over its parent (`extends`): mappings merge key by key, any
 * other value (including lists) replaces the parent's. Locations come from the file that
 * supplied the value.
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
  const data = merge(parent.data, childData);
  const fromChild = (path: ReadonlyArray<PathKey>) => path.length === 0 || hasPath(child.data, path);
  return {
    data,
    locate: (path, key) => (fromChild(path) ? child.locate(path, key) : parent.locate(path, key)),
    fileAt: (path) => (fromChild(path) ? childFile : parentFile),
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
    const duplicate = /duplicate/i.test(e.message) || e.code === 'DUPLICATE_KEY';
    diagnostics.push({
      severity: 'error',
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      message: duplicate ? `duplicate key: ${firstLine(e.message)}` : `not valid YAML/JSON: ${firstLine(e.message)}`,
      hint: duplicate
        ? 'each name may appear once in a section; rename or merge the two entries'
        : 'check indentation, colons and quotes near this position',
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
  return { document: { data: doc.toJS({ maxAliasCount: 100 }), locate }, diagnostics };
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
    const at = doc.locate(path);
    out.push({ severity: 'error', file: doc.fileAt?.(path) ?? file, ...at, path: pathToString(path), ...describeIssue(issue) });
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): { message: string; hint: string } {
  switch (issue.code) {
    case 'invalid_type': {
      const got = (issue as { input?: unknown }).input;
      if (got === undefined) return { message: `missing required field (expected ${issue.expected})`, hint: 'add this field' };
      return { message: `expected ${issue.expected}, got ${describeValue(got)}`, hint: `write a ${issue.expected} here` };
    }
    case 'invalid_value':
      return {
        message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        hint: 'use one of the listed values',
      };
    case 'invalid_union':
      return { message: 'expected a number or a quantity text such as "48 h"', hint: 'write a number, a quantity with a unit, or an expression over parameters' };
    case 'too_small':
      return { message: issue.message.replace(/^Too small: /, ''), hint: 'give at least the minimum shown' };
    case 'invalid_format':
      return { message: issue.message, hint: 'rename it: letters, digits and _, starting with a letter' };
    default:
      return { message: issue.message, hint: 'see the model-format reference in README.md' };
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}
