/**
 * Export of a nichesim model's mean-field form as SBML Level 3 Version 2 core (layer 5, no
 * Node-only API).
 *
 * The SBML model has exactly the equations of the mean-field engine (engines/ode/meanField.ts;
 * read the equations there): time is in minutes (model timeUnits "minute"), one compartment
 * `niche` of the niche volume (um^3).
 * - Species: per cell type `<type>` (live), `<type>_apoptotic`, `<type>_necrotic`, counted in
 *   cells (hasOnlySubstanceUnits="true"); per substrate `<substrate>`, a concentration in its
 *   declared unit (hasOnlySubstanceUnits="false"; amounts are concentration × um^3).
 * - Parameters: the behaviour values of each cell type (`<type>_<behaviour>`), constant when no rule
 *   acts on them, otherwise set by an assignment rule implementing the Hill response of
 *   vocabulary/responses.ts; the mean-field signals (contact, pressure) as assignment rules;
 *   infusion rates; the model's derived outputs and the dead-cell totals as assignment rules.
 * - Reactions: division (at the cycle entry rate r, or r / (1 + r d) for a type with a division
 *   delay d > 0), influx, apoptosis, necrosis, clearance, transformation, phagocytosis and
 *   attack of live cells (Poisson contact closure 1 − exp(−n)), phagocytosis of dead cells,
 *   secretion/uptake/export per cell type and substrate, uptake by dead cells, decay, exchange
 *   with a Dirichlet boundary, infusion.
 * - Events: one per dose time (boluses add to the concentration, infusions change the infusion
 *   rate), firing at t0 for doses at time 0 (initialValue="false").
 * - Drugs with plasma pharmacokinetics: the closed-form plasma concentration as an assignment rule
 *   (sums of exponentials per administration) and a vascular-exchange reaction.
 * - Derived outputs: translated from nichesim's expression language (evaluated in base units and
 *   scaled to the output's unit, as compile.ts does).
 * Negative pools (integrator round-off) count as zero in rates, as in the engine (piecewise).
 */
import { CompileError, compileModel, type CompiledModel } from '../../compile/compile.js';
import { Layout } from '../../compile/layout.js';
import { parseExpr, type Expr } from '../../expr/index.js';
import type { Model } from '../../model/model.js';
import { parseUnit } from '../../units/index.js';
import { NICHESIM_VERSION } from '../../version.js';
import { canonicalTermOrder, type BehaviourResponse } from '../../vocabulary/responses.js';
import {
  ci, divide, gt, mathElement, minus, num, op, piecewise, plus, pos, power, time, times, type Ex,
} from './mathmlWriter.js';

/** Close packing fraction used by the mean-field pressure (engines/ode/meanField.ts). */
const CLOSE_PACKING = 0.74;

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Allocates valid, unique SBML ids (SId: letter or _, then letters, digits, _). */
class Ids {
  private readonly used = new Set<string>();
  make(wanted: string): string {
    let base = wanted.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    let id = base;
    for (let k = 2; this.used.has(id); k++) id = `${base}_${k}`;
    this.used.add(id);
    return id;
  }
}

interface Param {
  id: string;
  name: string;
  value: number | null;
  rule: Ex | null;
}

interface Reaction {
  id: string;
  name: string;
  reactants: string[];
  products: string[];
  modifiers: string[];
  rate: Ex;
  reversible: boolean;
}

/**
 * Writes the mean-field form of a model as SBML L3V2.
 * @param model a normalised model (parseModel)
 * @param overrides parameter values in their base units, by name (as for simulate)
 * @returns the SBML document text
 * @throws CompileError for parameter values the model cannot take
 */
export function exportSbml(model: Model, overrides: Record<string, number> = {}): string {
  const cm = compileModel(model, overrides);
  return new Exporter(model, cm).write();
}

/** The export as an SBML Test Suite case: the model and its settings file. */
export interface ExportedCase {
  /** SBML L3V2 text (as exportSbml). */
  sbml: string;
  /**
   * NNNNN-settings.txt text: start 0, the model's end time and output interval (minutes), the
   * variables (live cells and substrates as species, dead totals and outputs as parameters),
   * tolerances, and which species are amounts (cells) or concentrations (substrates).
   */
  settings: string;
  /** The variables of the settings, in order, with the nichesim result column each one is. */
  variables: Array<{ id: string; column: string }>;
}

