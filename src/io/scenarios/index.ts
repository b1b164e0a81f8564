/**
 * Therapies and scenarios on disk (layer 5, Node): loading scenarios, the intervention library
 * and literature targets; running and comparing scenarios; the `compare` and `check-targets`
 * commands. Wire into the CLI with `registerScenarioCommands(program)`, and let `nichesim run`
 * accept scenarios with `loadModelOrScenario(path)` (or `loadScenarioFile(path)`).
 */
export {
  defaultKnowledgeBase,
  defaultTargetFiles,
  interventionsDir,
  isScenarioFile,
  loadInterventionLibrary,
  loadModelOrScenario,
  loadScenarioFile,
  loadTargetFile,
  readRelative,
  type ScenarioLoadOptions,
} from './load.js';
export { checkTarget, checkTargets, type RunSettings, ScenarioRunner } from './run.js';
export { compareScenarios, type CompareOptions, type CompareOutcome } from './compare.js';
export { compareReportHtml, targetLine, targetsHtml, type ComparedRun } from './report.js';
export { registerScenarioCommands, TARGET_FAILURE_EXIT_CODE } from './commands.js';
