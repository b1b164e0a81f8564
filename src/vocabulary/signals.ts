/**
 * The controlled vocabulary of signals a rule can read (layer 0), after PhysiCell 1.14's signal
 * dictionary (../../shared/design/physicell-semantics.md, "Signals"), restricted to what nichesim
 * represents. Names of substrates and cell types come from the model.
 */

export type SignalRef =
  | { kind: 'substrate'; substrate: string }
  | { kind: 'contact with'; cellType: string }
  | { kind: 'contact with live cell' }
  | { kind: 'contact with dead cell' }
  | { kind: 'pressure' }
  | { kind: 'volume' }
  | { kind: 'time' }
  | { kind: 'dead' }
  | { kind: 'apoptotic' }
  | { kind: 'necrotic' }
  | { kind: 'damage' };

/** Words that may not be used as names of substrates, cell types or parameters. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'pressure', 'volume', 'time', 'dead', 'apoptotic', 'necrotic', 'live', 'contact', 'damage', 'attacking',
  'cells', 'cell', 'influx', 'apoptosis', 'necrosis', 'dimensionless',
  'exp', 'log', 'log10', 'sqrt', 'abs', 'min', 'max', 'pow', 'floor', 'ceil', 'hill',
  'pi', 'e', 'true', 'false', 'inf', 'nan', 'constructor', 'prototype', '__proto__',
]);

/**
 * Resolves a signal name ("IL-10" style names are not allowed; names are identifiers).
 * Accepted: `<substrate>`, `contact with <cell type>`, `contact with cell type <cell type>`,
 * `contact with live cell`, `contact with dead cell`, `pressure`, `volume`, `time`
 * (= `current time`, `global time`), `dead`, `apoptotic`, `necrotic` (1 for a cell in that
 * state, else 0; read by rules that apply to dead cells, PhysiCell's applies-to-dead column),
 * `damage` (the cell's accumulated attack damage, dimensionless, PhysiCell's `damage`: it grows by
 * attack_damage_rate × attack_duration with every successful attack of a type that gives
 * attack_damage_rate and decays at the cell's damage_repair_rate; only the spatial engine tracks
 * it, the mean-field engine reads 0).
 * @returns the signal, or null when the name is not known.
 */
export function resolveSignal(text: string, substrates: readonly string[], cellTypes: readonly string[]): SignalRef | null {
  const s = text.trim().replace(/\s+/g, ' ');
  if (substrates.includes(s)) return { kind: 'substrate', substrate: s };
  const lower = s.toLowerCase();
  if (lower === 'pressure') return { kind: 'pressure' };
  if (lower === 'volume') return { kind: 'volume' };
  if (lower === 'time' || lower === 'current time' || lower === 'global time') return { kind: 'time' };
  if (lower === 'dead') return { kind: 'dead' };
  if (lower === 'apoptotic') return { kind: 'apoptotic' };
  if (lower === 'necrotic') return { kind: 'necrotic' };
  if (lower === 'damage') return { kind: 'damage' };
  if (lower === 'contact with live cell') return { kind: 'contact with live cell' };
  if (lower === 'contact with dead cell') return { kind: 'contact with dead cell' };
  const m = /^contact with (?:cell type )?(.+)$/i.exec(s);
  if (m && cellTypes.includes(m[1])) return { kind: 'contact with', cellType: m[1] };
  return null;
}

/** Canonical text of a signal (what `resolveSignal` reads back). */
export function signalKey(ref: SignalRef): string {
  switch (ref.kind) {
    case 'substrate':
      return ref.substrate;
    case 'contact with':
      return `contact with ${ref.cellType}`;
    default:
      return ref.kind;
  }
}

/** All signal names a model offers, for error hints and docs. */
export function listSignals(substrates: readonly string[], cellTypes: readonly string[]): string[] {
  return [
    ...substrates,
    ...cellTypes.map((c) => `contact with ${c}`),
    'contact with live cell',
    'contact with dead cell',
    'pressure',
    'volume',
    'time',
    'dead',
    'apoptotic',
    'necrotic',
    'damage',
  ];
}
