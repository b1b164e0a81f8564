/**
 * Uniform Cartesian voxel mesh of the microenvironment (layer 3, no Node-only API).
 *
 * Units: lengths in micrometres (um), volumes in cubic micrometres (um^3).
 *
 * Layout: voxel (i, j, l) — i along x, j along y, l along z — has the flat index
 * `i + nx * (j + ny * l)`, i.e. fields over the mesh are flattened `[nz][ny][nx]` with x fastest.
 * Voxel (i, j, l) covers [xMin + i·dx, xMin + (i+1)·dx) × … and its centre is
 * xMin + (i + 1/2)·dx (cell-centred finite volumes, as in BioFVM).
 *
 * Lower dimensions: a 1D mesh has ny = nz = 1 and a 2D mesh has nz = 1. The inactive axes are one
 * voxel thick; that thickness enters the voxel volume (as in PhysiCell's 2D mode, where the single
 * z layer spans [-dz/2, dz/2]). Coordinates along inactive axes are ignored by the index lookups.
 *
 * Reference: A. Ghaffarizadeh, S.H. Friedman, P. Macklin (2016) "BioFVM: an efficient, parallelized
 * diffusive transport solver for 3-D biological simulations", Bioinformatics 32(8):1256-1258,
 * doi:10.1093/bioinformatics/btv730 (its Cartesian mesh uses the same cell-centred layout).
 */

/** Number of active spatial dimensions of a mesh. */
export type MeshDims = 1 | 2 | 3;

/**
 * Options of {@link createMesh}. All lengths in micrometres.
 *
 * - Active axes (x always; y when dims ≥ 2; z when dims = 3) need min, max and a voxel size;
 *   the extent max − min must be a whole multiple of the voxel size (within 1e-9 relative).
 *   dy and dz default to dx.
 * - An inactive axis is one voxel thick: its thickness is d? if given, else max − min if both are
 *   given, else dx; it is centred on (min + max)/2 if both are given, else on 0.
 */
export interface MeshOptions {
  xMin: number;
  xMax: number;
  yMin?: number;
  yMax?: number;
  zMin?: number;
  zMax?: number;
  /** Voxel size along x (um), > 0. */
  dx: number;
  /** Voxel size along y (um), > 0; defaults to dx. */
  dy?: number;
  /** Voxel size along z (um), > 0; defaults to dx. */
  dz?: number;
  /** Number of active dimensions: 1, 2 or 3. */
  dims: MeshDims;
}

/**
 * A uniform Cartesian voxel mesh (immutable). See the module comment for the flattening order
 * `[nz][ny][nx]` (voxel index `i + nx*(j + ny*l)`).
 */
export interface Mesh {
  /** Number of active dimensions. */
  readonly dims: MeshDims;
  /** Domain bounds (um). For inactive axes, the bounds of the single voxel layer. */
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  readonly zMin: number;
  readonly zMax: number;
  /** Voxel sizes (um). For inactive axes, the layer thickness. */
  readonly dx: number;
  readonly dy: number;
  readonly dz: number;
  /** Voxel counts per axis (1 for inactive axes). */
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  /** Total number of voxels, nx·ny·nz. */
  readonly nVoxels: number;
  /** Volume of one voxel, dx·dy·dz (um^3). */
  readonly voxelVolume: number;
  /** Voxel-centre coordinates per axis (um): xCentres[i] = xMin + (i + 1/2)·dx, length nx (etc.). */
  readonly xCentres: Float64Array;
  readonly yCentres: Float64Array;
  readonly zCentres: Float64Array;
  /**
   * Flat index of the voxel containing the point (x, y, z) (um). A point on the upper domain face
   * belongs to the last voxel. Coordinates along inactive axes are ignored.
   * @throws RangeError if a coordinate along an active axis is outside [min, max] or not finite.
   */
  voxelIndex(x: number, y: number, z: number): number;
  /**
   * Like {@link Mesh.voxelIndex} but a point outside the domain is mapped to the nearest voxel
   * (each coordinate clamped to the domain). NaN coordinates map to the first voxel along that axis.
   */
  voxelIndexClamped(x: number, y: number, z: number): number;
  /** Flat index of voxel (i, j, l): i + nx·(j + ny·l). @throws RangeError if out of range. */
  index(i: number, j: number, l: number): number;
  /**
   * Writes the integer coordinates (i, j, l) of a flat voxel index into `out[0..2]` and returns it.
   * @throws RangeError if the index is not an integer in [0, nVoxels).
   */
  voxelCoordinates(voxel: number, out: Int32Array | number[]): Int32Array | number[];
  /**
   * Writes the centre (x, y, z) (um) of a flat voxel index into `out[0..2]` and returns it.
   * @throws RangeError if the index is not an integer in [0, nVoxels).
   */
  voxelCentre(voxel: number, out: Float64Array | number[]): Float64Array | number[];
}

