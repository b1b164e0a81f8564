/**
 * Errors of the SBML import (layer 5, no Node-only API).
 *
 * Every error that concerns a place in the file names the element and its line (and column when
 * known), e.g. `SBML: line 12, column 7, <algebraicRule>: algebraic rules are not supported`.
 */

/** Where an element starts in the SBML text (1-based line and column), when known. */
export interface SourceLocation {
  line?: number;
  column?: number;
  /** The element, as `<tag id="x">` (or `<tag>`). */
  element?: string;
}

/** Kinds of errors, so that callers (and the test-suite runner) can tell them apart. */
export type SbmlErrorKind =
  /** Not XML at all, or malformed XML (line and column of the parser's complaint). */
  | 'xml'
  /** Well-formed XML whose root is not an SBML `<sbml>` element. */
  | 'not-sbml'
  /** A construct this importer does not simulate (algebraic rules it cannot solve, packages, ...). */
  | 'unsupported'
  /** An invalid model (missing required attribute, unknown identifier, cyclic rules, ...). */
  | 'invalid';

/** An error of the SBML import, with its location in the file. */
export class SbmlError extends Error {
  readonly kind: SbmlErrorKind;
  readonly line?: number;
  readonly column?: number;
  readonly element?: string;

  constructor(kind: SbmlErrorKind, message: string, loc?: SourceLocation) {
    super(formatMessage(message, loc));
    this.name = 'SbmlError';
    this.kind = kind;
    this.line = loc?.line;
    this.column = loc?.column;
    this.element = loc?.element;
  }
}

function formatMessage(message: string, loc?: SourceLocation): string {
  if (!loc) return `SBML: ${message}`;
  const parts: string[] = [];
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined) parts.push(`column ${loc.column}`);
  if (loc.element) parts.push(loc.element);
  return parts.length > 0 ? `SBML: ${parts.join(', ')}: ${message}` : `SBML: ${message}`;
}
