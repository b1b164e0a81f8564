/**
 * Cell mechanics of the spatial engine (layer 3, no Node-only API), after PhysiCell
 * (Ghaffarizadeh, Heiland, Friedman, Mumenthaler, Macklin 2018, PLoS Comput Biol 14(2):e1005991,
 * doi:10.1371/journal.pcbi.1005991; semantics of version 1.14.2, ../../../../shared/design/physicell-semantics.md).
 *
 * The model is overdamped: an agent's velocity (um/min) is the sum of its pair forces, a wall
 * force and its motility vector. For agents i, j at distance d with radii r_i, r_j:
 *   repulsion  +rep · (1 − d/R)²  for d < R = r_i + r_j,            rep = √(rep_i·rep_j)
 *   adhesion   −adh · (1 − d/S)²  for d < S = ρ_i r_i + ρ_j r_j,     adh = √(adh_i·adh_j)
 * along the unit vector from j to i (ρ: relative maximum adhesion distance; adhesion affinities are
 * 1). These are PhysiCell 1.14's pair rules (../../../../shared/design/physicell-semantics.md,
 * "Mechanics"). The engine option `mechanics` gives global values (PhysiCell's defaults, below);
 * a cell type's `mechanics` in the model overrides them for that type (TypeMechanics). When no
 * type's values differ from the global ones, the pass uses the global values directly (the same
 * arithmetic as without per-type values, bit for bit). A pair closer than 1e-6 um (e.g. agents
 * created at one point) has no direction; it is given a pseudo-random one from the two ids (the
 * same for the pair, opposite signs), so that coincident agents separate.
 *
 * Neighbours come from a uniform grid of bins at least as wide as the largest interaction distance
 * (max over pairs of max(R, S)), scanning the agent's bin and its Moore neighbours (3×3 in 2D,
 * 3×3×3 in 3D). Bins are filled in ascending id order and scanned in an order fixed by the
 * positions and ids alone, so the sums are the same whatever the storage order of the agents. Each agent gathers its own forces (no
 * shared accumulators), which a threaded version would split without changing any result.
 *
 * At most `maxContacts` interacting neighbours per agent are used per pass, and at most 8 times
 * as many candidates are examined (64 and 512 by default; a cell has 6 neighbours in close packing
 * in 2D and 12 in 3D, and a 3×3 block of bins holds a few tens of agents, so the caps bind only in
 * pathological overlap, such as thousands of agents created at one point; they bound the cost of
 * that case at O(n·512)). The agent's own bin is scanned first, starting after the agent itself and
 * wrapping around, so that when the caps bind each agent samples different members of its bin.
 *
 * Boundaries: a virtual wall pushes an agent whose centre is closer to a domain face than its
 * radius d_w < r with wallRepulsion·(1 − d_w/r)² (PhysiCell's domain-edge avoidance), and after each
 * position update centres are clamped into the domain, so no agent ever leaves it (and each couples
 * to an in-domain voxel). In 2D only the x and y faces exist and z stays at the layer's mid-plane.
 *
 * Positions advance by the second-order Adams–Bashforth rule x += dt (1.5 v_n − 0.5 v_{n−1});
 * an agent's first step (no previous velocity yet) is forward Euler, x += dt v_n.
 */
import type { CounterRng } from '../../random/index.js';
import type { AgentStore } from './agents.js';

/** Global mechanics parameters (um/min, dimensionless; default PhysiCell's), for every cell type that does not set its own. */
export interface MechanicsParameters {
  /** Cell–cell repulsion strength (um/min); PhysiCell default 10. */
  repulsion: number;
  /** Cell–cell adhesion strength (um/min); PhysiCell default 0.4. */
  adhesion: number;
  /** Relative maximum adhesion distance (multiple of the radius); PhysiCell default 1.25. */
  relativeMaxAdhesionDistance: number;
  /** Repulsion of the virtual wall at the domain faces (um/min); PhysiCell's domain-edge avoidance uses 100. */
  wallRepulsion: number;
  /** Interacting neighbours used per agent and pass (see the module comment); default 64. */
  maxContacts: number;
}

