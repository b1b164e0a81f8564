/**
 * BioFVM-class diffusion–decay microenvironment (layer 3, no Node-only API).
 *
 * For each substrate k on a uniform Cartesian voxel mesh ({@link Mesh}):
 *
 *     ∂ρ_k/∂t = D_k ∇²ρ_k − λ_k ρ_k + sources/sinks,
 *
 * with zero-flux (Neumann) boundaries by default, optional Dirichlet conditions per substrate on
 * each domain face and on individual interior voxels.
 *
 * Units: lengths in micrometres (um), time in minutes (min), D in um^2/min, λ in 1/min, densities
 * in the substrate's own concentration unit (written [c] below), volumes in um^3, amounts in
 * [c]·um^3.
 *
 * Layout: all densities live in one `Float64Array` flattened `[nSubstrates][nz][ny][nx]`:
 * substrate k, voxel v (see {@link Mesh} for v = i + nx·(j + ny·l)) is at `k·nVoxels + v`.
 *
 * Method (one call of {@link step}): the implicit, first-order, locally one-dimensional (LOD)
 * operator splitting of BioFVM. With d = mesh.dims sweeps (x, then y, then z), each sweep solves
 * the backward-Euler tridiagonal system along every grid line of that axis,
 *
 *     −r ρ'_{i−1} + (1 + 2r + λΔt/d) ρ'_i − r ρ'_{i+1} = ρ_i,   r = D Δt / h²,
 *
 * with the end rows (1 + r + λΔt/d) for zero flux (a line of one voxel has the single entry
 * 1 + λΔt/d), by the Thomas algorithm whose coefficients are precomputed once per Δt and cached.
 * The decay is split evenly among the d sweeps, so a spatially uniform field (or any field when
 * D = 0) is multiplied by exactly (1 + λΔt/d)^(−d) per step — not 1/(1 + λΔt) — as in BioFVM.
 * The scheme is unconditionally stable, first order in time and second order in space, and keeps
 * nonnegative data nonnegative (every arithmetic operation of the sweep is a sum of nonnegative
 * terms). The Thomas coefficients are computed in double-double precision and rounded once, so
 * that with λ = 0 and zero flux the total amount drifts by only ~1e-16 relative per step.
 *
 * Precedence of Dirichlet values on one voxel: interior conditions over face conditions; among
 * faces the later in {@link FACES} order (edges and corners).
 *
 * Dirichlet voxels (per substrate: the voxels of enabled faces, plus interior voxels) are held at
 * their value. Two schemes ({@link MicroenvironmentOptions.dirichletScheme}):
 * - 'implicit' (default): a held voxel is an identity row of every tridiagonal system it lies on
 *   (its neighbours see it as a known value within the implicit solve). Values are written before
 *   the first and after the last sweep; in between the identity rows keep them bit-exact, so the
 *   intermediate overwrites of BioFVM would be no-ops. Lines that contain held voxels use Thomas
 *   coefficients specific to their pattern of held voxels (cached like the others; see lod.ts).
 *   In 1D the steady state is then independent of Δt; in 2D/3D the only Δt-dependence left is the
 *   O(Δt) LOD splitting error (e.g. ≈6% relative L2 near a held point source in 3D at
 *   r = DΔt/h² = 0.16; it halves with Δt).
 * - 'overwrite': exactly BioFVM/PhysiCell — held voxels are free unknowns of the sweeps and are
 *   overwritten with their value before the first sweep and after every sweep. Its error near a
 *   held voxel grows with r = DΔt/h² (first order in Δt); use it to reproduce PhysiCell output.
 * In both, a held voxel reads exactly its value after any step, whatever Δt or number of substeps.
 *
 * References:
 * - A. Ghaffarizadeh, S.H. Friedman, P. Macklin (2016) "BioFVM: an efficient, parallelized
 *   diffusive transport solver for 3-D biological simulations", Bioinformatics 32(8):1256-1258,
 *   doi:10.1093/bioinformatics/btv730 (LOD scheme, Thomas coefficients, cell source/sink update).
 * - A. Ghaffarizadeh et al. (2018) "PhysiCell: an open source physics-based cell simulator for 3-D
 *   multicellular systems", PLoS Comput Biol 14(2):e1005991, doi:10.1371/journal.pcbi.1005991
 *   (per-cell secretion/uptake semantics, gradients).
 * - L.H. Thomas (1949), tridiagonal matrix algorithm; see e.g. W.H. Press et al., Numerical
 *   Recipes, 3rd ed., §2.4.
 */

import type { Mesh } from './mesh.js';
import { buildHeldCoefficients, sweepHeld, sweepLines, sweepRows, thomasCoefficients, type HeldCoefficients } from './lod.js';

/** A domain face. In 1D only x faces exist, in 2D x and y faces; conditions on absent faces are ignored. */
export type Face = 'xmin' | 'xmax' | 'ymin' | 'ymax' | 'zmin' | 'zmax';

/** All faces, in the order in which face conditions are applied (a later face wins at edges/corners). */
export const FACES: readonly Face[] = ['xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax'];

/** A Dirichlet condition on a face: when enabled, the boundary voxels of that face are held at `value` ([c], ≥ 0). */
export interface DirichletCondition {
  enabled: boolean;
  value: number;
}

/**
 * Declaration of one substrate.
 * - name: unique, non-empty.
 * - diffusionCoefficient D: um^2/min, finite, ≥ 0.
 * - decayRate λ: 1/min, finite, ≥ 0.
 * - initialValue: [c], finite, ≥ 0 (uniform initial field).
 * - dirichlet.faces: optional per-face Dirichlet conditions (default: none, i.e. zero flux). The
 *   held voxels are the outermost voxel layer of the face (as in BioFVM), not ghost points.
 */
export interface SubstrateSpec {
  name: string;
  diffusionCoefficient: number;
  decayRate: number;
  initialValue: number;
  dirichlet?: { faces?: Partial<Record<Face, DirichletCondition>> };
}

/**
 * A microenvironment: a mesh, per-substrate parameters and boundary conditions, and the density
 * field. Created by {@link createMicroenvironment}; a plain value without globals (any number can
 * coexist). Operate on it with the functions of this module.
 */
export interface Microenvironment {
  /** The voxel mesh. */
  readonly mesh: Mesh;
  /** Substrate names, index k = position. */
  readonly substrateNames: readonly string[];
  /** Number of substrates. */
  readonly nSubstrates: number;
  /**
   * All densities ([c]), flattened `[nSubstrates][nz][ny][nx]` (index k·nVoxels + voxel). May be
   * read and written directly (values must stay finite and ≥ 0); Dirichlet voxels are reset to
   * their value at the next {@link step}.
   */
  readonly densities: Float64Array;
}

