/**
 * The analysis core (layer 4, no Node-only API): samplers, designs, sensitivity estimators,
 * the optimiser, calibration, survival statistics, endpoints and spec resolution. The commands
 * that run these on a worker pool and write results live in src/io/analysis.
 */
export { SobolSequence } from './sobolSequence.js';
export { Rng, deriveSeed } from './rng.js';
export { type Distribution, normalQuantile, normalCdf, chiSquare1Quantile, chiSquare1Sf, quantile as distributionQuantile, isBounded, describeDistribution } from './distributions.js';
export { type UnitDesign, type MorrisDesign, gridDesign, lhsDesign, sobolDesign, randomDesign, saltelliDesign, morrisDesign } from './designs.js';
export { type MorrisIndex, type SobolIndex, type SobolResult, type BootstrapOptions, morrisIndices, sobolIndices } from './sensitivity.js';
export { type NelderMeadOptions, type OptimisationResult, nelderMead } from './optimize.js';
export {
  type ObservedData,
  type ObservedColumn,
  type FitParameter,
  type FitSetup,
  type FitEstimate,
  type FitOptions,
  type Profile,
  type NoiseModel,
  type FitObjective,
  parseDataCsv,
  FitProblem,
  fitParameters,
  profileParameter,
  profileThreshold,
  bootstrapFit,
  bootstrapData,
  percentileIntervals,
} from './fit.js';
export { type KmCurve, type KmStep, kaplanMeier, survivalAt, logRank, wilsonInterval } from './survival.js';
export { type EndpointDef, type EndpointStat, parseEndpointText, extractEndpoints, checkEndpoints, resultColumns, endpointUnit } from './endpoints.js';
export { type PlannedRun, type RunPlan, type SensitivityPlan, sweepPlan, sensitivityPlan, cohortPlan } from './plan.js';
export {
  SweepSpecInput,
  SensitivitySpecInput,
  CohortSpecInput,
  parseSpecText,
  resolveSweep,
  resolveSensitivity,
  resolveCohort,
  type ResolvedSweep,
  type ResolvedSensitivity,
  type ResolvedCohort,
  type ResolvedParameter,
} from './spec.js';
export { SpecError, DataError } from './errors.js';
export { displayUnit, parseParamValue } from './values.js';
