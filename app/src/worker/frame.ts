/**
 * A 2D picture of a spatial run for the Space view (see SpaceFrame in protocol.ts): the agents
 * (equivalent-sphere radius from their volume) and the mid z-plane of every substrate grid.
 */
import type { CompiledModel } from '../../../src/compile/compile.js';
import type { AbmSimulation } from '../../../src/engines/abm/engine.js';
import type { SpaceFrame } from './protocol.js';

/** Builds a frame of the simulation's current state (fresh typed arrays, ready to transfer). */
export function spaceFrame(sim: AbmSimulation, model: CompiledModel): SpaceFrame {
  const w = sim.world;
  const s = w.store;
  const n = s.n;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const radius = new Float32Array(n);
  const type = new Uint16Array(n);
  const state = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = s.x[i];
    y[i] = s.y[i];
    radius[i] = Math.cbrt((3 * s.volume[i]) / (4 * Math.PI));
    type[i] = s.type[i];
    state[i] = s.state[i];
  }
  const m = w.mesh;
  const nV = m.nVoxels;
  const plane = m.nx * m.ny;
  const z = Math.floor(m.nz / 2);
  const substrates = model.substrates.map((sub, k) => ({
    name: sub.name,
    unit: sub.unit,
    nx: m.nx,
    ny: m.ny,
    values: Float32Array.from(w.env.densities.subarray(k * nV + z * plane, k * nV + (z + 1) * plane)),
  }));
  return {
    time: w.time,
    origin: [w.domain.xMin, w.domain.yMin],
    size: [w.domain.xMax - w.domain.xMin, w.domain.yMax - w.domain.yMin],
    cellTypes: model.cellTypes.map((c) => ({ name: c.name, label: c.label })),
    n,
    x,
    y,
    radius,
    type,
    state,
    substrates,
  };
}

/** The buffers of a frame, for postMessage's transfer list. */
export function frameTransfers(f: SpaceFrame): ArrayBuffer[] {
  return [f.x, f.y, f.radius, f.type, f.state, ...f.substrates.map((s) => s.values)].map((a) => a.buffer as ArrayBuffer);
}
