/**
 * PhysiCell's attack-damage model in the agent-based engine (world.ts, "Attack damage"): a type
 * that gives attack_damage_rate d and attack_duration τ adds d·τ to its target's damage with every
 * successful attack instead of killing it; the `damage` signal lets a rule such as "damage
 * increases apoptosis" kill; damage decays at the target's damage_repair_rate k as exp(−k·t); it is
 * kept by both cells at division and through a transformation. Models without attack_damage_rate
 * keep their exact results (attacks kill at once). The mean-field engine has no per-cell damage
 * and says so in its check().
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { abmEngine, type AbmSimulation, AgentStore, APOPTOTIC, LIVE } from '../../src/engines/abm/index.js';
import { odeEngine } from '../../src/engines/ode/engine.js';
import { MeanFieldSystem } from '../../src/engines/ode/meanField.js';
import { Layout } from '../../src/compile/layout.js';
import { ModelError } from '../../src/model/diagnostics.js';
import { parseModel } from '../../src/model/parse.js';
import { resolveSignal } from '../../src/vocabulary/signals.js';
import { compileSmall, smallModel } from '../cross-engine/abmModels.js';

/** Agents that neither move nor push each other, so a pair placed in contact stays in contact. */
const STILL = { repulsion: 0, adhesion: 0 };

/** Attack rate r (1/min), damage rate d (1/min), duration τ (min): one attack adds d·τ = 1. */
const r = 0.05;
const d = 0.2;
const tau = 5;

/** Attackers T and targets B (no rules unless `rules` is given). */
const pairModel = (rules = '', tEnd = '10 h') =>
  compileSmall(`cell_types:
  T: {initial_number: 0, volume: 700 um^3, attack: {B: ${r} 1/min}, attack_damage_rate: ${d} 1/min, attack_duration: ${tau} min}
  B: {initial_number: 0, volume: 900 um^3}
${rules}`, { size: [200, 200, 20], dtDiffusion: 0.1, dtMechanics: 0.1, dtPhenotype: 6, tEnd, outputInterval: '1 h', snapshotInterval: tEnd });

/** Eight attacker–target pairs 8 um apart (in contact: the radii add up to about 11.5 um), far from each other. */
function placePairs(sim: AbmSimulation): number[] {
  const w = sim.world;
  const targets: number[] = [];
  for (const y of [30, 75, 120, 165]) {
    for (const x of [50, 140]) {
      w.addAgent(0, x, y, 0);
      targets.push(w.store.id[w.addAgent(1, x + 8, y, 0)]);
    }
  }
  return targets;
}

