/**
 * Kernels of the implicit locally one-dimensional (LOD) diffusion–decay solver (layer 3, no
 * Node-only API). Used by `microenvironment.ts`; exported for it and for white-box tests only.
 *
 * Every axis sweep solves, on each grid line of n voxels along that axis, the backward-Euler system
 *
 *     −r ρ'_{i−1} + b_i ρ'_i − r ρ'_{i+1} = ρ_i,   r = DΔt/h² (dimensionless),  s = λΔt/d,
 *     b_i = 1 + 2r + s inside, 1 + r + s at the two zero-flux ends, 1 + s when n = 1,
 *
 * and a held (Dirichlet) voxel is the identity row ρ'_i = ρ_i. With the Thomas algorithm the
 * coefficients depend only on the line's pattern of held voxels, so they are precomputed:
 * denominators d_0 = b_0, d_i = b_i − r_i·g_{i−1}; inv_i = 1/d_i and g_i = r_i/d_i, where r_i = r for
 * a free row and 0 for a held one (the matrix stays symmetric row by row, so the forward and
 * backward multipliers coincide). Then
 *
 *     forward:  ρ'_0 = inv_0 ρ_0,   ρ'_i = inv_i ρ_i + g_i ρ'_{i−1}
 *     backward: ρ_{n−1} = ρ'_{n−1}, ρ_i = ρ'_i + g_i ρ_{i+1}
 *
 * All of inv, g, ρ are ≥ 0, so nonnegative data stay nonnegative exactly (no subtraction).
 * Density layout of one substrate: `[nz][ny][nx]` (x fastest), starting at `base`.
 *
 * Reference: Ghaffarizadeh, Friedman, Macklin (2016) Bioinformatics 32(8):1256-1258,
 * doi:10.1093/bioinformatics/btv730 (LOD + Thomas with precomputed coefficients); L.H. Thomas
 * (1949), see Press et al., Numerical Recipes 3rd ed. §2.4.
 */

import type { Mesh } from './mesh.js';

// Double-double arithmetic (value = hi + lo, |lo| ≤ ulp(hi)/2) for the coefficient recurrences, so
// that every stored coefficient is the correctly rounded value of the exact one. Rounding errors
// that accumulate along the recurrence would otherwise be the same on every line and every step,
// and show up as a systematic drift of the total mass (~1e-15 per step instead of ~1e-17).
// Dekker (1971) / Shewchuk (1997) error-free transformations.
let ddHi = 0;
let ddLo = 0;
const SPLITTER = 134217729; // 2^27 + 1

function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  ddHi = p;
  ddLo = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
}

/** (ah + al) + (bh + bl) → ddHi + ddLo. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  const bb = s - ah;
  const e = (ah - (s - bb)) + (bh - bb) + al + bl;
  ddHi = s + e;
  ddLo = e - (ddHi - s);
}

/** (ah + al) · b → ddHi + ddLo. */
function ddMulD(ah: number, al: number, b: number): void {
  twoProd(ah, b);
  const e = ddLo + al * b;
  const s = ddHi + e;
  ddLo = e - (s - ddHi);
  ddHi = s;
}

/** (ah + al) / (bh + bl) → ddHi + ddLo. */
function ddDiv(ah: number, al: number, bh: number, bl: number): void {
  const q1 = ah / bh;
  // remainder r = a − q1·b
  twoProd(q1, bh);
  const ph = ddHi;
  const pl = ddLo + q1 * bl;
  ddAdd(ah, al, -ph, -pl);
  const q2 = (ddHi + ddLo) / bh;
  const s = q1 + q2;
  ddLo = q2 - (s - q1);
  ddHi = s;
}

/**
 * Coefficients of one row, in double-double: denom = b − r·gPrev with b = 1 + nNb·r + s (nNb = the
 * row's number of neighbours on the line), then inv = 1/denom and g = r/denom. Writes the rounded
 * inv and g, and leaves the double-double g in ddHi/ddLo for the next row.
 */