const REL_TOL = 1e-9;

function requireFinite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RangeError(`createMesh: ${name} must be a finite number (got ${String(v)})`);
  }
  return v;
}

interface Axis {
  min: number;
  max: number;
  d: number;
  n: number;
}

function activeAxis(label: string, min: unknown, max: unknown, d: unknown): Axis {
  const lo = requireFinite(`${label}Min`, min);
  const hi = requireFinite(`${label}Max`, max);
  const h = requireFinite(`d${label}`, d);
  if (!(h > 0)) {
    throw new RangeError(`createMesh: voxel size d${label} must be > 0 um (got ${h})`);
  }
  if (!(hi > lo)) {
    throw new RangeError(
      `createMesh: ${label}Max (${hi} um) must be greater than ${label}Min (${lo} um)`,
    );
  }
  const extent = hi - lo;
  const ratio = extent / h;
  const n = Math.round(ratio);
  if (n < 1 || Math.abs(ratio - n) > REL_TOL * Math.max(1, ratio)) {
    throw new RangeError(
      `createMesh: the ${label} extent ${extent} um (${label}Max − ${label}Min) is not a whole ` +
        `multiple of the voxel size d${label} = ${h} um (ratio ${ratio}); ` +
        `choose d${label} so that the extent divides evenly (relative tolerance ${REL_TOL})`,
    );
  }
  // Snap the voxel size so that n·d reproduces the extent exactly as far as possible.
  return { min: lo, max: hi, d: extent / n, n };
}

function inactiveAxis(label: string, min: unknown, max: unknown, d: unknown, dx: number): Axis {
  let thickness: number;
  const haveRange = min !== undefined && max !== undefined;
  if (d !== undefined) {
    thickness = requireFinite(`d${label}`, d);
    if (!(thickness > 0)) {
      throw new RangeError(`createMesh: voxel size d${label} must be > 0 um (got ${thickness})`);
    }
  } else if (haveRange) {
    const lo = requireFinite(`${label}Min`, min);
    const hi = requireFinite(`${label}Max`, max);
    if (!(hi > lo)) {
      throw new RangeError(
        `createMesh: ${label}Max (${hi} um) must be greater than ${label}Min (${lo} um)`,
      );
    }
    thickness = hi - lo;
  } else {
    thickness = dx;
  }
  let centre = 0;
  if (haveRange) {
    centre = 0.5 * (requireFinite(`${label}Min`, min) + requireFinite(`${label}Max`, max));
  }
  return { min: centre - 0.5 * thickness, max: centre + 0.5 * thickness, d: thickness, n: 1 };
}

function centres(a: Axis): Float64Array {
  const c = new Float64Array(a.n);
  for (let i = 0; i < a.n; i++) c[i] = a.min + (i + 0.5) * a.d;
  return c;
}

class CartesianMesh implements Mesh {
  readonly dims: MeshDims;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  readonly zMin: number;
  readonly zMax: number;
  readonly dx: number;
  readonly dy: number;
  readonly dz: number;
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  readonly nVoxels: number;
  readonly voxelVolume: number;
  readonly xCentres: Float64Array;
  readonly yCentres: Float64Array;
  readonly zCentres: Float64Array;

  constructor(dims: MeshDims, x: Axis, y: Axis, z: Axis) {
    this.dims = dims;
    this.xMin = x.min;
    this.xMax = x.max;
    this.yMin = y.min;
    this.yMax = y.max;
    this.zMin = z.min;
    this.zMax = z.max;
    this.dx = x.d;
    this.dy = y.d;
    this.dz = z.d;
    this.nx = x.n;
    this.ny = y.n;
    this.nz = z.n;
    this.nVoxels = x.n * y.n * z.n;
    this.voxelVolume = x.d * y.d * z.d;
    this.xCentres = centres(x);
    this.yCentres = centres(y);
    this.zCentres = centres(z);
  }

