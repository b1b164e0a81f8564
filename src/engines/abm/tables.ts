/**
 * The compiled model flattened for the spatial engine (layer 3): per cell type, which behaviour
 * slots carry rules (and where an agent keeps their evaluated values), which substrates it couples
 * to, which substrates it follows, what it interacts with. Built once per simulation.
 */
import type { CompiledModel } from '../../compile/compile.js';
import { Layout } from '../../compile/layout.js';
import type { BehaviourResponse } from '../../vocabulary/responses.js';

/** Kinds of contact interactions. */
export const EAT_LIVE = 0;
export const ATTACK = 1;
export const EAT_APOPTOTIC = 2;
export const EAT_NECROTIC = 3;

export interface AbmTables {
  readonly nT: number;
  readonly nS: number;
  /** Behaviour and signal vector lengths (Layout). */
  readonly nB: number;
  readonly nSig: number;
  readonly layout: Layout;
  /** [nT × nB] base behaviour vectors (Layout units). */
  readonly base: Float64Array;
  /** Per type, its rule responses (compiled model order). */
  readonly responses: BehaviourResponse[][];
  /** [nT × nB] slot of behaviour b in the agent's `behaviour` row, or -1 when b carries no rule. */
  readonly responseSlot: Int32Array;
  /** [nT × nB] 1 when the type's response for that behaviour applies to dead cells (PhysiCell's applies-to-dead). */
  readonly responseDead: Uint8Array;
  /** [nT] 1 when the type has any response that applies to dead cells. */
  readonly hasDeadRules: Uint8Array;
  /** Largest number of responses of any type (the width of per-agent behaviour rows). */
  readonly behaviourWidth: number;
  /** Per type (CSR [nT + 1]): substrates the type can secrete into, take up or export. */
  readonly sourceStart: Int32Array;
  readonly sourceSubstrate: Int32Array;
  /** Largest number of coupled substrates of any type (width of per-agent secretion rows). */
  readonly sourceWidth: number;
  /** Per type (CSR): substrates with a nonzero chemotactic response (base value or a rule). */
  readonly chemotaxisStart: Int32Array;
  readonly chemotaxisSubstrate: Int32Array;
  /** Per type (CSR): target types j != i of transformations that can be nonzero. */
  readonly transformStart: Int32Array;
  readonly transformTarget: Int32Array;
  /**
   * Per type (CSR): interactions that can happen: kind (EAT_LIVE, ATTACK, EAT_APOPTOTIC,
   * EAT_NECROTIC), target type (for EAT_LIVE/ATTACK, else -1) and behaviour slot of the rate.
   */
  readonly interactionStart: Int32Array;
  readonly interactionKind: Int32Array;
  readonly interactionTarget: Int32Array;
  readonly interactionSlot: Int32Array;
  /**
   * [nT] time from cycle entry to division d (min, 0 = none): an agent with cycle entry r > 0
   * divides at r / (1 + r d) when d > 0.
   */
  readonly divisionDelay: Float64Array;
  /** [nT] target volume (um^3), radius (um), clearance times (min). */
  readonly volume: Float64Array;
  readonly radius: Float64Array;
  readonly apoptoticClearanceTime: Float64Array;
  readonly necroticClearanceTime: Float64Array;
  /** [nT] 1 when the type can move (migration speed nonzero in its base value or by a rule). */
  readonly motile: Uint8Array;
  /**
   * [nT] the largest value the influx behaviour can take (cells/min): max of the base value and of
   * the rules' saturation limits; 0 when the type has no influx.
   */
  readonly influxBound: Float64Array;
  /** [nT] index of the influx response in the type's responses, or -1 (influx is constant). */
  readonly influxResponse: Int32Array;
  /**
   * [nT] 1 when the type's attacks deliver damage (it gives attack_damage_rate), 0 when they kill
   * their target (the default); `attackDamage` is then the damage one attack adds
   * (attack_damage_rate × attack_duration, dimensionless), else 0.
   */
  readonly attackDamages: Uint8Array;
  readonly attackDamage: Float64Array;
  /** [nT] damage repair rate (1/min). */
  readonly damageRepairRate: Float64Array;
}

function csr(nT: number, pick: (i: number) => number[]): [Int32Array, Int32Array] {
  const start = new Int32Array(nT + 1);
  const items: number[] = [];
  for (let i = 0; i < nT; i++) {
    start[i] = items.length;
    items.push(...pick(i));
  }
  start[nT] = items.length;
  return [start, Int32Array.from(items)];
}