function rowCoefficients(
  inv: Float64Array, g: Float64Array, at: number, r: number, s: number, nNb: number,
  gPrevHi: number, gPrevLo: number,
): void {
  // b = 1 + nNb·r + s
  twoProd(nNb, r);
  ddAdd(ddHi, ddLo, 1, 0);
  ddAdd(ddHi, ddLo, s, 0);
  const bHi = ddHi;
  const bLo = ddLo;
  ddMulD(gPrevHi, gPrevLo, r);
  ddAdd(bHi, bLo, -ddHi, -ddLo);
  const dHi = ddHi;
  const dLo = ddLo;
  ddDiv(1, 0, dHi, dLo);
  inv[at] = ddHi + ddLo;
  ddDiv(r, 0, dHi, dLo);
  g[at] = ddHi + ddLo;
}

/**
 * Thomas coefficients of a line of n voxels without held voxels, written to inv[o..o+n) and
 * g[o..o+n) (see the module comment), each correctly rounded. r, s ≥ 0 dimensionless.
 */
export function thomasCoefficients(
  inv: Float64Array, g: Float64Array, o: number, n: number, r: number, s: number,
): void {
  if (n === 1) {
    inv[o] = 1 / (1 + s);
    g[o] = 0;
    return;
  }
  let gHi = 0;
  let gLo = 0;
  for (let i = 0; i < n; i++) {
    rowCoefficients(inv, g, o + i, r, s, i === 0 || i === n - 1 ? 1 : 2, gHi, gLo);
    gHi = ddHi;
    gLo = ddLo;
  }
}

/**
 * Thomas coefficients of a line of n voxels whose held voxels are marked by
 * mask[mo + i·mStride] ≠ 0, written to inv/g at out + i·oStride (see the module comment).
 */
export function heldLineCoefficients(
  inv: Float64Array, g: Float64Array, out: number, oStride: number,
  mask: Uint8Array, mo: number, mStride: number, n: number, r: number, s: number,
): void {
  let gHi = 0;
  let gLo = 0;
  for (let i = 0; i < n; i++) {
    const at = out + i * oStride;
    if (mask[mo + i * mStride] !== 0) {
      inv[at] = 1;
      g[at] = 0;
      gHi = 0;
      gLo = 0;
      continue;
    }
    if (n === 1) {
      inv[at] = 1 / (1 + s);
      g[at] = 0;
      continue;
    }
    rowCoefficients(inv, g, at, r, s, i === 0 || i === n - 1 ? 1 : 2, gHi, gLo);
    gHi = ddHi;
    gLo = ddLo;
  }
}

/**
 * Coefficients of one axis of a substrate that holds voxels.
 * - mode 'profiles': `inv`/`g` hold one coefficient profile of length n per distinct pattern of
 *   held voxels (profile 0 = no held voxel), and `colOffset[c]` is the offset (profile·n) used by
 *   line/column c. Runs of columns with the same profile are swept together with the fast kernels.
 * - mode 'voxel': `inv`/`g` are per-voxel arrays flattened `[nz][ny][nx]` (used for the y and z
 *   axes when held voxels are so scattered that runs of equal profiles would be short).
 * Columns: x — line j + ny·l; y — column i + nx·l; z — column i + nx·j.
 */
export interface HeldAxis {
  mode: 'profiles' | 'voxel';
  inv: Float64Array;
  g: Float64Array;
  colOffset: Int32Array;
}

/** Per-axis coefficients of a substrate that holds voxels (y, z null when the axis is inactive). */
export interface HeldCoefficients {
  x: HeldAxis;
  y: HeldAxis | null;
  z: HeldAxis | null;
}

/** Below this average run length of equal profiles, the y/z axes switch to per-voxel coefficients. */
const MIN_MEAN_RUN = 16;

