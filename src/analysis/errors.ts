/**
 * Errors of the analysis layer (layer 4). Both carry located diagnostics (file, line, column,
 * field, message, fix) and extend ModelError, so every caller that prints model errors prints
 * these the same way.
 */
import { type Diagnostic, ModelError } from '../model/diagnostics.js';

/** An analysis spec (sweep, sensitivity, cohort YAML) that cannot be used. */
export class SpecError extends ModelError {
  constructor(diagnostics: Diagnostic[]) {
    super(byPosition(diagnostics));
    this.name = 'SpecError';
  }
}

/** A data file (time-course CSV) that cannot be used. */
export class DataError extends ModelError {
  constructor(diagnostics: Diagnostic[]) {
    super(byPosition(diagnostics));
    this.name = 'DataError';
  }
}

/** Diagnostics in reading order (file, line, column); stable otherwise. */
function byPosition(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.file.localeCompare(b.d.file) || (a.d.line ?? 0) - (b.d.line ?? 0) || (a.d.column ?? 0) - (b.d.column ?? 0) || a.i - b.i)
    .map((x) => x.d);
}
