/**
 * Dirichlet boundaries in the agent-based engine follow BioFVM/PhysiCell 1.14: the held boundary
 * voxels are free unknowns of every LOD sweep and are overwritten with their value before and
 * after it (src/pde `dirichletScheme: 'overwrite'`), not identity rows of the tridiagonal systems.
 * At PhysiCell's time steps r = D·dt/dx² is large (2.5 for oxygen in the PhysiCell rules sample:
 * D = 1e5 um²/min, dt = 0.01 min, dx = 20 um), and the two schemes then give visibly different
 * fields: the overwrite scheme leaks, so a consuming tissue is less well supplied. PhysiCell's
 * hypoxic necrosis (and so its tumour counts) depends on that leak.
 */
import { describe, expect, it } from 'vitest';
import { abmEngine } from '../../src/engines/abm/index.js';
import { createMicroenvironment, createMesh, step } from '../../src/pde/index.js';
import { compileSmall } from '../cross-engine/abmModels.js';

/** Oxygen as in the PhysiCell rules sample, on a 200 x 200 um 2D domain with 20 um voxels. */
const OXYGEN = `substrates:
  O: {unit: uM, diffusion_coefficient: 100000 um^2/min, decay_rate: 0.1 1/min, initial_condition: 38, dirichlet_boundary: {enabled: true, value: 20}}
cell_types:
  T: {initial_number: 0, volume: 2494 um^3, secretion: {O: {uptake_rate: 10 1/min}}}`;

const model = () => compileSmall(OXYGEN, { size: [200, 200, 20], dtDiffusion: 0.01, dtMechanics: 0.1, dtPhenotype: 6, tEnd: '1 h' });

/** The field of src/pde alone after n steps of dt with a given Dirichlet scheme (no cells). */
function pdeField(scheme: 'implicit' | 'overwrite', n: number, dt: number): Float64Array {
  const mesh = createMesh({ xMin: 0, xMax: 200, yMin: 0, yMax: 200, zMin: 0, zMax: 20, dx: 20, dims: 2 });
  const c = { enabled: true, value: 20 };
  const env = createMicroenvironment(mesh, [{ name: 'O', diffusionCoefficient: 1e5, decayRate: 0.1, initialValue: 38, dirichlet: { faces: { xmin: c, xmax: c, ymin: c, ymax: c } } }], { dirichletScheme: scheme });
  for (let k = 0; k < n; k++) step(env, dt);
  return Float64Array.from(env.densities);
}

describe('Dirichlet boundaries of the agent-based engine (BioFVM overwrite scheme)', () => {
  it('by default the field is bit-identical to src/pde with dirichletScheme overwrite, and differs from the identity-row scheme', () => {
    const sim = abmEngine.init(model(), { seed: 1 });
    for (let k = 0; k < 100; k++) sim.world.step(); // 1 min, no agents
    const field = Array.from(sim.world.env.densities);
    const overwrite = pdeField('overwrite', 100, 0.01);
    const implicit = pdeField('implicit', 100, 0.01);
    expect(field).toEqual(Array.from(overwrite));
    // The schemes differ by far more than round-off at r = 2.5 (centre voxel).
    const centre = 5 * 10 + 5;
    expect(Math.abs(overwrite[centre] - implicit[centre])).toBeGreaterThan(0.05);
    expect(sim.world.dirichletScheme).toBe('overwrite');
  });

  it("option dirichletScheme: 'implicit' gives src/pde's identity-row scheme", () => {
    const sim = abmEngine.init(model(), { seed: 1, dirichletScheme: 'implicit' });
    for (let k = 0; k < 100; k++) sim.world.step();
    expect(Array.from(sim.world.env.densities)).toEqual(Array.from(pdeField('implicit', 100, 0.01)));
  });

  it('consuming cells in the middle see less oxygen with the overwrite scheme (the leak PhysiCell has)', () => {
    const centreO2 = (scheme: 'implicit' | 'overwrite'): number => {
      const agents = [];
      for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) agents.push({ type: 'T', x: 30 + 20 * i, y: 30 + 20 * j });
      const sim = abmEngine.init(model(), { seed: 1, initialAgents: false, agents, dirichletScheme: scheme });
      for (let k = 0; k < 3000; k++) sim.world.step(); // 30 min
      const w = sim.world;
      return w.env.densities[w.voxelAt(100, 100, 10)];
    };
    const overwrite = centreO2('overwrite');
    const implicit = centreO2('implicit');
    expect(overwrite).toBeLessThan(implicit * 0.97);
    expect(overwrite).toBeGreaterThan(0);
  });

  it('rejects an unknown scheme', () => {
    expect(() => abmEngine.init(model(), { seed: 1, dirichletScheme: 'ghost' as never })).toThrow(/dirichletScheme/);
  });
});
