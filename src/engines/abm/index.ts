/**
 * The agent-based spatial engine (layer 3). See engine.ts (API, outputs, reproducibility),
 * world.ts (processes and their order), mechanics.ts (forces, neighbour grid, positions),
 * agents.ts (structure-of-arrays store) and snapshot.ts (the snapshot contract).
 */
export { type AbmEngine, abmEngine, AbmSimulation, type AbmEngineOptions } from './engine.js';
export { AgentStore, APOPTOTIC, LIVE, NECROTIC, sphereRadius } from './agents.js';
export { DEFAULT_MECHANICS, type MechanicsParameters, SIMPLE_PRESSURE_SCALE } from './mechanics.js';
export { resolveSpatial, STREAM, VOLUME_RELAXATION_RATE, World, type AbmEvent, type AbmEventKind, type ResolvedSpatial } from './world.js';
export * from './snapshot.js';
