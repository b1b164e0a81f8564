/**
 * The diffusion step skips a substrate whose field is +0 everywhere (the sweeps would map it to +0
 * exactly): such a field stays +0 bit for bit, and a field with one nonzero value anywhere (even
 * the last voxel, or a −0) is swept as before.
 */
import { describe, expect, it } from 'vitest';
import { createMesh } from '../../src/pde/mesh.js';
import { createMicroenvironment, step } from '../../src/pde/microenvironment.js';

describe('all-zero fields', () => {
  const mesh = createMesh({ xMin: 0, xMax: 220, yMin: 0, yMax: 140, dx: 20, dims: 2 }); // 11 × 7 (odd word count tail)
  const specs = [
    { name: 'zero', diffusionCoefficient: 100, decayRate: 0.1, initialValue: 0 },
    { name: 'last', diffusionCoefficient: 100, decayRate: 0.1, initialValue: 0 },
    { name: 'held', diffusionCoefficient: 100, decayRate: 0, initialValue: 0, dirichlet: { faces: { ymax: { enabled: true, value: 0 } } } },
  ];

  it('a +0 field stays +0 in every voxel; a field nonzero only in its last voxel is swept', () => {
    const env = createMicroenvironment(mesh, specs);
    const nV = mesh.nVoxels;
    env.densities[2 * nV - 1] = 1; // substrate 'last', last voxel
    // the same field swept alone in a microenvironment of its own, as reference
    const ref = createMicroenvironment(mesh, [specs[1]]);
    ref.densities[nV - 1] = 1;
    for (let n = 0; n < 20; n++) {
      step(env, 0.1);
      step(ref, 0.1);
    }
    for (let v = 0; v < nV; v++) {
      expect(Object.is(env.densities[v], 0)).toBe(true);
      expect(Object.is(env.densities[2 * nV + v], 0)).toBe(true);
    }
    expect(Array.from(env.densities.subarray(nV, 2 * nV))).toEqual(Array.from(ref.densities));
    expect(env.densities[nV]).toBeGreaterThan(0); // spread to the first voxel
  });

  it('a field of −0 values is not taken for +0 (it is swept)', () => {
    const env = createMicroenvironment(mesh, [specs[0]]);
    env.densities[5] = -0;
    step(env, 0.1);
    // the sweep maps the line through −0·inv + g·(+0) = +0
    expect(Object.is(env.densities[5], 0)).toBe(true);
  });
});
