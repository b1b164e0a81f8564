/**
 * PhysiCell 1.14 projects (layer 5, no Node-only API): `importPhysiCell` reads a project (settings
 * XML, rules CSV, cells CSV) into a nichesim model; `exportPhysiCell` writes a model as a project.
 */
export { importPhysiCell, mapUnit, type PhysiCellImport, type PhysiCellImportInput, type PhysiCellAgent, IMPORTED_RULE_EVIDENCE } from './import.js';
export {
  exportPhysiCell, PHYSICELL_CELLS_FILE, PHYSICELL_RULES_FILE, PHYSICELL_SETTINGS_FILE,
  type PhysiCellExportFile, type PhysiCellExportOptions,
} from './export.js';
export { assertNoWarnings, formatWarning, PhysiCellError, type PhysiCellWarning } from './errors.js';
