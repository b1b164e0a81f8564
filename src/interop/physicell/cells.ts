/**
 * PhysiCell initial cells CSV (headerless `x,y,z,type` or headed `x,y,z,type,...`) to agents
 * (layer 5, no Node-only API). Blank lines and lines starting with `//` are skipped (PhysiCell
 * itself does not skip them in cells.csv); fields are trimmed.
 */
import { PhysiCellError, type PhysiCellWarning } from './errors.js';
import type { NameTable } from './names.js';
import { parseNumberField, splitCsvLine } from './rules.js';

/** One initial cell: nichesim cell-type name and position (um). */
export interface PhysiCellAgent {
  type: string;
  x: number;
  y: number;
  z: number;
}

/** PhysiCell's domain, to move positions into nichesim's frame (lower corner at 0). */
export interface CellsFrame {
  /** PhysiCell's x_min, y_min, z_min (um). */
  origin: [number, number, number];
  /** Extents (um). */
  size: [number, number, number];
  dims: 2 | 3;
}

/**
 * Parses a cells CSV.
 * @param frame when given, positions are moved into nichesim's frame (minus `origin`; in 2D z is
 *   the mid-plane size[2]/2) and cells outside the domain are warned about; without it, positions
 *   are PhysiCell's
 * @returns the cells in file order
 * @throws PhysiCellError (file, line, column) for a bad header, a wrong field count, a non-finite
 *   coordinate ('NA', 'inf', empty) or a cell type that is neither a name nor an ID of a definition
 */
export function parseCellsCsv(text: string, file: string, names: NameTable, warnings: PhysiCellWarning[], frame?: CellsFrame): PhysiCellAgent[] {
  const agents: PhysiCellAgent[] = [];
  let outside = 0;
  let firstOutside = 0;
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
    if (!frame) {
      agents.push({ type, x, y, z });
      continue;
    }
    const [ox, oy, oz] = frame.origin;
    const [sx, sy, sz] = frame.size;
    const a = { type, x: x - ox, y: y - oy, z: frame.dims === 2 ? sz / 2 : z - oz };
    if (a.x < 0 || a.x > sx || a.y < 0 || a.y > sy || (frame.dims === 3 && (a.z < 0 || a.z > sz))) {
      if (outside === 0) firstOutside = lineNo;
      outside++;
    }
    agents.push(a);
  }
  if (outside > 0) {
    warnings.push({ file, line: firstOutside, element: 'cell position', message: `${outside} cell${outside === 1 ? ' lies' : 's lie'} outside the domain (the first at this line); nichesim places ${outside === 1 ? 'it' : 'them'} on the nearest face of the domain` });
  }
  return agents;
}
