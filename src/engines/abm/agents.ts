/**
 * The agents of the spatial engine in a structure-of-arrays store (layer 3, no Node-only API).
 *
 * Every per-agent quantity is one typed array indexed by the agent's *storage index* 0..n-1. The
 * arrays grow by doubling. Removal is a swap-remove: the last agent moves into the hole, so storage
 * indices change, but each agent keeps its *id*, a stable unsigned 32-bit number assigned in
 * creation order and never reused. `indexOf(id)` maps an id back to its current index.
 *
 * Storage order is arbitrary (it changes with every removal). Everything that must not depend on
 * it (summation orders, the order of daughters and removals) goes through {@link AgentStore.idOrder},
 * the present agents' indices in ascending id order.
 *
 * Units: positions and radii in um, velocities in um/min, volumes in um^3, times in min, damage
 * dimensionless.
 */

/** Agent states, the codes of `SpatialSnapshot.agents.state`. */
export const LIVE = 0;
export const APOPTOTIC = 1;
export const NECROTIC = 2;

/** Radius (um) of a sphere of volume v (um^3). */
export function sphereRadius(volume: number): number {
  return Math.cbrt((3 * volume) / (4 * Math.PI));
}

export class AgentStore {
  /** Number of agents present. */
  n = 0;
  /** Allocated length of the per-agent arrays. */
  capacity: number;
  /** Number of per-agent behaviour slots (see `behaviour`). */
  readonly behaviourWidth: number;
  /** Number of per-agent secretion slots (see `srcS`). */
  readonly sourceWidth: number;
  /** Number of per-agent internalised-substrate slots (see `internal`): nSubstrates when tracked, else 0. */
  readonly internalWidth: number;
  /**
   * Bumped by every change of the storage (add, remove, permute, growth): indices held elsewhere
   * (e.g. the engine's cached secretion batch) are stale when it differs from the value they saw.
   */
  version = 0;
  /** The id the next agent gets. */
  nextId = 0;

  /** Stable id, [n]. */
  id: Uint32Array;
  /** Cell-type index, [n]. */
  type: Uint16Array;
  /** LIVE, APOPTOTIC or NECROTIC, [n]. */
  state: Uint8Array;
  /** 1 while the agent has no previous velocity (its first mechanics step is forward Euler), [n]. */
  fresh: Uint8Array;
  /** Position (um), [n] each. */
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  /** Velocity of the current mechanics step (um/min), [n] each. */
  vx: Float64Array;
  vy: Float64Array;
  vz: Float64Array;
  /** Velocity of the previous mechanics step (um/min), for Adams–Bashforth 2, [n] each. */
  pvx: Float64Array;
  pvy: Float64Array;
  pvz: Float64Array;
  /** Motility vector, direction × migration speed (um/min), [n] each. */
  mx: Float64Array;
  my: Float64Array;
  mz: Float64Array;
  /** Mechanics step at which the agent next picks a motility direction (-1: not scheduled), [n]. */
  nextTurn: Float64Array;
  /** Total volume (um^3) and the radius of the sphere of that volume (um), [n] each. */
  volume: Float64Array;
  radius: Float64Array;
  /** Time since creation and time in the current state (min), [n] each. */
  age: Float64Array;
  stateTime: Float64Array;
  /** Voxel holding the agent's centre (flat mesh index), [n]. */
  voxel: Int32Array;
  /**
   * Accumulated attack damage (dimensionless, PhysiCell's `cell_integrity.damage`), [n]: 0 for a
   * new agent, raised by attacks of types with an attack damage rate, decayed at the type's
   * damage repair rate (see World); kept by both cells at division and through a transformation.
   */
  damage: Float64Array;
  /**
   * Evaluated behaviour values of the behaviours that carry rules, [n × behaviourWidth]: slot r of
   * agent a is the value of its type's r-th rule response (see AbmTables.responseSlot).
   */
  behaviour: Float64Array;
  /**
   * Secretion coefficients per agent and source slot q (the type's q-th coupled substrate, see
   * AbmTables.sourceSubstrate), [n × sourceWidth] each: secretion rate (1/min), target
   * (substrate unit), uptake rate (1/min), net export (substrate unit × um^3/min).
   */
  srcS: Float64Array;
  srcT: Float64Array;
  srcU: Float64Array;
  srcE: Float64Array;
  /**
   * Amount of each substrate inside the agent ([c]·um^3, substrate k in slot k), [n × internalWidth]
   * (BioFVM's internalised substrates; see World for how it changes).
   */
  internal: Float64Array;

