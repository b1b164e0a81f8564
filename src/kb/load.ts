/**
 * Loader of KB YAML files. Takes file texts (the caller reads the files, so
 * this module runs in Node and in browser workers), validates them with the
 * zod schemas and reports every problem as a {@link KbError} carrying file,
 * line, column and a field path such as `interactions[3].confidence`.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { KbFileSchema } from './schema.js';
import type { Interaction, KnowledgeBase, Therapy } from './types.js';

/** One located problem in a KB file. */
export interface KbIssue {
  /** File path as given to the loader. */
  file: string;
  /** 1-based line (1 when the problem concerns the file as a whole). */
  line: number;
  /** 1-based column. */
  column: number;
  /** Field path, e.g. `interactions[3].confidence` ('' for the whole file). */
  path: string;
  /** What was expected and how to fix it. */
  detail: string;
}

/**
 * Error thrown by {@link parseKnowledgeBase}. The top-level fields describe
 * the first problem (in file, then line order); `issues` lists all of them.
 * The message has one `file:line:column: path: detail` line per problem.
 */
export class KbError extends Error {
  /** File of the first problem. */
  readonly file: string;
  /** Line of the first problem (1-based). */
  readonly line: number;
  /** Column of the first problem (1-based). */
  readonly column: number;
  /** Field path of the first problem. */
  readonly path: string;
  /** All problems found. */
  readonly issues: KbIssue[];

  /** Creates an error from one or more located issues (at least one). */
  constructor(issues: KbIssue[]) {
    if (issues.length === 0) throw new Error('KbError needs at least one issue');
    super(issues.map(formatIssue).join('\n'));
    this.name = 'KbError';
    const first = issues[0];
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.path = first.path;
    this.issues = issues;
  }
}

