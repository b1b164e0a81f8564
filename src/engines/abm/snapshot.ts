/**
 * A snapshot of the spatial engine at one time (layer 3): the agents and the substrate grids.
 * Writers (Arrow IPC files, PNG frames, the animation in the report) read only this type.
 *
 * Units: positions and radii in micrometres, volumes in um^3, time in minutes, concentrations in
 * each substrate's declared unit. Arrays are copies owned by the snapshot.
 */
export interface AgentColumns {
  /** Stable agent id (unique over the run), shape [nAgents]. */
  id: Uint32Array;
  /** Cell type index into `cellTypes`, shape [nAgents]. */
  type: Uint16Array;
  /** Position (um), shape [nAgents] each. In 2D, z is the layer's mid-plane. */
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  /** Total volume (um^3), shape [nAgents]. */
  volume: Float64Array;
  /** 0 live, 1 apoptotic, 2 necrotic, shape [nAgents]. */
  state: Uint8Array;
  /**
   * Amount of each substrate inside each agent ([c]·um^3, the substrate's unit × um^3), flattened
   * [nAgents][nSubstrates] (substrates in the order of `SpatialSnapshot.substrates`). Present only
   * when the run tracks internalised substrates (engine option `trackInternalizedSubstrates`).
   */
  internal?: Float64Array;
  /**
   * Accumulated attack damage of each agent (dimensionless, PhysiCell's `damage`), shape
   * [nAgents]. Present only when some cell type of the model gives attack_damage_rate (else every
   * agent's damage is 0).
   */
  damage?: Float64Array;
}

/** The agent states, in the order of the `state` codes. */
export const AGENT_STATES = ['live', 'apoptotic', 'necrotic'] as const;

export interface SubstrateGrid {
  name: string;
  unit: string;
  /** Voxel values, flattened [nz][ny][nx] (x fastest). */
  values: Float64Array;
}

export interface SpatialSnapshot {
  /** Simulation time (min). */
  time: number;
  dims: 2 | 3;
  /** Domain: lower corner (um) and voxel counts and size. */
  origin: [number, number, number];
  voxelSize: number;
  shape: { nx: number; ny: number; nz: number };
  /** Cell type names and display labels, indexed by `AgentColumns.type`. */
  cellTypes: Array<{ name: string; label: string }>;
  agents: AgentColumns;
  substrates: SubstrateGrid[];
}
