/** PhysiCell initial cells CSV (headerless `x,y,z,type` or headed `x,y,z,type,...`) to agents. */
import { PhysiCellError, type PhysiCellWarning } from './errors.js';
import type { NameTable } from './names.js';
import { parseNumberField, splitCsvLine } from './rules.js';

export interface PhysiCellAgent {
  type: string;
  x: number;
  y: number;
  z: number;
}

export function parseCellsCsv(text: string, file: string, names: NameTable, warnings: PhysiCellWarning[]): PhysiCellAgent[] {
  const agents: PhysiCellAgent[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: string[] | null = null;
  let first = true;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (line.trim() === '' || line.trim().startsWith('//')) continue;
    const fields = splitCsvLine(line);
    if (first) {
      first = false;
      if (fields[0].text.toLowerCase() === 'x') {
        header = fields.map((f) => f.text);
        const want = ['x', 'y', 'z', 'type'];
        for (let k = 0; k < 4; k++) {
          if ((header[k] ?? '').toLowerCase() !== want[k]) {
            throw new PhysiCellError(`the header must start with x,y,z,type; column ${k + 1} is "${header[k] ?? ''}"`, { file, line: lineNo, column: fields[k]?.column ?? 1 });
          }
        }
        if (header.length > 4) {
          warnings.push({ file, line: lineNo, element: 'cells.csv columns', message: `columns ${header.slice(4).map((h) => `"${h}"`).join(', ')} are not supported: nichesim places the cells with their type's values, so per-cell values are lost` });
        }
        continue;
      }
    }
    const max = header ? header.length : 4;
    if (fields.length < 4 || fields.length > max) {
      throw new PhysiCellError(`a cell row has ${header ? `4 to ${max}` : '4'} fields (x,y,z,type${header && max > 4 ? ',...' : ''}), this row has ${fields.length}`, { file, line: lineNo, column: 1 });
    }
    const x = parseNumberField(fields[0], 'x', file, lineNo);
    const y = parseNumberField(fields[1], 'y', file, lineNo);
    const z = parseNumberField(fields[2], 'z', file, lineNo);
    const t = fields[3].text;
    if (t === '') throw new PhysiCellError('the cell type is empty', { file, line: lineNo, column: fields[3].column });
    const type = names.cellType(t);
    if (!type) throw new PhysiCellError(`unknown cell type "${t}" (neither a name nor an ID of a cell definition)`, { file, line: lineNo, column: fields[3].column });
    agents.push({ type, x, y, z });
  }
  return agents;
}
