/**
 * nichesim's public API (the core: no Node-only API). File I/O lives in src/io and cli/.
 */
export * from './model/diagnostics.js';
export * from './model/model.js';
export { parseModel, modelHash, canonicalJson, type LoadedModel } from './model/parse.js';
export { parseOverrides, OverrideError } from './model/overrides.js';
export { compileModel, CompileError, type CompiledModel } from './compile/compile.js';
export { ruleSentences, type RuleSentence } from './compile/english.js';
export { checkEvidence } from './compile/evidence.js';
export { simulate, ENGINES, type SimulateOptions } from './simulate.js';
export type { Engine, Simulation, EngineOptions, EngineIssue } from './engines/engine.js';
export { odeEngine, type OdeEngineOptions } from './engines/ode/engine.js';
export { MeanFieldSystem } from './engines/ode/meanField.js';
export * from './results/result.js';
export * from './results/summary.js';
export * from './vocabulary/responses.js';
export { NICHESIM_VERSION } from './version.js';
export { abmEngine, type AbmEngineOptions } from './engines/abm/engine.js';
export type { SpatialSnapshot, AgentColumns, SubstrateGrid } from './engines/abm/snapshot.js';
export { CounterRng } from './random/index.js';
export * from './pk/pk.js';
export * from './analysis/index.js';