  private axisIndex(label: string, v: number, min: number, max: number, d: number, n: number): number {
    if (!(v >= min && v <= max)) {
      throw new RangeError(
        `voxelIndex: ${label} = ${v} um is outside the domain [${min}, ${max}] um`,
      );
    }
    const i = Math.floor((v - min) / d);
    return i >= n ? n - 1 : i;
  }

  voxelIndex(x: number, y: number, z: number): number {
    const i = this.axisIndex('x', x, this.xMin, this.xMax, this.dx, this.nx);
    const j = this.dims >= 2 ? this.axisIndex('y', y, this.yMin, this.yMax, this.dy, this.ny) : 0;
    const l = this.dims === 3 ? this.axisIndex('z', z, this.zMin, this.zMax, this.dz, this.nz) : 0;
    return i + this.nx * (j + this.ny * l);
  }

  voxelIndexClamped(x: number, y: number, z: number): number {
    const i = clampIndex(x, this.xMin, this.dx, this.nx);
    const j = this.dims >= 2 ? clampIndex(y, this.yMin, this.dy, this.ny) : 0;
    const l = this.dims === 3 ? clampIndex(z, this.zMin, this.dz, this.nz) : 0;
    return i + this.nx * (j + this.ny * l);
  }

  index(i: number, j: number, l: number): number {
    if (
      !Number.isInteger(i) || !Number.isInteger(j) || !Number.isInteger(l) ||
      i < 0 || i >= this.nx || j < 0 || j >= this.ny || l < 0 || l >= this.nz
    ) {
      throw new RangeError(
        `index: voxel (${i}, ${j}, ${l}) is outside the mesh ${this.nx}×${this.ny}×${this.nz}`,
      );
    }
    return i + this.nx * (j + this.ny * l);
  }

  private checkVoxel(voxel: number): void {
    if (!Number.isInteger(voxel) || voxel < 0 || voxel >= this.nVoxels) {
      throw new RangeError(`voxel index ${voxel} is outside [0, ${this.nVoxels})`);
    }
  }

  voxelCoordinates(voxel: number, out: Int32Array | number[]): Int32Array | number[] {
    this.checkVoxel(voxel);
    const i = voxel % this.nx;
    const rest = (voxel - i) / this.nx;
    const j = rest % this.ny;
    out[0] = i;
    out[1] = j;
    out[2] = (rest - j) / this.ny;
    return out;
  }

  voxelCentre(voxel: number, out: Float64Array | number[]): Float64Array | number[] {
    this.checkVoxel(voxel);
    const i = voxel % this.nx;
    const rest = (voxel - i) / this.nx;
    const j = rest % this.ny;
    const l = (rest - j) / this.ny;
    out[0] = this.xCentres[i];
    out[1] = this.yCentres[j];
    out[2] = this.zCentres[l];
    return out;
  }
}

function clampIndex(v: number, min: number, d: number, n: number): number {
  const i = Math.floor((v - min) / d);
  if (!(i >= 0)) return 0; // also catches NaN
  return i >= n ? n - 1 : i;
}

/**
 * Builds a uniform Cartesian voxel mesh (lengths in um).
 *
 * @example createMesh({ xMin: 0, xMax: 1000, yMin: 0, yMax: 1000, dx: 20, dims: 2 }) // 50×50 voxels, 20 um thick
 * @throws RangeError when dims is not 1, 2 or 3; a bound or voxel size is missing or not finite;
 *   a voxel size is ≤ 0; max ≤ min; or an extent is not a whole multiple of its voxel size
 *   (within 1e-9 relative). Messages name the offending axis and values.
 */
export function createMesh(options: MeshOptions): Mesh {
  if (options === null || typeof options !== 'object') {
    throw new RangeError('createMesh: options must be an object');
  }
  const dims = options.dims;
  if (dims !== 1 && dims !== 2 && dims !== 3) {
    throw new RangeError(`createMesh: dims must be 1, 2 or 3 (got ${String(dims)})`);
  }
  const dx = requireFinite('dx', options.dx);
  const x = activeAxis('x', options.xMin, options.xMax, dx);
  const y =
    dims >= 2
      ? activeAxis('y', options.yMin, options.yMax, options.dy ?? dx)
      : inactiveAxis('y', options.yMin, options.yMax, options.dy, dx);
  const z =
    dims === 3
      ? activeAxis('z', options.zMin, options.zMax, options.dz ?? dx)
      : inactiveAxis('z', options.zMin, options.zMax, options.dz, dx);
  return new CartesianMesh(dims, x, y, z);
}