/** Flattens a compiled model for the spatial engine. */
export function buildAbmTables(model: CompiledModel): AbmTables {
  const L = model.layout;
  const nT = model.cellTypes.length;
  const nS = model.substrates.length;
  const nB = L.nBehaviours;
  const base = new Float64Array(nT * nB);
  model.cellTypes.forEach((c, i) => base.set(c.base, i * nB));
  const responseSlot = new Int32Array(nT * nB).fill(-1);
  let behaviourWidth = 0;
  model.cellTypes.forEach((c, i) => {
    c.responses.forEach((r, k) => (responseSlot[i * nB + r.behaviour] = k));
    behaviourWidth = Math.max(behaviourWidth, c.responses.length);
  });
  const responseDead = new Uint8Array(nT * nB);
  const hasDeadRules = new Uint8Array(nT);
  model.cellTypes.forEach((c, i) => {
    c.responses.forEach((r, k) => {
      if (c.appliesToDead[k]) {
        responseDead[i * nB + r.behaviour] = 1;
        hasDeadRules[i] = 1;
      }
    });
  });
  const active = (i: number, slot: number): boolean => base[i * nB + slot] !== 0 || responseSlot[i * nB + slot] >= 0;
  const types = [...Array(nT).keys()];
  const subs = [...Array(nS).keys()];
  const [sourceStart, sourceSubstrate] = csr(nT, (i) => subs.filter((s) => active(i, L.secretion(s)) || active(i, L.uptake(s)) || active(i, L.export(s))));
  let sourceWidth = 0;
  for (let i = 0; i < nT; i++) sourceWidth = Math.max(sourceWidth, sourceStart[i + 1] - sourceStart[i]);
  const [chemotaxisStart, chemotaxisSubstrate] = csr(nT, (i) => subs.filter((s) => active(i, L.chemotaxis(s))));
  const [transformStart, transformTarget] = csr(nT, (i) => types.filter((j) => j !== i && active(i, L.transformTo(j))));
  const kinds: number[] = [];
  const targets: number[] = [];
  const slots: number[] = [];
  const interactionStart = new Int32Array(nT + 1);
  for (let i = 0; i < nT; i++) {
    interactionStart[i] = kinds.length;
    for (let j = 0; j < nT; j++) {
      if (active(i, L.phagocytose(j))) {
        kinds.push(EAT_LIVE);
        targets.push(j);
        slots.push(L.phagocytose(j));
      }
      if (active(i, L.attack(j))) {
        kinds.push(ATTACK);
        targets.push(j);
        slots.push(L.attack(j));
      }
    }
    if (active(i, L.phagocytoseApoptotic)) {
      kinds.push(EAT_APOPTOTIC);
      targets.push(-1);
      slots.push(L.phagocytoseApoptotic);
    }
    if (active(i, L.phagocytoseNecrotic)) {
      kinds.push(EAT_NECROTIC);
      targets.push(-1);
      slots.push(L.phagocytoseNecrotic);
    }
  }
  interactionStart[nT] = kinds.length;

  const influxBound = new Float64Array(nT);
  const influxResponse = new Int32Array(nT).fill(-1);
  model.cellTypes.forEach((c, i) => {
    const b0 = c.base[Layout.INFLUX];
    const k = responseSlot[i * nB + Layout.INFLUX];
    let bound = b0;
    if (k >= 0) {
      influxResponse[i] = k;
      const r = c.responses[k];
      if (r.up.length > 0) bound = Math.max(bound, r.upLimit);
      if (r.down.length > 0) bound = Math.max(bound, r.downLimit);
    }
    influxBound[i] = bound;
  });

  return {
    nT,
    nS,
    nB,
    nSig: L.nSignals,
    layout: L,
    base,
    responses: model.cellTypes.map((c) => c.responses),
    responseSlot,
    responseDead,
    hasDeadRules,
    behaviourWidth,
    sourceStart,
    sourceSubstrate,
    sourceWidth,
    chemotaxisStart,
    chemotaxisSubstrate,
    transformStart,
    transformTarget,
    interactionStart,
    interactionKind: Int32Array.from(kinds),
    interactionTarget: Int32Array.from(targets),
    interactionSlot: Int32Array.from(slots),
    volume: Float64Array.from(model.cellTypes, (c) => c.volume),
    radius: Float64Array.from(model.cellTypes, (c) => c.radius),
    divisionDelay: Float64Array.from(model.cellTypes, (c) => c.divisionDelay),
    apoptoticClearanceTime: Float64Array.from(model.cellTypes, (c) => c.apoptoticClearanceTime),
    necroticClearanceTime: Float64Array.from(model.cellTypes, (c) => c.necroticClearanceTime),
    motile: Uint8Array.from(types, (i) => (active(i, Layout.MIGRATION_SPEED) ? 1 : 0)),
    influxBound,
    influxResponse,
    attackDamages: Uint8Array.from(model.cellTypes, (c) => (c.attackDamage === null ? 0 : 1)),
    attackDamage: Float64Array.from(model.cellTypes, (c) => c.attackDamage ?? 0),
    damageRepairRate: Float64Array.from(model.cellTypes, (c) => c.damageRepairRate),
  };
}

