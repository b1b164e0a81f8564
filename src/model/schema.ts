/**
 * The model file format (YAML or JSON), as zod schemas (layer 1).
 *
 * This is the *source* form: quantities are still text with units ("48 h") or numbers in the
 * field's canonical unit, or expressions over parameters. `normalize.ts` turns it into the
 * canonical `Model` (units converted once, names checked). Unknown keys are errors everywhere.
 *
 * Canonical units: time min, length um, volume um^3, rates 1/min, diffusion coefficient
 * um^2/min, concentrations in each substrate's declared unit, counts in cells.
 */
import { z } from 'zod';

/** A number in the field's canonical unit, a quantity with a unit ("2 day"), or an expression over parameters. */
export const QuantityInput = z
  .union([z.number(), z.string().min(1)])
  .describe('A number in the canonical unit of the field, a quantity with a unit such as "48 h" or "1e5 um^2/min", or an expression over parameter names such as "2 * k_base".');
export type QuantityInput = z.infer<typeof QuantityInput>;

const Name = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
  message: 'a name must start with a letter and contain only letters, digits and _',
});

export const DirichletInput = z.strictObject({
  enabled: z.boolean().describe('Whether the boundary value is imposed.'),
  value: QuantityInput.describe('Concentration held at the boundary (substrate unit).'),
});

export const SubstrateInput = z.strictObject({
  label: z.string().optional().describe('Display name, e.g. "TNF-alpha".'),
  unit: z.string().min(1).describe('Concentration unit of the substrate, e.g. "ng/mL" or "uM".'),
  diffusion_coefficient: QuantityInput.describe('Diffusion coefficient (um^2/min).'),
  decay_rate: QuantityInput.describe('First-order decay rate (1/min).'),
  initial_condition: QuantityInput.default(0).describe('Initial concentration (substrate unit).'),
  dirichlet_boundary: DirichletInput.optional().describe('Concentration held at the domain boundary.'),
  source: z.string().optional().describe('Where the diffusion and decay values come from.'),
  description: z.string().optional(),
});

export const SecretionInput = z.strictObject({
  secretion_rate: QuantityInput.default(0).describe('Secretion rate towards the target (1/min).'),
  secretion_target: QuantityInput.default(0).describe('Saturation density of secretion (substrate unit).'),
  uptake_rate: QuantityInput.default(0).describe('Uptake rate (1/min).'),
  net_export_rate: QuantityInput.default(0).describe('Net export (substrate unit x um^3 / min).'),
});

export const MotilityInput = z.strictObject({
  migration_speed: QuantityInput.default(0).describe('Speed (um/min).'),
  persistence_time: QuantityInput.default(1).describe('Persistence time (min).'),
  migration_bias: QuantityInput.default(0).describe('Bias towards the chemotactic direction, 0..1.'),
  chemotaxis: z.record(Name, QuantityInput).default({}).describe('Chemotactic sensitivity per substrate (dimensionless).'),
});

export const PhagocytosisInput = z.strictObject({
  apoptotic: QuantityInput.default(0).describe('Rate of phagocytosis of apoptotic cells (1/min).'),
  necrotic: QuantityInput.default(0).describe('Rate of phagocytosis of necrotic cells (1/min).'),
  live: z.record(Name, QuantityInput).default({}).describe('Rate of phagocytosis of live cells per cell type (1/min).'),
});

export const CellMechanicsInput = z.strictObject({
  cell_cell_adhesion_strength: QuantityInput.optional().describe("Cell-cell adhesion strength (um/min; PhysiCell cell_cell_adhesion_strength). Default: the agent-based engine's global value (PhysiCell default 0.4). A pair of types i, j adheres with sqrt(adh_i x adh_j)."),
  cell_cell_repulsion_strength: QuantityInput.optional().describe("Cell-cell repulsion strength (um/min; PhysiCell cell_cell_repulsion_strength). Default: the agent-based engine's global value (PhysiCell default 10). A pair of types i, j repels with sqrt(rep_i x rep_j)."),
  relative_maximum_adhesion_distance: QuantityInput.optional().describe("Maximum adhesion distance as a multiple of the cell radius (dimensionless; PhysiCell relative_maximum_adhesion_distance). Default: the agent-based engine's global value (PhysiCell default 1.25). Two cells adhere up to rel_i x r_i + rel_j x r_j."),
});

