/**
 * SBML import and export (layer 5, no Node-only API): text in, data out.
 *
 * - `readSbml(text)` parses SBML Level 2 (V1-V5) / Level 3 (V1-V2) core into plain data.
 * - `simulateSbml(textOrDoc, { times, variables, ... })` runs a time course (ODEs + events).
 * - `SbmlSystem` / `SbmlSimulation` give stateful, chunkable access (advanceTo).
 * - `exportSbml(model, overrides)` writes a nichesim model's mean-field form as SBML L3V2.
 * - `runSuiteCase`, `parseSettings`, `parseResultsCsv` follow the SBML Test Suite conventions.
 */
export { SbmlError, type SbmlErrorKind, type SourceLocation } from './errors.js';
export { readSbml, type SbmlDocument } from './document.js';
export { SbmlSystem, type SbmlSystemOptions, type SbmlSymbol, type CompiledEvent } from './executable.js';
export { SbmlSimulation, type SbmlSimulationOptions, type SbmlRunStatus } from './simulator.js';
export { simulateSbml, uniformGrid, defaultOutputs, type SbmlTimeCourse, type SbmlTimeCourseOptions, type SbmlOutputVariable } from './timecourse.js';
export { exportSbml, exportSbmlCase, type ExportedCase } from './export.js';
export { secondsPerTimeUnit } from './units.js';
export { parseSettings, parseResultsCsv, withinTolerance, runSuiteCase, type SuiteSettings, type CaseOutcome, type ResultsTable } from './suite.js';
