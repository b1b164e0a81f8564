/**
 * Lifecycle correctness of the agent-based engine (issue 3, item 4): removed agents never remain
 * in neighbour lists or as interaction targets (also when two predators pick the same prey, and
 * when a cell dies while attacked); phagocytosis conserves volume; a transformation keeps
 * position, volume and id; death, division, clearance and influx behave as documented.
 */
import { describe, expect, it } from 'vitest';
import { Layout } from '../../src/compile/layout.js';
import { abmEngine, type AbmSimulation, APOPTOTIC, LIVE } from '../../src/engines/abm/index.js';
import { compileSmall } from '../cross-engine/abmModels.js';

const totalVolume = (sim: AbmSimulation) => {
  const s = sim.world.store;
  let v = 0;
  for (let a = 0; a < s.n; a++) v += s.volume[a];
  return v;
};

/** Checks that the contact lists, when valid, only hold present agents other than the owner. */
function checkContacts(sim: AbmSimulation): void {
  const w = sim.world;
  const c = w.contacts;
  if (!c.valid) return;
  const n = w.store.n;
  for (let a = 0; a < n; a++) {
    for (let m = c.start[a]; m < c.start[a] + c.count[a]; m++) {
      const o = c.list[m];
      if (!(o >= 0 && o < n && o !== a)) throw new Error(`agent ${w.store.id[a]} lists index ${o} (n = ${n})`);
    }
  }
}

