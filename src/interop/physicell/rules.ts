/**
 * PhysiCell cell rules CSV (v3: 8 columns; v1: 9 columns with a base value) to nichesim rules.
 * Fields are trimmed (PhysiCell does not trim; nichesim accepts a space after a comma).
 */
import { resolveSignal, signalKey } from '../../vocabulary/signals.js';
import { resolveBehaviour, behaviourKey } from '../../vocabulary/behaviours.js';
import { PhysiCellError, type PhysiCellWarning } from './errors.js';
import type { NameTable } from './names.js';

/** Evidence id given to imported rules (nichesim's knowledge base has no entry for them yet). */
export const IMPORTED_RULE_EVIDENCE = 'M002';

export interface ImportedRule {
  cell_type: string;
  signal: string;
  direction: 'increases' | 'decreases';
  behaviour: string;
  saturation: number;
  half_max: number;
  hill_power: number;
  applies_to_dead: boolean;
  evidence: string[];
  note?: string;
}

interface Field {
  text: string;
  column: number;
}

/** Splits a line on `sep`, trimming each field and recording the 1-based column of its text. */
function split(line: string, sep: string): Field[] {
  const out: Field[] = [];
  let start = 0;
  for (;;) {
    const end = line.indexOf(sep, start);
    const raw = end < 0 ? line.slice(start) : line.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    out.push({ text: raw.trim(), column: start + lead + 1 });
    if (end < 0) break;
    start = end + sep.length;
  }
  return out;
}

/** Splits a CSV line: on commas, or on TABs when the comma split does not give `expected` fields. */
export function splitCsvLine(line: string, expected?: number): Field[] {
  const byComma = split(line, ',');
  if (expected !== undefined && byComma.length !== expected && line.includes('\t')) return split(line, '\t');
  if (expected === undefined && byComma.length === 1 && line.includes('\t')) return split(line, '\t');
  return byComma;
}

/** Parses a finite number; 'NA', 'inf', 'nan', overflowing (1e999) and empty fields are errors. */
export function parseNumberField(f: Field, what: string, file: string, line: number): number {
  const t = f.text;
  if (t === '') throw new PhysiCellError(`${what} is empty; write a number`, { file, line, column: f.column });
  const x = Number(t);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) || !Number.isFinite(x)) {
    throw new PhysiCellError(`${what} "${t}" is not a finite number`, { file, line, column: f.column });
  }
  return x;
}

const UNSUPPORTED_SIGNAL = [
  /^(intracellular|internalized) .+$/i, /^.+ gradient$/i, /^gradient of .+$/i, /^grad\(.+\)$/i,
  /^contact with (bm|basement membrane)$/i, /^contact with (apoptotic|necrotic|other dead) cell$/i,
  /^damage$/i, /^(total )?damage delivered$/i, /^attacking$/i, /^total attack time$/i,
  /^apoptotic$/i, /^necrotic$/i, /^custom ?:.+$/i, /^custom \d+$/i,
];

const UNSUPPORTED_BEHAVIOUR = [
  /^exit from cycle phase [1-5]$/i, /^cell-cell adhesion( elastic constant)?$/i, /^adhesive affinity to .+$/i,
  /^relative maximum adhesion distance$/i, /^cell-cell repulsion$/i, /^cell-(bm|membrane) (adhesion|repulsion)$/i,
  /^phagocytose other dead cell$/i, /^fuse to .+$/i, /^asymmetric division to .+$/i, /^immunogenicity to .+$/i,
  /^cell (attachment|detachment) rate$/i, /^maximum number of cell attachments$/i, /^attack damage rate$/i,
  /^attack duration$/i, /^damage (repair )?rate$/i, /^(is )?movable$/i, /^custom ?:.+$/i,
];