/**
 * Exports a model with a settings file in the SBML Test Suite's format, so that any tool that
 * runs the suite's cases can run it (and compare it with nichesim's own results).
 * @param tolerances absolute and relative tolerances written to the settings (default 1e-6 each)
 */
export function exportSbmlCase(model: Model, overrides: Record<string, number> = {}, tolerances = { absolute: 1e-6, relative: 1e-6 }): ExportedCase {
  const cm = compileModel(model, overrides);
  const ex = new Exporter(model, cm);
  const sbml = ex.write();
  const variables = [
    ...cm.cellTypes.map((c, i) => ({ id: ex.liveId(i), column: c.name })),
    ...cm.cellTypes.map((c, i) => ({ id: ex.deadId(i), column: `${c.name} (dead)` })),
    ...cm.substrates.map((s, k) => ({ id: ex.substrateId(k), column: s.name })),
    ...model.outputs.map((o) => ({ id: ex.outputId(o.name), column: o.name })),
  ];
  const steps = Math.max(1, Math.round(cm.tEnd / cm.outputInterval));
  const settings = [
    'start: 0',
    `duration: ${cm.tEnd}`,
    `steps: ${steps}`,
    `variables: ${variables.map((v) => v.id).join(', ')}`,
    `absolute: ${tolerances.absolute}`,
    `relative: ${tolerances.relative}`,
    `amount: ${cm.cellTypes.map((_, i) => ex.liveId(i)).join(', ')}`,
    `concentration: ${cm.substrates.map((_, k) => ex.substrateId(k)).join(', ')}`,
    '',
  ].join('\n');
  return { sbml, settings, variables };
}

class Exporter {
  private readonly ids = new Ids();
  private readonly params: Param[] = [];
  private readonly reactions: Reaction[] = [];
  private readonly L: Layout;
  private readonly nT: number;
  private readonly nS: number;
  private readonly live: string[];
  private readonly apo: string[];
  private readonly nec: string[];
  private readonly subs: string[];
  private readonly cellIds: string[];
  /** [i*nT + j] (4/3)π(r_i + r_j)^3 / V. */
  private readonly cv: Float64Array;
  private pressureId: string | null = null;

  constructor(
    private readonly model: Model,
    private readonly cm: CompiledModel,
  ) {
    this.L = cm.layout;
    this.nT = cm.cellTypes.length;
    this.nS = cm.substrates.length;
    this.ids.make('niche');
    this.ids.make('minute');
    this.ids.make('um3');
    this.cellIds = cm.cellTypes.map((c) => this.ids.make(c.name));
    this.live = this.cellIds;
    this.apo = this.cellIds.map((c) => this.ids.make(`${c}_apoptotic`));
    this.nec = this.cellIds.map((c) => this.ids.make(`${c}_necrotic`));
    this.subs = cm.substrates.map((s) => this.ids.make(s.name));
    this.cv = new Float64Array(this.nT * this.nT);
    for (let i = 0; i < this.nT; i++) {
      for (let j = 0; j < this.nT; j++) {
        const r = cm.cellTypes[i].radius + cm.cellTypes[j].radius;
        this.cv[i * this.nT + j] = ((4 / 3) * Math.PI * r * r * r) / cm.nicheVolume;
      }
    }
  }

  /** Ids of the exported quantities (valid after write()). */
  liveId(i: number): string {
    return this.live[i];
  }
  deadId(i: number): string {
    return this.deadIds[i];
  }
  substrateId(k: number): string {
    return this.subs[k];
  }
  outputId(name: string): string {
    const id = this.outputIds.get(name);
    if (!id) throw new Error(`export: no output '${name}'`);
    return id;
  }
  private readonly deadIds: string[] = [];
  private substrateFactors: number[] = [];
  private readonly outputIds = new Map<string, string>();

  private param(wanted: string, name: string, value: number | null, rule: Ex | null = null): string {
    const id = this.ids.make(wanted);
    this.params.push({ id, name, value, rule });
    return id;
  }

  private reaction(wanted: string, name: string, r: Omit<Reaction, 'id' | 'name' | 'reversible'> & { reversible?: boolean }): void {
    this.reactions.push({ id: this.ids.make(wanted), name, reversible: r.reversible ?? false, ...r });
  }

