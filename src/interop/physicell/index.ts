export { importPhysiCell, type PhysiCellImport, type PhysiCellImportInput, type PhysiCellAgent, IMPORTED_RULE_EVIDENCE } from './import.js';
export { PhysiCellError, type PhysiCellWarning } from './errors.js';