/** PhysiCell signal text -> nichesim signal text, or null (unknown) / 'unsupported'. */
function translateSignal(text: string, names: NameTable): string | null | 'unsupported' {
  const s = text.replace(/\s+/g, ' ');
  const sub = names.substrates.get(s);
  if (sub) return sub;
  const m = /^contact with (?:cell type )?(.+)$/i.exec(s);
  if (m) {
    const t = names.cellType(m[1]);
    if (t) return `contact with ${t}`;
  }
  const ref = resolveSignal(s, names.substrateIds(), names.cellTypeIdents());
  if (ref && ref.kind !== 'substrate' && ref.kind !== 'contact with') return signalKey(ref);
  if (UNSUPPORTED_SIGNAL.some((r) => r.test(s))) return 'unsupported';
  return null;
}

/** PhysiCell behaviour text -> nichesim canonical behaviour text, or null / 'unsupported'. */
function translateBehaviour(text: string, names: NameTable): string | null | 'unsupported' {
  const s = text.replace(/\s+/g, ' ');
  let candidate = s;
  const m1 = /^(.+) (secretion target|secretion saturation density|secretion|uptake|export)$/.exec(s);
  const m2 = /^(chemotactic (?:response|sensitivity) to) (.+)$/.exec(s);
  const m3 = /^(transform to|transition to|phagocytose|attack) (.+)$/.exec(s);
  if (m1 && names.substrates.has(m1[1])) candidate = `${names.substrates.get(m1[1])} ${m1[2]}`;
  else if (m2 && names.substrates.has(m2[2])) candidate = `${m2[1]} ${names.substrates.get(m2[2])}`;
  else if (m3 && names.cellType(m3[2])) candidate = `${m3[1]} ${names.cellType(m3[2])}`;
  const ref = resolveBehaviour(candidate, names.substrateIds(), names.cellTypeIdents());
  if (ref) return behaviourKey(ref);
  if (UNSUPPORTED_BEHAVIOUR.some((r) => r.test(s))) return 'unsupported';
  return null;
}

/**
 * Parses a rules CSV (PhysiCell 1.14 `parse_csv_rules_v3`, see physicell-semantics.md section 3.1).
 * Blank lines and lines starting with `//` are skipped; a first row whose first field is
 * "cell type" is taken as a header; fields are split on commas (on TABs when that does not give
 * the expected count) and trimmed. Values are copied as written: saturation in the behaviour's
 * canonical unit (1/min for rates, um/min, min, substrate unit), half-max in the signal's unit.
 * @param version the ruleset version from the settings XML ("3.0", "1.0"), when known; otherwise
 *   the form is taken from the first data row (9 fields: v1, else v3).
 * @param warnings receives a located warning for each row dropped because nichesim lacks its
 *   signal or behaviour, and for the v1 base-value column
 * @returns the rules in file order, citing IMPORTED_RULE_EVIDENCE, with note "imported from <file>"
 * @throws PhysiCellError (file, line, column) for a v0 ruleset, a wrong field count, an empty
 *   field, an unknown cell type, signal, behaviour or direction, a non-finite number, and a rule
 *   that repeats another (same cell type, signal, direction and behaviour, synonyms included)
 */
