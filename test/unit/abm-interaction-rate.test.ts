/**
 * Contact interactions in the agent-based engine scale with the number of eligible neighbours, as
 * in PhysiCell 1.14 (`standard_cell_cell_interactions` loops over the cell's neighbours and tries
 * each with probability rate·dt until one succeeds): a predator with k eligible neighbours acts
 * with probability 1 − exp(−k·r·dt) per mechanics step (option `contactInteractions:
 * 'per-neighbour'`, or the model's `spatial.contact_interactions`, which the PhysiCell importer
 * sets), not 1 − exp(−r·dt) whatever k ('per-predator', the default: the mean-field engine's
 * closure). Counted here with attacks that only add damage (nobody dies or moves).
 */
import { describe, expect, it } from 'vitest';
import { abmEngine, type AbmSimulation } from '../../src/engines/abm/index.js';
import { compileSmall } from '../cross-engine/abmModels.js';

/** Agents that neither move nor push each other. */
const STILL = { repulsion: 0, adhesion: 0 };
const r = 0.02;

const model = () => compileSmall(`cell_types:
  T: {initial_number: 0, volume: 700 um^3, attack: {B: ${r} 1/min}, attack_damage_rate: 1 1/min, attack_duration: 1 min}
  B: {initial_number: 0, volume: 900 um^3}`, { size: [400, 400, 20], dtDiffusion: 0.1, dtMechanics: 0.1, dtPhenotype: 6, tEnd: '10 h', outputInterval: '1 h', snapshotInterval: '10 h' });

/** Attackers, each with k targets in contact (8 um away; the radii add up to about 11.5 um), groups far apart. */
function place(sim: AbmSimulation, k: number): void {
  const w = sim.world;
  for (const y of [50, 150, 250, 350]) {
    for (const x of [50, 150, 250, 350]) {
      w.addAgent(0, x, y, 0);
      for (let j = 0; j < k; j++) w.addAgent(1, x + 8 * Math.cos((2 * Math.PI * j) / k), y + 8 * Math.sin((2 * Math.PI * j) / k), 0);
    }
  }
}

function attacks(k: number, closure?: 'per-neighbour' | 'per-predator'): { count: number; steps: number; attackers: number } {
  const sim = abmEngine.init(model(), { seed: 5, initialAgents: false, recordEvents: true, mechanics: STILL, ...(closure ? { contactInteractions: closure } : {}) });
  place(sim, k);
  sim.advance(600);
  const count = sim.events()!.filter((e) => e.kind === 'attack').length;
  return { count, steps: sim.world.mechanicsSteps, attackers: 16 };
}

/** |observed − n·p| < 5 sd of a binomial(n, p). */
function expectBinomial(count: number, n: number, p: number): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - n * p), `count ${count} vs mean ${(n * p).toFixed(1)} ± ${sd.toFixed(1)}`).toBeLessThan(5 * sd);
}

describe('contact interactions: rate per eligible neighbour (PhysiCell)', () => {
  it('an attacker with 4 targets in contact attacks at 4r per neighbour (PhysiCell), at r per predator (the default, the mean-field closure)', () => {
    const one = attacks(1, 'per-neighbour');
    const four = attacks(4, 'per-neighbour');
    const perPredator = attacks(4);
    const dt = 0.1;
    expectBinomial(one.count, one.attackers * one.steps, -Math.expm1(-r * dt));
    expectBinomial(four.count, four.attackers * four.steps, -Math.expm1(-4 * r * dt));
    expectBinomial(perPredator.count, perPredator.attackers * perPredator.steps, -Math.expm1(-r * dt));
    expect(four.count).toBeGreaterThan(3 * one.count);
  });

  it("the model's spatial.contact_interactions is the engine's default", () => {
    const m = model();
    const sim = abmEngine.init({ ...m, spatial: { ...m.spatial, contactInteractions: 'per-neighbour' } }, { seed: 5, initialAgents: false });
    expect(sim.result().manifest.engineSettings.contactInteractions).toBe('per-neighbour');
    expect(abmEngine.init(m, { seed: 5, initialAgents: false }).result().manifest.engineSettings.contactInteractions).toBe('per-predator');
  });

  it('rejects an unknown closure', () => {
    expect(() => abmEngine.init(model(), { seed: 1, contactInteractions: 'per-pair' as never })).toThrow(/contactInteractions/);
  });
});