/** Options of {@link createMicroenvironment}. */
export interface MicroenvironmentOptions {
  /**
   * How Dirichlet voxels enter the sweeps (see the module comment): 'implicit' (default, identity
   * rows in the tridiagonal systems) or 'overwrite' (BioFVM/PhysiCell: overwrite before and after
   * each sweep only).
   */
  dirichletScheme?: 'implicit' | 'overwrite';
}

const FACE_SET: ReadonlySet<string> = new Set(FACES);

class MicroenvironmentImpl implements Microenvironment {
  readonly mesh: Mesh;
  readonly substrateNames: readonly string[];
  readonly nSubstrates: number;
  readonly densities: Float64Array;
  /** The bits of `densities` as 32-bit words (two per value), to test for +0 fields. */
  readonly densityWords: Int32Array;

  /** D_k (um^2/min) and λ_k (1/min). */
  readonly diff: Float64Array;
  readonly decay: Float64Array;
  /** Bumped whenever D or λ changes; part of the coefficient-cache key. */
  paramVersion = 0;

  /** Face conditions per substrate (a copy of the user's, validated). */
  readonly faces: Array<Record<Face, DirichletCondition>>;
  /** Interior Dirichlet voxels per substrate: voxel → value. */
  readonly interior: Array<Map<number, number>>;
  /** Compiled Dirichlet lists per substrate: absolute indices into `densities`, and values. */
  dirIndex: Int32Array[] = [];
  dirValue: Float64Array[] = [];
  dirDirty = true;
  /** Bumped whenever the compiled Dirichlet lists change; part of the coefficient-cache key. */
  dirVersion = 0;
  /** 'implicit' or 'overwrite' (see MicroenvironmentOptions). */
  readonly implicitDirichlet: boolean;
  /** Coefficients of substrates that hold voxels (implicit scheme only), else null. */
  heldCoef: Array<HeldCoefficients | null> = [];

  /** Thomas coefficients per axis, flattened [nSubstrates][n_axis]: inv = 1/denominator, g = r/denominator. */
  readonly invX: Float64Array;
  readonly gX: Float64Array;
  readonly invY: Float64Array;
  readonly gY: Float64Array;
  readonly invZ: Float64Array;
  readonly gZ: Float64Array;
  /** 1 if substrate k changes under diffusion/decay (D > 0 or λ > 0), else 0. */
  readonly active: Uint8Array;
  cachedDt = Number.NaN;
  cachedVersion = -1;
  cachedDirVersion = -1;

  constructor(mesh: Mesh, specs: readonly SubstrateSpec[], implicitDirichlet: boolean) {
    this.mesh = mesh;
    this.implicitDirichlet = implicitDirichlet;
    const n = specs.length;
    this.nSubstrates = n;
    this.substrateNames = Object.freeze(specs.map((s) => s.name));
    this.densities = new Float64Array(n * mesh.nVoxels);
    this.densityWords = new Int32Array(this.densities.buffer, this.densities.byteOffset, 2 * this.densities.length);
    this.diff = new Float64Array(n);
    this.decay = new Float64Array(n);
    this.faces = [];
    this.interior = [];
    for (let k = 0; k < n; k++) {
      const s = specs[k];
      this.diff[k] = s.diffusionCoefficient;
      this.decay[k] = s.decayRate;
      this.densities.fill(s.initialValue, k * mesh.nVoxels, (k + 1) * mesh.nVoxels);
      const f = {} as Record<Face, DirichletCondition>;
      for (const face of FACES) {
        const c = s.dirichlet?.faces?.[face];
        f[face] = c ? { enabled: c.enabled, value: c.value } : { enabled: false, value: 0 };
      }
      this.faces.push(f);
      this.interior.push(new Map());
    }
    this.invX = new Float64Array(n * mesh.nx);
    this.gX = new Float64Array(n * mesh.nx);
    this.invY = new Float64Array(n * mesh.ny);
    this.gY = new Float64Array(n * mesh.ny);
    this.invZ = new Float64Array(n * mesh.nz);
    this.gZ = new Float64Array(n * mesh.nz);
    this.active = new Uint8Array(n);
    for (let k = 0; k < n; k++) this.heldCoef.push(null);
  }
}

function impl(env: Microenvironment): MicroenvironmentImpl {
  if (!(env instanceof MicroenvironmentImpl)) {
    throw new TypeError('expected a Microenvironment created by createMicroenvironment');
  }
  return env;
}

function checkNonNegative(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`${what} must be a finite number ≥ 0 (got ${String(v)})`);
  }
  return v;
}

function checkSubstrate(e: MicroenvironmentImpl, k: number, fn: string): void {
  if (!Number.isInteger(k) || k < 0 || k >= e.nSubstrates) {
    throw new RangeError(`${fn}: substrate index ${k} is outside [0, ${e.nSubstrates})`);
  }
}

function checkVoxel(e: MicroenvironmentImpl, voxel: number, fn: string): void {
  if (!Number.isInteger(voxel) || voxel < 0 || voxel >= e.mesh.nVoxels) {
    throw new RangeError(`${fn}: voxel index ${voxel} is outside [0, ${e.mesh.nVoxels})`);
  }
}

function checkCondition(where: string, c: unknown): DirichletCondition {
  if (c === null || typeof c !== 'object' || typeof (c as DirichletCondition).enabled !== 'boolean') {
    throw new RangeError(`${where}: a Dirichlet condition must be {enabled: boolean, value: number}`);
  }
  checkNonNegative(`${where}: Dirichlet value`, (c as DirichletCondition).value);
  return c as DirichletCondition;
}

/**
 * Creates a microenvironment on `mesh` with the given substrates (index k = position in the
 * array). Densities start at each substrate's `initialValue`; voxels under an enabled Dirichlet
 * face condition start at the condition's value. `options.dirichletScheme` chooses how held voxels
 * enter the implicit sweeps (default 'implicit'; 'overwrite' reproduces BioFVM/PhysiCell).
 *
 * @throws RangeError with a message naming the substrate and field when a name is empty or
 *   duplicated, D or λ or the initial value is not a finite number ≥ 0, a face name is unknown,
 *   or a Dirichlet value is not a finite number ≥ 0.
 */