describe('attack damage', () => {
  it('(a) a successful attack adds d·τ to the target and leaves it live; the mean damage grows as N·p·d·τ', () => {
    const model = pairModel();
    expect(model.cellTypes[0].attackDamage).toBe(d * tau);
    const sim = abmEngine.init(model, { seed: 7, initialAgents: false, recordEvents: true, mechanics: STILL });
    const targets = placePairs(sim);
    sim.advance(model.tEnd);
    const w = sim.world;
    const steps = w.mechanicsSteps;
    expect(steps).toBe(6000);
    const events = sim.events()!;
    const attacks = events.filter((e) => e.kind === 'attack');
    let total = 0;
    for (const id of targets) {
      const a = w.store.indexOf(id);
      expect(a, `target ${id} is still present`).toBeGreaterThanOrEqual(0);
      expect(w.store.state[a]).toBe(LIVE);
      const mine = attacks.filter((e) => e.other === id);
      // Every attack on this target is logged with the damage it added; the damage is their sum.
      let sum = 0;
      for (const e of mine) {
        expect(e.detail).toBe(d * tau);
        sum += e.detail;
      }
      expect(w.store.damage[a]).toBe(sum);
      expect(w.store.damage[a]).toBeCloseTo(mine.length * d * tau, 9);
      total += mine.length;
    }
    // Nobody died: without a damage rule damage does nothing else.
    expect(events.filter((e) => e.kind === 'apoptosis' || e.kind === 'necrosis')).toHaveLength(0);
    expect(sim.result().series['B (dead)'].every((x) => x === 0)).toBe(true);
    // The number of attacks is binomial(steps, p) per pair, p = 1 − exp(−r·dt).
    const p = -Math.expm1(-r * w.dtMechanics);
    const n = targets.length * steps;
    const mean = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(total - mean)).toBeLessThan(5 * sd);
    const meanDamage = targets.reduce((acc, id) => acc + w.store.damage[w.store.indexOf(id)], 0) / targets.length;
    expect(Math.abs(meanDamage - steps * p * d * tau)).toBeLessThan((5 * sd * d * tau) / targets.length);
    // Snapshots carry the damage column (in id order).
    const snap = sim.snapshots().at(-1)!;
    expect(snap.agents.damage).toBeDefined();
    snap.agents.id.forEach((id, k) => expect(snap.agents.damage![k]).toBe(w.store.damage[w.store.indexOf(id)]));
  });

  it('(b) with "damage increases apoptosis" (half-max h) a target dies once its damage passes about h', () => {
    const h = 10;
    const model = pairModel(`rules:
  - {cell_type: B, signal: damage, direction: increases, behaviour: apoptosis, saturation: 1 1/min, half_max: ${h}, hill_power: 20, evidence: [M001]}`, '1 day');
    const sim = abmEngine.init(model, { seed: 11, initialAgents: false, recordEvents: true, mechanics: STILL });
    const targets = placePairs(sim);
    const w = sim.world;
    const atDeath = new Map<number, number>();
    const end = Math.round(model.tEnd / w.dtDiffusion);
    while (w.diffusionSteps < end) {
      const before = w.events!.length;
      w.step();
      for (const e of w.events!.slice(before)) {
        if (e.kind === 'apoptosis') atDeath.set(e.agent, w.store.damage[w.store.indexOf(e.agent)]);
      }
    }
    expect([...atDeath.keys()].sort((a, b) => a - b)).toEqual(targets);
    for (const [id, x] of atDeath) {
      expect(x, `damage of ${id} when it died`).toBeGreaterThanOrEqual(0.6 * h);
      expect(x, `damage of ${id} when it died`).toBeLessThanOrEqual(1.3 * h);
    }
    const mean = [...atDeath.values()].reduce((a, b) => a + b, 0) / atDeath.size;
    expect(mean).toBeGreaterThan(0.75 * h);
    expect(mean).toBeLessThan(1.15 * h);
    // A dead target is no live target: no attack hits it after its death.
    for (const e of w.events!.filter((e) => e.kind === 'attack')) {
      const died = w.events!.find((f) => f.kind === 'apoptosis' && f.agent === e.other);
      if (died) expect(e.time).toBeLessThanOrEqual(died.time);
    }
  });

  it('(c) damage decays as exp(−k·t) (within 1e-12) at the damage repair rate when nothing attacks', () => {
    const k = 0.01;
    const model = compileSmall(`cell_types:
  R: {initial_number: 0, volume: 900 um^3, damage_repair_rate: ${k} 1/min}
  N: {initial_number: 0, volume: 900 um^3}`, { dtDiffusion: 0.1, dtMechanics: 0.1, dtPhenotype: 6, tEnd: '10 h', outputInterval: '1 h' });
    const sim = abmEngine.init(model, { seed: 3, initialAgents: false, snapshots: false });
    const w = sim.world;
    const rId = w.store.id[w.addAgent(0, 50, 100, 0)];
    const nId = w.store.id[w.addAgent(1, 150, 100, 0)];
    w.store.damage[w.store.indexOf(rId)] = 7;
    w.store.damage[w.store.indexOf(nId)] = 3;
    let checks = 0;
    for (let hour = 1; hour <= 10; hour++) {
      sim.advance(60 * hour);
      const t = w.phenotypeSteps * w.dtPhenotype;
      expect(t).toBeCloseTo(60 * hour, 9);
      const expected = 7 * Math.exp(-k * t);
      expect(Math.abs(w.store.damage[w.store.indexOf(rId)] - expected) / expected).toBeLessThan(1e-12);
      expect(w.store.damage[w.store.indexOf(nId)]).toBe(3);
      checks++;
    }
    expect(checks).toBe(10);
    // Damage changes only at phenotype steps: one mechanics step later it is the same.
    const before = w.store.damage[w.store.indexOf(rId)];
    for (let i = 0; i < 1; i++) w.step();
    expect(w.store.damage[w.store.indexOf(rId)]).toBe(before);
  });

  it('a daughter keeps her mother\'s damage (both cells), a transformed cell keeps its damage', () => {
    const model = compileSmall(`cell_types:
  D: {initial_number: 0, volume: 900 um^3, cycle_entry: 1 1/min}
  X: {initial_number: 0, volume: 900 um^3, transformation: {Y: 1 1/min}}
  Y: {initial_number: 0, volume: 900 um^3}`, { dtDiffusion: 0.1, dtMechanics: 0.1, dtPhenotype: 6, tEnd: '1 h', outputInterval: '1 h' });
    const sim = abmEngine.init(model, { seed: 5, initialAgents: false, snapshots: false, recordEvents: true, mechanics: STILL });
    const w = sim.world;
    const mother = w.store.id[w.addAgent(0, 50, 100, 0)];
    const changer = w.store.id[w.addAgent(1, 150, 100, 0)];
    w.store.damage[w.store.indexOf(mother)] = 5;
    w.store.damage[w.store.indexOf(changer)] = 4;
    while (w.phenotypeSteps < 1) w.step();
    const division = w.events!.find((e) => e.kind === 'division' && e.agent === mother);
    expect(division).toBeDefined();
    expect(w.store.damage[w.store.indexOf(mother)]).toBe(5);
    expect(w.store.damage[w.store.indexOf(division!.other)]).toBe(5);
    expect(w.events!.some((e) => e.kind === 'transformation' && e.agent === changer)).toBe(true);
    const c = w.store.indexOf(changer);
    expect(w.store.type[c]).toBe(2);
    expect(w.store.damage[c]).toBe(4);
  });

  it('the store keeps each agent\'s damage through growth, swap-removal and permutation', () => {
    const s = new AgentStore(0, 0, 2);
    for (let i = 0; i < 40; i++) {
      const a = s.add(0, i, 0, 0, 1000); // may grow (replace) the arrays: index after adding
      s.damage[a] = i + 0.5;
    }
    expect(s.capacity).toBeGreaterThanOrEqual(40);
    s.remove(s.indexOf(3));
    s.remove(s.indexOf(17));
    const perm = Array.from({ length: s.n }, (_, i) => s.n - 1 - i);
    s.permute(perm);
    for (let id = 0; id < 40; id++) {
      if (id === 3 || id === 17) expect(s.has(id)).toBe(false);
      else expect(s.damage[s.indexOf(id)]).toBe(id + 0.5);
    }
    s.remove(0); // the last agent moves to slot 0; its old slot, which the next agent takes, still holds its damage
    const fresh = s.add(0, 0, 0, 0, 1000);
    expect(s.damage[fresh]).toBe(0);
  });
});