  /** Current storage index of each id ever issued, -1 once removed; grows with nextId. */
  private indexById: Int32Array;
  /** Ids of present agents (and of some removed ones until the next compaction), ascending. */
  private ids: Uint32Array;
  private idsLength = 0;
  private removedSinceCompaction = 0;
  /** Present agents' indices in ascending id order (valid when !orderDirty). */
  private order: Int32Array;
  private orderView: Int32Array = new Int32Array(0);
  private orderDirty = true;

  constructor(behaviourWidth: number, sourceWidth: number, capacity = 64, internalWidth = 0) {
    this.behaviourWidth = behaviourWidth;
    this.sourceWidth = sourceWidth;
    this.internalWidth = internalWidth;
    this.capacity = Math.max(1, capacity);
    const c = this.capacity;
    this.id = new Uint32Array(c);
    this.type = new Uint16Array(c);
    this.state = new Uint8Array(c);
    this.fresh = new Uint8Array(c);
    this.x = new Float64Array(c);
    this.y = new Float64Array(c);
    this.z = new Float64Array(c);
    this.vx = new Float64Array(c);
    this.vy = new Float64Array(c);
    this.vz = new Float64Array(c);
    this.pvx = new Float64Array(c);
    this.pvy = new Float64Array(c);
    this.pvz = new Float64Array(c);
    this.mx = new Float64Array(c);
    this.my = new Float64Array(c);
    this.mz = new Float64Array(c);
    this.nextTurn = new Float64Array(c);
    this.volume = new Float64Array(c);
    this.radius = new Float64Array(c);
    this.age = new Float64Array(c);
    this.stateTime = new Float64Array(c);
    this.voxel = new Int32Array(c);
    this.damage = new Float64Array(c);
    this.behaviour = new Float64Array(c * behaviourWidth);
    this.srcS = new Float64Array(c * sourceWidth);
    this.srcT = new Float64Array(c * sourceWidth);
    this.srcU = new Float64Array(c * sourceWidth);
    this.srcE = new Float64Array(c * sourceWidth);
    this.internal = new Float64Array(c * internalWidth);
    this.indexById = new Int32Array(c).fill(-1);
    this.ids = new Uint32Array(c);
    this.order = new Int32Array(c);
  }

  /** Grows the per-agent arrays to hold at least `needed` agents (doubling). */
  reserve(needed: number): void {
    if (needed <= this.capacity) return;
    let c = this.capacity;
    while (c < needed) c *= 2;
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | Int32Array>(a: T, width = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(c * width);
      b.set(a.subarray(0, this.n * width));
      return b;
    };
    this.id = grow(this.id);
    this.type = grow(this.type);
    this.state = grow(this.state);
    this.fresh = grow(this.fresh);
    this.x = grow(this.x);
    this.y = grow(this.y);
    this.z = grow(this.z);
    this.vx = grow(this.vx);
    this.vy = grow(this.vy);
    this.vz = grow(this.vz);
    this.pvx = grow(this.pvx);
    this.pvy = grow(this.pvy);
    this.pvz = grow(this.pvz);
    this.mx = grow(this.mx);
    this.my = grow(this.my);
    this.mz = grow(this.mz);
    this.nextTurn = grow(this.nextTurn);
    this.volume = grow(this.volume);
    this.radius = grow(this.radius);
    this.age = grow(this.age);
    this.stateTime = grow(this.stateTime);
    this.voxel = grow(this.voxel);
    this.damage = grow(this.damage);
    this.behaviour = grow(this.behaviour, this.behaviourWidth);
    this.srcS = grow(this.srcS, this.sourceWidth);
    this.srcT = grow(this.srcT, this.sourceWidth);
    this.srcU = grow(this.srcU, this.sourceWidth);
    this.srcE = grow(this.srcE, this.sourceWidth);
    this.internal = grow(this.internal, this.internalWidth);
    const ids = new Uint32Array(c);
    ids.set(this.ids.subarray(0, this.idsLength));
    this.ids = ids;
    this.order = new Int32Array(c);
    this.orderDirty = true;
    this.capacity = c;
    this.version++;
  }