export const DEFAULT_MECHANICS: Readonly<MechanicsParameters> = Object.freeze({
  repulsion: 10,
  adhesion: 0.4,
  relativeMaxAdhesionDistance: 1.25,
  wallRepulsion: 100,
  maxContacts: 64,
});

/**
 * PhysiCell's scale of the "simple pressure" signal: the sum of (1 − d/R)² over overlapping
 * neighbours is divided by this, so that about 12 close-packed neighbours read 1
 * (PhysiCell 1.14 `simple_pressure_scale`).
 */
export const SIMPLE_PRESSURE_SCALE = 0.027288820670331;

/** Distance (um) below which two agents count as coincident (no direction between them). */
const COINCIDENT = 1e-6;

/** Random stream of the direction given to coincident pairs. */
export const STREAM_COINCIDENT = 0x636f696e;

/** The box the agents live in (um). In 2D, z is fixed at zMid. */
export interface Domain {
  dims: 2 | 3;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  zMin: number;
  zMax: number;
  /** z of the cell layer in 2D. */
  zMid: number;
}

/** Uniform grid of bins over the domain, holding agent indices in ascending id order per bin. */
export class NeighbourGrid {
  readonly domain: Domain;
  nbx = 1;
  nby = 1;
  nbz = 1;
  /** Bin width per axis (um). */
  wx = 1;
  wy = 1;
  wz = 1;
  /** Bin b holds binAgents[binStart[b] .. binStart[b+1]). */
  binStart = new Int32Array(2);
  binAgents = new Int32Array(0);
  /** Bin of each agent (storage index) and its position within its bin's list, valid after build. */
  binOf = new Int32Array(0);
  binPos = new Int32Array(0);
  /** Positions and radii of the binned agents in binAgents order (contiguous per bin), valid after build. */
  px = new Float64Array(0);
  py = new Float64Array(0);
  pz = new Float64Array(0);
  pr = new Float64Array(0);
  /** Cell types of the binned agents in binAgents order, filled only when `build` is asked for them. */
  pt = new Int32Array(0);
  /** Scratch for the scan segments of one agent (pairs [start, end) into binAgents). */
  readonly segments = new Int32Array(64);
  /** Number of agents binned at the last build. */
  size = 0;
  private fill = new Int32Array(0);

  constructor(domain: Domain) {
    this.domain = domain;
  }

  /** Bins along one axis of extent L for a minimum bin width w (at least 1, at most 2^20). */
  private static count(L: number, w: number): number {
    return Math.max(1, Math.min(1 << 20, Math.floor(L / w)));
  }