  /** Name of a behaviour slot, for ids. */
  private slotName(slot: number): string {
    const L = this.L;
    const nS = this.nS;
    if (slot === Layout.CYCLE_ENTRY) return 'cycle_entry';
    if (slot === Layout.APOPTOSIS) return 'apoptosis';
    if (slot === Layout.NECROSIS) return 'necrosis';
    if (slot === Layout.INFLUX) return 'influx';
    if (slot === Layout.MIGRATION_SPEED) return 'migration_speed';
    if (slot === Layout.MIGRATION_BIAS) return 'migration_bias';
    if (slot === Layout.PERSISTENCE_TIME) return 'persistence_time';
    if (slot < 7 + 5 * nS) {
      const s = Math.floor((slot - 7) / 5);
      const what = ['secretion', 'secretion_target', 'uptake', 'export', 'chemotaxis'][(slot - 7) % 5];
      return `${what}_${this.subs[s]}`;
    }
    if (slot < L.phagocytoseApoptotic) {
      const j = Math.floor((slot - 7 - 5 * nS) / 3);
      return `${['transform_to', 'phagocytose', 'attack'][(slot - 7 - 5 * nS) % 3]}_${this.cellIds[j]}`;
    }
    return slot === L.phagocytoseApoptotic ? 'phagocytose_apoptotic' : 'phagocytose_necrotic';
  }

  /** Whether behaviour `slot` of type i can be non-zero (base value or a rule), as the engine decides. */
  private active(i: number, slot: number): boolean {
    const c = this.cm.cellTypes[i];
    return c.base[slot] !== 0 || c.responses.some((r) => r.behaviour === slot);
  }

  /** Signal expressions, per cell type (cached parameters for non-substrate signals). */
  private readonly signalCache = new Map<string, Ex>();
  private signal(i: number, slot: number): Ex {
    const L = this.L;
    const nS = this.nS;
    const nT = this.nT;
    if (slot < nS) return ci(this.subs[slot]);
    if (slot === L.signalVolume) return num(this.cm.cellTypes[i].volume);
    if (slot === L.signalTime) return time();
    if (slot === L.signalDead || slot === L.signalApoptotic || slot === L.signalNecrotic || slot === L.signalDamage) return num(0);
    if (slot === L.signalPressure) {
      if (!this.pressureId) {
        const packed = plus(
          ...this.cm.cellTypes.map((c, j) => times(plus(pos(ci(this.live[j])), pos(ci(this.apo[j])), pos(ci(this.nec[j]))), num(c.volume))),
        );
        this.pressureId = this.param('pressure', 'mean-field pressure (cell-volume fraction / 0.74)', null, divide(divide(packed, num(this.cm.nicheVolume)), num(CLOSE_PACKING)));
      }
      return ci(this.pressureId);
    }
    const key = `${i}:${slot}`;
    const cached = this.signalCache.get(key);
    if (cached) return cached;
    const ct = this.cellIds[i];
    let id: string;
    if (slot < nS + nT) {
      const j = slot - nS;
      id = this.param(`${ct}_contact_${this.cellIds[j]}`, `${ct}: expected neighbours of type ${this.cellIds[j]}`, null, times(pos(ci(this.live[j])), num(this.cv[i * nT + j])));
    } else if (slot === L.signalContactLive) {
      id = this.param(`${ct}_contact_live`, `${ct}: expected live neighbours`, null, plus(...this.cellIds.map((_, j) => times(pos(ci(this.live[j])), num(this.cv[i * nT + j])))));
    } else if (slot === L.signalContactDead) {
      id = this.param(`${ct}_contact_dead`, `${ct}: expected dead neighbours`, null, plus(...this.cellIds.map((_, j) => times(plus(pos(ci(this.apo[j])), pos(ci(this.nec[j]))), num(this.cv[i * nT + j])))));
    } else {
      throw new Error(`export: unknown signal slot ${slot}`);
    }
    const e = ci(id);
    this.signalCache.set(key, e);
    return e;
  }

