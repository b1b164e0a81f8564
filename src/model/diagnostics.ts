/**
 * Located problems in a model or knowledge-base file (layer 1).
 *
 * Every problem says where (file, 1-based line and column, field path), what was expected, and
 * how to fix it. A `ModelError` carries all errors found in one pass, so a user fixes them in
 * one go rather than one per run.
 */

export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  /** 1-based line, or null when the problem has no single place (e.g. a missing section). */
  line: number | null;
  /** 1-based column, or null. */
  column: number | null;
  /** Field path such as `cell_types.MSC.apoptosis` or `rules[3].half_max`; '' for the whole file. */
  path: string;
  /** What is wrong and what was expected. */
  message: string;
  /** What to do about it. */
  hint: string;
}

/** Thrown when a model cannot be loaded; `diagnostics` lists every error (and warnings) found. */
export class ModelError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(errors.length > 0 ? formatDiagnostics(errors) : 'model error');
    this.name = 'ModelError';
    this.diagnostics = diagnostics;
  }
}

/** Formats one diagnostic as `file:line:column: error: path: message` plus an indented `fix:` line. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === null ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  const field = d.path ? `${d.path}: ` : '';
  return `${where}: ${d.severity}: ${field}${d.message}${d.hint ? `\n  fix: ${d.hint}` : ''}`;
}

/** Formats several diagnostics, one block each. */
export function formatDiagnostics(ds: Diagnostic[]): string {
  return ds.map(formatDiagnostic).join('\n');
}

/** Renders a path array (['rules', 3, 'half_max']) as text (`rules[3].half_max`). */
export function pathToString(path: ReadonlyArray<string | number | symbol>): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s === '' ? String(p) : `.${String(p)}`;
  }
  return s;
}
