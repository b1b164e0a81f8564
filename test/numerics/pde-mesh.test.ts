/**
 * Mesh geometry and input validation of the diffusion–decay microenvironment (test 10 of the PDE
 * verification plan, plus the mesh's index arithmetic). Exact checks (integers, exact arithmetic)
 * unless a tolerance is stated.
 */
import { describe, expect, it } from 'vitest';
import { createMesh } from '../../src/pde/mesh.js';
import {
  createMicroenvironment, setDecayRate, setDensity, setDiffusionCoefficient, setDirichletVoxel,
  setFaceDirichlet, step, substrateIndex, applyCellSourcesSinks, computeGradient, type Face,
} from '../../src/pde/microenvironment.js';

describe('createMesh', () => {
  it('counts voxels, centres and volume in 1D, 2D and 3D (lengths in um)', () => {
    const m1 = createMesh({ xMin: -50, xMax: 50, dx: 10, dims: 1 });
    expect([m1.nx, m1.ny, m1.nz, m1.nVoxels]).toEqual([10, 1, 1, 10]);
    expect(m1.xCentres[0]).toBe(-45);
    expect(m1.xCentres[9]).toBe(45);
    expect(m1.voxelVolume).toBe(1000); // inactive axes are one voxel of thickness dx by default

    const m2 = createMesh({ xMin: 0, xMax: 200, yMin: 0, yMax: 100, zMin: -10, zMax: 10, dx: 20, dy: 10, dims: 2 });
    expect([m2.nx, m2.ny, m2.nz, m2.nVoxels]).toEqual([10, 10, 1, 100]);
    expect(m2.dz).toBe(20); // PhysiCell's 2D layer [-dz/2, dz/2]
    expect(m2.voxelVolume).toBe(20 * 10 * 20);
    expect(m2.yCentres[3]).toBe(35);

    const m3 = createMesh({ xMin: 0, xMax: 30, yMin: 0, yMax: 40, zMin: 0, zMax: 50, dx: 10, dims: 3 });
    expect([m3.nx, m3.ny, m3.nz, m3.nVoxels]).toEqual([3, 4, 5, 60]);
    expect(m3.voxelVolume).toBe(1000);
  });

  it('maps points to voxels (x fastest: i + nx*(j + ny*l)) and back', () => {
    const m = createMesh({ xMin: 0, xMax: 30, yMin: 0, yMax: 40, zMin: 0, zMax: 50, dx: 10, dims: 3 });
    expect(m.voxelIndex(0, 0, 0)).toBe(0);
    expect(m.voxelIndex(15, 0, 0)).toBe(1);
    expect(m.voxelIndex(0, 15, 0)).toBe(3);
    expect(m.voxelIndex(0, 0, 15)).toBe(12);
    expect(m.voxelIndex(30, 40, 50)).toBe(59); // upper faces belong to the last voxel
    expect(m.index(2, 3, 4)).toBe(59);
    const ijk = m.voxelCoordinates(m.index(1, 2, 3), [0, 0, 0]);
    expect(Array.from(ijk)).toEqual([1, 2, 3]);
    const c = m.voxelCentre(m.index(1, 2, 3), new Float64Array(3));
    expect(Array.from(c)).toEqual([15, 25, 35]);
    for (let v = 0; v < m.nVoxels; v++) {
      m.voxelCentre(v, c);
      expect(m.voxelIndex(c[0], c[1], c[2])).toBe(v);
    }
  });

  it('throws RangeError outside the domain, while voxelIndexClamped clamps', () => {
    const m = createMesh({ xMin: 0, xMax: 100, yMin: 0, yMax: 100, dx: 10, dims: 2 });
    expect(() => m.voxelIndex(-0.001, 5, 0)).toThrow(RangeError);
    expect(() => m.voxelIndex(5, 100.5, 0)).toThrow(/y = 100.5 um is outside the domain/);
    expect(() => m.voxelIndex(Number.NaN, 5, 0)).toThrow(RangeError);
    expect(m.voxelIndex(5, 5, 1e9)).toBe(0); // z ignored in 2D
    expect(m.voxelIndexClamped(-50, 5, 0)).toBe(0);
    expect(m.voxelIndexClamped(500, 500, 0)).toBe(99);
    expect(m.voxelIndexClamped(55, -1, 0)).toBe(5);
    expect(() => m.voxelCentre(100, [0, 0, 0])).toThrow(RangeError);
    expect(() => m.index(10, 0, 0)).toThrow(RangeError);
  });

  it('rejects invalid meshes with a RangeError naming the problem (test 10)', () => {
    expect(() => createMesh({ xMin: 0, xMax: 100, dx: 30, dims: 1 })).toThrow(/not a whole multiple of the voxel size dx = 30/);
    expect(() => createMesh({ xMin: 0, xMax: 100, yMin: 0, yMax: 100, dx: 10, dy: 7, dims: 2 })).toThrow(/y extent/);
    expect(() => createMesh({ xMin: 0, xMax: 100, dx: -10, dims: 1 })).toThrow(/dx must be > 0/);
    expect(() => createMesh({ xMin: 0, xMax: 100, dx: 0, dims: 1 })).toThrow(RangeError);
    expect(() => createMesh({ xMin: 100, xMax: 0, dx: 10, dims: 1 })).toThrow(/must be greater than xMin/);
    expect(() => createMesh({ xMin: 0, xMax: Number.NaN, dx: 10, dims: 1 })).toThrow(/xMax must be a finite number/);
    expect(() => createMesh({ xMin: 0, xMax: 100, dx: 10, dims: 2 })).toThrow(/yMin must be a finite number/);
    expect(() => createMesh({ xMin: 0, xMax: 100, dx: 10, dims: 4 as 3 })).toThrow(/dims must be 1, 2 or 3/);
    // Within 1e-9 relative is accepted (floating-point extents such as 0.3/0.1).
    expect(createMesh({ xMin: 0, xMax: 0.3, dx: 0.1, dims: 1 }).nx).toBe(3);
    expect(() => createMesh({ xMin: 0, xMax: 100 * (1 + 1e-7), dx: 10, dims: 1 })).toThrow(RangeError);
  });
});