function buildAxis(
  mask: Uint8Array, nCols: number, n: number, colStart: (c: number) => number, stride: number,
  r: number, s: number, nVoxels: number, allowVoxelMode: boolean, runBreak: (c: number) => boolean,
): HeldAxis {
  // Deduplicate patterns of held positions along the axis.
  const ids = new Map<string, number>();
  ids.set('', 0);
  const colProfile = new Int32Array(nCols);
  const firstCol: number[] = [-1];
  const held: number[] = [];
  for (let c = 0; c < nCols; c++) {
    const o = colStart(c);
    held.length = 0;
    for (let i = 0; i < n; i++) if (mask[o + i * stride] !== 0) held.push(i);
    const key = held.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      firstCol.push(c);
    }
    colProfile[c] = id;
  }
  let runs = 0;
  for (let c = 0; c < nCols; c++) if (c === 0 || runBreak(c) || colProfile[c] !== colProfile[c - 1]) runs++;
  if (allowVoxelMode && runs * MIN_MEAN_RUN > nCols) {
    const inv = new Float64Array(nVoxels);
    const g = new Float64Array(nVoxels);
    for (let c = 0; c < nCols; c++) {
      const o = colStart(c);
      heldLineCoefficients(inv, g, o, stride, mask, o, stride, n, r, s);
    }
    return { mode: 'voxel', inv, g, colOffset: new Int32Array(0) };
  }
  const nProfiles = ids.size;
  const inv = new Float64Array(nProfiles * n);
  const g = new Float64Array(nProfiles * n);
  thomasCoefficients(inv, g, 0, n, r, s);
  for (let p = 1; p < nProfiles; p++) {
    heldLineCoefficients(inv, g, p * n, 1, mask, colStart(firstCol[p]), stride, n, r, s);
  }
  const colOffset = new Int32Array(nCols);
  for (let c = 0; c < nCols; c++) colOffset[c] = colProfile[c] * n;
  return { mode: 'profiles', inv, g, colOffset };
}

/**
 * Builds the coefficients of a substrate that holds voxels: `mask` (length nVoxels, 1 = held,
 * flattened `[nz][ny][nx]`), r per axis (D·Δt/h², dimensionless) and s = λΔt/d.
 */
export function buildHeldCoefficients(
  mesh: Mesh, mask: Uint8Array, rx: number, ry: number, rz: number, s: number,
): HeldCoefficients {
  const { nx, ny, nz, nVoxels, dims } = mesh;
  const plane = nx * ny;
  const x = buildAxis(mask, ny * nz, nx, (c) => c * nx, 1, rx, s, nVoxels, false, () => false);
  const y =
    dims >= 2
      ? buildAxis(
          mask, nx * nz, ny, (c) => (c % nx) + plane * ((c - (c % nx)) / nx), nx, ry, s, nVoxels, true,
          (c) => c % nx === 0,
        )
      : null;
  const z = dims === 3 ? buildAxis(mask, plane, nz, (c) => c, plane, rz, s, nVoxels, true, () => false) : null;
  return { x, y, z };
}

/**
 * Thomas solve along x for lines [0, nLines) of length nx, line L starting at base + L·nx, all
 * with the coefficient profile at inv/g[co..co+nx). Four lines are solved together so that their
 * independent recurrences overlap in the CPU (about 2× faster than one at a time).
 */
export function sweepLines(
  rho: Float64Array, base: number, nx: number, nLines: number,
  inv: Float64Array, g: Float64Array, co: number,
): void {
  const last = nx - 1;
  const a0 = inv[co];
  let line = 0;
  for (; line + 3 < nLines; line += 4) {
    const o0 = base + line * nx;
    const o1 = o0 + nx;
    const o2 = o1 + nx;
    const o3 = o2 + nx;
    let p0 = rho[o0] * a0;
    let p1 = rho[o1] * a0;
    let p2 = rho[o2] * a0;
    let p3 = rho[o3] * a0;
    rho[o0] = p0;
    rho[o1] = p1;
    rho[o2] = p2;
    rho[o3] = p3;
    for (let i = 1; i <= last; i++) {
      const a = inv[co + i];
      const b = g[co + i];
      p0 = a * rho[o0 + i] + b * p0;
      rho[o0 + i] = p0;
      p1 = a * rho[o1 + i] + b * p1;
      rho[o1 + i] = p1;
      p2 = a * rho[o2 + i] + b * p2;
      rho[o2 + i] = p2;
      p3 = a * rho[o3 + i] + b * p3;
      rho[o3 + i] = p3;
    }
    for (let i = last - 1; i >= 0; i--) {
      const b = g[co + i];
      p0 = rho[o0 + i] + b * p0;
      rho[o0 + i] = p0;
      p1 = rho[o1 + i] + b * p1;
      rho[o1 + i] = p1;
      p2 = rho[o2 + i] + b * p2;
      rho[o2 + i] = p2;
      p3 = rho[o3 + i] + b * p3;
      rho[o3 + i] = p3;
    }
  }
  for (; line < nLines; line++) {
    const o = base + line * nx;
    let p = rho[o] * a0;
    rho[o] = p;
    for (let i = 1; i <= last; i++) {
      p = inv[co + i] * rho[o + i] + g[co + i] * p;
      rho[o + i] = p;
    }
    for (let i = last - 1; i >= 0; i--) {
      p = rho[o + i] + g[co + i] * p;
      rho[o + i] = p;
    }
  }
}