export function parseRulesCsv(text: string, file: string, names: NameTable, warnings: PhysiCellWarning[], version?: string): ImportedRule[] {
  let expected: number | undefined;
  if (version !== undefined) {
    const major = Number.parseFloat(version);
    if (major < 1) throw new PhysiCellError(`ruleset version ${version} (v0, 10 columns) is not supported; convert it to v3`, { file });
    expected = major < 2 ? 9 : 8;
  }
  const rules: ImportedRule[] = [];
  const seen = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let first = true;
  let v1Warned = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (line.trim() === '' || line.trim().startsWith('//')) continue;
    let fields = splitCsvLine(line, expected);
    if (first) {
      first = false;
      if (/^cell[ _]?type$/i.test(fields[0].text)) continue; // header row
      if (expected === undefined) {
        expected = fields.length === 9 ? 9 : 8;
        fields = splitCsvLine(line, expected);
      }
    }
    const want = expected ?? 8;
    if (fields.length !== want) {
      throw new PhysiCellError(`a rule has ${want} fields (${want === 9 ? 'v1' : 'v3'}: cell type, signal, direction, behaviour, ${want === 9 ? 'base value, ' : ''}saturation, half-max, Hill power, applies-to-dead), this row has ${fields.length}`, { file, line: lineNo, column: 1 });
    }
    if (want === 9) {
      if (!v1Warned) {
        warnings.push({ file, line: lineNo, element: 'rules v1', message: 'v1 rules (9 columns): the base value column is dropped; nichesim takes the base value from the cell type, as PhysiCell v3 does' });
        v1Warned = true;
      }
      fields = [...fields.slice(0, 4), ...fields.slice(5)];
    }
    const [fType, fSignal, fDir, fBeh, fSat, fHalf, fHill, fDead] = fields;
    for (const f of fields) {
      if (f.text === '') throw new PhysiCellError('empty field', { file, line: lineNo, column: f.column });
    }
    const cellType = names.cellType(fType.text);
    if (!cellType) throw new PhysiCellError(`unknown cell type "${fType.text}"`, { file, line: lineNo, column: fType.column });
    const dir = fDir.text.toLowerCase();
    let direction: 'increases' | 'decreases';
    if (dir === 'increases' || dir === 'increase' || dir === 'promotes') direction = 'increases';
    else if (dir === 'decreases' || dir === 'decrease' || dir === 'inhibits') direction = 'decreases';
    else throw new PhysiCellError(`direction "${fDir.text}" must be "increases" or "decreases"`, { file, line: lineNo, column: fDir.column });
    const saturation = parseNumberField(fSat, 'saturation value', file, lineNo);
    const half_max = parseNumberField(fHalf, 'half-max', file, lineNo);
    const hill_power = parseNumberField(fHill, 'Hill power', file, lineNo);
    const deadNum = fDead.text.toLowerCase() === 'true' ? 1 : fDead.text.toLowerCase() === 'false' ? 0 : parseNumberField(fDead, 'applies-to-dead', file, lineNo);
    const signal = translateSignal(fSignal.text, names);
    if (signal === null) throw new PhysiCellError(`unknown signal "${fSignal.text}"`, { file, line: lineNo, column: fSignal.column });
    const behaviour = translateBehaviour(fBeh.text, names);
    if (behaviour === null) throw new PhysiCellError(`unknown behaviour "${fBeh.text}"`, { file, line: lineNo, column: fBeh.column });
    if (signal === 'unsupported' || behaviour === 'unsupported') {
      const what = signal === 'unsupported' ? `signal "${fSignal.text}"` : `behaviour "${fBeh.text}"`;
      warnings.push({ file, line: lineNo, element: 'rule', message: `rule dropped: nichesim does not represent the PhysiCell ${what}; the model loses this hypothesis` });
      continue;
    }
    const key = `${cellType}|${signal}|${direction}|${behaviour}`;
    const prev = seen.get(key);
    if (prev !== undefined) {
      throw new PhysiCellError(`duplicate rule: ${fType.text}, ${fSignal.text} ${direction} ${fBeh.text} is already given at line ${prev}`, { file, line: lineNo, column: 1 });
    }
    seen.set(key, lineNo);
    if (signal === 'volume') {
      warnings.push({ file, line: lineNo, element: 'rule signal', message: `the signal "volume" reads a nearly constant value in nichesim: cells keep their type's volume (they do not grow through the cycle or halve at division; only phagocytosis enlarges them for a while), so this rule acts at the strength it has at the type's volume` });
    }
    rules.push({
      cell_type: cellType, signal, direction, behaviour, saturation, half_max, hill_power,
      applies_to_dead: deadNum !== 0,
      evidence: [IMPORTED_RULE_EVIDENCE],
      note: `imported from ${file}`,
    });
  }
  return rules;
}
