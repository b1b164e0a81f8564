/**
 * Errors and warnings of the PhysiCell import and export (layer 5, no Node-only API).
 *
 * Every message names the file, the line (and column when known) and the element or field,
 * e.g. `cell_rules.csv: line 4, column 15: unknown signal "oxygn"`.
 */

/**
 * A located remark about something nichesim does not (fully) represent (import), or something a
 * PhysiCell project cannot hold (export). `file` is the file concerned (on export: the output
 * file, e.g. 'PhysiCell_settings.xml'); `line` is 1-based; `element` is the XML element, CSV part
 * or nichesim model field (e.g. `outputs.M2_fraction`).
 */
export interface PhysiCellWarning {
  file: string;
  line?: number;
  element: string;
  message: string;
}

export interface PhysiCellLocation {
  file: string;
  line?: number;
  column?: number;
  element?: string;
}

/** An error of the PhysiCell import or export, with its location. */
export class PhysiCellError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly element?: string;
  /** The warnings that failed a strict import (see assertNoWarnings); empty otherwise. */
  readonly warnings: readonly PhysiCellWarning[];

  constructor(message: string, loc: PhysiCellLocation, warnings: readonly PhysiCellWarning[] = []) {
    super(formatLocated(message, loc));
    this.name = 'PhysiCellError';
    this.file = loc.file;
    this.line = loc.line;
    this.column = loc.column;
    this.element = loc.element;
    this.warnings = warnings;
  }
}

/** "file: line L, column C, element: message" (the parts that are known). */
export function formatLocated(message: string, loc: PhysiCellLocation): string {
  const parts: string[] = [];
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined) parts.push(`column ${loc.column}`);
  if (loc.element) parts.push(loc.element);
  return parts.length > 0 ? `${loc.file}: ${parts.join(', ')}: ${message}` : `${loc.file}: ${message}`;
}

/** One warning as a line of text: "file: line L, element: message". */
export function formatWarning(w: PhysiCellWarning): string {
  return formatLocated(w.message, { file: w.file, line: w.line, element: w.element });
}

/**
 * Strict mode (CLI `--strict`): turns warnings into an error.
 * @param warnings the warnings of an import or export
 * @param file the file named in the error's first line (e.g. the settings path)
 * @throws PhysiCellError "<file>: N warnings (strict mode): ..." listing every warning with its
 *   file, line and element, one per line (also in `error.warnings`); returns when there are none
 */
export function assertNoWarnings(warnings: readonly PhysiCellWarning[], file: string): void {
  if (warnings.length === 0) return;
  const list = warnings.map((w) => `  ${formatWarning(w)}`).join('\n');
  throw new PhysiCellError(`${warnings.length} warning${warnings.length === 1 ? '' : 's'} (strict mode: nothing may be lost):\n${list}`, { file }, warnings);
}