  /**
   * Rebuilds the grid with bins at least `minWidth` wide (um), binning every agent of the store;
   * `order` lists the storage indices in ascending id order (AgentStore.idOrder()).
   */
  build(store: AgentStore, order: Int32Array, minWidth: number, withTypes = false): void {
    const d = this.domain;
    const Lx = d.xMax - d.xMin;
    const Ly = d.yMax - d.yMin;
    const Lz = d.zMax - d.zMin;
    const w = minWidth > 0 && Number.isFinite(minWidth) ? minWidth : Math.max(Lx, Ly);
    this.nbx = NeighbourGrid.count(Lx, w);
    this.nby = NeighbourGrid.count(Ly, w);
    this.nbz = d.dims === 3 ? NeighbourGrid.count(Lz, w) : 1;
    // Keep the number of bins within a few per agent (a huge domain with tiny cells).
    const maxBins = Math.max(64, 4 * store.n);
    while (this.nbx * this.nby * this.nbz > maxBins) {
      this.nbx = Math.max(1, this.nbx >> 1);
      this.nby = Math.max(1, this.nby >> 1);
      if (d.dims === 3) this.nbz = Math.max(1, this.nbz >> 1);
    }
    this.wx = Lx / this.nbx;
    this.wy = Ly / this.nby;
    this.wz = d.dims === 3 ? Lz / this.nbz : 1;
    const nBins = this.nbx * this.nby * this.nbz;
    if (this.binStart.length < nBins + 1) this.binStart = new Int32Array(nBins + 1);
    const n = store.n;
    if (this.binAgents.length < n) {
      this.binAgents = new Int32Array(store.capacity);
      this.binOf = new Int32Array(store.capacity);
      this.binPos = new Int32Array(store.capacity);
      this.px = new Float64Array(store.capacity);
      this.py = new Float64Array(store.capacity);
      this.pz = new Float64Array(store.capacity);
      this.pr = new Float64Array(store.capacity);
    }
    if (withTypes && this.pt.length < n) this.pt = new Int32Array(store.capacity);
    const start = this.binStart;
    start.fill(0, 0, nBins + 1);
    const binOf = this.binOf;
    const { x, y, z } = store;
    for (let a = 0; a < n; a++) {
      const b = this.binIndex(x[a], y[a], z[a]);
      binOf[a] = b;
      start[b + 1]++;
    }
    for (let b = 0; b < nBins; b++) start[b + 1] += start[b];
    // Counting sort in id order: each bin lists its agents in ascending id.
    if (this.fill.length < nBins) this.fill = new Int32Array(this.binStart.length);
    const fill = this.fill;
    fill.set(start.subarray(0, nBins));
    const { px, py, pz, pr, binAgents, binPos } = this;
    const r = store.radius;
    for (let k = 0; k < n; k++) {
      const a = order[k];
      const b = binOf[a];
      const at = fill[b]++;
      binPos[a] = at - start[b];
      binAgents[at] = a;
      px[at] = x[a];
      py[at] = y[a];
      pz[at] = z[a];
      pr[at] = r[a];
    }
    if (withTypes) {
      const { pt } = this;
      const type = store.type;
      for (let at = 0; at < n; at++) pt[at] = type[binAgents[at]];
    }
    this.size = n;
  }

  /** Flat bin index of a point (coordinates clamped into the grid). */
  binIndex(px: number, py: number, pz: number): number {
    const d = this.domain;
    let i = Math.floor((px - d.xMin) / this.wx);
    let j = Math.floor((py - d.yMin) / this.wy);
    i = i < 0 ? 0 : i >= this.nbx ? this.nbx - 1 : i;
    j = j < 0 ? 0 : j >= this.nby ? this.nby - 1 : j;
    let l = 0;
    if (d.dims === 3) {
      l = Math.floor((pz - d.zMin) / this.wz);
      l = l < 0 ? 0 : l >= this.nbz ? this.nbz - 1 : l;
    }
    // NaN coordinates fall into bin 0 (the comparisons above are false for NaN).
    if (!(i >= 0)) i = 0;
    if (!(j >= 0)) j = 0;
    if (!(l >= 0)) l = 0;
    return i + this.nbx * (j + this.nby * l);
  }
}

/**
 * Contacts of every agent found by the last pass (storage indices, valid until the store changes):
 * agent a's neighbours in contact (d < r_a + r_j) are list[start[a] .. start[a] + count[a]).
 * `pressure[a]` is PhysiCell's simple pressure of agent a.
 */
export class ContactLists {
  start = new Int32Array(0);
  count = new Int32Array(0);
  pressure = new Float64Array(0);
  list = new Int32Array(0);
  /** Whether the lists describe the current store (set by the pass, cleared on any removal). */
  valid = false;

  ensure(capacity: number, listLength: number): void {
    if (this.start.length < capacity) {
      this.start = new Int32Array(capacity);
      this.count = new Int32Array(capacity);
      this.pressure = new Float64Array(capacity);
    }
    if (this.list.length < listLength) {
      const bigger = new Int32Array(listLength);
      bigger.set(this.list);
      this.list = bigger;
    }
  }
}

/**
 * Per-type mechanics (cell types' own values, the global ones where a type sets none), in typed
 * arrays indexed by type: `repulsion[i·nT + j]` = √(rep_i·rep_j) and `adhesion[i·nT + j]` =
 * √(adh_i·adh_j) per ordered pair (um/min), `relMaxAdhesion[i]` per type.
 */
export interface TypeMechanics {
  nT: number;
  repulsion: Float64Array;
  adhesion: Float64Array;
  relMaxAdhesion: Float64Array;
  /** Largest relative maximum adhesion distance over the types. */
  maxRel: number;
}