  /** S/(1+S) of a sum of Hill terms (x/h)^n, 0 for x <= 0, saturating for h = 0. */
  private saturation(i: number, terms: BehaviourResponse['up']): Ex {
    const finite: Ex[] = [];
    const saturating: Ex[] = [];
    for (const t of canonicalTermOrder(terms)) {
      const x = this.signal(i, t.signal);
      if (t.halfMax === 0) {
        saturating.push(gt(x, num(0)));
        continue;
      }
      const ratio = divide(x, num(t.halfMax));
      const term = t.hillPower === 1 ? ratio : power(ratio, num(t.hillPower));
      finite.push(piecewise([[term, gt(x, num(0))]], num(0)));
    }
    const s = plus(...finite);
    const h = finite.length > 0 ? divide(s, plus(num(1), s)) : num(0);
    if (saturating.length === 0) return h;
    return piecewise([[num(1), saturating.length === 1 ? saturating[0] : op('or', ...saturating)]], h);
  }

  /** Behaviour value expressions per type and slot (parameter id when active). */
  private readonly behaviourIds = new Map<string, string>();
  private behaviour(i: number, slot: number): Ex {
    const key = `${i}:${slot}`;
    const have = this.behaviourIds.get(key);
    if (have) return ci(have);
    const c = this.cm.cellTypes[i];
    const b0 = c.base[slot];
    const resp = c.responses.find((r) => r.behaviour === slot);
    const name = `${c.label || c.name}: ${this.slotName(slot).replace(/_/g, ' ')}`;
    let id: string;
    if (!resp) {
      id = this.param(`${this.cellIds[i]}_${this.slotName(slot)}`, name, b0);
    } else {
      let value: Ex = num(b0);
      if (resp.up.length > 0) value = plus(num(b0), times(num(resp.upLimit - b0), this.saturation(i, resp.up)));
      if (resp.down.length > 0) {
        const up = value;
        value = plus(up, times(minus(num(resp.downLimit), up), this.saturation(i, resp.down)));
      }
      id = this.param(`${this.cellIds[i]}_${this.slotName(slot)}`, `${name} (rule response)`, null, value);
    }
    this.behaviourIds.set(key, id);
    return ci(id);
  }

