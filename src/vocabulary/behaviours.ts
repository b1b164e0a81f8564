/**
 * The controlled vocabulary of behaviours a rule can change (layer 0), after PhysiCell 1.14's
 * behaviour dictionary (../../shared/design/physicell-semantics.md, "Behaviours"), plus the
 * nichesim behaviour `influx` (recruitment of cells into the niche, cells/min).
 */

export type BehaviourRef =
  | { kind: 'cycle entry' }
  | { kind: 'apoptosis' }
  | { kind: 'necrosis' }
  | { kind: 'influx' }
  | { kind: 'secretion'; substrate: string }
  | { kind: 'secretion target'; substrate: string }
  | { kind: 'uptake'; substrate: string }
  | { kind: 'export'; substrate: string }
  | { kind: 'migration speed' }
  | { kind: 'migration bias' }
  | { kind: 'migration persistence time' }
  | { kind: 'chemotactic response'; substrate: string }
  | { kind: 'transform to'; cellType: string }
  | { kind: 'phagocytose'; cellType: string }
  | { kind: 'phagocytose apoptotic cell' }
  | { kind: 'phagocytose necrotic cell' }
  | { kind: 'attack'; cellType: string };

/** The physical quantity of a behaviour's value, used to read units of saturation values. */
export type BehaviourQuantity = 'rate' | 'concentration' | 'export' | 'speed' | 'time' | 'dimensionless' | 'influx';

/**
 * Resolves a behaviour name. Accepted (with PhysiCell synonyms): `cycle entry`
 * (= `exit from cycle phase 0`), `apoptosis`, `necrosis`, `influx`, `<S> secretion`,
 * `<S> secretion target` (= `<S> secretion saturation density`), `<S> uptake`, `<S> export`,
 * `migration speed`, `migration bias`, `migration persistence time`,
 * `chemotactic response to <S>` (= `chemotactic sensitivity to <S>`), `transform to <T>`
 * (= `transition to <T>`), `phagocytose <T>`, `phagocytose apoptotic cell`,
 * `phagocytose necrotic cell`, `attack <T>`.
 * @returns the behaviour, or null when unknown.
 */
export function resolveBehaviour(text: string, substrates: readonly string[], cellTypes: readonly string[]): BehaviourRef | null {
  const s = text.trim().replace(/\s+/g, ' ');
  const lower = s.toLowerCase();
  if (lower === 'cycle entry' || lower === 'exit from cycle phase 0') return { kind: 'cycle entry' };
  if (lower === 'apoptosis') return { kind: 'apoptosis' };
  if (lower === 'necrosis') return { kind: 'necrosis' };
  if (lower === 'influx') return { kind: 'influx' };
  if (lower === 'migration speed') return { kind: 'migration speed' };
  if (lower === 'migration bias') return { kind: 'migration bias' };
  if (lower === 'migration persistence time') return { kind: 'migration persistence time' };
  if (lower === 'phagocytose apoptotic cell') return { kind: 'phagocytose apoptotic cell' };
  if (lower === 'phagocytose necrotic cell') return { kind: 'phagocytose necrotic cell' };
  let m = /^(.+) (secretion target|secretion saturation density|secretion|uptake|export)$/.exec(s);
  if (m && substrates.includes(m[1])) {
    const what = m[2] === 'secretion saturation density' ? 'secretion target' : m[2];
    return { kind: what as 'secretion' | 'secretion target' | 'uptake' | 'export', substrate: m[1] };
  }
  m = /^chemotactic (?:response|sensitivity) to (.+)$/.exec(s);
  if (m && substrates.includes(m[1])) return { kind: 'chemotactic response', substrate: m[1] };
  m = /^(transform to|transition to|phagocytose|attack) (.+)$/.exec(s);
  if (m && cellTypes.includes(m[2])) {
    const kind = m[1] === 'transition to' ? 'transform to' : (m[1] as 'transform to' | 'phagocytose' | 'attack');
    return { kind, cellType: m[2] };
  }
  return null;
}

/** Canonical text of a behaviour. */
export function behaviourKey(ref: BehaviourRef): string {
  switch (ref.kind) {
    case 'secretion':
    case 'secretion target':
    case 'uptake':
    case 'export':
      return `${ref.substrate} ${ref.kind}`;
    case 'chemotactic response':
      return `chemotactic response to ${ref.substrate}`;
    case 'transform to':
    case 'phagocytose':
    case 'attack':
      return `${ref.kind} ${ref.cellType}`;
    default:
      return ref.kind;
  }
}

/** What kind of quantity the behaviour's value is (for unit conversion of saturation values). */
export function behaviourQuantity(ref: BehaviourRef): BehaviourQuantity {
  switch (ref.kind) {
    case 'secretion target':
      return 'concentration';
    case 'export':
      return 'export';
    case 'migration speed':
      return 'speed';
    case 'migration persistence time':
      return 'time';
    case 'migration bias':
    case 'chemotactic response':
      return 'dimensionless';
    case 'influx':
      return 'influx';
    default:
      return 'rate';
  }
}

/** Behaviours that only the spatial engine represents (the mean-field engine ignores them). */
export function isSpatialOnly(ref: BehaviourRef): boolean {
  return ref.kind === 'migration speed' || ref.kind === 'migration bias' || ref.kind === 'migration persistence time' || ref.kind === 'chemotactic response';
}

/** All behaviour names a model offers, for error hints and docs. */
export function listBehaviours(substrates: readonly string[], cellTypes: readonly string[]): string[] {
  return [
    'cycle entry', 'apoptosis', 'necrosis', 'influx',
    ...substrates.flatMap((s) => [`${s} secretion`, `${s} secretion target`, `${s} uptake`, `${s} export`, `chemotactic response to ${s}`]),
    'migration speed', 'migration bias', 'migration persistence time',
    ...cellTypes.flatMap((c) => [`transform to ${c}`, `phagocytose ${c}`, `attack ${c}`]),
    'phagocytose apoptotic cell', 'phagocytose necrotic cell',
  ];
}