/**
 * The per-type mechanics of cell types whose values (null = not set) override the global ones,
 * or null when every type's values equal the global ones (then the pass uses the global values).
 */
export function typeMechanics(params: MechanicsParameters, types: ReadonlyArray<{ repulsion: number | null; adhesion: number | null; relativeMaxAdhesionDistance: number | null } | undefined>): TypeMechanics | null {
  const nT = types.length;
  const rep = Float64Array.from(types, (t) => t?.repulsion ?? params.repulsion);
  const adh = Float64Array.from(types, (t) => t?.adhesion ?? params.adhesion);
  const rel = Float64Array.from(types, (t) => t?.relativeMaxAdhesionDistance ?? params.relativeMaxAdhesionDistance);
  let differs = false;
  for (let i = 0; i < nT; i++) {
    if (rep[i] !== params.repulsion || adh[i] !== params.adhesion || rel[i] !== params.relativeMaxAdhesionDistance) differs = true;
  }
  if (!differs) return null;
  const repulsion = new Float64Array(nT * nT);
  const adhesion = new Float64Array(nT * nT);
  for (let i = 0; i < nT; i++) {
    for (let j = 0; j < nT; j++) {
      // Equal values are kept exactly (√(x·x) is x in IEEE arithmetic anyway).
      repulsion[i * nT + j] = rep[i] === rep[j] ? rep[i] : Math.sqrt(rep[i] * rep[j]);
      adhesion[i * nT + j] = adh[i] === adh[j] ? adh[i] : Math.sqrt(adh[i] * adh[j]);
    }
  }
  let maxRel = 0;
  for (let i = 0; i < nT; i++) if (rel[i] > maxRel) maxRel = rel[i];
  return { nT, repulsion, adhesion, relMaxAdhesion: rel, maxRel };
}

/** Largest pair interaction distance (um) for agents and cell types of the given radii. */
export function interactionReach(maxRadius: number, params: MechanicsParameters, types: TypeMechanics | null = null): number {
  return 2 * maxRadius * Math.max(1, types === null ? params.relativeMaxAdhesionDistance : types.maxRel);
}

/**
 * One pass over all agents: sets each agent's velocity (vx, vy, vz) to the sum of its pair and
 * wall forces (motility is added separately), and fills `contacts` (contact lists and simple
 * pressure). The grid must have been built for the current positions with bins at least
 * interactionReach(max radius) wide. With per-type mechanics (`types` not null) the grid must
 * have been built with its types (`withTypes`). Does not allocate unless the contact list must grow.
 */