export function createMicroenvironment(
  mesh: Mesh, substrates: readonly SubstrateSpec[], options: MicroenvironmentOptions = {},
): Microenvironment {
  const scheme = options.dirichletScheme ?? 'implicit';
  if (scheme !== 'implicit' && scheme !== 'overwrite') {
    throw new RangeError(
      `createMicroenvironment: dirichletScheme must be 'implicit' or 'overwrite' (got ${String(scheme)})`,
    );
  }
  if (!mesh || typeof mesh.nVoxels !== 'number') {
    throw new RangeError('createMicroenvironment: a mesh from createMesh is required');
  }
  if (!Array.isArray(substrates)) {
    throw new RangeError('createMicroenvironment: substrates must be an array');
  }
  const seen = new Set<string>();
  for (let k = 0; k < substrates.length; k++) {
    const s = substrates[k];
    const where = `createMicroenvironment: substrate ${k}${s && typeof s.name === 'string' ? ` ("${s.name}")` : ''}`;
    if (!s || typeof s.name !== 'string' || s.name.length === 0) {
      throw new RangeError(`${where}: name must be a non-empty string`);
    }
    if (seen.has(s.name)) throw new RangeError(`${where}: duplicate substrate name`);
    seen.add(s.name);
    checkNonNegative(`${where}: diffusionCoefficient (um^2/min)`, s.diffusionCoefficient);
    checkNonNegative(`${where}: decayRate (1/min)`, s.decayRate);
    checkNonNegative(`${where}: initialValue`, s.initialValue);
    const faces = s.dirichlet?.faces;
    if (faces !== undefined) {
      if (faces === null || typeof faces !== 'object') {
        throw new RangeError(`${where}: dirichlet.faces must be an object keyed by face`);
      }
      for (const [face, c] of Object.entries(faces)) {
        if (!FACE_SET.has(face)) {
          throw new RangeError(`${where}: unknown face "${face}" (expected one of ${FACES.join(', ')})`);
        }
        if (c !== undefined) checkCondition(`${where}, face ${face}`, c);
      }
    }
  }
  const env = new MicroenvironmentImpl(mesh, substrates, scheme === 'implicit');
  compileDirichlet(env);
  applyAllDirichlet(env);
  return env;
}

/**
 * Index of the substrate called `name`.
 * @throws RangeError if there is no such substrate.
 */
export function substrateIndex(env: Microenvironment, name: string): number {
  const k = env.substrateNames.indexOf(name);
  if (k < 0) {
    throw new RangeError(
      `substrateIndex: unknown substrate "${name}" (known: ${env.substrateNames.join(', ') || 'none'})`,
    );
  }
  return k;
}

/** Diffusion coefficient of substrate k (um^2/min). @throws RangeError on a bad index. */
export function getDiffusionCoefficient(env: Microenvironment, k: number): number {
  const e = impl(env);
  checkSubstrate(e, k, 'getDiffusionCoefficient');
  return e.diff[k];
}

/** Decay rate of substrate k (1/min). @throws RangeError on a bad index. */
export function getDecayRate(env: Microenvironment, k: number): number {
  const e = impl(env);
  checkSubstrate(e, k, 'getDecayRate');
  return e.decay[k];
}

/**
 * Sets the diffusion coefficient of substrate k (um^2/min); invalidates the cached Thomas
 * coefficients. @throws RangeError if D is not a finite number ≥ 0 or k is out of range.
 */
export function setDiffusionCoefficient(env: Microenvironment, k: number, D: number): void {
  const e = impl(env);
  checkSubstrate(e, k, 'setDiffusionCoefficient');
  checkNonNegative(`setDiffusionCoefficient: diffusion coefficient of "${e.substrateNames[k]}" (um^2/min)`, D);
  e.diff[k] = D;
  e.paramVersion++;
}

/**
 * Sets the decay rate of substrate k (1/min); invalidates the cached Thomas coefficients.
 * @throws RangeError if λ is not a finite number ≥ 0 or k is out of range.
 */
export function setDecayRate(env: Microenvironment, k: number, lambda: number): void {
  const e = impl(env);
  checkSubstrate(e, k, 'setDecayRate');
  checkNonNegative(`setDecayRate: decay rate of "${e.substrateNames[k]}" (1/min)`, lambda);
  e.decay[k] = lambda;
  e.paramVersion++;
}

/** Density of substrate k in a voxel ([c]). @throws RangeError on a bad substrate or voxel index. */
export function getDensity(env: Microenvironment, k: number, voxel: number): number {
  const e = impl(env);
  checkSubstrate(e, k, 'getDensity');
  checkVoxel(e, voxel, 'getDensity');
  return e.densities[k * e.mesh.nVoxels + voxel];
}

/**
 * Sets the density of substrate k in a voxel ([c]). A Dirichlet voxel is reset to its value at
 * the next step. @throws RangeError on a bad index or a value that is not finite and ≥ 0.
 */
export function setDensity(env: Microenvironment, k: number, voxel: number, value: number): void {
  const e = impl(env);
  checkSubstrate(e, k, 'setDensity');
  checkVoxel(e, voxel, 'setDensity');
  checkNonNegative('setDensity: density', value);
  e.densities[k * e.mesh.nVoxels + voxel] = value;
}

/**
 * A view (no copy) of substrate k's densities, length nVoxels, flattened `[nz][ny][nx]`.
 * Allocates a small view object: do not call in a per-voxel loop.
 * @throws RangeError on a bad index.
 */
export function substrateDensities(env: Microenvironment, k: number): Float64Array {
  const e = impl(env);
  checkSubstrate(e, k, 'substrateDensities');
  const n = e.mesh.nVoxels;
  return e.densities.subarray(k * n, (k + 1) * n);
}

/**
 * Total amount of substrate k in the domain, Σ_v ρ_v · V_voxel ([c]·um^3), summed with Neumaier
 * compensated summation (so that conservation can be checked to ~1e-15 relative).
 * @throws RangeError on a bad index.
 */