/** Formats an issue as `file:line:column: path: detail` (path omitted when empty). */
export function formatIssue(issue: KbIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.detail}` : `${where}: ${issue.detail}`;
}

/** Formats a zod-style path as `interactions[3].references[0].pmid`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** A KB source file: its path (for messages) and its text. */
export interface KbSourceFile {
  /** Path or name used in error messages, e.g. `kb/interactions.yaml`. */
  path: string;
  /** YAML text. */
  text: string;
}

/**
 * Parses and validates KB files into one {@link KnowledgeBase}.
 *
 * Each file must be a YAML mapping with `kb: 1` and an `interactions:` and/or
 * `therapies:` list. Ids must be unique across all files and
 * `related_interactions` must name loaded interactions.
 *
 * @throws KbError listing every problem with file/line/column.
 */
export function parseKnowledgeBase(files: Array<{ path: string; text: string }>): KnowledgeBase {
  const issues: KbIssue[] = [];
  const interactions: Interaction[] = [];
  const therapies: Therapy[] = [];
  const byId = new Map<string, Interaction | Therapy>();
  const firstSeen = new Map<string, KbIssue>();
  const relatedRefs: Array<{ id: string; at: KbIssue }> = [];

  for (const file of files) {
    const parsed = parseFile(file, issues);
    if (!parsed) continue;
    const { data, locate } = parsed;
    const lists: Array<['interactions', Interaction[]] | ['therapies', Therapy[]]> = [
      ['interactions', data.interactions ?? []],
      ['therapies', data.therapies ?? []],
    ];
    for (const [key, entries] of lists) {
      entries.forEach((entry, i) => {
        const at = locate([key, i, 'id'], '');
        const prev = firstSeen.get(entry.id);
        if (prev) {
          issues.push({
            ...at,
            detail:
              `duplicate id "${entry.id}": already defined at ${prev.file}:${prev.line}:${prev.column}. ` +
              'Ids must be unique across all KB files; give this entry an unused id.',
          });
          return;
        }
        firstSeen.set(entry.id, at);
        byId.set(entry.id, entry);
        if (key === 'interactions') interactions.push(entry as Interaction);
        else {
          const therapy = entry as Therapy;
          therapies.push(therapy);
          therapy.related_interactions.forEach((rid, j) =>
            relatedRefs.push({ id: rid, at: locate(['therapies', i, 'related_interactions', j], '') }),
          );
        }
      });
    }
  }

  for (const { id, at } of relatedRefs) {
    const target = byId.get(id);
    if (!target || !interactions.includes(target as Interaction)) {
      issues.push({
        ...at,
        detail: `unknown interaction id "${id}": no loaded interaction has this id. Fix the id or add the interaction.`,
      });
    }
  }

  if (issues.length > 0) throw new KbError(sortIssues(issues, files));
  return { interactions, therapies, byId };
}

function sortIssues(issues: KbIssue[], files: Array<{ path: string }>): KbIssue[] {
  const order = new Map(files.map((f, i) => [f.path, i]));
  return [...issues].sort(
    (a, b) =>
      (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column,
  );
}

/** Locates a path; with `unknownKey`, points at that key inside the mapping at `path`. */
type Locate = (path: ReadonlyArray<PropertyKey>, detail: string, unknownKey?: string) => KbIssue;

function parseFile(
  file: KbSourceFile,
  issues: KbIssue[],
): { data: z.infer<typeof KbFileSchema>; locate: Locate } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { keepSourceTokens: true, lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const pos = lineCounter.linePos(err.pos[0]);
      issues.push({
        file: file.path,
        line: pos.line,
        column: pos.col,
        path: '',
        detail: `YAML syntax error: ${err.message.split('\n')[0]}. Fix the YAML syntax (indentation, quoting, colons).`,
      });
    }
    return undefined;
  }

  const locate: Locate = (path, detail, unknownKey) => {
    const offset = findOffset(doc, path, unknownKey);
    const pos = lineCounter.linePos(offset);
    const shown = unknownKey === undefined ? path : [...path, unknownKey];
    return { file: file.path, line: pos.line, column: pos.col, path: formatPath(shown), detail };
  };

  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isPlainObject(raw)) {
    issues.push(
      locate([], 'expected a YAML mapping with "kb: 1" and an "interactions:" or "therapies:" list at the top level.'),
    );
    return undefined;
  }
  if (!('interactions' in raw) && !('therapies' in raw)) {
    issues.push(
      locate(
        [],
        'not a KB file: expected a top-level "interactions:" or "therapies:" list (plus "kb: 1"). Add one of these keys.',
      ),
    );
    return undefined;
  }

  const result = KbFileSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(describeZodIssue(issue, raw, locate));
    return undefined;
  }
  return { data: result.data, locate };
}

/** Finds the source offset for a path: the value node, or the nearest existing ancestor. */
function findOffset(doc: Document, path: ReadonlyArray<PropertyKey>, unknownKey?: string): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return offset;
      const next = pair.value ?? pair.key;
      node = next;
      offset = rangeStart(next) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return offset;
      node = item;
      offset = rangeStart(item) ?? offset;
    } else {
      return offset;
    }
  }
  if (unknownKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === unknownKey);
    if (pair) offset = rangeStart(pair.key) ?? offset;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function getAt(raw: unknown, path: ReadonlyArray<PropertyKey>): { found: boolean; value: unknown } {
  let cur: unknown = raw;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number' && seg < cur.length) cur = cur[seg];
    else if (isPlainObject(cur) && typeof seg === 'string' && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return { found: false, value: undefined };
  }
  return { found: true, value: cur };
}

// --- zod introspection (to say what a field expects) -----------------------

interface ZodDefLike {
  type: string;
  innerType?: ZodLike;
  element?: ZodLike;
  shape?: Record<string, ZodLike>;
  entries?: Record<string, unknown>;
  values?: unknown[];
  items?: ZodLike[];
  in?: ZodLike;
}
interface ZodLike {
  _zod: { def: ZodDefLike };
}

function unwrap(s: ZodLike | undefined): ZodLike | undefined {
  let cur = s;
  while (cur) {
    const def = cur._zod.def;
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) {
      cur = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      cur = def.in;
    } else break;
  }
  return cur;
}

function schemaAt(path: ReadonlyArray<PropertyKey>): ZodLike | undefined {
  let cur = unwrap(KbFileSchema as unknown as ZodLike);
  for (const seg of path) {
    if (!cur) return undefined;
    const def = cur._zod.def;
    if (typeof seg === 'number' && def.type === 'array') cur = unwrap(def.element);
    else if (typeof seg === 'number' && def.type === 'tuple') cur = unwrap(def.items?.[seg]);
    else if (typeof seg === 'string' && def.type === 'object') cur = unwrap(def.shape?.[seg]);
    else return undefined;
  }
  return cur;
}

function allowedValues(s: ZodLike | undefined): string[] | undefined {
  const def = s?._zod.def;
  if (!def) return undefined;
  if (def.type === 'enum' && def.entries) return Object.values(def.entries).map(String);
  if (def.type === 'literal' && def.values) return def.values.map(String);
  return undefined;
}

function describeSchema(s: ZodLike | undefined): string {
  const allowed = allowedValues(s);
  if (allowed) return allowed.length === 1 ? allowed[0] : `one of ${allowed.join(' | ')}`;
  switch (s?._zod.def.type) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'tuple':
      return 'a list [low, high]';
    case 'object':
      return 'a mapping';
    default:
      return 'a value';
  }
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${v}"`;
  return `the ${typeof v} ${String(v)}`;
}

