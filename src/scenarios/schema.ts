/**
 * File formats of therapies and scenarios (layer 4), as zod schemas: interventions
 * (`interventions/*.yaml`), scenarios (`scenarios/*.yaml`) and literature targets
 * (`targets/*.yaml`). Unknown keys are errors everywhere, as in model files.
 *
 * Times written as bare numbers are in days in these files (a scenario is read in days);
 * quantities with a unit ('12 h', '7 day') are converted. Doses always carry a unit.
 */
import { z } from 'zod';

const Name = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
  message: 'a name must start with a letter and contain only letters, digits and _',
});

/** A time: a bare number in days, or a quantity with a unit ('12 h', '7 day'). */
export const TimeInput = z
  .union([z.number(), z.string().min(1)])
  .describe("A time: a bare number is in days; or a quantity with a unit such as '12 h' or '7 day'.");
export type TimeInput = z.infer<typeof TimeInput>;

/** A dose as written: always text with a unit ('100 mg/m^2', '5 mg/kg', '400 mg', '1 ug/mL', '30 cells'). */
export const DoseText = z
  .union([z.number(), z.string().min(1)])
  .describe("Amount per administration with its unit: '100 mg/m^2', '5 mg/kg', '400 mg'; niche routes take a concentration ('1 ug/mL') and cell grafts a number of cells ('30 cells').");

export const Reference = z.strictObject({
  text: z.string().min(1),
  pmid: z.string().regex(/^\d+$/).optional(),
  doi: z.string().min(3).optional(),
  pmcid: z.string().regex(/^PMC\d+$/).optional(),
  url: z.string().url().optional(),
});
export type Reference = z.infer<typeof Reference>;

export const ROUTES = ['bolus', 'infusion', 'oral', 'subcutaneous', 'niche_bolus', 'niche_infusion', 'cells'] as const;
export type Route = (typeof ROUTES)[number];

/** One line of a regimen: a drug given `count` times, `every` apart, from `at` after the cycle start. */
export const RegimenDoseInput = z.strictObject({
  drug: Name.describe('A drug of this intervention (a key of drugs:).'),
  route: z.enum(ROUTES).describe('bolus / infusion (IV), oral / subcutaneous (absorbed over the drug\'s absorption_time), niche_bolus / niche_infusion (a niche concentration, no plasma PK), cells (a cell graft).'),
  dose: DoseText,
  duration: TimeInput.optional().describe('Infusion (and cell-graft homing) duration of each administration.'),
  at: TimeInput.default(0).describe('Offset of the first administration from the start of the cycle (default 0).'),
  every: TimeInput.optional().describe('Time between administrations (needed when count > 1).'),
  count: z.number().int().positive().default(1),
  note: z.string().optional(),
});
export type RegimenDoseInput = z.infer<typeof RegimenDoseInput>;

export const RegimenInput = z.strictObject({
  cycle_length: TimeInput.optional().describe('Start-to-start time of consecutive cycles when a scenario gives neither interval nor gap.'),
  doses: z.array(RegimenDoseInput).min(1),
  source: z.string().optional(),
});

/** How a drug reaches the niche. */
export const DrugInput = z.strictObject({
  label: z.string().optional(),
  substrate: z
    .record(z.string(), z.unknown())
    .describe('The drug substrate as in a model file (unit, diffusion_coefficient, decay_rate, source, ...).'),
  pk: z.record(z.string(), z.unknown()).optional().describe('Plasma PK as in a model file (model, half_life, volume or k10, k12, k21, central_volume); needed for plasma routes.'),
  molecular_weight: z.union([z.number(), z.string()]).optional().describe('g/mol; needed for molar substrate units.'),
  vascular_exchange: z.union([z.number(), z.string()]).optional().describe('Rate at which the niche follows plasma (1/min); model default 0.1 1/min.'),
  bioavailability: z.number().gt(0).lte(1).default(1).describe('Fraction of an oral or subcutaneous dose that reaches plasma (1 when the PK volume is already V/F).'),
  absorption_time: TimeInput.optional().describe('Oral/subcutaneous doses enter plasma at a constant rate over this time (a zero-order stand-in for first-order absorption); without it they are boluses.'),
  cell_type: Name.optional().describe('route cells: the cell type the graft adds.'),
  influx_parameter: Name.optional().describe('route cells: the parameter (cells/min) that sets the graft influx while the carrier is on.'),
  source: z.string().optional().describe('Where the PK values come from (citations).'),
});
export type DrugInput = z.infer<typeof DrugInput>;