export function totalAmount(env: Microenvironment, k: number): number {
  const e = impl(env);
  checkSubstrate(e, k, 'totalAmount');
  const n = e.mesh.nVoxels;
  const rho = e.densities;
  let sum = 0;
  let comp = 0;
  for (let v = k * n, end = (k + 1) * n; v < end; v++) {
    const x = rho[v];
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return (sum + comp) * e.mesh.voxelVolume;
}

// ---------------------------------------------------------------------------------------------
// Dirichlet conditions

/**
 * Sets (or disables) the Dirichlet condition of substrate k on one face. Enabling it sets the
 * face's boundary voxels to the value at once. Faces absent from the mesh's dimension (y faces in
 * 1D, z faces in 1D/2D) are stored but have no effect. Other substrates are never touched.
 * @throws RangeError on a bad index, unknown face, or a value that is not finite and ≥ 0.
 */
export function setFaceDirichlet(env: Microenvironment, k: number, face: Face, condition: DirichletCondition): void {
  const e = impl(env);
  checkSubstrate(e, k, 'setFaceDirichlet');
  if (!FACE_SET.has(face)) {
    throw new RangeError(`setFaceDirichlet: unknown face "${String(face)}" (expected one of ${FACES.join(', ')})`);
  }
  const c = checkCondition('setFaceDirichlet', condition);
  e.faces[k][face] = { enabled: c.enabled, value: c.value };
  e.dirDirty = true;
  compileDirichlet(e);
  applyDirichlet(e.densities, e.dirIndex[k], e.dirValue[k]);
}

/**
 * Holds voxel `voxel` of substrate k at `value` ([c], ≥ 0) from now on (an interior Dirichlet
 * voxel; any voxel may be used, including boundary ones). Interior conditions take precedence over
 * face conditions on the same voxel. The density is set to the value at once.
 * @throws RangeError on a bad index or a value that is not finite and ≥ 0.
 */
export function setDirichletVoxel(env: Microenvironment, k: number, voxel: number, value: number): void {
  const e = impl(env);
  checkSubstrate(e, k, 'setDirichletVoxel');
  checkVoxel(e, voxel, 'setDirichletVoxel');
  checkNonNegative('setDirichletVoxel: Dirichlet value', value);
  e.interior[k].set(voxel, value);
  e.densities[k * e.mesh.nVoxels + voxel] = value;
  e.dirDirty = true;
}

/**
 * Removes the interior Dirichlet condition of substrate k at `voxel` (no-op if none). The density
 * keeps its current value and evolves freely from the next step (unless a face condition holds it).
 * @throws RangeError on a bad index.
 */
export function clearDirichletVoxel(env: Microenvironment, k: number, voxel: number): void {
  const e = impl(env);
  checkSubstrate(e, k, 'clearDirichletVoxel');
  checkVoxel(e, voxel, 'clearDirichletVoxel');
  if (e.interior[k].delete(voxel)) e.dirDirty = true;
}

/**
 * The voxels currently held by a Dirichlet condition for substrate k (faces and interior), as
 * sorted voxel indices with their values. Returns copies.
 * @throws RangeError on a bad index.
 */
export function dirichletVoxels(env: Microenvironment, k: number): { voxels: Int32Array; values: Float64Array } {
  const e = impl(env);
  checkSubstrate(e, k, 'dirichletVoxels');
  compileDirichlet(e);
  const base = k * e.mesh.nVoxels;
  const voxels = new Int32Array(e.dirIndex[k].length);
  for (let i = 0; i < voxels.length; i++) voxels[i] = e.dirIndex[k][i] - base;
  return { voxels, values: e.dirValue[k].slice() };
}

function faceActive(mesh: Mesh, face: Face): boolean {
  if (face === 'xmin' || face === 'xmax') return true;
  if (face === 'ymin' || face === 'ymax') return mesh.dims >= 2;
  return mesh.dims === 3;
}

function compileDirichlet(e: MicroenvironmentImpl): void {
  if (!e.dirDirty) return;
  const { nx, ny, nz, nVoxels } = e.mesh;
  const dirIndex: Int32Array[] = [];
  const dirValue: Float64Array[] = [];
  for (let k = 0; k < e.nSubstrates; k++) {
    const held = new Map<number, number>();
    for (const face of FACES) {
      const c = e.faces[k][face];
      if (!c.enabled || !faceActive(e.mesh, face)) continue;
      const v = c.value;
      if (face === 'xmin' || face === 'xmax') {
        const i = face === 'xmin' ? 0 : nx - 1;
        for (let l = 0; l < nz; l++) for (let j = 0; j < ny; j++) held.set(i + nx * (j + ny * l), v);
      } else if (face === 'ymin' || face === 'ymax') {
        const j = face === 'ymin' ? 0 : ny - 1;
        for (let l = 0; l < nz; l++) for (let i = 0; i < nx; i++) held.set(i + nx * (j + ny * l), v);
      } else {
        const l = face === 'zmin' ? 0 : nz - 1;
        for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) held.set(i + nx * (j + ny * l), v);
      }
    }
    for (const [voxel, v] of e.interior[k]) held.set(voxel, v);
    const keys = Array.from(held.keys()).sort((a, b) => a - b);
    const idx = new Int32Array(keys.length);
    const val = new Float64Array(keys.length);
    const base = k * nVoxels;
    for (let i = 0; i < keys.length; i++) {
      idx[i] = base + keys[i];
      val[i] = held.get(keys[i]) as number;
    }
    dirIndex.push(idx);
    dirValue.push(val);
  }
  e.dirIndex = dirIndex;
  e.dirValue = dirValue;
  e.dirDirty = false;
  e.dirVersion++;
}

function applyDirichlet(rho: Float64Array, idx: Int32Array, val: Float64Array): void {
  for (let i = 0, n = idx.length; i < n; i++) rho[idx[i]] = val[i];
}

function applyAllDirichlet(e: MicroenvironmentImpl): void {
  for (let k = 0; k < e.nSubstrates; k++) applyDirichlet(e.densities, e.dirIndex[k], e.dirValue[k]);
}

// ---------------------------------------------------------------------------------------------
// Diffusion–decay step

function ensureCoefficients(e: MicroenvironmentImpl, dt: number): void {
  if (e.cachedDt === dt && e.cachedVersion === e.paramVersion && e.cachedDirVersion === e.dirVersion) return;
  const m = e.mesh;
  const d = m.dims;
  for (let k = 0; k < e.nSubstrates; k++) {
    const D = e.diff[k];
    const s = (e.decay[k] * dt) / d;
    const rx = (D * dt) / (m.dx * m.dx);
    const ry = (D * dt) / (m.dy * m.dy);
    const rz = (D * dt) / (m.dz * m.dz);
    e.active[k] = D > 0 || e.decay[k] > 0 ? 1 : 0;
    thomasCoefficients(e.invX, e.gX, k * m.nx, m.nx, rx, s);
    if (d >= 2) thomasCoefficients(e.invY, e.gY, k * m.ny, m.ny, ry, s);
    if (d === 3) thomasCoefficients(e.invZ, e.gZ, k * m.nz, m.nz, rz, s);
    const idx = e.dirIndex[k];
    if (e.implicitDirichlet && idx.length > 0) {
      const mask = new Uint8Array(m.nVoxels);
      const base = k * m.nVoxels;
      for (let i = 0; i < idx.length; i++) mask[idx[i] - base] = 1;
      e.heldCoef[k] = buildHeldCoefficients(m, mask, rx, ry, rz, s);
    } else {
      e.heldCoef[k] = null;
    }
  }
  e.cachedDt = dt;
  e.cachedVersion = e.paramVersion;
  e.cachedDirVersion = e.dirVersion;
}

