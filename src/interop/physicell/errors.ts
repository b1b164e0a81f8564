/**
 * Errors and warnings of the PhysiCell import (layer 5, no Node-only API).
 *
 * Every message names the file, the line (and column when known) and the element or field,
 * e.g. `cell_rules.csv: line 4, column 15: unknown signal "oxygn"`.
 */

/** A located remark about something nichesim does not (fully) represent. */
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

/** An error of the PhysiCell import, with its location. */
export class PhysiCellError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly element?: string;

  constructor(message: string, loc: PhysiCellLocation) {
    super(formatLocated(message, loc));
    this.name = 'PhysiCellError';
    this.file = loc.file;
    this.line = loc.line;
    this.column = loc.column;
    this.element = loc.element;
  }
}

export function formatLocated(message: string, loc: PhysiCellLocation): string {
  const parts: string[] = [];
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined) parts.push(`column ${loc.column}`);
  if (loc.element) parts.push(loc.element);
  return parts.length > 0 ? `${loc.file}: ${parts.join(', ')}: ${message}` : `${loc.file}: ${message}`;
}