  /**
   * Appends a live agent with a new id at (x, y, z), zero velocities, motility and damage, the
   * given volume; returns its storage index. Per-agent behaviour and secretion slots are zeroed (the
   * engine fills them), and so are its internalised amounts.
   */
  add(type: number, x: number, y: number, z: number, volume: number): number {
    if (this.n >= this.capacity) this.reserve(this.n + 1);
    const a = this.n++;
    const id = this.nextId++;
    if (id >= 4294967295) throw new RangeError('AgentStore: more than 2^32 - 1 agent ids issued');
    if (id >= this.indexById.length) {
      const bigger = new Int32Array(Math.max(2 * this.indexById.length, id + 1)).fill(-1);
      bigger.set(this.indexById);
      this.indexById = bigger;
    }
    this.indexById[id] = a;
    if (this.idsLength >= this.ids.length) {
      const bigger = new Uint32Array(2 * this.ids.length + 1);
      bigger.set(this.ids.subarray(0, this.idsLength));
      this.ids = bigger;
    }
    this.ids[this.idsLength++] = id;
    this.id[a] = id;
    this.type[a] = type;
    this.state[a] = LIVE;
    this.fresh[a] = 1;
    this.x[a] = x;
    this.y[a] = y;
    this.z[a] = z;
    this.vx[a] = this.vy[a] = this.vz[a] = 0;
    this.pvx[a] = this.pvy[a] = this.pvz[a] = 0;
    this.mx[a] = this.my[a] = this.mz[a] = 0;
    this.nextTurn[a] = -1;
    this.volume[a] = volume;
    this.radius[a] = sphereRadius(volume);
    this.age[a] = 0;
    this.stateTime[a] = 0;
    this.voxel[a] = 0;
    this.damage[a] = 0;
    this.behaviour.fill(0, a * this.behaviourWidth, (a + 1) * this.behaviourWidth);
    const w = this.sourceWidth;
    this.srcS.fill(0, a * w, (a + 1) * w);
    this.srcT.fill(0, a * w, (a + 1) * w);
    this.srcU.fill(0, a * w, (a + 1) * w);
    this.srcE.fill(0, a * w, (a + 1) * w);
    const iw = this.internalWidth;
    if (iw > 0) this.internal.fill(0, a * iw, (a + 1) * iw);
    this.orderDirty = true;
    this.version++;
    return a;
  }

  /** Sets the volume (um^3) and the radius that goes with it. */
  setVolume(a: number, volume: number): void {
    this.volume[a] = volume;
    this.radius[a] = sphereRadius(volume);
  }

  /**
   * Removes the agent at storage index a by swap-remove: the last agent moves to index a (keeping
   * its id). Indices held elsewhere (neighbour lists, grids) are invalid afterwards.
   */
  remove(a: number): void {
    if (!(a >= 0 && a < this.n)) throw new RangeError(`AgentStore.remove: index ${a} outside [0, ${this.n})`);
    const last = this.n - 1;
    this.indexById[this.id[a]] = -1;
    if (a !== last) this.moveAgent(last, a);
    this.n = last;
    this.removedSinceCompaction++;
    this.orderDirty = true;
    this.version++;
  }

  /** Copies every per-agent value of index `from` to index `to` (to's old content is lost). */
  private moveAgent(from: number, to: number): void {
    this.id[to] = this.id[from];
    this.indexById[this.id[to]] = to;
    this.type[to] = this.type[from];
    this.state[to] = this.state[from];
    this.fresh[to] = this.fresh[from];
    this.x[to] = this.x[from];
    this.y[to] = this.y[from];
    this.z[to] = this.z[from];
    this.vx[to] = this.vx[from];
    this.vy[to] = this.vy[from];
    this.vz[to] = this.vz[from];
    this.pvx[to] = this.pvx[from];
    this.pvy[to] = this.pvy[from];
    this.pvz[to] = this.pvz[from];
    this.mx[to] = this.mx[from];
    this.my[to] = this.my[from];
    this.mz[to] = this.mz[from];
    this.nextTurn[to] = this.nextTurn[from];
    this.volume[to] = this.volume[from];
    this.radius[to] = this.radius[from];
    this.age[to] = this.age[from];
    this.stateTime[to] = this.stateTime[from];
    this.voxel[to] = this.voxel[from];
    this.damage[to] = this.damage[from];
    const bw = this.behaviourWidth;
    if (bw > 0) this.behaviour.copyWithin(to * bw, from * bw, (from + 1) * bw);
    const sw = this.sourceWidth;
    if (sw > 0) {
      this.srcS.copyWithin(to * sw, from * sw, (from + 1) * sw);
      this.srcT.copyWithin(to * sw, from * sw, (from + 1) * sw);
      this.srcU.copyWithin(to * sw, from * sw, (from + 1) * sw);
      this.srcE.copyWithin(to * sw, from * sw, (from + 1) * sw);
    }
    const iw = this.internalWidth;
    if (iw > 0) this.internal.copyWithin(to * iw, from * iw, (from + 1) * iw);
  }