/**
 * Advances all substrates by one implicit LOD diffusion–decay step of length dt (min); see the
 * module comment for the scheme. Thomas coefficients are computed on the first call, and again
 * only when dt, a D/λ, or the set of Dirichlet voxels changes (only then does it allocate).
 * A substrate whose field is +0 in every voxel (after its Dirichlet values are applied) is not
 * swept: every operation of the sweeps would map it to +0 exactly, so the result is the same, bit
 * for bit, at the cost of a scan that stops at the first nonzero value.
 * @throws RangeError if dt is not a finite number > 0.
 */
export function step(env: Microenvironment, dt: number): void {
  const e = impl(env);
  if (!(dt > 0) || !Number.isFinite(dt)) {
    throw new RangeError(`step: dt must be a finite number > 0 min (got ${dt})`);
  }
  compileDirichlet(e);
  ensureCoefficients(e, dt);
  const m = e.mesh;
  const { nx, ny, nz, nVoxels, dims } = m;
  const rho = e.densities;
  const plane = nx * ny;
  for (let k = 0; k < e.nSubstrates; k++) {
    const idx = e.dirIndex[k];
    const val = e.dirValue[k];
    applyDirichlet(rho, idx, val);
    if (e.active[k] === 0) continue;
    const base = k * nVoxels;
    // A field of +0 everywhere (held voxels included) stays +0 exactly: skip its sweeps.
    if (allPositiveZero(e.densityWords, 2 * base, 2 * nVoxels)) continue;
    const held = e.heldCoef[k];
    if (held !== null) {
      // Implicit Dirichlet: held voxels are identity rows, so they keep their value through the sweeps.
      sweepHeld(rho, base, m, held);
      applyDirichlet(rho, idx, val);
      continue;
    }
    sweepLines(rho, base, nx, ny * nz, e.invX, e.gX, k * nx);
    applyDirichlet(rho, idx, val);
    if (dims >= 2) {
      for (let l = 0; l < nz; l++) sweepRows(rho, base + l * plane, nx, ny, nx, e.invY, e.gY, k * ny);
      applyDirichlet(rho, idx, val);
    }
    if (dims === 3) {
      sweepRows(rho, base, plane, nz, plane, e.invZ, e.gZ, k * nz);
      applyDirichlet(rho, idx, val);
    }
  }
}