export const CellTypeInput = z.strictObject({
  label: z.string().optional().describe('Display name, e.g. "AML blast".'),
  description: z.string().optional(),
  initial_number: QuantityInput.default(0).describe('Initial number of live cells in the niche (cells).'),
  volume: QuantityInput.default(2494).describe('Total cell volume (um^3); PhysiCell default 2494 um^3.'),
  cycle_entry: QuantityInput.default(0).describe("Rate of cycle entry (1/min; PhysiCell's exit rate of cycle phase 0, what rules on 'cycle entry' set): the division rate, or with division_delay the rate of entering the cycle."),
  division_delay: QuantityInput.optional().describe("Time from cycle entry to division (min; default 0): PhysiCell's cycle phases after phase 0. Both engines then divide at the effective rate r / (1 + r x division_delay), r the cycle entry rate after rules, so the mean cycle time is 1/r + division_delay; division times stay exponential."),
  apoptosis: QuantityInput.default(0).describe('Apoptosis rate (1/min).'),
  necrosis: QuantityInput.default(0).describe('Necrosis rate (1/min).'),
  apoptotic_clearance_time: QuantityInput.default(516).describe('Mean time an apoptotic cell remains before it is removed (min); PhysiCell default 516 min.'),
  necrotic_clearance_time: QuantityInput.default(86400).describe('Mean time a necrotic cell remains before it is removed (min); PhysiCell lysed-phase default 86400 min.'),
  influx: QuantityInput.default(0).describe('Recruitment into the niche (cells/min); a nichesim behaviour, modulable by rules.'),
  secretion: z.record(Name, SecretionInput).default({}).describe('Secretion and uptake per substrate.'),
  motility: MotilityInput.optional(),
  transformation: z.record(Name, QuantityInput).default({}).describe('Rate of transformation to another cell type (1/min).'),
  phagocytosis: PhagocytosisInput.optional(),
  attack: z.record(Name, QuantityInput).default({}).describe('Rate of attacks on live cells of a type (1/min). An attack kills its target, unless the type gives attack_damage_rate: then it adds damage.'),
  attack_damage_rate: QuantityInput.optional().describe("Damage this type's attacks deliver per minute (1/min; damage is dimensionless; PhysiCell attack_damage_rate). When given, a successful attack adds attack_damage_rate x attack_duration to the target's damage and does not kill it (a rule such as 'damage increases apoptosis' does); when absent, an attack kills its target at once. Spatial engine only."),
  attack_duration: QuantityInput.optional().describe('Mean duration of one attack (min; PhysiCell attack_duration). Required with attack_damage_rate, unused without it.'),
  damage_repair_rate: QuantityInput.default(0).describe("Rate at which this type's damage decays (1/min; PhysiCell damage_repair_rate): damage x exp(-rate x dt) every phenotype step."),
  mechanics: CellMechanicsInput.optional().describe('Cell-cell mechanics of this type in the agent-based engine (PhysiCell phenotype/mechanics); each field defaults to the engine\'s global mechanics (PhysiCell defaults).'),
  source: z.string().optional().describe('Where the cell parameters come from.'),
});

export const RuleInput = z.strictObject({
  cell_type: Name.describe('Cell type whose behaviour the rule changes.'),
  signal: z.string().min(1).describe('Signal, e.g. a substrate name, "contact with M2", "pressure".'),
  direction: z.enum(['increases', 'decreases']),
  behaviour: z.string().min(1).describe('Behaviour, e.g. "cycle entry", "apoptosis", "transform to M2", "PGE2 secretion".'),
  saturation: QuantityInput.describe('Value of the behaviour when the signal saturates (behaviour unit).'),
  half_max: QuantityInput.describe('Signal value at half of the response (signal unit); >= 0.'),
  hill_power: QuantityInput.describe('Hill power (dimensionless), > 0.'),
  applies_to_dead: z.boolean().default(false),
  evidence: z.array(z.string().min(1)).min(1).describe('Knowledge-base ids supporting the rule, e.g. [I019].'),
  note: z.string().optional(),
});

export const ParameterInput = z.strictObject({
  value: QuantityInput.describe('Value of the parameter, with its unit.'),
  unit: z.string().optional().describe('Unit the value is stated in, when the value is a bare number.'),
  source: z.string().min(1).describe('Citation (PMID/DOI) or the reasoning behind an estimate.'),
  estimate: z.boolean().default(false).describe('True when the value is an estimate rather than a measurement.'),
  range: z.tuple([QuantityInput, QuantityInput]).optional().describe('Plausible range [low, high]; required for estimates.'),
  description: z.string().optional(),
});

export const OutputInput = z.strictObject({
  expression: z.string().min(1).describe('Expression over cell type, substrate and parameter names, e.g. "M2 / (M1 + M2)".'),
  unit: z.string().default('dimensionless'),
  description: z.string().optional(),
});

export const DoseInput = z.strictObject({
  substrate: Name,
  kind: z.enum(['bolus', 'infusion']),
  start: QuantityInput.describe('Time of the first dose (min).'),
  amount: QuantityInput.optional().describe('Bolus: rise of the niche concentration (substrate unit).'),
  rate: QuantityInput.optional().describe('Infusion: rate of rise of the concentration (substrate unit per min).'),
  duration: QuantityInput.optional().describe('Infusion: duration of each infusion (min).'),
  interval: QuantityInput.optional().describe('Time between doses (min); needed when count > 1.'),
  count: z.number().int().positive().default(1),
  note: z.string().optional(),
});