/** SHA-256 of a run's timeseries, event log and snapshot agent columns. */
function fingerprint(sim: AbmSimulation): string {
  const res = sim.result();
  const h = createHash('sha256');
  for (const c of res.columns) {
    h.update(c.name);
    h.update(new Uint8Array(res.series[c.name].buffer.slice(0)));
  }
  h.update(JSON.stringify(sim.events()));
  for (const s of sim.snapshots()) for (const k of ['id', 'type', 'x', 'y', 'z', 'volume', 'state'] as const) h.update(new Uint8Array(s.agents[k].buffer.slice(0)));
  return h.digest('hex');
}

describe('models without attack_damage_rate keep their results', () => {
  /** The busy attack niche of abm-lifecycle.test.ts: attackers without attack_damage_rate. */
  const ATTACKS = `cell_types:
  B: {initial_number: 150, volume: 900 um^3, cycle_entry: 0.01 1/min, apoptosis: 0.01 1/min, apoptotic_clearance_time: 60 min,
      motility: {migration_speed: 2 um/min, persistence_time: 5 min}}
  T: {initial_number: 20, volume: 700 um^3, attack: {B: 0.2 1/min}, phagocytosis: {apoptotic: 0.2 1/min},
      motility: {migration_speed: 4 um/min, persistence_time: 5 min}}
  M: {initial_number: 20, volume: 1500 um^3, phagocytosis: {live: {B: 0.1 1/min}, apoptotic: 0.3 1/min},
      motility: {migration_speed: 3 um/min, persistence_time: 5 min}}`;
  const model = () => compileSmall(ATTACKS, { size: [200, 200, 20], dtDiffusion: 0.1, dtMechanics: 0.1, dtPhenotype: 6, tEnd: '10 h', outputInterval: '1 h', snapshotInterval: '5 h' });

  it('(d) bit-identical to the engine before the damage model (hash recorded from that code)', () => {
    const m = model();
    expect(m.cellTypes.map((c) => c.attackDamage)).toEqual([null, null, null]);
    // The hash predates per-neighbour contact interactions (PhysiCell's, now the default), so the
    // run uses the closure the engine had then.
    const sim = abmEngine.init(m, { seed: 5, recordEvents: true, contactInteractions: 'per-predator' });
    sim.advance(m.tEnd);
    expect(sim.events()!.filter((e) => e.kind === 'attack')).toHaveLength(91);
    // Recorded by running this model with the engine as it was before attack damage was added;
    // update only with a deliberate change of the engine's results.
    expect(fingerprint(sim)).toBe('844a24e58540926875539a6e1d3290042d112b829a3219d187c50656ad79cc3d');
    // No damage column, and the mean-field results are unchanged too.
    expect(sim.snapshots()[0].agents.damage).toBeUndefined();
    const ode = odeEngine.init(m, {});
    ode.advance(m.tEnd);
    const r = ode.result();
    const h = createHash('sha256');
    for (const c of r.columns) {
      h.update(c.name);
      h.update(new Uint8Array(r.series[c.name].buffer.slice(0)));
    }
    expect(h.digest('hex')).toBe('6f4085c3b915effeadc5dd0d0cc110b962966757996208344636fd9a7fc01013');
  });

  it('(d) an attack without attack_damage_rate kills its target at once and adds no damage', () => {
    const m = model();
    const sim = abmEngine.init(m, { seed: 9, recordEvents: true, snapshots: false });
    const w = sim.world;
    let seen = 0;
    for (let k = 0; k < 3000; k++) {
      const before = w.events!.length;
      w.step();
      for (const e of w.events!.slice(before)) {
        if (e.kind !== 'attack') continue;
        const o = w.store.indexOf(e.other);
        if (o < 0) continue; // eaten later in the same step
        expect(w.store.state[o]).toBe(APOPTOTIC);
        expect(w.store.damage[o]).toBe(0);
        expect(e.detail).toBe(0);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(10);
    for (let a = 0; a < w.store.n; a++) expect(w.store.damage[a]).toBe(0);
  });
});

describe('the damage signal and the mean-field engine', () => {
  const body = `cell_types:
  T: {initial_number: 20, volume: 700 um^3, attack: {B: 0.01 1/min}, attack_damage_rate: 1 1/min, attack_duration: 30 min}
  B: {initial_number: 100, volume: 900 um^3, apoptosis: 0.0001 1/min, damage_repair_rate: 0.001 1/min}
rules:
  - {cell_type: B, signal: damage, direction: increases, behaviour: apoptosis, saturation: 0.1 1/min, half_max: 50, hill_power: 4, evidence: [M001]}`;

  it('damage is a signal at the slot after necrotic', () => {
    const L = new Layout(['S1', 'S2'], ['A', 'B', 'C']);
    expect(resolveSignal('damage', ['S1'], ['A'])).toEqual({ kind: 'damage' });
    expect(resolveSignal('Damage', ['S1'], ['A'])).toEqual({ kind: 'damage' });
    expect(L.signalIndex({ kind: 'damage' })).toBe(2 + 3 + 8);
    expect(L.signalDamage).toBe(L.signalNecrotic + 1);
    expect(L.nSignals).toBe(L.signalDamage + 1);
  });

  it('(e) the mean-field check() warns that attack damage and damage rules act only in the spatial engine; the spatial one does not', () => {
    const model = compileSmall(body);
    const ode = odeEngine.check(model).map((i) => i.message);
    expect(ode.some((m) => m.includes('cell_types.T.attack_damage_rate') && m.includes('mean-field engine an attack by T still removes its target at the attack rate'))).toBe(true);
    expect(ode.some((m) => m.includes('signal damage acts only in the spatial engine'))).toBe(true);
    expect(odeEngine.check(model).every((i) => i.severity === 'warning')).toBe(true);
    expect(abmEngine.check(model).map((i) => i.message).filter((m) => m.includes('damage'))).toEqual([]);
    // No attack damage, no warning.
    const plain = compileSmall(`cell_types:
  T: {initial_number: 20, volume: 700 um^3, attack: {B: 0.01 1/min}}
  B: {initial_number: 100, volume: 900 um^3}`);
    expect(odeEngine.check(plain)).toEqual([]);
    // A type with attack_damage_rate that attacks nothing gets no warning either.
    const idle = compileSmall(`cell_types:
  T: {initial_number: 20, volume: 700 um^3, attack_damage_rate: 1 1/min, attack_duration: 30 min}
  B: {initial_number: 100, volume: 900 um^3}`);
    expect(odeEngine.check(idle)).toEqual([]);
  });

  it('the mean-field engine reads damage as 0 (the rule leaves the base apoptosis rate)', () => {
    const model = compileSmall(body);
    const sys = new MeanFieldSystem(model);
    const beh = sys.evaluateBehaviours(0, sys.initialState());
    expect(beh[1][Layout.APOPTOSIS]).toBe(0.0001);
    // whereas the spatial engine reads the agent's damage
    const sim = abmEngine.init(model, { seed: 1, snapshots: false });
    const w = sim.world;
    for (let a = 0; a < w.store.n; a++) if (w.store.type[a] === 1) w.store.damage[a] = 50;
    w.evaluateAllRules();
    const b = [...Array(w.store.n).keys()].find((a) => w.store.type[a] === 1)!;
    expect(w.behaviour(b, Layout.APOPTOSIS)).toBeCloseTo(0.0001 + (0.1 - 0.0001) * 0.5, 12);
  });

  it('attack_damage_rate needs attack_duration; attack_duration alone is a warning', () => {
    const text = (fields: string) => `nichesim: 1
name: dmg
niche: {volume: 1e6 um^3}
cell_types:
  T: {attack: {B: 0.01 1/min}, ${fields}}
  B: {}
`;
    expect(() => parseModel(text('attack_damage_rate: 1 1/min'), 'dmg.yaml')).toThrow(ModelError);
    try {
      parseModel(text('attack_damage_rate: 1 1/min'), 'dmg.yaml');
    } catch (e) {
      expect((e as ModelError).diagnostics.map((x) => x.message)).toEqual(["attack_damage_rate needs attack_duration (an attack adds attack_damage_rate x attack_duration to its target's damage)"]);
    }
    expect(() => parseModel(text('attack_damage_rate: 1 1/min, attack_duration: 0 min'), 'dmg.yaml')).toThrow(/attack_duration/);
    expect(() => parseModel(text('attack_damage_rate: 1 um, attack_duration: 3 min'), 'dmg.yaml')).toThrow(/attack_damage_rate/);
    const lone = parseModel(text('attack_duration: 30 min'), 'dmg.yaml');
    expect(lone.warnings.map((x) => x.path)).toEqual(['cell_types.T.attack_duration']);
    expect(lone.model.cellTypes[0].attackDamageRate).toBeNull();
    const ok = parseModel(text("attack_damage_rate: 60 1/h, attack_duration: 0.5 h, damage_repair_rate: '1.44 1/day'"), 'dmg.yaml').model.cellTypes[0];
    expect(ok.attackDamageRate).toBeCloseTo(1, 12);
    expect(ok.attackDuration).toBeCloseTo(30, 12);
    expect(ok.damageRepairRate).toBeCloseTo(0.001, 12);
    expect(smallModel(`cell_types:\n  B: {}`).cellTypes[0]).toMatchObject({ attackDamageRate: null, attackDuration: null, damageRepairRate: 0 });
  });
});