describe('createMicroenvironment validation (test 10)', () => {
  const mesh = createMesh({ xMin: 0, xMax: 100, yMin: 0, yMax: 100, dx: 10, dims: 2 });
  const ok = { name: 'o2', diffusionCoefficient: 1e5, decayRate: 0.1, initialValue: 38 };

  it('rejects negative D, NaN λ, negative initial values, duplicate names, unknown faces', () => {
    expect(() => createMicroenvironment(mesh, [{ ...ok, diffusionCoefficient: -1 }])).toThrow(
      /substrate 0 \("o2"\): diffusionCoefficient \(um\^2\/min\) must be a finite number ≥ 0 \(got -1\)/,
    );
    expect(() => createMicroenvironment(mesh, [{ ...ok, decayRate: Number.NaN }])).toThrow(/decayRate \(1\/min\) must be a finite number ≥ 0 \(got NaN\)/);
    expect(() => createMicroenvironment(mesh, [{ ...ok, initialValue: -0.5 }])).toThrow(/initialValue/);
    expect(() => createMicroenvironment(mesh, [ok, ok])).toThrow(/duplicate substrate name/);
    expect(() => createMicroenvironment(mesh, [{ ...ok, name: '' }])).toThrow(/non-empty/);
    expect(() =>
      createMicroenvironment(mesh, [{ ...ok, dirichlet: { faces: { top: { enabled: true, value: 1 } } as never } }]),
    ).toThrow(/unknown face "top"/);
    expect(() =>
      createMicroenvironment(mesh, [{ ...ok, dirichlet: { faces: { xmin: { enabled: true, value: -1 } } } }]),
    ).toThrow(/Dirichlet value must be a finite number ≥ 0/);
    expect(() => createMicroenvironment(mesh, [ok], { dirichletScheme: 'bogus' as 'implicit' })).toThrow(/dirichletScheme/);
  });

  it('rejects bad runtime parameters with RangeError', () => {
    const env = createMicroenvironment(mesh, [ok]);
    expect(() => step(env, 0)).toThrow(/dt must be a finite number > 0/);
    expect(() => step(env, Number.NaN)).toThrow(RangeError);
    expect(() => setDiffusionCoefficient(env, 0, -3)).toThrow(/diffusion coefficient of "o2"/);
    expect(() => setDecayRate(env, 0, Number.NaN)).toThrow(/decay rate of "o2"/);
    expect(() => setDecayRate(env, 1, 0.1)).toThrow(/substrate index 1 is outside/);
    expect(() => setDensity(env, 0, 100, 1)).toThrow(/voxel index 100/);
    expect(() => setDensity(env, 0, 0, -1)).toThrow(/density must be a finite number ≥ 0/);
    expect(() => setDirichletVoxel(env, 0, 3, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => setFaceDirichlet(env, 0, 'up' as Face, { enabled: true, value: 1 })).toThrow(/unknown face/);
    expect(() => substrateIndex(env, 'glucose')).toThrow(/unknown substrate "glucose" \(known: o2\)/);
    expect(substrateIndex(env, 'o2')).toBe(0);
    expect(() => applyCellSourcesSinks(env, 0, 0, -1, 1, 1, 0, 0, 0.01)).toThrow(RangeError);
    expect(() => applyCellSourcesSinks(env, 0, 0, 1000, 1, 1, 0, 0, 0)).toThrow(RangeError);
    expect(() => applyCellSourcesSinks(env, 0, 1.5, 1000, 1, 1, 0, 0, 0.01)).toThrow(RangeError);
    expect(() => computeGradient(env, 0, -1, new Float64Array(3))).toThrow(RangeError);
    expect(() => step({ mesh, substrateNames: [], nSubstrates: 0, densities: new Float64Array(0) }, 0.01)).toThrow(TypeError);
  });

  it('allows zero substrates and two independent microenvironments', () => {
    const empty = createMicroenvironment(mesh, []);
    expect(() => step(empty, 0.01)).not.toThrow();
    const a = createMicroenvironment(mesh, [ok]);
    const b = createMicroenvironment(mesh, [{ ...ok, initialValue: 1 }]);
    setDensity(a, 0, 5, 100);
    step(a, 0.01);
    expect(b.densities.every((v) => v === 1)).toBe(true);
  });
});