export function forcePass(store: AgentStore, grid: NeighbourGrid, params: MechanicsParameters, contacts: ContactLists, rng: CounterRng, dir: Float64Array, types: TypeMechanics | null = null): void {
  const n = store.n;
  const maxC = params.maxContacts;
  const maxScan = 8 * maxC;
  contacts.ensure(store.capacity, Math.max(contacts.list.length, 8 * n + maxC));
  const { x, y, z, radius, vx, vy, vz, id } = store;
  const rep = params.repulsion;
  const adh = params.adhesion;
  const rel = params.relativeMaxAdhesionDistance;
  const wall = params.wallRepulsion;
  const typed = types !== null;
  const nT = typed ? types.nT : 0;
  const repT = typed ? types.repulsion : null;
  const adhT = typed ? types.adhesion : null;
  const relT = typed ? types.relMaxAdhesion : null;
  const pt = grid.pt;
  const type = store.type;
  const d = grid.domain;
  const threeD = d.dims === 3;
  const { nbx, nby, nbz, binStart, binAgents, binOf, binPos } = grid;
  const { px, py, pz, pr } = grid;
  const seg = grid.segments;
  let used = 0;
  for (let a = 0; a < n; a++) {
    if (used + maxC > contacts.list.length) contacts.ensure(store.capacity, 2 * contacts.list.length + maxC);
    const list = contacts.list;
    const xa = x[a];
    const ya = y[a];
    const za = z[a];
    const ra = radius[a];
    const ida = id[a];
    const typeRow = typed ? nT * type[a] : 0;
    const rela = typed ? (relT as Float64Array)[type[a]] : rel;
    let fx = 0;
    let fy = 0;
    let fz = 0;
    let pressure = 0;
    let found = 0;
    let scanned = 0;
    let nContacts = 0;
    contacts.start[a] = used;
    // Scan segments: the agent's own bin first, starting after the agent itself and wrapping
    // around (so that, should the caps bind, each agent samples different members of a crowded
    // bin), then the neighbouring bins row by row.
    const b = binOf[a];
    const bi = b % nbx;
    const bij = ((b - bi) / nbx) | 0;
    const bj = bij % nby;
    const bl = ((bij - bj) / nby) | 0;
    const own0 = binStart[b];
    const own1 = binStart[b + 1];
    const self = own0 + binPos[a];
    let nSeg = 0;
    seg[nSeg++] = self + 1;
    seg[nSeg++] = own1;
    seg[nSeg++] = own0;
    seg[nSeg++] = self;
    const l0 = bl > 0 ? bl - 1 : 0;
    const l1 = bl < nbz - 1 ? bl + 1 : nbz - 1;
    const j0 = bj > 0 ? bj - 1 : 0;
    const j1 = bj < nby - 1 ? bj + 1 : nby - 1;
    const i0 = bi > 0 ? bi - 1 : 0;
    const i1 = bi < nbx - 1 ? bi + 1 : nbx - 1;
    for (let l = l0; l <= l1; l++) {
      for (let j = j0; j <= j1; j++) {
        const row = nbx * (j + nby * l);
        const r0 = binStart[row + i0];
        const r1 = binStart[row + i1 + 1];
        if (l === bl && j === bj) {
          seg[nSeg++] = r0;
          seg[nSeg++] = own0;
          seg[nSeg++] = own1;
          seg[nSeg++] = r1;
        } else {
          seg[nSeg++] = r0;
          seg[nSeg++] = r1;
        }
      }
    }
    scan: for (let g = 0; g < nSeg; g += 2) {
      const kEnd = seg[g + 1];
      for (let k = seg[g]; k < kEnd; k++) {
        if (++scanned > maxScan) break scan;
        let dx = xa - px[k];
        let dy = ya - py[k];
        let dz = threeD ? za - pz[k] : 0;
        const R = ra + pr[k];
        let repP = rep;
        let adhP = adh;
        let S: number;
        if (typed) {
          // PhysiCell 1.14: √(rep_i·rep_j), √(adh_i·adh_j), S = ρ_i r_i + ρ_j r_j.
          const tk = pt[k];
          repP = (repT as Float64Array)[typeRow + tk];
          adhP = (adhT as Float64Array)[typeRow + tk];
          const relk = (relT as Float64Array)[tk];
          S = rela === relk ? rela * R : rela * ra + relk * pr[k];
        } else S = rel * R;
        const cut = R > S ? R : S;
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 >= cut * cut) continue;
        const o = binAgents[k];
        const dist = Math.sqrt(d2);
        let f = 0;
        if (dist < COINCIDENT) {
          // No direction: a pseudo-random one fixed by the pair, from the lower id to the higher;
          // the potentials are taken at distance 0.
          const ido = id[o];
          const lo = ida < ido ? ida : ido;
          const hi = ida < ido ? ido : ida;
          if (threeD) rng.unitVector3(STREAM_COINCIDENT, lo, hi, 0, dir);
          else rng.unitVector2(STREAM_COINCIDENT, lo, hi, 0, dir);
          const sign = ida > ido ? 1 : -1;
          dx = sign * dir[0];
          dy = sign * dir[1];
          dz = threeD ? sign * dir[2] : 0;
          f = repP - adhP;
          pressure += 1 / SIMPLE_PRESSURE_SCALE;
          list[used + nContacts++] = o;
        } else {
          if (dist < R) {
            const q = 1 - dist / R;
            f += repP * q * q;
            pressure += (q * q) / SIMPLE_PRESSURE_SCALE;
            list[used + nContacts++] = o;
          }
          if (dist < S) {
            const q = 1 - dist / S;
            f -= adhP * q * q;
          }
          f /= dist;
        }
        fx += f * dx;
        fy += f * dy;
        fz += f * dz;
        if (++found >= maxC) break scan;
      }
    }
    // Virtual wall at the domain faces.
    if (wall > 0) {
      let w = xa - d.xMin;
      if (w < ra) fx += wall * (1 - w / ra) * (1 - w / ra);
      w = d.xMax - xa;
      if (w < ra) fx -= wall * (1 - w / ra) * (1 - w / ra);
      w = ya - d.yMin;
      if (w < ra) fy += wall * (1 - w / ra) * (1 - w / ra);
      w = d.yMax - ya;
      if (w < ra) fy -= wall * (1 - w / ra) * (1 - w / ra);
      if (threeD) {
        w = za - d.zMin;
        if (w < ra) fz += wall * (1 - w / ra) * (1 - w / ra);
        w = d.zMax - za;
        if (w < ra) fz -= wall * (1 - w / ra) * (1 - w / ra);
      }
    }
    vx[a] = fx;
    vy[a] = fy;
    vz[a] = threeD ? fz : 0;
    contacts.count[a] = nContacts;
    contacts.pressure[a] = pressure;
    used += nContacts;
  }
  contacts.valid = true;
}

