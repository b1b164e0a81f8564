/**
 * Index layouts of the signal and behaviour vectors of a compiled model (layer 2), shared by
 * both engines so that a rule compiled once reads and writes the same slots everywhere.
 *
 * Behaviour vector of a cell type (length nBehaviours):
 *   0 cycle entry (1/min), 1 apoptosis (1/min), 2 necrosis (1/min), 3 influx (cells/min),
 *   4 migration speed (um/min), 5 migration bias (-), 6 migration persistence time (min),
 *   then per substrate s (5 slots from 7 + 5s): secretion (1/min), secretion target (substrate
 *   unit), uptake (1/min), export (substrate unit x um^3/min), chemotactic response (-),
 *   then per cell type t (3 slots from 7 + 5 nS + 3t): transform to, phagocytose, attack (1/min),
 *   then phagocytose apoptotic cell, phagocytose necrotic cell (1/min).
 *
 * Signal vector seen by a cell (length nSignals):
 *   0..nS-1 substrate concentrations (substrate units), nS..nS+nT-1 contact with type t
 *   (neighbour count), then contact with live cell, contact with dead cell, pressure (-),
 *   volume (um^3), time (min), dead (0/1), apoptotic (0/1), necrotic (0/1), damage (-; the
 *   agent's accumulated attack damage, see world.ts; 0 in the mean-field engine).
 */
import type { BehaviourRef } from '../vocabulary/behaviours.js';
import type { SignalRef } from '../vocabulary/signals.js';

export class Layout {
  readonly nSubstrates: number;
  readonly nCellTypes: number;
  readonly nBehaviours: number;
  readonly nSignals: number;
  private readonly substrateIndex: Map<string, number>;
  private readonly cellTypeIndex: Map<string, number>;

  constructor(substrates: readonly string[], cellTypes: readonly string[]) {
    this.nSubstrates = substrates.length;
    this.nCellTypes = cellTypes.length;
    this.substrateIndex = new Map(substrates.map((s, i) => [s, i]));
    this.cellTypeIndex = new Map(cellTypes.map((c, i) => [c, i]));
    this.nBehaviours = 7 + 5 * this.nSubstrates + 3 * this.nCellTypes + 2;
    this.nSignals = this.nSubstrates + this.nCellTypes + 9;
  }

  static readonly CYCLE_ENTRY = 0;
  static readonly APOPTOSIS = 1;
  static readonly NECROSIS = 2;
  static readonly INFLUX = 3;
  static readonly MIGRATION_SPEED = 4;
  static readonly MIGRATION_BIAS = 5;
  static readonly PERSISTENCE_TIME = 6;

  secretion(s: number): number { return 7 + 5 * s; }
  secretionTarget(s: number): number { return 8 + 5 * s; }
  uptake(s: number): number { return 9 + 5 * s; }
  export(s: number): number { return 10 + 5 * s; }
  chemotaxis(s: number): number { return 11 + 5 * s; }
  transformTo(t: number): number { return 7 + 5 * this.nSubstrates + 3 * t; }
  phagocytose(t: number): number { return 8 + 5 * this.nSubstrates + 3 * t; }
  attack(t: number): number { return 9 + 5 * this.nSubstrates + 3 * t; }
  get phagocytoseApoptotic(): number { return 7 + 5 * this.nSubstrates + 3 * this.nCellTypes; }
  get phagocytoseNecrotic(): number { return 8 + 5 * this.nSubstrates + 3 * this.nCellTypes; }

  signalSubstrate(s: number): number { return s; }
  signalContact(t: number): number { return this.nSubstrates + t; }
  get signalContactLive(): number { return this.nSubstrates + this.nCellTypes; }
  get signalContactDead(): number { return this.nSubstrates + this.nCellTypes + 1; }
  get signalPressure(): number { return this.nSubstrates + this.nCellTypes + 2; }
  get signalVolume(): number { return this.nSubstrates + this.nCellTypes + 3; }
  get signalTime(): number { return this.nSubstrates + this.nCellTypes + 4; }
  get signalDead(): number { return this.nSubstrates + this.nCellTypes + 5; }
  get signalApoptotic(): number { return this.nSubstrates + this.nCellTypes + 6; }
  get signalNecrotic(): number { return this.nSubstrates + this.nCellTypes + 7; }
  get signalDamage(): number { return this.nSubstrates + this.nCellTypes + 8; }

  substrate(name: string): number {
    const i = this.substrateIndex.get(name);
    if (i === undefined) throw new RangeError(`unknown substrate '${name}'`);
    return i;
  }
  cellType(name: string): number {
    const i = this.cellTypeIndex.get(name);
    if (i === undefined) throw new RangeError(`unknown cell type '${name}'`);
    return i;
  }

  /** Slot of a behaviour in the behaviour vector. */
  behaviourIndex(b: BehaviourRef): number {
    switch (b.kind) {
      case 'cycle entry': return Layout.CYCLE_ENTRY;
      case 'apoptosis': return Layout.APOPTOSIS;
      case 'necrosis': return Layout.NECROSIS;
      case 'influx': return Layout.INFLUX;
      case 'migration speed': return Layout.MIGRATION_SPEED;
      case 'migration bias': return Layout.MIGRATION_BIAS;
      case 'migration persistence time': return Layout.PERSISTENCE_TIME;
      case 'secretion': return this.secretion(this.substrate(b.substrate));
      case 'secretion target': return this.secretionTarget(this.substrate(b.substrate));
      case 'uptake': return this.uptake(this.substrate(b.substrate));
      case 'export': return this.export(this.substrate(b.substrate));
      case 'chemotactic response': return this.chemotaxis(this.substrate(b.substrate));
      case 'transform to': return this.transformTo(this.cellType(b.cellType));
      case 'phagocytose': return this.phagocytose(this.cellType(b.cellType));
      case 'attack': return this.attack(this.cellType(b.cellType));
      case 'phagocytose apoptotic cell': return this.phagocytoseApoptotic;
      case 'phagocytose necrotic cell': return this.phagocytoseNecrotic;
    }
  }

  /** Slot of a signal in the signal vector. */
  signalIndex(s: SignalRef): number {
    switch (s.kind) {
      case 'substrate': return this.signalSubstrate(this.substrate(s.substrate));
      case 'contact with': return this.signalContact(this.cellType(s.cellType));
      case 'contact with live cell': return this.signalContactLive;
      case 'contact with dead cell': return this.signalContactDead;
      case 'pressure': return this.signalPressure;
      case 'volume': return this.signalVolume;
      case 'time': return this.signalTime;
      case 'dead': return this.signalDead;
      case 'apoptotic': return this.signalApoptotic;
      case 'necrotic': return this.signalNecrotic;
      case 'damage': return this.signalDamage;
    }
  }
}