  private build(): { events: Array<{ id: string; t: number; assignments: Array<[string, Ex]> }>; infusionIds: Map<number, string> } {
    const { cm, L, nT, nS } = this;
    const V = cm.nicheVolume;
    for (let i = 0; i < nT; i++) {
      const c = cm.cellTypes[i];
      const ct = this.cellIds[i];
      const N = pos(ci(this.live[i]));
      const A = pos(ci(this.apo[i]));
      const X = pos(ci(this.nec[i]));
      if (this.active(i, Layout.CYCLE_ENTRY)) {
        // Division at the cycle entry rate r, or at r / (1 + r d) with a division delay d > 0.
        const r = this.behaviour(i, Layout.CYCLE_ENTRY);
        const d = c.divisionDelay;
        const birth = d > 0 ? divide(r, plus(num(1), times(r, num(d)))) : r;
        this.reaction(`${ct}_division`, `${ct} division`, { reactants: [], products: [this.live[i]], modifiers: [this.live[i]], rate: times(birth, N) });
      }
      if (this.active(i, Layout.INFLUX)) this.reaction(`${ct}_influx`, `${ct} influx`, { reactants: [], products: [this.live[i]], modifiers: [], rate: this.behaviour(i, Layout.INFLUX) });
      if (this.active(i, Layout.APOPTOSIS)) this.reaction(`${ct}_apoptosis`, `${ct} apoptosis`, { reactants: [this.live[i]], products: [this.apo[i]], modifiers: [], rate: times(this.behaviour(i, Layout.APOPTOSIS), N) });
      if (this.active(i, Layout.NECROSIS)) this.reaction(`${ct}_necrosis`, `${ct} necrosis`, { reactants: [this.live[i]], products: [this.nec[i]], modifiers: [], rate: times(this.behaviour(i, Layout.NECROSIS), N) });
      this.reaction(`${ct}_apoptotic_clearance`, `${ct} apoptotic clearance`, { reactants: [this.apo[i]], products: [], modifiers: [], rate: divide(A, num(c.apoptoticClearanceTime)) });
      this.reaction(`${ct}_necrotic_clearance`, `${ct} necrotic clearance`, { reactants: [this.nec[i]], products: [], modifiers: [], rate: divide(X, num(c.necroticClearanceTime)) });
      for (let j = 0; j < nT; j++) {
        if (j !== i && this.active(i, L.transformTo(j))) {
          this.reaction(`${ct}_to_${this.cellIds[j]}`, `${ct} transforms to ${this.cellIds[j]}`, { reactants: [this.live[i]], products: [this.live[j]], modifiers: [], rate: times(this.behaviour(i, L.transformTo(j)), N) });
        }
      }
      for (let j = 0; j < nT; j++) {
        const eats = this.active(i, L.phagocytose(j));
        const kills = this.active(i, L.attack(j));
        if (!eats && !kills) continue;
        // Probability that a cell of type i has at least one neighbour of type j: 1 - exp(-n_ij).
        const p = minus(num(1), op('exp', op('minus', times(pos(ci(this.live[j])), num(this.cv[i * nT + j])))));
        if (eats) this.reaction(`${ct}_eats_${this.cellIds[j]}`, `${ct} phagocytoses live ${this.cellIds[j]}`, { reactants: [this.live[j]], products: [], modifiers: [this.live[i]], rate: times(this.behaviour(i, L.phagocytose(j)), N, p) });
        if (kills) this.reaction(`${ct}_kills_${this.cellIds[j]}`, `${ct} kills ${this.cellIds[j]}`, { reactants: [this.live[j]], products: [this.apo[j]], modifiers: [this.live[i]], rate: times(this.behaviour(i, L.attack(j)), N, p) });
      }
      const eatsA = this.active(i, L.phagocytoseApoptotic);
      const eatsX = this.active(i, L.phagocytoseNecrotic);
      if (eatsA || eatsX) {
        for (const [pools, slot, what] of [[this.apo, L.phagocytoseApoptotic, 'apoptotic'], [this.nec, L.phagocytoseNecrotic, 'necrotic']] as const) {
          // The engine shares the eater's flux among dead pools by their expected contact.
          const n = this.param(`${ct}_contact_${what}`, `${ct}: expected ${what} neighbours`, null, plus(...pools.map((pj, j) => times(pos(ci(pj)), num(this.cv[i * nT + j])))));
          const rate = this.behaviour(i, slot);
          for (let j = 0; j < nT; j++) {
            const flux = times(rate, N, minus(num(1), op('exp', op('minus', ci(n)))), pos(ci(pools[j])), num(this.cv[i * nT + j]));
            this.reaction(`${ct}_eats_${pools[j]}`, `${ct} phagocytoses ${what} ${this.cellIds[j]}`, {
              reactants: [pools[j]], products: [], modifiers: [this.live[i]],
              rate: piecewise([[divide(flux, ci(n)), op('and', gt(ci(n), num(0)), gt(rate, num(0)))]], num(0)),
            });
          }
        }
      }
      // Substrate exchange with the cells of type i (per-cell source terms, amounts per minute).
      for (let s = 0; s < nS; s++) {
        const sec = this.active(i, L.secretion(s));
        const upt = this.active(i, L.uptake(s));
        const exp = this.active(i, L.export(s));
        if (!sec && !upt && !exp) continue;
        const rho = ci(this.subs[s]);
        const vol = num(c.volume);
        if (sec || upt) {
          const S = this.behaviour(i, L.secretion(s));
          const T = this.behaviour(i, L.secretionTarget(s));
          const U = this.behaviour(i, L.uptake(s));
          this.reaction(`${ct}_exchanges_${this.subs[s]}`, `${ct} secretes/takes up ${this.subs[s]}`, {
            reactants: [], products: [this.subs[s]], modifiers: [this.live[i]], reversible: true,
            rate: times(N, vol, minus(times(S, minus(T, rho)), times(U, rho))),
          });
        }
        if (exp) {
          this.reaction(`${ct}_exports_${this.subs[s]}`, `${ct} net export of ${this.subs[s]}`, {
            reactants: [], products: [this.subs[s]], modifiers: [this.live[i]], reversible: true,
            rate: times(N, this.behaviour(i, L.export(s))),
          });
        }
        const U0 = c.base[L.uptake(s)];
        if (U0 !== 0) {
          this.reaction(`${ct}_dead_uptake_${this.subs[s]}`, `dead ${ct} take up ${this.subs[s]} (0.1x)`, {
            reactants: [this.subs[s]], products: [], modifiers: [this.apo[i], this.nec[i]],
            rate: times(plus(A, X), vol, num(0.1 * U0), rho),
          });
        }
      }
    }
    // Substrate decay, boundary exchange, infusion.
    const infusionIds = new Map<number, string>();
    const Lside = Math.cbrt(V);
    cm.substrates.forEach((s, k) => {
      const rho = ci(this.subs[k]);
      if (s.decayRate !== 0) this.reaction(`${this.subs[k]}_decay`, `${this.subs[k]} decay`, { reactants: [this.subs[k]], products: [], modifiers: [], rate: times(num(V), num(s.decayRate), rho) });
      if (s.dirichletBoundary?.enabled) {
        const kD = (3 * Math.PI * Math.PI * s.diffusionCoefficient) / (Lside * Lside);
        this.reaction(`${this.subs[k]}_boundary`, `${this.subs[k]} exchange with the boundary value`, {
          reactants: [], products: [this.subs[k]], modifiers: [], reversible: true,
          rate: times(num(V), num(kD), minus(num(s.dirichletBoundary.value), rho)),
        });
      }
    });
    // Drugs given to the patient: the niche follows the closed-form plasma concentration (PK) by
    // vascular exchange, dρ/dt += k_v (factor·C_p(t) − ρ).
    cm.pharmacokinetics.forEach((p, k) => {
      const s = L.substrate(p.substrate);
      const terms: Ex[] = [];
      for (const a of p.administrations) {
        const dt = minus(time(), num(a.start));
        p.rates.forEach((lambda, i) => {
          const c = p.coefficients[i];
          let term: Ex;
          if (a.kind === 'bolus') term = times(num(a.amount * c), op('exp', times(num(-lambda), dt)));
          else {
            const tau = piecewise([[dt, op('lt', dt, num(a.duration))]], num(a.duration));
            term = times(num((a.rate * c) / lambda), minus(num(1), op('exp', times(num(-lambda), tau))), op('exp', times(num(-lambda), minus(dt, tau))));
          }
          terms.push(piecewise([[term, op('geq', time(), num(a.start))]], num(0)));
        });
      }
      const plasma = this.param(`${this.subs[s]}_plasma${k > 0 ? `_${k + 1}` : ''}`, `${p.substrate}: plasma concentration (mg/L, closed-form PK)`, null, plus(...terms));
      this.reaction(`${this.subs[s]}_vascular_exchange${k > 0 ? `_${k + 1}` : ''}`, `${p.substrate}: exchange with plasma`, {
        reactants: [], products: [this.subs[s]], modifiers: [], reversible: true,
        rate: times(num(V), num(p.exchange), minus(times(num(p.factor), ci(plasma)), ci(this.subs[s]))),
      });
    });
    // Doses: grouped by time, as the engine applies every dose of one time together.
    const points = new Map<number, Array<{ s: number; bolus: number; infusion: number }>>();
    const add = (t: number, s: number, bolus: number, infusion: number) => {
      const list = points.get(t) ?? [];
      list.push({ s, bolus, infusion });
      points.set(t, list);
    };
    for (const d of cm.dosing) {
      const s = L.substrate(d.substrate);
      for (let k = 0; k < d.count; k++) {
        const t0 = d.start + k * d.interval;
        if (t0 > cm.tEnd) break;
        if (d.kind === 'bolus') add(t0, s, d.amount, 0);
        else {
          add(t0, s, 0, d.rate);
          add(t0 + d.duration, s, 0, -d.rate);
          if (!infusionIds.has(s)) {
            const id = this.param(`${this.subs[s]}_infusion`, `${this.subs[s]} infusion rate (${cm.substrates[s].unit}/min)`, 0);
            infusionIds.set(s, id);
            this.reaction(`${this.subs[s]}_infusion_flow`, `${this.subs[s]} infusion`, { reactants: [], products: [this.subs[s]], modifiers: [], rate: times(num(V), ci(id)) });
          }
        }
      }
    }
    // Mark infusion parameters non-constant (set by events).
    const events: Array<{ id: string; t: number; assignments: Array<[string, Ex]> }> = [];
    [...points.keys()].sort((a, b) => a - b).forEach((t, n) => {
      const bolus = new Map<number, number>();
      const inf = new Map<number, number>();
      for (const p of points.get(t)!) {
        if (p.bolus !== 0) bolus.set(p.s, (bolus.get(p.s) ?? 0) + p.bolus);
        if (p.infusion !== 0) inf.set(p.s, (inf.get(p.s) ?? 0) + p.infusion);
      }
      const assignments: Array<[string, Ex]> = [];
      for (const [s, a] of bolus) assignments.push([this.subs[s], plus(ci(this.subs[s]), num(a))]);
      for (const [s, r] of inf) {
        const id = infusionIds.get(s)!;
        const next = plus(ci(id), num(r));
        // The engine snaps a net infusion rate below 1e-15 to 0 (round-off of on/off pairs).
        assignments.push([id, piecewise([[num(0), op('lt', op('abs', next), num(1e-15))]], next)]);
      }
      if (assignments.length > 0) events.push({ id: this.ids.make(`dose_${n + 1}`), t, assignments });
    });
    // Dead totals and derived outputs.
    for (let i = 0; i < nT; i++) this.deadIds.push(this.param(`${this.cellIds[i]}_dead`, `${this.cellIds[i]} (dead)`, null, plus(ci(this.apo[i]), ci(this.nec[i]))));
    // Outputs are evaluated in base units (substrates scaled from their declared unit), then
    // converted to the output's unit (compile.ts).
    this.substrateFactors = cm.substrates.map((s) => parseUnit(s.unit).factor);
    for (const o of this.model.outputs) {
      const e = this.translateOutput(parseExpr(o.expression));
      this.outputIds.set(o.name, this.param(o.name, `${o.name} (${o.unit})`, null, o.scale === 1 ? e : times(e, num(o.scale))));
    }
    return { events, infusionIds };
  }

