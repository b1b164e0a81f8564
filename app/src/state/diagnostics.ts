/**
 * Any load error (model, scenario, SBML, PhysiCell, YAML) as located diagnostics, so one panel
 * shows them all the same way: file, line, column, message, hint.
 */
import { type Diagnostic, ModelError } from '../../../src/model/diagnostics.js';
import { SbmlError } from '../../../src/interop/sbml/errors.js';
import { PhysiCellError } from '../../../src/interop/physicell/errors.js';
import { CompileError } from '../../../src/compile/compile.js';

/** Converts a thrown error into diagnostics located in `file` when the error carries no location. */
export function toDiagnostics(e: unknown, file: string): Diagnostic[] {
  if (e instanceof ModelError) {
    const errors = e.diagnostics.filter((d) => d.severity === 'error');
    return errors.length ? errors : e.diagnostics;
  }
  if (e instanceof SbmlError) {
    return [{ severity: 'error', file, line: e.line ?? null, column: e.column ?? null, path: e.element ?? '', message: stripLocation(e.message.replace(/^SBML: /, ''), e.element), hint: e.kind === 'unsupported' ? 'this SBML construct is not simulated by nichesim' : e.kind === 'not-sbml' ? 'load an SBML Level 2 or 3 file (<sbml> root element)' : 'check the file in an SBML validator' }];
  }
  if (e instanceof PhysiCellError) {
    return [{ severity: 'error', file: e.file, line: e.line ?? null, column: e.column ?? null, path: e.element ?? '', message: stripLocation(e.message.slice(e.file.length + 2), e.element), hint: 'check the PhysiCell settings XML, rules CSV and cells CSV' }];
  }
  if (e instanceof CompileError) {
    return e.problems.map((message) => ({ severity: 'error' as const, file, line: null, column: null, path: '', message, hint: 'change the parameter values or the rules' }));
  }
  const message = e instanceof Error ? e.message : String(e);
  return [{ severity: 'error', file, line: null, column: null, path: '', message, hint: '' }];
}

/** Removes the "line N, column M, <element>: " prefix of a message whose location is shown apart. */
function stripLocation(message: string, element: string | undefined): string {
  let m = message.replace(/^line \d+(, )?/, '').replace(/^column \d+(, )?/, '');
  if (element && m.startsWith(element)) m = m.slice(element.length);
  return m.replace(/^: /, '');
}

/** "file:line:column" (or just the file). */
export function whereOf(d: Diagnostic): string {
  return d.line === null ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
}