/** Keys an intervention's (or a scenario's) model fragment may hold. */
export const FRAGMENT_KEYS = ['parameters', 'substrates', 'cell_types', 'rules', 'outputs'] as const;

export const InterventionInput = z.strictObject({
  $schema: z.string().optional(),
  nichesim_intervention: z.literal(1).describe('Intervention format version.'),
  name: Name,
  title: z.string().min(1),
  class: z.string().optional(),
  therapies: z.array(z.string().regex(/^T\d{3}$/)).min(1).describe('Knowledge-base therapy ids (kb/therapies.yaml).'),
  mechanism: z.string().min(1).describe('The mechanism, in words.'),
  modelled_as: z.string().min(1).describe('How the mechanism becomes rules in the model.'),
  added_to_model: z.string().optional().describe('What the intervention adds because the base model lacks the target behaviour.'),
  caveats: z.string().optional().describe('Limits, clinical reality, what is out of scope.'),
  confidence: z.enum(['high', 'medium', 'low']),
  diseases: z.array(z.string()).default([]),
  references: z.array(Reference).default([]),
  drugs: z.record(Name, DrugInput).refine((d) => Object.keys(d).length > 0, { message: 'an intervention needs at least one drug (or carrier)' }),
  model: z.record(z.string(), z.unknown()).default({}).describe('Model fragment merged into the scenario model: parameters, substrates, cell_types, rules, outputs.'),
  regimen: RegimenInput,
});
export type InterventionInput = z.infer<typeof InterventionInput>;

/** Selects rules to remove: every given field must match (cell_type, signal, behaviour, direction). */
export const RuleSelector = z.strictObject({
  cell_type: Name,
  signal: z.string().min(1).optional(),
  behaviour: z.string().min(1).optional(),
  direction: z.enum(['increases', 'decreases']).optional(),
  why: z.string().optional(),
});
export type RuleSelector = z.infer<typeof RuleSelector>;

/** Per-drug changes to an intervention's regimen. */
export const DrugOverride = z.strictObject({
  dose: DoseText.optional(),
  duration: TimeInput.optional(),
  at: TimeInput.optional(),
  every: TimeInput.optional(),
  count: z.number().int().positive().max(10000, 'at most 10000 administrations per cycle').optional(),
  route: z.enum(ROUTES).optional(),
});

export const ScenarioInterventionInput = z.strictObject({
  use: Name.describe('Name of an intervention in the library (interventions/*.yaml).'),
  start: TimeInput.default(0).describe('Start of the first cycle.'),
  cycles: z.number().int().positive().max(1000, 'at most 1000 cycles (a memory guard: 1000 cycles of 28 days are 77 years)').default(1),
  interval: TimeInput.optional().describe('Start-to-start time between cycles.'),
  gap: TimeInput.optional().describe('Rest between the end of one cycle and the start of the next.'),
  dose: DoseText.optional().describe('Dose of every administration (for a one-drug intervention).'),
  duration: TimeInput.optional().describe('Infusion duration of every infusion (for a one-drug intervention).'),
  drugs: z.record(Name, DrugOverride).default({}).describe('Per-drug overrides: dose, duration, at, every, count, route.'),
  control: z.boolean().default(false).describe('Vehicle arm: add the intervention\'s model changes but give no drug.'),
  note: z.string().optional(),
});
export type ScenarioInterventionInput = z.infer<typeof ScenarioInterventionInput>;

const Day = TimeInput;

/** A named endpoint: a number computed from a run. */
export const EndpointInput: z.ZodType<EndpointInput> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('value'), of: z.string().min(1), day: Day }),
    z.strictObject({ kind: z.enum(['auc', 'mean', 'min', 'max', 'min_day', 'max_day']), of: z.string().min(1), from: Day.optional(), to: Day.optional() }),
    z.strictObject({ kind: z.literal('time_to'), of: z.string().min(1), threshold: z.number(), direction: z.enum(['above', 'below']).default('above'), from: Day.optional() }),
    z.strictObject({ kind: z.enum(['ratio', 'difference']), a: EndpointInput, b: EndpointInput }),
  ]),
);
export type EndpointInput =
  | { kind: 'value'; of: string; day: TimeInput }
  | { kind: 'auc' | 'mean' | 'min' | 'max' | 'min_day' | 'max_day'; of: string; from?: TimeInput; to?: TimeInput }
  | { kind: 'time_to'; of: string; threshold: number; direction?: 'above' | 'below'; from?: TimeInput }
  | { kind: 'ratio' | 'difference'; a: EndpointInput; b: EndpointInput };