  /** Translates a nichesim output expression (src/expr AST) into MathML. */
  private translateOutput(e: Expr): Ex {
    switch (e.kind) {
      case 'num':
        return num(e.value);
      case 'var': {
        const ti = this.cm.cellTypes.findIndex((c) => c.name === e.name);
        if (ti >= 0) return ci(this.live[ti]);
        const si = this.cm.substrates.findIndex((s) => s.name === e.name);
        if (si >= 0) return this.substrateFactors[si] === 1 ? ci(this.subs[si]) : times(ci(this.subs[si]), num(this.substrateFactors[si]));
        if (e.name in this.cm.parameters) return num(this.cm.parameters[e.name]);
        if (e.name === 'time') return time();
        throw new CompileError([`export: output expression reads unknown name '${e.name}'`]);
      }
      case 'unary':
        return op('minus', this.translateOutput(e.arg));
      case 'binary': {
        const a = this.translateOutput(e.left);
        const b = this.translateOutput(e.right);
        const o = { '+': 'plus', '-': 'minus', '*': 'times', '/': 'divide', '^': 'power' }[e.op];
        return op(o, a, b);
      }
      case 'call': {
        const a = e.args.map((x) => this.translateOutput(x));
        switch (e.fn) {
          case 'exp': return op('exp', a[0]);
          case 'log': return op('ln', a[0]);
          case 'log10': return op('log', a[0]);
          case 'sqrt': return op('root', a[0]);
          case 'abs': return op('abs', a[0]);
          case 'min': return op('min', ...a);
          case 'max': return op('max', ...a);
          case 'pow': return op('power', a[0], a[1]);
          case 'floor': return op('floor', a[0]);
          case 'ceil': return op('ceiling', a[0]);
          case 'hill':
            return piecewise([[divide(num(1), plus(num(1), power(divide(a[1], a[0]), a[2]))), gt(a[0], num(0))]], num(0));
        }
      }
    }
    throw new CompileError([`export: cannot translate an output expression node`]);
  }