/** The voxel lattice of the microenvironment as seen by the agents (origin at the domain's lower corner). */
export interface VoxelLattice {
  nx: number;
  ny: number;
  nz: number;
  dx: number;
  dy: number;
  dz: number;
}

/**
 * Flat index (i + nx·(j + ny·l)) of the voxel holding a point of the domain, each index clamped
 * into the lattice (the same voxel as Mesh.voxelIndexClamped for points inside the domain).
 */
export function voxelAt(lattice: VoxelLattice, domain: Domain, px: number, py: number, pz: number): number {
  let i = Math.floor((px - domain.xMin) / lattice.dx);
  let j = Math.floor((py - domain.yMin) / lattice.dy);
  i = i >= lattice.nx ? lattice.nx - 1 : i >= 0 ? i : 0;
  j = j >= lattice.ny ? lattice.ny - 1 : j >= 0 ? j : 0;
  let l = 0;
  if (domain.dims === 3) {
    l = Math.floor((pz - domain.zMin) / lattice.dz);
    l = l >= lattice.nz ? lattice.nz - 1 : l >= 0 ? l : 0;
  }
  return i + lattice.nx * (j + lattice.ny * l);
}

/**
 * Moves every agent by one mechanics step dt (min) with Adams–Bashforth 2 (forward Euler for an
 * agent's first step), stores the velocity as the previous one, clamps the centre into the domain
 * and updates the agent's voxel. In 2D, z stays at the mid-plane.
 */
export function advancePositions(store: AgentStore, domain: Domain, dt: number, lattice: VoxelLattice): void {
  const n = store.n;
  const { x, y, z, vx, vy, vz, pvx, pvy, pvz, fresh, voxel } = store;
  const c1 = 1.5 * dt;
  const c0 = -0.5 * dt;
  const threeD = domain.dims === 3;
  for (let a = 0; a < n; a++) {
    let nx: number;
    let ny: number;
    let nz: number;
    if (fresh[a] === 1) {
      nx = x[a] + dt * vx[a];
      ny = y[a] + dt * vy[a];
      nz = threeD ? z[a] + dt * vz[a] : domain.zMid;
      fresh[a] = 0;
    } else {
      nx = x[a] + c1 * vx[a] + c0 * pvx[a];
      ny = y[a] + c1 * vy[a] + c0 * pvy[a];
      nz = threeD ? z[a] + c1 * vz[a] + c0 * pvz[a] : domain.zMid;
    }
    pvx[a] = vx[a];
    pvy[a] = vy[a];
    pvz[a] = vz[a];
    const px = clamp(nx, domain.xMin, domain.xMax);
    const py = clamp(ny, domain.yMin, domain.yMax);
    const pz = threeD ? clamp(nz, domain.zMin, domain.zMax) : domain.zMid;
    x[a] = px;
    y[a] = py;
    z[a] = pz;
    voxel[a] = voxelAt(lattice, domain, px, py, pz);
  }
}

/** Clamps v into [lo, hi]; NaN stays NaN (so that a broken state is detected, not hidden). */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