describe('contact interactions', () => {
  /** Two predators P1 and P2 (rates of phagocytosis and attack of B) and a prey type B. */
  const two = (p1: { eat: string; attack: string }, p2: { eat: string }) => `cell_types:
  P1: {initial_number: 0, volume: 1000 um^3, phagocytosis: {live: {B: ${p1.eat}}}, attack: {B: ${p1.attack}}}
  P2: {initial_number: 0, volume: 1000 um^3, phagocytosis: {live: {B: ${p2.eat}}}}
  B: {initial_number: 0, volume: 500 um^3}`;

  it('two predators picking the same prey in one step: exactly one eats it, volume is conserved, both can win', () => {
    const winners = new Set<number>();
    for (let seed = 1; seed <= 24; seed++) {
      const model = compileSmall(two({ eat: '1e6 1/min', attack: '0 1/min' }, { eat: '1e6 1/min' }), { dtPhenotype: 60 });
      const sim = abmEngine.init(model, { seed, initialAgents: false, tEnd: 1, outputInterval: 0.1, snapshots: false, recordEvents: true });
      const w = sim.world;
      w.addAgent(0, 92, 100, 0);
      w.addAgent(1, 108, 100, 0);
      const prey = w.store.id[w.addAgent(2, 100, 100, 0)];
      const before = totalVolume(sim);
      sim.advance(0.1);
      const events = sim.events()!.filter((e) => e.kind === 'phagocytosis');
      expect(events).toHaveLength(1);
      expect(events[0].other).toBe(prey);
      expect(w.store.has(prey)).toBe(false);
      expect(w.store.n).toBe(2);
      expect(totalVolume(sim)).toBeCloseTo(before, 9);
      const eater = w.store.indexOf(events[0].agent);
      expect(w.store.volume[eater]).toBeCloseTo(1500, 9);
      expect(w.contacts.valid).toBe(false);
      w.refreshContacts();
      checkContacts(sim);
      winners.add(events[0].agent);
      sim.advance(1);
      expect(sim.events()!.filter((e) => e.kind === 'phagocytosis')).toHaveLength(1);
    }
    expect([...winners].sort()).toEqual([0, 1]);
  });

  it('an attack and a phagocytosis of the same prey in one step: one of them, never both', () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 24; seed++) {
      const model = compileSmall(two({ eat: '0 1/min', attack: '1e6 1/min' }, { eat: '1e6 1/min' }), { dtPhenotype: 60 });
      const sim = abmEngine.init(model, { seed, initialAgents: false, tEnd: 1, outputInterval: 0.1, snapshots: false, recordEvents: true });
      const w = sim.world;
      w.addAgent(0, 92, 100, 0);
      w.addAgent(1, 108, 100, 0);
      const prey = w.store.id[w.addAgent(2, 100, 100, 0)];
      sim.advance(0.1);
      const onPrey = sim.events()!.filter((e) => e.other === prey);
      expect(onPrey).toHaveLength(1);
      outcomes.add(onPrey[0].kind);
      if (onPrey[0].kind === 'attack') {
        expect(w.store.state[w.store.indexOf(prey)]).toBe(APOPTOTIC);
        // a dead prey is no live target: nothing more happens to it while it stays apoptotic
        sim.advance(1);
        expect(sim.events()!.filter((e) => e.other === prey)).toHaveLength(1);
      } else {
        expect(w.store.has(prey)).toBe(false);
      }
    }
    expect([...outcomes].sort()).toEqual(['attack', 'phagocytosis']);
  });

  it('in a busy niche no event ever involves a removed agent, attacks only hit live cells, and contact lists stay valid', () => {
    const model = compileSmall(`cell_types:
  B: {initial_number: 150, volume: 900 um^3, cycle_entry: 0.01 1/min, apoptosis: 0.01 1/min, apoptotic_clearance_time: 60 min,
      motility: {migration_speed: 2 um/min, persistence_time: 5 min}}
  T: {initial_number: 20, volume: 700 um^3, attack: {B: 0.2 1/min}, phagocytosis: {apoptotic: 0.2 1/min},
      motility: {migration_speed: 4 um/min, persistence_time: 5 min}}
  M: {initial_number: 20, volume: 1500 um^3, phagocytosis: {live: {B: 0.1 1/min}, apoptotic: 0.3 1/min},
      motility: {migration_speed: 3 um/min, persistence_time: 5 min}}`, { size: [200, 200, 20], dtDiffusion: 0.1, dtMechanics: 0.1, dtPhenotype: 6 });
    const sim = abmEngine.init(model, { seed: 5, tEnd: 600, outputInterval: 600, snapshots: false, recordEvents: true });
    const w = sim.world;
    const removed = new Set<number>();
    const dead = new Set<number>();
    let checked = 0;
    const steps = 6000;
    for (let k = 0; k < steps; k++) {
      const before = w.events!.length;
      w.step();
      for (const e of w.events!.slice(before)) {
        for (const id of [e.agent, e.other]) if (id >= 0 && removed.has(id)) throw new Error(`${e.kind} at ${e.time} involves removed agent ${id}`);
        if (e.kind === 'attack') {
          expect(dead.has(e.other)).toBe(false);
          dead.add(e.other);
        }
        if (e.kind === 'apoptosis' || e.kind === 'necrosis') dead.add(e.agent);
        if (e.kind === 'phagocytosis') removed.add(e.other);
        if (e.kind === 'removal') {
          expect(dead.has(e.agent)).toBe(true);
          removed.add(e.agent);
        }
        checked++;
      }
      for (const id of removed) if (w.store.has(id)) throw new Error(`removed agent ${id} is still in the store`);
      checkContacts(sim);
    }
    const kinds = new Set(w.events!.map((e) => e.kind));
    for (const k of ['attack', 'phagocytosis', 'apoptosis', 'division', 'removal'] as const) expect(kinds.has(k), k).toBe(true);
    expect(checked).toBeGreaterThan(100);
    // a fresh pass over the final state never lists a removed agent
    w.refreshContacts();
    checkContacts(sim);
    for (let a = 0; a < w.store.n; a++) {
      for (let m = w.contacts.start[a]; m < w.contacts.start[a] + w.contacts.count[a]; m++) expect(removed.has(w.store.id[w.contacts.list[m]])).toBe(false);
    }
  });

  it('phagocytosis of dead cells conserves the total volume at the step where it happens', () => {
    const model = compileSmall(`cell_types:
  M: {initial_number: 0, volume: 1500 um^3, phagocytosis: {apoptotic: 1e6 1/min, necrotic: 1e6 1/min}}
  B: {initial_number: 0, volume: 600 um^3}`, { dtPhenotype: 60 });
    const sim = abmEngine.init(model, { seed: 2, initialAgents: false, tEnd: 1, outputInterval: 0.1, snapshots: false, recordEvents: true });
    const w = sim.world;
    const m = w.store.id[w.addAgent(0, 100, 100, 0)];
    const b1 = w.addAgent(1, 109, 100, 0);
    w.store.state[b1] = APOPTOTIC;
    const b2 = w.addAgent(1, 100, 109, 0);
    w.store.state[b2] = 2;
    const before = totalVolume(sim);
    sim.advance(0.1);
    // both kinds are separate interactions: each removes its prey into the predator
    expect(sim.events()!.map((e) => e.kind)).toEqual(['phagocytosis', 'phagocytosis']);
    expect(w.store.n).toBe(1);
    expect(w.store.volume[w.store.indexOf(m)]).toBeCloseTo(1500 + 1200, 9);
    expect(totalVolume(sim)).toBeCloseTo(before, 9);
  });
});