/** Whether words[start..start+n) are all 0, i.e. the values they hold are all +0 (not −0). */
function allPositiveZero(words: Int32Array, start: number, n: number): boolean {
  let m = start;
  const end = start + n;
  // Blocks of 16 words with one test each; the scan stops at the first block that is not zero.
  for (; m + 16 <= end; m += 16) {
    if ((words[m] | words[m + 1] | words[m + 2] | words[m + 3] | words[m + 4] | words[m + 5] | words[m + 6] | words[m + 7] |
      words[m + 8] | words[m + 9] | words[m + 10] | words[m + 11] | words[m + 12] | words[m + 13] | words[m + 14] | words[m + 15]) !== 0) return false;
  }
  for (; m < end; m++) if (words[m] !== 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Sources and sinks

/**
 * Secretion/uptake/export of one cell into its voxel for substrate k over dt (min), with the
 * PhysiCell/BioFVM local implicit update
 *
 *     c = dt · V_cell / V_voxel
 *     ρ ← (ρ + c·S·T) / (1 + c·(S + U))      then      ρ ← ρ + E·dt / V_voxel
 *
 * S = secretionRate (1/min), T = secretionTarget ([c]), U = uptakeRate (1/min), E = netExport
 * ([c]·um^3/min, may be negative), V_cell = cellVolume (um^3). Unlike PhysiCell, a negative net
 * export cannot drive the density below 0: the result is clamped at 0 (and the returned amount
 * reflects the clamp).
 *
 * Many cells at once: {@link applyCellSourcesSinksBatch}, or {@link prepareCellSourcesSinks} once
 * and {@link applyCellSourceBatch} at every step (the same arithmetic, bit-identical results, a
 * few ns per entry instead of tens; this function validates its arguments at every call).
 *
 * @returns the change of the substrate amount in the voxel, (ρ_new − ρ_old)·V_voxel ([c]·um^3);
 *   the cell's internalised amount changes by minus this value.
 * @throws RangeError on a bad substrate/voxel index, or when cellVolume, S, T, U are not finite
 *   and ≥ 0, E is not finite, or dt is not finite and > 0.
 */
export function applyCellSourcesSinks(
  env: Microenvironment, k: number, voxel: number, cellVolume: number,
  secretionRate: number, secretionTarget: number, uptakeRate: number, netExport: number, dt: number,
): number {
  const e = impl(env);
  const nV = e.mesh.nVoxels;
  if (!(k >= 0 && k < e.nSubstrates && voxel >= 0 && voxel < nV) || !Number.isInteger(k) || !Number.isInteger(voxel)) {
    throw new RangeError(`applyCellSourcesSinks: substrate ${k} or voxel ${voxel} out of range`);
  }
  if (
    !(cellVolume >= 0 && secretionRate >= 0 && secretionTarget >= 0 && uptakeRate >= 0 && dt > 0) ||
    !Number.isFinite(cellVolume + secretionRate + secretionTarget + uptakeRate + netExport + dt)
  ) {
    throw new RangeError(
      'applyCellSourcesSinks: cellVolume, secretionRate, secretionTarget, uptakeRate must be finite and ≥ 0, ' +
        `netExport finite and dt finite > 0 (got V=${cellVolume}, S=${secretionRate}, T=${secretionTarget}, ` +
        `U=${uptakeRate}, E=${netExport}, dt=${dt})`,
    );
  }
  const vv = e.mesh.voxelVolume;
  const rho = e.densities;
  const at = k * nV + voxel;
  const old = rho[at];
  const c = (dt * cellVolume) / vv;
  let v = (old + c * secretionRate * secretionTarget) / (1 + c * (secretionRate + uptakeRate));
  v += (netExport * dt) / vv;
  if (v < 0) v = 0;
  rho[at] = v;
  return (v - old) * vv;
}

/**
 * Per-entry coefficients of the local implicit update of {@link applyCellSourcesSinks} for a batch
 * of (cell, substrate) entries at a fixed dt, filled by {@link prepareCellSourcesSinks} and applied
 * (as often as wanted, e.g. every diffusion step while the cells neither move nor change their
 * rates) by {@link applyCellSourceBatch}. Entry m updates `densities[index[m]]` by
 *
 *     ρ ← (ρ + numerator[m]) / denominator[m]      then      ρ ← ρ + addend[m],   clamped at 0,
 *
 * with numerator = c·S·T, denominator = 1 + c·(S + U), addend = E·dt / V_voxel, c = dt·V_cell /
 * V_voxel, each computed with exactly the operations of {@link applyCellSourcesSinks}, so the
 * result is bit-identical to calling it entry by entry in the same order.
 *
 * The arrays grow as needed (their length is the capacity; `count` entries are in use).
 */
export class CellSourceBatch {
  /** Entries in use. */
  count = 0;
  /** Substrate of each entry. */
  substrate: Int32Array;
  /** Index into `densities` (k·nVoxels + voxel) of each entry. */
  index: Int32Array;
  /** c·S·T ([c]), 1 + c·(S + U) (dimensionless) and E·dt/V_voxel ([c]) of each entry. */
  numerator: Float64Array;
  denominator: Float64Array;
  addend: Float64Array;

  constructor(capacity = 16) {
    const c = Math.max(1, capacity);
    this.substrate = new Int32Array(c);
    this.index = new Int32Array(c);
    this.numerator = new Float64Array(c);
    this.denominator = new Float64Array(c);
    this.addend = new Float64Array(c);
  }

  /** Grows the arrays (doubling) to hold at least `n` entries; keeps the first `count`. */
  reserve(n: number): void {
    if (n <= this.index.length) return;
    let c = this.index.length;
    while (c < n) c *= 2;
    const growI = (a: Int32Array) => {
      const b = new Int32Array(c);
      b.set(a.subarray(0, this.count));
      return b;
    };
    const growF = (a: Float64Array) => {
      const b = new Float64Array(c);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.substrate = growI(this.substrate);
    this.index = growI(this.index);
    this.numerator = growF(this.numerator);
    this.denominator = growF(this.denominator);
    this.addend = growF(this.addend);
  }
}

/**
 * Where the amounts that cells exchange with their voxels are booked, for
 * {@link applyCellSourceBatch} and {@link applyCellSourcesSinksBatch} (BioFVM's
 * `track_internalized_substrates_in_each_agent`): entry m changes `amounts[slot[m]]` by minus the
 * change of the voxel's amount, (ρ_new − ρ_old)·V_voxel ([c]·um^3). The amount inside a cell never
 * goes below 0: what a cell releases beyond its contents (secretion, which synthesises substrate,
 * or export) sets it to 0, and the shortfall is added to `synthesised[k]` of the entry's substrate
 * k. Hence, with no decay and no flux across the boundary, Σ voxel amounts + Σ `amounts` −
 * Σ `synthesised` stays constant (to round-off).
 */
export interface InternalisedAmounts {
  /** Amounts inside the cells ([c]·um^3), indexed by `slot`. */
  amounts: Float64Array;
  /** Per entry, the index into `amounts`. */
  slot: Int32Array;
  /** Per substrate, the amount synthesised so far ([c]·um^3), length ≥ nSubstrates. */
  synthesised: Float64Array;
}

type Rates = Float64Array | number;

function rateAt(r: Rates, m: number): number {
  return typeof r === 'number' ? r : r[m];
}

function checkBatchArgs(
  e: MicroenvironmentImpl, fn: string, count: number, substrate: Int32Array | number, voxel: Int32Array,
  cellVolume: Rates, S: Rates, T: Rates, U: Rates, E: Rates, dt: number,
): void {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`${fn}: count must be an integer ≥ 0 (got ${count})`);
  if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`${fn}: dt must be a finite number > 0 min (got ${dt})`);
  const short = (name: string, a: Int32Array | Float64Array | number) => {
    if (typeof a !== 'number' && a.length < count) throw new RangeError(`${fn}: ${name} has ${a.length} entries, fewer than count = ${count}`);
  };
  short('substrate', substrate);
  short('voxel', voxel);
  short('cellVolume', cellVolume);
  short('secretionRate', S);
  short('secretionTarget', T);
  short('uptakeRate', U);
  short('netExport', E);
  const nV = e.mesh.nVoxels;
  const nS = e.nSubstrates;
  for (let m = 0; m < count; m++) {
    const k = typeof substrate === 'number' ? substrate : substrate[m];
    const v = voxel[m];
    if (!(k >= 0 && k < nS && v >= 0 && v < nV) || !Number.isInteger(k)) {
      throw new RangeError(`${fn}: entry ${m}: substrate ${k} or voxel ${v} out of range`);
    }
    const V = rateAt(cellVolume, m);
    const s = rateAt(S, m);
    const t = rateAt(T, m);
    const u = rateAt(U, m);
    const x = rateAt(E, m);
    if (!(V >= 0 && s >= 0 && t >= 0 && u >= 0) || !Number.isFinite(V + s + t + u + x)) {
      throw new RangeError(
        `${fn}: entry ${m}: cellVolume, secretionRate, secretionTarget, uptakeRate must be finite and ≥ 0, ` +
          `netExport finite (got V=${V}, S=${s}, T=${t}, U=${u}, E=${x})`,
      );
    }
  }
}

/**
 * Fills `out` with the coefficients of `count` (cell, substrate) entries for time step dt (min);
 * see {@link CellSourceBatch}. Entry m: substrate `substrate[m]` (or the one substrate given as a
 * number), voxel `voxel[m]`, cell volume, S, T, U, E as in {@link applyCellSourcesSinks} (each an
 * array indexed by m or one number for all entries). Entries are applied in index order, which
 * matters only for entries that share a voxel and a substrate.
 * @returns out.
 * @throws RangeError as {@link applyCellSourcesSinks}, naming the entry, or if an array is shorter
 *   than count.
 */
export function prepareCellSourcesSinks(
  env: Microenvironment, dt: number, count: number, substrate: Int32Array | number, voxel: Int32Array,
  cellVolume: Rates, secretionRate: Rates, secretionTarget: Rates, uptakeRate: Rates, netExport: Rates,
  out: CellSourceBatch,
): CellSourceBatch {
  const e = impl(env);
  out.count = 0;
  if (
    typeof substrate !== 'number' && typeof cellVolume !== 'number' && typeof secretionRate !== 'number' &&
    typeof secretionTarget !== 'number' && typeof uptakeRate !== 'number' && typeof netExport !== 'number' &&
    Number.isInteger(count) && count >= 0 && dt > 0 && Number.isFinite(dt) &&
    Math.min(substrate.length, voxel.length, cellVolume.length, secretionRate.length, secretionTarget.length, uptakeRate.length, netExport.length) >= count
  ) {
    // All per-entry arrays (the engine's case): one monomorphic pass; on a bad entry, fall
    // through to the checks below for the error message.
    out.reserve(count);
    if (prepareArrays(e, dt, count, substrate, voxel, cellVolume, secretionRate, secretionTarget, uptakeRate, netExport, out)) {
      out.count = count;
      return out;
    }
  }
  checkBatchArgs(e, 'prepareCellSourcesSinks', count, substrate, voxel, cellVolume, secretionRate, secretionTarget, uptakeRate, netExport, dt);
  out.reserve(count);
  const nV = e.mesh.nVoxels;
  const vv = e.mesh.voxelVolume;
  const { index, numerator, denominator, addend } = out;
  const sub = out.substrate;
  for (let m = 0; m < count; m++) {
    const k = typeof substrate === 'number' ? substrate : substrate[m];
    const S = rateAt(secretionRate, m);
    const U = rateAt(uptakeRate, m);
    // The operations of applyCellSourcesSinks, in its order.
    const c = (dt * rateAt(cellVolume, m)) / vv;
    sub[m] = k;
    index[m] = k * nV + voxel[m];
    numerator[m] = c * S * rateAt(secretionTarget, m);
    denominator[m] = 1 + c * (S + U);
    addend[m] = (rateAt(netExport, m) * dt) / vv;
  }
  out.count = count;
  return out;
}

/** prepareCellSourcesSinks with every argument an array long enough; false on an invalid entry. */
function prepareArrays(
  e: MicroenvironmentImpl, dt: number, count: number, substrate: Int32Array, voxel: Int32Array,
  cellVolume: Float64Array, secretionRate: Float64Array, secretionTarget: Float64Array, uptakeRate: Float64Array,
  netExport: Float64Array, out: CellSourceBatch,
): boolean {
  const nV = e.mesh.nVoxels;
  const nS = e.nSubstrates;
  const vv = e.mesh.voxelVolume;
  const { index, numerator, denominator, addend } = out;
  const sub = out.substrate;
  for (let m = 0; m < count; m++) {
    const k = substrate[m];
    const vox = voxel[m];
    const V = cellVolume[m];
    const S = secretionRate[m];
    const T = secretionTarget[m];
    const U = uptakeRate[m];
    const E = netExport[m];
    // (x − x === 0 is false for ±Infinity and NaN.)
    const sum = V + S + T + U + E;
    if (!(k >= 0 && k < nS && vox >= 0 && vox < nV && V >= 0 && S >= 0 && T >= 0 && U >= 0 && sum - sum === 0)) return false;
    // The operations of applyCellSourcesSinks, in its order.
    const c = (dt * V) / vv;
    sub[m] = k;
    index[m] = k * nV + vox;
    numerator[m] = c * S * T;
    denominator[m] = 1 + c * (S + U);
    addend[m] = (E * dt) / vv;
  }
  return true;
}

/**
 * Moves the entries of a prepared batch to new voxels without recomputing their coefficients
 * (valid while the cells' volumes and rates are unchanged; the coefficients do not depend on the
 * voxel): entry m goes to voxel `voxelOf[owner[m]]`, e.g. `owner` the entries' agents and
 * `voxelOf` the agents' voxels.
 * @throws RangeError if a voxel is out of range (the batch is then unchanged up to that entry).
 */
export function relocateCellSourceBatch(env: Microenvironment, batch: CellSourceBatch, owner: Int32Array, voxelOf: Int32Array): void {
  const e = impl(env);
  const nV = e.mesh.nVoxels;
  const n = batch.count;
  if (owner.length < n) throw new RangeError(`relocateCellSourceBatch: owner has ${owner.length} entries, fewer than the batch's ${n}`);
  const { index, substrate } = batch;
  for (let m = 0; m < n; m++) {
    const v = voxelOf[owner[m]];
    if (!(v >= 0 && v < nV)) throw new RangeError(`relocateCellSourceBatch: entry ${m}: voxel ${v} out of range`);
    index[m] = substrate[m] * nV + v;
  }
}

/**
 * Applies a prepared batch once (one time step of length the dt it was prepared with), entry by
 * entry in index order; bit-identical to {@link applyCellSourcesSinks} on the same entries. With
 * `internal`, books the exchanged amounts inside the cells (see {@link InternalisedAmounts}).
 * Does not allocate and does not validate (the batch was validated when prepared; it must come
 * from a microenvironment with the same mesh and number of substrates).
 */
export function applyCellSourceBatch(env: Microenvironment, batch: CellSourceBatch, internal: InternalisedAmounts | null = null): void {
  const rho = env.densities;
  const n = batch.count;
  const { index, numerator, denominator, addend } = batch;
  if (internal === null) {
    for (let m = 0; m < n; m++) {
      const at = index[m];
      let v = (rho[at] + numerator[m]) / denominator[m];
      v += addend[m];
      rho[at] = v < 0 ? 0 : v;
    }
    return;
  }
  const vv = env.mesh.voxelVolume;
  const { amounts, slot, synthesised } = internal;
  const sub = batch.substrate;
  for (let m = 0; m < n; m++) {
    const at = index[m];
    const old = rho[at];
    let v = (old + numerator[m]) / denominator[m];
    v += addend[m];
    if (v < 0) v = 0;
    rho[at] = v;
    const i = slot[m];
    const inside = amounts[i] - (v - old) * vv;
    if (inside < 0) {
      synthesised[sub[m]] -= inside;
      amounts[i] = 0;
    } else amounts[i] = inside;
  }
}

/**
 * {@link applyCellSourcesSinks} for `count` entries in one call (entries as in
 * {@link prepareCellSourcesSinks}, applied in index order): the same arithmetic, bit-identical
 * results. With `deltas`, writes each entry's change of the voxel amount, (ρ_new − ρ_old)·V_voxel
 * ([c]·um^3), to deltas[m]; with `internal`, books it inside the cells (see
 * {@link InternalisedAmounts}). Uses `scratch` (or a batch it allocates) for the coefficients;
 * callers that apply the same entries at many steps should prepare once and use
 * {@link applyCellSourceBatch}.
 * @throws RangeError as {@link prepareCellSourcesSinks}.
 */
export function applyCellSourcesSinksBatch(
  env: Microenvironment, dt: number, count: number, substrate: Int32Array | number, voxel: Int32Array,
  cellVolume: Rates, secretionRate: Rates, secretionTarget: Rates, uptakeRate: Rates, netExport: Rates,
  options: { deltas?: Float64Array; internal?: InternalisedAmounts; scratch?: CellSourceBatch } = {},
): void {
  const batch = prepareCellSourcesSinks(env, dt, count, substrate, voxel, cellVolume, secretionRate, secretionTarget, uptakeRate, netExport, options.scratch ?? new CellSourceBatch(count));
  const deltas = options.deltas;
  if (deltas === undefined) {
    applyCellSourceBatch(env, batch, options.internal ?? null);
    return;
  }
  if (deltas.length < count) throw new RangeError(`applyCellSourcesSinksBatch: deltas has ${deltas.length} entries, fewer than count = ${count}`);
  const rho = env.densities;
  const vv = env.mesh.voxelVolume;
  const { index, numerator, denominator, addend } = batch;
  const internal = options.internal;
  for (let m = 0; m < count; m++) {
    const at = index[m];
    const old = rho[at];
    let v = (old + numerator[m]) / denominator[m];
    v += addend[m];
    if (v < 0) v = 0;
    rho[at] = v;
    const d = (v - old) * vv;
    deltas[m] = d;
    if (internal !== undefined) {
      const i = internal.slot[m];
      const inside = internal.amounts[i] - d;
      if (inside < 0) {
        internal.synthesised[batch.substrate[m]] -= inside;
        internal.amounts[i] = 0;
      } else internal.amounts[i] = inside;
    }
  }
}

/**
 * Bulk (per-voxel) supply and uptake for substrate k over dt (min), the BioFVM bulk implicit update
 *
 *     ρ_v ← (ρ_v + dt·S_v·T_v) / (1 + dt·(S_v + U_v))
 *
 * with S = supply rate (1/min), T = supply target ([c]), U = uptake rate (1/min), each a field of
 * length nVoxels (flattened `[nz][ny][nx]`), a scalar, or null (= 0). Dirichlet voxels are not
 * exempt here; they are reset at the next step.
 * @throws RangeError on a bad index, a field of the wrong length, dt not finite and > 0, or a
 *   scalar rate/target that is not finite and ≥ 0. Field entries are not checked (they must be ≥ 0).
 */
export function applyBulkSourcesSinks(
  env: Microenvironment, k: number,
  supplyRate: Float64Array | number | null, supplyTarget: Float64Array | number | null,
  uptakeRate: Float64Array | number | null, dt: number,
): void {
  const e = impl(env);
  checkSubstrate(e, k, 'applyBulkSourcesSinks');
  if (!(dt > 0) || !Number.isFinite(dt)) {
    throw new RangeError(`applyBulkSourcesSinks: dt must be a finite number > 0 min (got ${dt})`);
  }
  const n = e.mesh.nVoxels;
  const check = (name: string, f: Float64Array | number | null): void => {
    if (f === null) return;
    if (typeof f === 'number') checkNonNegative(`applyBulkSourcesSinks: ${name}`, f);
    else if (!(f instanceof Float64Array) || f.length !== n) {
      throw new RangeError(`applyBulkSourcesSinks: ${name} must be a number, null or a Float64Array of length ${n}`);
    }
  };
  check('supplyRate', supplyRate);
  check('supplyTarget', supplyTarget);
  check('uptakeRate', uptakeRate);
  const rho = e.densities;
  const base = k * n;
  for (let v = 0; v < n; v++) {
    const S = supplyRate === null ? 0 : typeof supplyRate === 'number' ? supplyRate : supplyRate[v];
    const T = supplyTarget === null ? 0 : typeof supplyTarget === 'number' ? supplyTarget : supplyTarget[v];
    const U = uptakeRate === null ? 0 : typeof uptakeRate === 'number' ? uptakeRate : uptakeRate[v];
    rho[base + v] = (rho[base + v] + dt * S * T) / (1 + dt * (S + U));
  }
}

// ---------------------------------------------------------------------------------------------
// Gradients

/**
 * Gradient of substrate k at a voxel ([c]/um), written to out[0..2] = (∂x, ∂y, ∂z) and returned.
 * Central differences (ρ_{i+1} − ρ_{i−1})/(2h) inside, one-sided (ρ_1 − ρ_0)/h and
 * (ρ_{n−1} − ρ_{n−2})/h at the ends of an axis (as PhysiCell does); 0 along inactive axes and
 * axes of one voxel. Does not allocate.
 * @throws RangeError on a bad substrate/voxel index or if out is shorter than 3.
 */
export function computeGradient(env: Microenvironment, k: number, voxel: number, out: Float64Array): Float64Array {
  const e = impl(env);
  const m = e.mesh;
  const { nx, ny, nz, nVoxels } = m;
  if (!(k >= 0 && k < e.nSubstrates && voxel >= 0 && voxel < nVoxels) || !Number.isInteger(k) || !Number.isInteger(voxel)) {
    throw new RangeError(`computeGradient: substrate ${k} or voxel ${voxel} out of range`);
  }
  if (out.length < 3) throw new RangeError('computeGradient: out must have length ≥ 3');
  const i = voxel % nx;
  const rest = (voxel - i) / nx;
  const j = rest % ny;
  const l = (rest - j) / ny;
  const rho = e.densities;
  const at = k * nVoxels + voxel;
  out[0] = axisDerivative(rho, at, i, nx, 1, m.dx);
  out[1] = axisDerivative(rho, at, j, ny, nx, m.dy);
  out[2] = axisDerivative(rho, at, l, nz, nx * ny, m.dz);
  return out;
}

function axisDerivative(rho: Float64Array, at: number, i: number, n: number, stride: number, h: number): number {
  if (n < 2) return 0;
  if (i === 0) return (rho[at + stride] - rho[at]) / h;
  if (i === n - 1) return (rho[at] - rho[at - stride]) / h;
  return (rho[at + stride] - rho[at - stride]) / (2 * h);
}

/**
 * Gradient field of substrate k ([c]/um) for all voxels, written into `out` flattened
 * `[nz][ny][nx][3]` (out[3·v + a], a = x, y, z), with the same differences as {@link computeGradient}.
 * @throws RangeError on a bad index or if out.length < 3·nVoxels.
 */
export function computeGradientField(env: Microenvironment, k: number, out: Float64Array): Float64Array {
  const e = impl(env);
  checkSubstrate(e, k, 'computeGradientField');
  const m = e.mesh;
  const { nx, ny, nz, nVoxels } = m;
  if (out.length < 3 * nVoxels) {
    throw new RangeError(`computeGradientField: out must have length ≥ ${3 * nVoxels}`);
  }
  const rho = e.densities;
  const base = k * nVoxels;
  const plane = nx * ny;
  for (let l = 0; l < nz; l++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * l);
        const at = base + v;
        out[3 * v] = axisDerivative(rho, at, i, nx, 1, m.dx);
        out[3 * v + 1] = axisDerivative(rho, at, j, ny, nx, m.dy);
        out[3 * v + 2] = axisDerivative(rho, at, l, nz, plane, m.dz);
      }
    }
  }
  return out;
}