  write(): string {
    const { events, infusionIds } = this.build();
    const cm = this.cm;
    const ev = new Set(infusionIds.values());
    const out: string[] = [];
    const w = (s: string) => out.push(s);
    w('<?xml version="1.0" encoding="UTF-8"?>');
    w('<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">');
    w(`  <model id="${this.ids.make(cm.name)}" name="${xmlEscape(cm.title || cm.name)}" timeUnits="minute">`);
    w('    <notes><body xmlns="http://www.w3.org/1999/xhtml">');
    w(`      <p>Mean-field form of the nichesim model '${xmlEscape(cm.name)}', exported by nichesim ${NICHESIM_VERSION}. Time in minutes; cells counted in cells; substrate concentrations in their declared units; the compartment is the niche volume in um^3. The equations are those of nichesim's mean-field engine (well-mixed niche, Hill responses of PhysiCell-style rules, Poisson contact closures).</p>`);
    if (this.model.description) w(`      <p>${xmlEscape(this.model.description)}</p>`);
    w('    </body></notes>');
    w('    <listOfUnitDefinitions>');
    w('      <unitDefinition id="minute"><listOfUnits><unit kind="second" exponent="1" scale="0" multiplier="60"/></listOfUnits></unitDefinition>');
    w('      <unitDefinition id="um3"><listOfUnits><unit kind="metre" exponent="3" scale="-6" multiplier="1"/></listOfUnits></unitDefinition>');
    w('    </listOfUnitDefinitions>');
    w('    <listOfCompartments>');
    w(`      <compartment id="niche" name="niche" spatialDimensions="3" size="${cm.nicheVolume}" units="um3" constant="true"/>`);
    w('    </listOfCompartments>');
    w('    <listOfSpecies>');
    cm.cellTypes.forEach((c, i) => {
      w(`      <species id="${this.live[i]}" name="${xmlEscape(c.label || c.name)} (live cells)" compartment="niche" initialAmount="${c.initialNumber}" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>`);
      w(`      <species id="${this.apo[i]}" name="${xmlEscape(c.label || c.name)} (apoptotic cells)" compartment="niche" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>`);
      w(`      <species id="${this.nec[i]}" name="${xmlEscape(c.label || c.name)} (necrotic cells)" compartment="niche" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>`);
    });
    cm.substrates.forEach((s, k) => {
      w(`      <species id="${this.subs[k]}" name="${xmlEscape(s.label || s.name)} (${xmlEscape(s.unit)})" compartment="niche" initialConcentration="${s.initialCondition}" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>`);
    });
    w('    </listOfSpecies>');
    w('    <listOfParameters>');
    for (const p of this.params) {
      const constant = p.rule === null && !ev.has(p.id);
      const value = p.value === null ? '' : ` value="${p.value}"`;
      w(`      <parameter id="${p.id}" name="${xmlEscape(p.name)}"${value} constant="${constant}"/>`);
    }
    w('    </listOfParameters>');
    const rules = this.params.filter((p) => p.rule !== null);
    if (rules.length > 0) {
      w('    <listOfRules>');
      for (const p of rules) w(`      <assignmentRule variable="${p.id}">${mathElement(p.rule!)}</assignmentRule>`);
      w('    </listOfRules>');
    }
    w('    <listOfReactions>');
    for (const r of this.reactions) {
      w(`      <reaction id="${r.id}" name="${xmlEscape(r.name)}" reversible="${r.reversible}">`);
      const refs = (tag: string, list: string[]) => {
        if (list.length === 0) return;
        w(`        <${tag}>`);
        for (const s of list) w(`          <speciesReference species="${s}" stoichiometry="1" constant="true"/>`);
        w(`        </${tag}>`);
      };
      refs('listOfReactants', r.reactants);
      refs('listOfProducts', r.products);
      const mods = [...new Set(r.modifiers)].filter((m) => !r.reactants.includes(m) && !r.products.includes(m));
      if (mods.length > 0) {
        w('        <listOfModifiers>');
        for (const m of mods) w(`          <modifierSpeciesReference species="${m}"/>`);
        w('        </listOfModifiers>');
      }
      w(`        <kineticLaw>${mathElement(r.rate)}</kineticLaw>`);
      w('      </reaction>');
    }
    w('    </listOfReactions>');
    if (events.length > 0) {
      w('    <listOfEvents>');
      for (const e of events) {
        w(`      <event id="${e.id}" name="dose at ${e.t} min" useValuesFromTriggerTime="false">`);
        w(`        <trigger initialValue="false" persistent="true">${mathElement(op('geq', time(), num(e.t)))}</trigger>`);
        w('        <listOfEventAssignments>');
        for (const [v, x] of e.assignments) w(`          <eventAssignment variable="${v}">${mathElement(x)}</eventAssignment>`);
        w('        </listOfEventAssignments>');
        w('      </event>');
      }
      w('    </listOfEvents>');
    }
    w('  </model>');
    w('</sbml>');
    return out.join('\n') + '\n';
  }
}