/** Levenshtein distance (small strings only). */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

/** The closest candidate (case-insensitive) if it is plausibly a typo. */
function suggest(input: string, candidates: string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function describeZodIssue(issue: z.core.$ZodIssue, raw: unknown, locate: Locate): KbIssue {
  const path = issue.path;
  const field = String(path[path.length - 1] ?? '');
  const here = getAt(raw, path);

  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const schema = schemaAt(path);
    const allowed = Object.keys(schema?._zod.def.shape ?? {});
    const guess = suggest(key, allowed);
    const extra = issue.keys.length > 1 ? ` (also unknown: ${issue.keys.slice(1).map((k) => `"${k}"`).join(', ')})` : '';
    return locate(
      path,
      `unknown key "${key}"${extra}: allowed keys are ${allowed.join(', ')}. ` +
        (guess ? `Did you mean "${guess}"?` : 'Remove it or fix its spelling.'),
      key,
    );
  }

  if (!here.found && path.length > 0) {
    const expected = describeSchema(schemaAt(path));
    const hint = field === 'kb' ? 'Add "kb: 1" at the top of the file.' : 'Add the field to this entry.';
    return locate(path, `missing required field "${field}": expected ${expected}. ${hint}`);
  }

  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map(String);
    const got = here.value;
    const guess = typeof got === 'string' ? suggest(got, allowed) : undefined;
    const list = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(' | ')}`;
    return locate(
      path,
      `invalid value ${JSON.stringify(got)}: expected ${list}. ` +
        (guess ? `Did you mean "${guess}"?` : 'Use one of the listed values (vocabularies live in src/kb/types.ts).'),
    );
  }

  if (issue.code === 'invalid_type') {
    const expected = describeSchema(schemaAt(path));
    const got = here.value;
    const quoteHint =
      expected === 'a string' && (typeof got === 'number' || typeof got === 'boolean')
        ? ` Quote it: ${field}: "${String(got)}".`
        : '';
    return locate(path, `expected ${expected}, got ${describeValue(got)}.${quoteHint}`);
  }

  if (issue.code === 'too_small' && issue.origin === 'array' && issue.message.startsWith('Too small')) {
    return locate(path, `expected a list with at least ${String(issue.minimum)} item(s).`);
  }

  // Custom messages from the schema (regex formats, refinements, min lengths).
  return locate(path, issue.message.endsWith('.') ? issue.message : `${issue.message}.`);
}