/**
 * Thomas solve along a strided axis: `nRows` rows, row j starting at base + j·stride, each holding
 * `nCols` contiguous unknowns of independent systems sharing the profile inv/g[co..co+nRows). The
 * systems run across rows element-wise, so the inner loop walks memory contiguously (y: stride =
 * nx; z: stride = nx·ny).
 */
export function sweepRows(
  rho: Float64Array, base: number, stride: number, nRows: number, nCols: number,
  inv: Float64Array, g: Float64Array, co: number,
): void {
  const a0 = inv[co];
  for (let i = base, end = base + nCols; i < end; i++) rho[i] *= a0;
  for (let j = 1; j < nRows; j++) {
    const a = inv[co + j];
    const b = g[co + j];
    const o = base + j * stride;
    for (let i = o, end = o + nCols; i < end; i++) rho[i] = a * rho[i] + b * rho[i - stride];
  }
  for (let j = nRows - 2; j >= 0; j--) {
    const b = g[co + j];
    const o = base + j * stride;
    for (let i = o, end = o + nCols; i < end; i++) rho[i] += b * rho[i + stride];
  }
}

/**
 * Like {@link sweepRows} with per-voxel coefficients: the coefficients of the unknown at
 * base + j·stride + col are at cBase + j·stride + col.
 */
export function sweepRowsVoxel(
  rho: Float64Array, base: number, stride: number, nRows: number, nCols: number,
  inv: Float64Array, g: Float64Array, cBase: number,
): void {
  const shift = base - cBase;
  for (let c = cBase, end = cBase + nCols; c < end; c++) rho[c + shift] *= inv[c];
  for (let j = 1; j < nRows; j++) {
    const c0 = cBase + j * stride;
    for (let c = c0, end = c0 + nCols; c < end; c++) {
      const i = c + shift;
      rho[i] = inv[c] * rho[i] + g[c] * rho[i - stride];
    }
  }
  for (let j = nRows - 2; j >= 0; j--) {
    const c0 = cBase + j * stride;
    for (let c = c0, end = c0 + nCols; c < end; c++) {
      const i = c + shift;
      rho[i] += g[c] * rho[i + stride];
    }
  }
}

/**
 * The x, y, z sweeps of one substrate (density at rho[base..base+nVoxels)) with the coefficients
 * of {@link buildHeldCoefficients}. Held voxels are identity rows, so they keep their value.
 */
export function sweepHeld(rho: Float64Array, base: number, mesh: Mesh, c: HeldCoefficients): void {
  const { nx, ny, nz, dims } = mesh;
  const plane = nx * ny;
  // x: runs of consecutive lines sharing a profile.
  const nLines = ny * nz;
  const xo = c.x.colOffset;
  for (let line = 0; line < nLines; ) {
    const co = xo[line];
    let end = line + 1;
    while (end < nLines && xo[end] === co) end++;
    sweepLines(rho, base + line * nx, nx, end - line, c.x.inv, c.x.g, co);
    line = end;
  }
  const y = c.y;
  if (dims >= 2 && y !== null) {
    for (let l = 0; l < nz; l++) {
      const pb = base + l * plane;
      if (y.mode === 'voxel') {
        sweepRowsVoxel(rho, pb, nx, ny, nx, y.inv, y.g, l * plane);
        continue;
      }
      const yo = y.colOffset;
      const c0 = l * nx;
      for (let i = 0; i < nx; ) {
        const co = yo[c0 + i];
        let end = i + 1;
        while (end < nx && yo[c0 + end] === co) end++;
        sweepRows(rho, pb + i, nx, ny, end - i, y.inv, y.g, co);
        i = end;
      }
    }
  }
  const z = c.z;
  if (dims === 3 && z !== null) {
    if (z.mode === 'voxel') {
      sweepRowsVoxel(rho, base, plane, nz, plane, z.inv, z.g, 0);
    } else {
      const zo = z.colOffset;
      for (let col = 0; col < plane; ) {
        const co = zo[col];
        let end = col + 1;
        while (end < plane && zo[end] === co) end++;
        sweepRows(rho, base + col, plane, nz, end - col, z.inv, z.g, co);
        col = end;
      }
    }
  }
}
