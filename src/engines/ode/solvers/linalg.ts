/**
 * Small dense linear-algebra and norm kernels for the ODE integrators (no allocation, no
 * Node-only API).
 *
 * Matrices are dense, row-major Float64Array of length n*n: A[i*n + j] is row i, column j.
 */

/**
 * In-place LU factorisation with partial (row) pivoting, P·A = L·U (Doolittle: unit lower L).
 *
 * On return `a` holds U on and above the diagonal and the multipliers of L below it; `piv[k]` is
 * the row swapped with row k at elimination step k (LAPACK-style sequential interchanges, 0-based).
 * Reference: Golub & Van Loan, Matrix Computations, 4th ed., Alg. 3.4.1.
 *
 * @param a   matrix (n*n, row-major), overwritten by its factors.
 * @param n   dimension.
 * @param piv pivot indices (length >= n), overwritten.
 * @returns false when a pivot is exactly zero or not finite (singular or corrupted matrix; the
 *          factors are then unusable), true otherwise.
 */
export function luFactor(a: Float64Array, n: number, piv: Int32Array): boolean {
  for (let k = 0; k < n; k++) {
    // Pivot search in column k.
    let p = k;
    let maxAbs = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > maxAbs) {
        maxAbs = v;
        p = i;
      }
    }
    piv[k] = p;
    if (!(maxAbs > 0) || maxAbs === Infinity) return false;
    if (p !== k) {
      const rk = k * n;
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const tmp = a[rk + j];
        a[rk + j] = a[rp + j];
        a[rp + j] = tmp;
      }
    }
    const rowK = k * n;
    const invPivot = 1 / a[rowK + k];
    for (let i = k + 1; i < n; i++) {
      const rowI = i * n;
      const l = a[rowI + k] * invPivot;
      a[rowI + k] = l;
      if (l !== 0) {
        for (let j = k + 1; j < n; j++) a[rowI + j] -= l * a[rowK + j];
      }
    }
  }
  return true;
}

/**
 * Solves A·x = b in place using the factors from {@link luFactor}.
 *
 * @param lu  factors (n*n, row-major) from `luFactor`.
 * @param n   dimension.
 * @param piv pivot indices from `luFactor`.
 * @param b   right-hand side (length >= n); overwritten by the solution x.
 */
export function luSolve(lu: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const tmp = b[k];
      b[k] = b[p];
      b[p] = tmp;
    }
  }
  // Forward substitution with unit lower L.
  for (let i = 1; i < n; i++) {
    const rowI = i * n;
    let s = b[i];
    for (let j = 0; j < i; j++) s -= lu[rowI + j] * b[j];
    b[i] = s;
  }
  // Back substitution with U.
  for (let i = n - 1; i >= 0; i--) {
    const rowI = i * n;
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= lu[rowI + j] * b[j];
    b[i] = s / lu[rowI + i];
  }
}

/**
 * Hairer's weighted RMS norm of an error vector (Hairer, Nørsett & Wanner, Solving ODE I, eq. II.4.11):
 *
 *   ‖e‖ = sqrt( (1/n) Σ_i (e_i / sc_i)² ),   sc_i = atol_i + rtol · max(|ya_i|, |yb_i|).
 *
 * A value <= 1 means "within tolerance". Returns NaN/Infinity when `e` (or ya, yb) is not finite.
 *
 * @param e    error vector (length n), in the units of y.
 * @param ya   state at the start of the step (length n).
 * @param yb   state at the end of the step (length n).
 * @param atol absolute tolerances (length n, > 0).
 * @param rtol relative tolerance (> 0).
 * @param scale optional factor applied to every e_i (e.g. the step size h), default 1.
 */
export function weightedRmsNorm(
  e: Float64Array,
  ya: Float64Array,
  yb: Float64Array,
  atol: Float64Array,
  rtol: number,
  scale = 1,
): number {
  const n = e.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(ya[i]);
    const b = Math.abs(yb[i]);
    const sc = atol[i] + rtol * (a > b ? a : b);
    const r = (scale * e[i]) / sc;
    sum += r * r;
  }
  return Math.sqrt(sum / n);
}

/**
 * True when every entry of v[0..len) is finite (no NaN, no ±Infinity). Branch-free: x·0 is 0 for
 * finite x and NaN otherwise.
 *
 * @param v   vector to check.
 * @param len number of leading entries to check (default v.length).
 */
export function allFinite(v: Float64Array, len = v.length): boolean {
  let acc = 0;
  for (let i = 0; i < len; i++) acc += v[i] * 0;
  return acc === 0;
}

/**
 * Infinity norm (largest absolute row sum) of a dense row-major n×n matrix; an upper bound on its
 * spectral radius, used as a cheap stiffness indicator.
 *
 * @param a matrix (n*n, row-major).
 * @param n dimension.
 */
export function matrixInfNorm(a: Float64Array, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += Math.abs(a[row + j]);
    if (s > best) best = s;
  }
  return best;
}
