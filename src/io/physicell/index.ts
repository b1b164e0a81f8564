/**
 * PhysiCell projects on disk (layer 5, Node): reading projects and initial-cells files, and the
 * import-physicell / export-physicell commands. Parsing and writing are in src/interop/physicell.
 */
export { findSettingsFile, formatPhysiCellWarning, initialCellsWarnings, isPhysiCellSettings, loadPhysiCellProject, readInitialCells, type LoadedPhysiCellProject } from './project.js';
export { importPhysiCellToFile, initialCellsCsv, registerPhysiCellCommands } from './commands.js';