export const PkModelInput = z.strictObject({
  model: z.enum(['one-compartment', 'two-compartment']),
  half_life: QuantityInput.optional().describe('One compartment: elimination half-life (min).'),
  volume: QuantityInput.optional().describe('One compartment: volume of distribution (L, or L/kg x body weight).'),
  k10: QuantityInput.optional().describe('Two compartments: elimination rate from the central compartment (1/min).'),
  k12: QuantityInput.optional().describe('Two compartments: central to peripheral rate (1/min).'),
  k21: QuantityInput.optional().describe('Two compartments: peripheral to central rate (1/min).'),
  central_volume: QuantityInput.optional().describe('Two compartments: central volume (L).'),
});

export const PkDoseInput = z.strictObject({
  kind: z.enum(['bolus', 'infusion']),
  start: QuantityInput.describe('Time of the first dose (min).'),
  dose: z.string().min(1).describe("Amount per administration: '100 mg/m^2', '5 mg/kg' or '50 mg' (an infusion delivers it over its duration)."),
  duration: QuantityInput.optional().describe('Infusion: duration of each administration (min).'),
  interval: QuantityInput.optional().describe('Time between administrations (min); needed when count > 1.'),
  count: z.number().int().positive().default(1),
  note: z.string().optional(),
});

export const PharmacokineticsInput = z.strictObject({
  substrate: Name.describe('The drug substrate whose niche concentration follows the plasma concentration.'),
  pk: PkModelInput,
  molecular_weight: QuantityInput.optional().describe('g/mol; needed when the substrate unit is molar (uM, nM).'),
  vascular_exchange: QuantityInput.default('0.1 1/min').describe('Rate at which the niche concentration follows plasma (1/min).'),
  body_surface_area: QuantityInput.default(1.8).describe('m^2 (for doses per m^2); default a typical adult.'),
  body_weight: QuantityInput.default(70).describe('kg (for doses per kg); default 70 kg.'),
  doses: z.array(PkDoseInput).min(1),
  source: z.string().optional().describe('Where the PK values come from.'),
});

export const SimulationInput = z.strictObject({
  t_end: QuantityInput.default('180 day').describe('End time (min).'),
  output_interval: QuantityInput.default('1 day').describe('Time between output rows (min).'),
});

export const SpatialInput = z.strictObject({
  dims: z.union([z.literal(2), z.literal(3)]).default(2).describe('2 (one cell layer; z is the layer thickness) or 3.'),
  size: z.tuple([QuantityInput, QuantityInput, QuantityInput]).optional().describe('Domain extent along x, y, z (um). Default: a square of niche.volume / voxel_size per side in 2D, a cube in 3D.'),
  voxel_size: QuantityInput.default('20 um').describe('Edge of the cubic diffusion voxels (um); PhysiCell default 20 um.'),
  dt_diffusion: QuantityInput.default('0.01 min').describe('Time step of diffusion and secretion (min); PhysiCell default 0.01 min.'),
  dt_mechanics: QuantityInput.default('0.1 min').describe('Time step of motion and contact interactions (min); PhysiCell default 0.1 min.'),
  dt_phenotype: QuantityInput.default('6 min').describe('Time step of rules, cycle, death and transformation (min); PhysiCell default 6 min.'),
  snapshot_interval: QuantityInput.default('1 day').describe('Time between saved agent and substrate snapshots (min).'),
  contact_interactions: z.enum(['per-predator', 'per-neighbour']).optional().describe("How the agent-based engine scales a contact interaction's rate r (phagocytose, attack) with the number k of eligible neighbours: per-predator (default: rate r whenever k >= 1, the mean-field engine's closure) or per-neighbour (rate k*r, as PhysiCell 1.14; set by the PhysiCell importer)."),
  initial_cells: z.string().min(1).optional().describe('CSV of initial cell positions (header x,y,z,type; um; PhysiCell cells.csv form), relative to the model file. When given, the agent-based engine starts from exactly these cells instead of placing initial_number cells of each type at random.'),
});

export const NicheInput = z.strictObject({
  volume: QuantityInput.describe('Volume of the well-mixed niche the cell numbers live in (um^3).'),
  description: z.string().optional(),
});

export const ModelInput = z.strictObject({
  $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editors (ignored by nichesim).'),
  nichesim: z.literal(1).describe('Model format version.'),
  extends: z.string().min(1).optional().describe('Path of a model this one modifies (relative to this file); mappings merge, lists replace.'),
  name: Name,
  title: z.string().optional(),
  description: z.string().optional(),
  niche: NicheInput,
  simulation: SimulationInput.default({ t_end: '180 day', output_interval: '1 day' }),
  spatial: SpatialInput.optional().describe('Domain and time steps of the agent-based engine; defaults follow PhysiCell.'),
  parameters: z.record(Name, ParameterInput).default({}),
  substrates: z.record(Name, SubstrateInput).default({}),
  cell_types: z.record(Name, CellTypeInput),
  rules: z.array(RuleInput).default([]),
  outputs: z.record(Name, OutputInput).default({}),
  dosing: z.array(DoseInput).default([]),
  pharmacokinetics: z.array(PharmacokineticsInput).default([]).describe('Drugs given to the patient: plasma PK drives the niche concentration.'),
});
export type ModelInput = z.infer<typeof ModelInput>;