describe('phenotype events', () => {
  it('a transformation keeps id, position and volume, and switches to the new type’s behaviours at once', () => {
    const model = compileSmall(`substrates:
  S: {unit: uM, diffusion_coefficient: 0, decay_rate: 0}
cell_types:
  A: {initial_number: 0, volume: 1000 um^3, transformation: {B: 10 1/min}}
  B: {initial_number: 0, volume: 2000 um^3, secretion: {S: {secretion_rate: 0.5 1/min, secretion_target: 3}}}`, { snapshotInterval: '6 min' });
    const sim = abmEngine.init(model, { seed: 9, initialAgents: false, tEnd: 6, outputInterval: 6, recordEvents: true });
    const w = sim.world;
    const a = w.addAgent(0, 63.2, 81.7, 0);
    const id = w.store.id[a];
    expect(w.store.srcS[a * w.store.sourceWidth]).toBe(0);
    const before = sim.snapshot();
    sim.advance(6);
    const after = sim.snapshot();
    expect(sim.events()!.map((e) => [e.kind, e.agent, e.detail])).toEqual([['transformation', id, 1]]);
    expect(after.agents.id[0]).toBe(id);
    expect(after.agents.type[0]).toBe(1);
    expect([after.agents.x[0], after.agents.y[0], after.agents.z[0]]).toEqual([before.agents.x[0], before.agents.y[0], before.agents.z[0]]);
    expect(after.agents.volume[0]).toBe(1000);
    const b = w.store.indexOf(id);
    expect(w.store.srcS[b * w.store.sourceWidth]).toBe(0.5);
    expect(w.store.srcT[b * w.store.sourceWidth]).toBe(3);
  });

  it('death stops secretion and keeps uptake at 0.1x the base rate; the dead cell is cleared later', () => {
    const model = compileSmall(`substrates:
  S: {unit: uM, diffusion_coefficient: 0, decay_rate: 0}
cell_types:
  A: {initial_number: 0, volume: 1000 um^3, apoptosis: 10 1/min, apoptotic_clearance_time: 30 min,
      secretion: {S: {secretion_rate: 0.5 1/min, secretion_target: 3, uptake_rate: 0.2 1/min}}}`);
    const sim = abmEngine.init(model, { seed: 4, initialAgents: false, tEnd: 2000, outputInterval: 6, snapshots: false, recordEvents: true });
    const w = sim.world;
    const id = w.store.id[w.addAgent(0, 100, 100, 0)];
    sim.advance(6);
    const a = w.store.indexOf(id);
    expect(w.store.state[a]).toBe(APOPTOTIC);
    expect([w.store.srcS[a], w.store.srcT[a], w.store.srcU[a], w.store.srcE[a]]).toEqual([0, 0, 0.1 * 0.2, 0]);
    expect(w.store.mx[a]).toBe(0);
    sim.advance(2000);
    expect(w.store.has(id)).toBe(false);
    expect(sim.events()!.map((e) => e.kind)).toEqual(['apoptosis', 'removal']);
  });

  it('division: the daughter gets a new id, the pair straddles the mother’s centre, volumes are the type’s', () => {
    const model = compileSmall(`cell_types:\n  A: {initial_number: 0, volume: 1000 um^3, cycle_entry: 10 1/min}`, { dtPhenotype: 6 });
    const sim = abmEngine.init(model, { seed: 11, initialAgents: false, tEnd: 6, outputInterval: 6, snapshots: false, recordEvents: true });
    const w = sim.world;
    w.addAgent(0, 80, 120, 0);
    sim.advance(6);
    const ev = sim.events()!;
    expect(ev.map((e) => [e.kind, e.agent, e.other])).toEqual([['division', 0, 1]]);
    const s = w.store;
    expect(s.n).toBe(2);
    // one mechanics step of symmetric repulsion after the division keeps the centre of mass
    expect((s.x[0] + s.x[1]) / 2).toBeCloseTo(80, 9);
    expect((s.y[0] + s.y[1]) / 2).toBeCloseTo(120, 9);
    const r = s.radius[0];
    const d = Math.hypot(s.x[0] - s.x[1], s.y[0] - s.y[1]);
    expect(d).toBeGreaterThan(r);
    expect(d).toBeLessThan(1.2 * r);
    expect([s.volume[0], s.volume[1]]).toEqual([1000, 1000]);
    expect(s.state[1]).toBe(LIVE);
  });

  it('influx follows its rule in space: agents arrive only where the signal is, at the expected rate', () => {
    // S is held at 1 on the boundary voxels (Dirichlet, no diffusion) and is 0 inside, so the
    // influx rule gives 2 * 1/(1+1) = 1 cell/min in the 36 boundary voxels of 100 and 0 elsewhere.
    const model = compileSmall(`substrates:
  S: {unit: uM, diffusion_coefficient: 0, decay_rate: 0, dirichlet_boundary: {enabled: true, value: 1}}
cell_types:
  A: {initial_number: 0, volume: 100 um^3}
rules:
  - {cell_type: A, signal: S, direction: increases, behaviour: influx, saturation: 2 cells/min, half_max: 1, hill_power: 1, evidence: [M001]}`, { size: [200, 200, 20] });
    const sim = abmEngine.init(model, { seed: 6, initialAgents: false, tEnd: 600, outputInterval: 600, snapshots: false });
    sim.advance(600);
    const s = sim.world.store;
    const expected = 0.36 * 1 * 600;
    expect(Math.abs(s.n - expected)).toBeLessThan(4 * Math.sqrt(expected));
    let inside = 0;
    for (let a = 0; a < s.n; a++) {
      const ring = s.x[a] < 25 || s.x[a] > 175 || s.y[a] < 25 || s.y[a] > 175;
      if (!ring) inside++;
    }
    expect(inside).toBe(0);
    expect(sim.world.behaviour(0, Layout.INFLUX)).toBeGreaterThan(0);
  });
});