  /** Current storage index of an id, or -1 if no such agent is present. */
  indexOf(id: number): number {
    return id >= 0 && id < this.indexById.length ? this.indexById[id] : -1;
  }

  /** Whether an agent with this id is present. */
  has(id: number): boolean {
    return this.indexOf(id) >= 0;
  }

  /**
   * The present agents' storage indices in ascending id order (length n). The returned array is
   * owned by the store and valid until the next add/remove/permute; do not modify it.
   */
  idOrder(): Int32Array {
    if (!this.orderDirty && this.orderView.length === this.n && this.orderView.buffer === this.order.buffer) return this.orderView;
    if (this.removedSinceCompaction > 0) {
      let k = 0;
      for (let i = 0; i < this.idsLength; i++) {
        const id = this.ids[i];
        if (this.indexById[id] >= 0) this.ids[k++] = id;
      }
      this.idsLength = k;
      this.removedSinceCompaction = 0;
    }
    for (let i = 0; i < this.idsLength; i++) this.order[i] = this.indexById[this.ids[i]];
    this.orderDirty = false;
    this.orderView = this.order.subarray(0, this.n);
    return this.orderView;
  }

  /**
   * Reorders the storage: the agent at index perm[i] moves to index i (perm must be a permutation
   * of 0..n-1). Ids are kept. Results of the engine do not depend on storage order; tests use this
   * to check it.
   * @throws RangeError if perm is not a permutation of 0..n-1.
   */
  permute(perm: ArrayLike<number>): void {
    const n = this.n;
    if (perm.length !== n) throw new RangeError(`AgentStore.permute: expected ${n} indices, got ${perm.length}`);
    const seen = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = perm[i];
      if (!(Number.isInteger(p) && p >= 0 && p < n) || seen[p]) throw new RangeError('AgentStore.permute: not a permutation');
      seen[p] = 1;
    }
    // Move through a scratch store of the same shape.
    const tmp = new AgentStore(this.behaviourWidth, this.sourceWidth, n, this.internalWidth);
    tmp.n = n;
    const arrays = (s: AgentStore) => [s.id, s.type, s.state, s.fresh, s.x, s.y, s.z, s.vx, s.vy, s.vz, s.pvx, s.pvy, s.pvz, s.mx, s.my, s.mz, s.nextTurn, s.volume, s.radius, s.age, s.stateTime, s.voxel, s.damage] as const;
    const src = arrays(this);
    const dst = arrays(tmp);
    for (let k = 0; k < src.length; k++) for (let i = 0; i < n; i++) dst[k][i] = src[k][perm[i]];
    const wide = (s: AgentStore) => [[s.behaviour, s.behaviourWidth], [s.srcS, s.sourceWidth], [s.srcT, s.sourceWidth], [s.srcU, s.sourceWidth], [s.srcE, s.sourceWidth], [s.internal, s.internalWidth]] as const;
    const ws = wide(this);
    const wd = wide(tmp);
    for (let k = 0; k < ws.length; k++) {
      const w = ws[k][1];
      for (let i = 0; i < n; i++) wd[k][0].set(ws[k][0].subarray(perm[i] * w, (perm[i] + 1) * w), i * w);
    }
    for (let k = 0; k < src.length; k++) src[k].set(dst[k].subarray(0, n));
    for (let k = 0; k < ws.length; k++) ws[k][0].set(wd[k][0].subarray(0, n * ws[k][1]));
    for (let i = 0; i < n; i++) this.indexById[this.id[i]] = i;
    this.orderDirty = true;
    this.version++;
  }
}