export const PatientInput = z.strictObject({
  body_surface_area: z.number().positive().default(1.8).describe('m^2 (doses per m^2); default a typical adult.'),
  body_weight: z.number().positive().default(70).describe('kg (doses per kg); default 70 kg.'),
});

/** Changes a scenario (or a target) makes to its base model. */
export const ModificationsShape = {
  set: z.record(Name, z.union([z.number(), z.string().min(1)])).default({}).describe("Parameter overrides: a number in the unit the model wrote the parameter in, or a quantity ('20 pg/mL')."),
  remove_rules: z.array(RuleSelector).default([]).describe('Rules of the base model to remove (each selector must match at least one rule).'),
  changes: z.record(z.string(), z.unknown()).optional().describe('Inline model changes merged like extends: parameters, substrates, cell_types, rules (appended), outputs.'),
};

export const ScenarioInput = z.strictObject({
  $schema: z.string().optional(),
  nichesim_scenario: z.literal(1).describe('Scenario format version.'),
  name: Name,
  title: z.string().min(1),
  description: z.string().optional(),
  disease: z.string().optional(),
  references: z.array(Reference).default([]),
  model: z.string().min(1).optional().describe('Base model file, relative to this file (default: the AML niche).'),
  ...ModificationsShape,
  interventions: z.array(ScenarioInterventionInput).default([]),
  patient: PatientInput.default({ body_surface_area: 1.8, body_weight: 70 }),
  duration: TimeInput.optional().describe("Simulated time (default: the model's t_end)."),
  output_interval: TimeInput.optional().describe("Time between output rows (default: the model's)."),
  burden: Name.optional().describe('The cell type that measures leukaemic burden (default AML_blast when the model has it, else its last cell type).'),
  outputs: z.record(z.string(), z.unknown()).default({}).describe('Extra model outputs (expression, unit, description).'),
  endpoints: z.record(Name, EndpointInput).default({}),
});
export type ScenarioInput = z.infer<typeof ScenarioInput>;

/** A scenario as one side of a target: a file, optionally modified. */
export const ScenarioRefInput = z.union([
  z.string().min(1),
  z.strictObject({
    scenario: z.string().min(1).describe('Scenario file, relative to the target file.'),
    label: z.string().optional(),
    ...ModificationsShape,
    duration: TimeInput.optional(),
    output_interval: TimeInput.optional(),
  }),
]);
export type ScenarioRefInput = z.infer<typeof ScenarioRefInput>;

const TargetCommon = {
  $schema: z.string().optional(),
  nichesim_target: z.literal(1).describe('Target format version.'),
  id: Name,
  title: z.string().min(1),
  observation: z.string().min(1).describe('What the literature observed, in words.'),
  references: z.array(Reference).min(1),
  evidence: z.array(z.string().min(1)).default([]).describe('Knowledge-base ids behind the observation.'),
  brief_section: z.string().optional().describe('Where the observation sits in brief.md (e.g. "4 qualitative").'),
  mechanism: z.string().min(1).describe('The model mechanism that should reproduce the observation (removing it should make the target fail).'),
  endpoint: z.union([Name, EndpointInput]).describe('A named endpoint of the scenario(s) or an inline endpoint.'),
  unit: z.string().optional().describe('Unit of the endpoint, for display.'),
};

export const TargetInput = z.discriminatedUnion('kind', [
  z.strictObject({
    ...TargetCommon,
    kind: z.literal('direction'),
    baseline: ScenarioRefInput,
    compare: ScenarioRefInput,
    expect: z.enum(['increases', 'decreases']),
    min_relative_change: z.number().min(0).default(0.05).describe('The change must be at least this fraction of the baseline value (default 5%).'),
  }),
  z.strictObject({
    ...TargetCommon,
    kind: z.literal('value'),
    scenario: ScenarioRefInput,
    expect: z.strictObject({
      value: z.number().optional().describe('The reported value (for display).'),
      range: z.tuple([z.number(), z.number()]).describe('Accepted range [low, high] (inclusive).'),
      basis: z.string().min(1).describe('Why this range (e.g. mean ± 1 SD, within 2-fold).'),
    }),
  }),
]);
export type TargetInput = z.infer<typeof TargetInput>;

/** True for an endpoint that combines two others (ratio, difference). */
export function isCombination(ep: EndpointInput): ep is Extract<EndpointInput, { a: EndpointInput }> {
  return ep.kind === 'ratio' || ep.kind === 'difference';
}
