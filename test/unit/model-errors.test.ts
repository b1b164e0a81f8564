/**
 * A catalogue of bad model inputs and the exact message each must give.
 *
 * Every case pins the whole formatted diagnostic (file:line:column, field path, message and the
 * `fix:` line), so a change of wording or position fails a test on purpose: when a message is
 * improved, update its expectation here in the same change.
 *
 * Cases marked `KNOWN ISSUE` (with `fails:`) pin the text the message SHOULD have; today's loader
 * gives something wrong, so they run as `it.fails` (the comment quotes today's text). The `known
 * loader issues` block at the end states, less strictly, what a good message must do; its
 * `it.fails` tests start failing (i.e. need turning into ordinary tests) once the loader is fixed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompileError, compileModel } from '../../src/compile/compile.js';
import { checkEvidence } from '../../src/compile/evidence.js';
import { loadKnowledgeBase, loadModelFile } from '../../src/io/load.js';
import { type Diagnostic, formatDiagnostic, ModelError } from '../../src/model/diagnostics.js';
import { OverrideError, parseOverrides } from '../../src/model/overrides.js';
import { modelHash, parseModel } from '../../src/model/parse.js';

// ---- helpers ------------------------------------------------------------------------------------

/** Model text from lines (so line numbers in the expectations are easy to check). */
const yaml = (...lines: string[]): string => lines.join('\n') + '\n';
/** Lines 1-3 of most inline cases. */
const HEAD = ['nichesim: 1', 'name: m', 'niche: {volume: 1e6 um^3}'] as const;

const FIXTURES = fileURLToPath(new URL('../fixtures/bad-models/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

/** Runs `f`, which must throw a ModelError, and returns its diagnostics. */
function diagnosticsOf(f: () => unknown): Diagnostic[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected a ModelError, but the model loaded');
}

/** The formatted diagnostics of parsing `text` as `file`. */
const errorsOf = (text: string, file = 'bad.yaml'): string[] => diagnosticsOf(() => parseModel(text, file)).map(formatDiagnostic);

/** Runs `f`, which must throw an error of class `cls`, and returns its message. */
function messageOf<T extends Error>(cls: new (...args: never[]) => T, f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    return (e as Error).message;
  }
  throw new Error(`expected a ${cls.name}`);
}

/** One `fix:` line. */
const fix = (hint: string): string => `\n  fix: ${hint}`;

// ---- the catalogue ------------------------------------------------------------------------------

interface Case {
  title: string;
  text: string;
  /** Every diagnostic, formatted, in the order the loader reports them. */
  expected: string[];
  /** Set when `expected` is what the message SHOULD be but the loader still gets it wrong (run as `it.fails`). */
  fails?: true;
}

const UNKNOWN_KEY_FIX = fix('remove it or correct its spelling; see the model-format reference in README.md');
const NEGATIVE_FIX = fix('rates, counts and concentrations cannot be negative');
const POSITIVE_FIX = fix('a duration or size of zero or less is not meaningful; give a positive value');
const YAML_FIX = fix('check indentation (spaces, not tabs), colons and quotes near this position');
const UNITS_FIX = fix("units are listed in README.md (Quantities, units and expressions), e.g. 'min', '1/day', 'ng/mL', 'um^2/min'");
const DUPLICATE_FIX = fix('each name may appear once in a section; rename or merge the two entries');
const notAQuantity = (got: string): string =>
  `expected a number or a quantity text such as "48 h", got ${got}` + fix('write a number, a quantity with a unit, or an expression over parameters');
const RATE = "a rate (e.g. '0.01 1/min' or '0.5 1/day')";
const TNF = 'TNF: {unit: ng/mL, diffusion_coefficient: 1800 um^2/min, decay_rate: 0.043 1/min}';
const DRUG = 'drug: {unit: uM, diffusion_coefficient: 14000 um^2/min, decay_rate: 0.0045 1/min}';

const CATALOGUE: Case[] = [
  // ---- text that is not YAML/JSON ----------------------------------------------------------------
  {
    title: 'YAML syntax: tab used for indentation',
    text: yaml('nichesim: 1', 'name: m', 'niche:', '\tvolume: 1e6 um^3', 'cell_types: {A: {initial_number: 10}}'),
    expected: ['bad.yaml:4:1: error: not valid YAML/JSON: Tabs are not allowed as indentation' + YAML_FIX],
  },
  {
    title: 'YAML syntax: misaligned key in a block mapping',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '   volume: 3'),
    expected: ['bad.yaml:7:1: error: not valid YAML/JSON: All mapping items must start at the same column' + YAML_FIX],
  },
  {
    // Text containing ': ' must be quoted. The parser's wording is terse, but the fix says what to do.
    title: "YAML syntax: unquoted ': ' inside a title",
    text: yaml('nichesim: 1', 'name: m', 'title: AML: the niche', 'niche: {volume: 1e6 um^3}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ['bad.yaml:3:8: error: not valid YAML/JSON: Nested mappings are not allowed in compact mappings' + fix('put text that contains \': \' in quotes, e.g. title: "AML: niche"')],
  },
  {
    title: 'duplicate key: a cell type defined twice',
    text: yaml(...HEAD, 'cell_types:', '  A: {initial_number: 10}', '  A: {initial_number: 5}'),
    expected: ["bad.yaml:6:3: error: duplicate key 'A': it appears twice in the same mapping" + DUPLICATE_FIX],
  },
  {
    title: 'duplicate key: a field repeated inside a cell type',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    initial_number: 20'),
    expected: ["bad.yaml:7:5: error: duplicate key 'initial_number': it appears twice in the same mapping" + DUPLICATE_FIX],
  },
  {
    title: 'JSON: duplicate key',
    text: ['{', '  "nichesim": 1,', '  "name": "m",', '  "name": "n",', '  "niche": {"volume": "1e6 um^3"},', '  "cell_types": {"A": {"initial_number": 10}}', '}'].join('\n'),
    expected: ["bad.json:4:3: error: duplicate key 'name': it appears twice in the same mapping" + DUPLICATE_FIX],
  },
  {
    title: 'an empty file',
    text: '',
    expected: ['bad.yaml:1:1: error: a model file must be a mapping with keys such as nichesim, name, niche, cell_types' + fix('start from models/aml-niche.yaml')],
  },
  {
    title: 'a list instead of a model mapping',
    text: yaml('- nichesim: 1', '- name: m'),
    expected: ['bad.yaml:1:1: error: a model file must be a mapping with keys such as nichesim, name, niche, cell_types' + fix('start from models/aml-niche.yaml')],
  },

  // ---- unknown keys ------------------------------------------------------------------------------
  {
    title: 'unknown key at top level (substrate instead of substrates)',
    text: yaml(...HEAD, 'cell_types: {A: {initial_number: 10}}', 'substrate: {}'),
    expected: ["bad.yaml:5:1: error: substrate: unknown key 'substrate'" + UNKNOWN_KEY_FIX],
  },
  {
    title: 'unknown key in a cell type (apoptosis_rate)',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis_rate: 0.1'),
    expected: ["bad.yaml:7:5: error: cell_types.A.apoptosis_rate: unknown key 'apoptosis_rate'" + UNKNOWN_KEY_FIX],
  },
  {
    title: 'unknown key in a rule (hill instead of hill_power)',
    text: yaml(
      ...HEAD,
      'cell_types: {A: {initial_number: 10}}',
      'rules:',
      '  - cell_type: A',
      '    signal: pressure',
      '    direction: decreases',
      '    behaviour: cycle entry',
      '    saturation: 0',
      '    half_max: 0.5',
      '    hill_power: 1',
      '    hill: 2',
      '    evidence: [I001]',
    ),
    expected: ["bad.yaml:13:5: error: rules[0].hill: unknown key 'hill'" + UNKNOWN_KEY_FIX],
  },
  {
    title: 'unknown key in a secretion entry (rate instead of secretion_rate)',
    text: yaml(...HEAD, 'substrates:', `  ${TNF}`, 'cell_types:', '  A:', '    secretion:', '      TNF: {rate: 0.1 1/min}'),
    expected: ["bad.yaml:9:13: error: cell_types.A.secretion.TNF.rate: unknown key 'rate'" + UNKNOWN_KEY_FIX],
  },

  // ---- missing required fields ---------------------------------------------------------------------
  {
    title: 'missing niche',
    text: yaml('nichesim: 1', 'name: m', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:1:1: error: niche: missing required field 'niche' (a mapping (key: value lines))" + fix('add niche: to this section')],
  },
  {
    title: 'missing cell_types',
    text: yaml(...HEAD),
    expected: ["bad.yaml:1:1: error: cell_types: missing required field 'cell_types' (a mapping of names to entries)" + fix('add cell_types: to this section')],
  },
  {
    title: 'missing format version and name',
    text: yaml('niche: {volume: 1e6 um^3}', 'cell_types: {A: {initial_number: 10}}'),
    expected: [
      "bad.yaml:1:1: error: nichesim: missing required field 'nichesim' (the format version)" + fix("add 'nichesim: 1' (the format version) at the top of the file"),
      "bad.yaml:1:1: error: name: missing required field 'name' (text)" + fix('add name: to this section'),
    ],
  },
  {
    title: 'missing rule evidence',
    text: yaml(
      ...HEAD,
      'cell_types: {A: {initial_number: 10}}',
      'rules:',
      '  - cell_type: A',
      '    signal: pressure',
      '    direction: decreases',
      '    behaviour: cycle entry',
      '    saturation: 0',
      '    half_max: 0.5',
      '    hill_power: 1',
    ),
    expected: ["bad.yaml:6:5: error: rules[0].evidence: missing required field 'evidence' (a list)" + fix('add evidence: to this section')],
  },
  {
    title: 'missing substrate unit',
    text: yaml(...HEAD, 'substrates:', '  TNF:', '    diffusion_coefficient: 1800 um^2/min', '    decay_rate: 0.043 1/min', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:6:5: error: substrates.TNF.unit: missing required field 'unit' (text)" + fix('add unit: to this section')],
  },
  {
    title: 'missing parameter source',
    text: yaml(...HEAD, 'parameters:', '  k_death: {value: 0.1 1/day}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:5:12: error: parameters.k_death.source: missing required field 'source' (text)" + fix('add source: to this section')],
  },
  {
    title: 'a model needs at least one cell type',
    text: yaml(...HEAD, 'cell_types: {}'),
    expected: ['bad.yaml:4:13: error: cell_types: a model needs at least one cell type' + fix('add a cell type under cell_types')],
  },

  // ---- wrong types and enum values -------------------------------------------------------------------
  {
    title: 'a list where a mapping is expected (cell_types)',
    text: yaml(...HEAD, 'cell_types:', '  - A', '  - B'),
    expected: ['bad.yaml:5:3: error: cell_types: expected a mapping of names to entries, got a list' + fix('write one "name: value" entry per line under this key, indented')],
  },
  {
    title: 'a boolean for a quantity',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: true'),
    expected: ['bad.yaml:6:21: error: cell_types.A.initial_number: ' + notAQuantity('true')],
  },
  {
    title: 'a mapping for a quantity',
    text: yaml('nichesim: 1', 'name: m', 'niche: {volume: {value: 1e6, unit: um^3}}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ['bad.yaml:3:17: error: niche.volume: ' + notAQuantity('a mapping')],
  },
  {
    title: 'a number for the model name',
    text: yaml('nichesim: 1', 'name: 5', 'niche: {volume: 1e6 um^3}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ['bad.yaml:2:7: error: name: expected text, got 5' + fix('write text (in quotes if it looks like a number)')],
  },
  {
    title: 'an unsupported format version',
    text: yaml('nichesim: 2', 'name: m', 'niche: {volume: 1e6 um^3}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ['bad.yaml:1:11: error: nichesim: format version 2 is not supported (this nichesim reads format 1)' + fix("write 'nichesim: 1'")],
  },
  {
    title: 'enum value misspelled (direction: increase)',
    text: yaml(
      ...HEAD,
      'cell_types: {A: {initial_number: 10}}',
      'rules:',
      '  - cell_type: A',
      '    signal: pressure',
      '    direction: increase',
      '    behaviour: apoptosis',
      '    saturation: 0.1 1/day',
      '    half_max: 0.5',
      '    hill_power: 1',
      '    evidence: [I001]',
    ),
    expected: ['bad.yaml:8:16: error: rules[0].direction: expected one of "increases", "decreases", got the text "increase"' + fix('use one of the listed values')],
  },
  {
    title: 'dose kind misspelled and a dose count of 0',
    text: yaml(...HEAD, 'substrates:', `  ${DRUG}`, 'cell_types: {A: {initial_number: 10}}', 'dosing:', '  - {substrate: drug, kind: injection, start: 0, amount: 1 uM, count: 0}'),
    expected: [
      'bad.yaml:8:29: error: dosing[0].kind: expected one of "bolus", "infusion", got the text "injection"' + fix('use one of the listed values'),
      'bad.yaml:8:71: error: dosing[0].count: expected a number greater than 0, got 0' + fix('give a value > 0'),
    ],
  },

  // ---- names -------------------------------------------------------------------------------------------
  {
    title: 'the same name for a substrate and a cell type',
    text: yaml(...HEAD, 'substrates:', '  X: {unit: ng/mL, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.01 1/min}', 'cell_types:', '  A: {initial_number: 10}', '  X: {initial_number: 5}'),
    expected: [
      "bad.yaml:8:3: error: cell_types.X: the name 'X' is already used in substrates" +
        fix('names of substrates, cell types, parameters and outputs must all differ; rename one of them'),
    ],
  },
  {
    title: 'the same name for a parameter and a cell type',
    text: yaml(...HEAD, 'parameters:', '  A: {value: 1, source: estimate}', 'cell_types:', '  A: {initial_number: 10}'),
    expected: [
      "bad.yaml:5:3: error: parameters.A: the name 'A' is already used in cell_types" +
        fix('names of substrates, cell types, parameters and outputs must all differ; rename one of them'),
    ],
  },
  {
    title: 'a reserved name (a substrate called pressure)',
    text: yaml(...HEAD, 'substrates:', '  pressure: {unit: ng/mL, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.01 1/min}', 'cell_types:', '  A: {initial_number: 10}'),
    expected: ["bad.yaml:5:3: error: substrates.pressure: the name 'pressure' is reserved (it is a signal, behaviour or function word)" + fix("rename it, e.g. 'pressure_1'")],
  },
  {
    title: 'a reserved name in another case (a cell type called Time)',
    text: yaml(...HEAD, 'cell_types:', '  Time: {initial_number: 10}'),
    expected: ["bad.yaml:5:3: error: cell_types.Time: the name 'Time' is reserved (it is a signal, behaviour or function word)" + fix("rename it, e.g. 'Time_1'")],
  },
  {
    title: 'a cell type name with a space',
    text: yaml(...HEAD, 'cell_types:', '  AML blast: {initial_number: 10}'),
    expected: [
      'bad.yaml:5:3: error: cell_types.AML blast: the name "AML blast" is not allowed: a name must start with a letter and contain only letters, digits and _' +
        fix("rename it, e.g. 'AML_blast' (a label: field can hold the display name)"),
    ],
  },
  {
    title: 'a model name with a space',
    text: yaml('nichesim: 1', 'name: my model', 'niche: {volume: 1e6 um^3}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ['bad.yaml:2:7: error: name: a name must start with a letter and contain only letters, digits and _' + fix('rename it, e.g. "my_model"')],
  },

  // ---- signs, zeros and non-finite numbers -------------------------------------------------------------
  {
    title: 'a negative rate with a unit',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: -0.1 1/day'),
    expected: [`bad.yaml:7:16: error: cell_types.A.apoptosis: expected ${RATE} of 0 or more, got '-0.1 1/day'` + NEGATIVE_FIX],
  },
  {
    title: 'a negative bare number for a rate',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    cycle_entry: -0.1'),
    expected: [`bad.yaml:7:18: error: cell_types.A.cycle_entry: expected ${RATE} of 0 or more, got -0.1` + NEGATIVE_FIX],
  },
  {
    title: 'a negative initial cell number',
    text: yaml(...HEAD, 'cell_types:', '  A: {initial_number: -3}'),
    expected: ['bad.yaml:5:23: error: cell_types.A.initial_number: expected a number of cells (e.g. 1000) of 0 or more, got -3' + NEGATIVE_FIX],
  },
  {
    title: 'zero duration (apoptotic_clearance_time: 0)',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptotic_clearance_time: 0'),
    expected: ["bad.yaml:7:31: error: cell_types.A.apoptotic_clearance_time: expected a time (e.g. '48 h') greater than 0, got 0" + POSITIVE_FIX],
  },
  {
    title: 'zero duration (t_end: 0)',
    text: yaml(...HEAD, 'simulation: {t_end: 0}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:4:21: error: simulation.t_end: expected a time (e.g. '48 h') greater than 0, got 0" + POSITIVE_FIX],
  },
  {
    title: 'zero duration with a unit (t_end: 0 day)',
    text: yaml(...HEAD, 'simulation: {t_end: 0 day}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:4:21: error: simulation.t_end: expected a time (e.g. '48 h') greater than 0, got '0 day'" + POSITIVE_FIX],
  },
  {
    title: 'zero niche volume',
    text: yaml('nichesim: 1', 'name: m', 'niche: {volume: 0}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:3:17: error: niche.volume: expected a volume (e.g. '2494 um^3') greater than 0, got 0" + POSITIVE_FIX],
  },
  {
    title: 'non-finite number (.inf)',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: .inf'),
    expected: ['bad.yaml:6:21: error: cell_types.A.initial_number: expected a finite number, got .inf' + fix('write a finite number')],
  },
  {
    title: 'non-finite number (.nan)',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: .nan'),
    expected: ['bad.yaml:7:16: error: cell_types.A.apoptosis: expected a finite number, got .nan' + fix('write a finite number')],
  },
  {
    title: 'non-finite quantity text (1e999 1/min)',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: 1e999 1/min'),
    expected: ["bad.yaml:7:16: error: cell_types.A.apoptosis: not a finite number: '1e999'" + fix('quantities must be finite numbers')],
  },
  {
    title: 'a Hill power of 0',
    text: yaml(
      ...HEAD,
      'cell_types: {A: {initial_number: 10, apoptosis: 0.5 1/day}}',
      'rules:',
      '  - cell_type: A',
      '    signal: pressure',
      '    direction: increases',
      '    behaviour: apoptosis',
      '    saturation: 1 1/day',
      '    half_max: 0.5',
      '    hill_power: 0',
      '    evidence: [I001]',
    ),
    expected: ['bad.yaml:12:17: error: rules[0].hill_power: expected a positive dimensionless Hill power greater than 0, got 0' + fix('give a value greater than 0')],
  },
  {
    title: 'migration bias above 1',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    motility: {migration_bias: 2}'),
    expected: ['bad.yaml:6:32: error: cell_types.A.motility.migration_bias: migration bias must lie in [0, 1], got 2' + fix('use a value between 0 and 1')],
  },

  // ---- units ---------------------------------------------------------------------------------------------
  {
    title: "unknown unit ('1 1/mn')",
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: 1 1/mn'),
    expected: ["bad.yaml:7:16: error: cell_types.A.apoptosis: unknown unit 'mn' in '1/mn'; did you mean 'min'?" + UNITS_FIX],
  },
  {
    title: "unknown substrate unit ('ng/mLL')",
    text: yaml(...HEAD, 'substrates:', '  TNF: {unit: ng/mLL, diffusion_coefficient: 1800 um^2/min, decay_rate: 0.043 1/min}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:5:15: error: substrates.TNF.unit: unknown unit 'mLL' in 'ng/mLL'; did you mean 'mL'?" + UNITS_FIX],
  },
  {
    title: "wrong dimension: '48 h' for a diffusion coefficient",
    text: yaml(...HEAD, 'substrates:', '  TNF: {unit: ng/mL, diffusion_coefficient: 48 h, decay_rate: 0.043 1/min}', 'cell_types: {A: {initial_number: 10}}'),
    expected: [
      "bad.yaml:5:45: error: substrates.TNF.diffusion_coefficient: expected a diffusion coefficient (e.g. '1e5 um^2/min'), got '48 h' (time)" +
        fix("write it in a unit of length^2/time, e.g. 'um^2/min'"),
    ],
  },
  {
    title: "wrong dimension: 'ng/mL' for a rate",
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: 0.5 ng/mL'),
    expected: [`bad.yaml:7:16: error: cell_types.A.apoptosis: expected ${RATE}, got '0.5 ng/mL' (mass/volume)` + fix("write it in a unit of 1/time, e.g. '1/min'")],
  },
  {
    title: 'wrong dimension: a rate for the half-max of a substrate signal',
    text: yaml(
      ...HEAD,
      'substrates:',
      `  ${TNF}`,
      'cell_types: {A: {initial_number: 10}}',
      'rules:',
      '  - cell_type: A',
      '    signal: TNF',
      '    direction: increases',
      '    behaviour: apoptosis',
      '    saturation: 1 1/day',
      '    half_max: 0.5 1/day',
      '    hill_power: 1',
      '    evidence: [I001]',
    ),
    expected: ["bad.yaml:13:15: error: rules[0].half_max: expected a concentration of TNF (ng/mL), got '0.5 1/day' (1/time)" + fix("write it in a unit of mass/volume, e.g. 'ng/mL'")],
  },

  // ---- expressions and parameters ---------------------------------------------------------------------------
  {
    title: 'an expression naming an undefined parameter (typo)',
    text: yaml(...HEAD, 'parameters:', '  k_base: {value: 0.1 1/day, source: estimate}', 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: 2 * k_bse'),
    expected: ["bad.yaml:9:16: error: cell_types.A.apoptosis: 'k_bse' in '2 * k_bse' is not a parameter" + fix('define it under parameters (known: k_base)')],
  },
  {
    title: 'an expression naming a parameter in a model without parameters',
    text: yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: k_death'),
    expected: ["bad.yaml:7:16: error: cell_types.A.apoptosis: 'k_death' in 'k_death' is not a parameter" + fix('define it under parameters, or write a number with a unit')],
  },
  {
    title: 'an expression with the wrong dimension (a time for a rate)',
    text: yaml(...HEAD, 'parameters:', '  t_half: {value: 12 h, source: estimate}', 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: 2 * t_half'),
    expected: [`bad.yaml:9:16: error: cell_types.A.apoptosis: expected ${RATE}, but '2 * t_half' is time` + fix('check the units of the parameters in the expression')],
  },
  {
    title: 'an expression syntax error (operator twice)',
    text: yaml(...HEAD, 'parameters:', '  k_base: {value: 0.1 1/day, source: estimate}', 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: k_base * * 2'),
    expected: [
      "bad.yaml:9:16: error: cell_types.A.apoptosis: 'k_base * * 2' is neither a quantity nor a valid expression: unexpected '*' at column 10" +
        fix("expected a number, a variable, a function call or '('"),
    ],
  },
  {
    title: 'an expression syntax error after a leading number (unclosed parenthesis)',
    text: yaml(...HEAD, 'parameters:', '  k_base: {value: 0.1 1/day, source: estimate}', 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: 2 * (k_base'),
    expected: ["bad.yaml:9:16: error: cell_types.A.apoptosis: '2 * (k_base' is neither a quantity nor a valid expression: missing ')' for '(' at column 5" + fix("add a closing ')'")],
  },
  {
    title: 'words that are neither a quantity nor an expression',
    text: yaml(...HEAD, 'cell_types:', '  A: {initial_number: 10, apoptosis: per day}'),
    expected: [
      "bad.yaml:5:38: error: cell_types.A.apoptosis: 'per day' is neither a quantity nor a valid expression: unexpected 'day' at column 5" +
        fix('expected an operator (+ - * / ^) or the end of the expression'),
    ],
  },
  {
    title: 'an expression where only a literal is allowed (dose start)',
    text: yaml(
      ...HEAD,
      'parameters:',
      '  t0: {value: 1 day, source: estimate}',
      'substrates:',
      `  ${DRUG}`,
      'cell_types: {A: {initial_number: 10}}',
      'dosing:',
      '  - {substrate: drug, kind: bolus, start: t0, amount: 1 uM}',
    ),
    expected: ["bad.yaml:10:43: error: dosing[0].start: an expression is not allowed here ('t0')" + fix('write a number with a unit')],
  },
  {
    title: 'an estimate parameter without a range',
    text: yaml(...HEAD, 'parameters:', '  k_base: {value: 0.1 1/day, source: estimate, estimate: true}', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:5:11: error: parameters.k_base: parameter 'k_base' is an estimate but has no range" + fix('add range: [low, high] so sweeps and sensitivity analysis can vary it')],
  },
  {
    title: 'a range whose low end is above its high end',
    text: yaml(...HEAD, 'parameters:', '  k_base:', '    value: 0.1 1/day', '    source: estimate', '    range: [0.5 1/day, 0.05 1/day]', 'cell_types: {A: {initial_number: 10}}'),
    expected: ["bad.yaml:8:12: error: parameters.k_base.range: the range's low end (0.5 1/day) is above its high end (0.05 1/day)" + fix('write the range as [low, high]')],
  },
  {
    title: 'a value outside its range',
    text: yaml(...HEAD, 'parameters:', '  k_base:', '    value: 0.9 1/day', '    source: estimate', '    estimate: true', '    range: [0.05 1/day, 0.5 1/day]', 'cell_types: {A: {initial_number: 10}}'),
    expected: ['bad.yaml:6:12: error: parameters.k_base.value: the value 0.9 1/day lies outside its range [0.05 1/day, 0.5 1/day]' + fix('widen the range or correct the value')],
  },
  {
    title: 'a range in a different kind of unit from the value',
    text: yaml(...HEAD, 'parameters:', '  k_base:', '    value: 0.1 1/day', '    source: estimate', '    range: [1 h, 5 h]', 'cell_types: {A: {initial_number: 10}}'),
    expected: ['bad.yaml:8:12: error: parameters.k_base.range: the range is time but the value is 1/time' + fix('give the range in the same kind of unit as the value')],
  },
  {
    title: 'a parameter unit given twice (in value and unit:)',
    text: yaml(...HEAD, 'parameters:', '  k_base: {value: 1 1/day, unit: 1/day, source: estimate}', 'cell_types: {A: {initial_number: 10}}'),
    expected: [
      "bad.yaml:5:19: error: parameters.k_base.value: the value '1 1/day' carries its own unit and the parameter also has unit: 1/day" +
        fix('give the unit once: either in the value or in unit:'),
    ],
  },
  {
    title: 'a parameter value written as an expression',
    text: yaml(...HEAD, 'parameters:', '  a: {value: 1 1/day, source: estimate}', '  b: {value: 2 * a, source: estimate}', 'cell_types: {A: {initial_number: 10}}'),
    expected: [
      "bad.yaml:6:14: error: parameters.b.value: '2 * a' is an expression; a parameter value must be a literal quantity such as '0.5 1/day'" +
        fix('compute the value and write it with its unit, or use the expression where the parameter is used'),
    ],
  },

  // ---- references between sections ------------------------------------------------------------------------
  {
    title: 'an unknown substrate in secretion',
    text: yaml(...HEAD, 'substrates:', `  ${TNF}`, 'cell_types:', '  A:', '    initial_number: 10', '    secretion:', '      IL6: {secretion_rate: 0.01 1/min, secretion_target: 1}'),
    expected: ["bad.yaml:10:7: error: cell_types.A.secretion.IL6: unknown substrate 'IL6'" + fix('define it under substrates (known: TNF)')],
  },
  {
    title: 'an unknown substrate in chemotaxis (model without substrates)',
    text: yaml(...HEAD, 'cell_types:', '  A: {initial_number: 10, motility: {chemotaxis: {CXCL12: 1}}}'),
    expected: ["bad.yaml:5:51: error: cell_types.A.motility.chemotaxis.CXCL12: unknown substrate 'CXCL12'" + fix('define it under substrates (known: none)')],
  },
  {
    title: 'an unknown cell type in transformation',
    text: yaml(...HEAD, 'cell_types:', '  M0:', '    initial_number: 10', '    transformation: {M3: 0.1 1/day}', '  M1: {}'),
    expected: ["bad.yaml:7:22: error: cell_types.M0.transformation.M3: unknown cell type 'M3'" + fix('define it under cell_types (known: M0, M1)')],
  },
  {
    title: 'a transformation of a cell type to itself',
    text: yaml(...HEAD, 'cell_types:', '  M0:', '    initial_number: 10', '    transformation: {M0: 0.1 1/day}'),
    expected: ['bad.yaml:7:22: error: cell_types.M0.transformation.M0: a cell type cannot transform to itself' + fix('remove this entry')],
  },
  {
    title: 'an output name that is already a cell type',
    text: yaml(...HEAD, 'cell_types:', '  A: {initial_number: 10}', 'outputs:', '  A: {expression: 2 * A, unit: cells}'),
    expected: ["bad.yaml:7:3: error: outputs.A: the name 'A' is already used in cell_types" + fix('names of substrates, cell types, parameters and outputs must all differ; rename one of them')],
  },
  {
    title: 'an output whose unit does not match its expression',
    text: yaml(...HEAD, 'cell_types:', '  A: {initial_number: 10}', 'outputs:', '  twice: {expression: 2 * A, unit: ng/mL}'),
    expected: ["bad.yaml:7:36: error: outputs.twice.unit: the expression '2 * A' is cells but the unit 'ng/mL' is mass/volume" + fix('give a unit of cells (cell counts are in cells, time in min, substrates in their own unit)')],
  },
  {
    title: 'an output expression naming an unknown variable',
    text: yaml(...HEAD, 'cell_types:', '  M1: {initial_number: 10}', '  M2: {initial_number: 10}', 'outputs:', '  m2_fraction: {expression: M2 / (M1 + M3)}'),
    expected: ["bad.yaml:8:29: error: outputs.m2_fraction.expression: 'M3' in 'M2 / (M1 + M3)' is not a cell type, substrate, parameter or 'time'" + fix("use one of: 'M1', 'M2', 'time'")],
  },
  {
    title: 'an output expression with a syntax error',
    text: yaml(...HEAD, 'cell_types:', '  M1: {initial_number: 10}', '  M2: {initial_number: 10}', 'outputs:', '  m2_fraction: {expression: M2 / (M1 + M2}'),
    expected: ["bad.yaml:8:29: error: outputs.m2_fraction.expression: not a valid expression: missing ')' for '(' at column 6" + fix("add a closing ')'")],
  },

  // ---- rules -----------------------------------------------------------------------------------------------
  {
    title: 'a rule for an unknown cell type',
    text: yaml(
      ...HEAD,
      'cell_types: {MSC: {initial_number: 10}}',
      'rules:',
      '  - cell_type: MCS',
      '    signal: pressure',
      '    direction: increases',
      '    behaviour: apoptosis',
      '    saturation: 0.1 1/min',
      '    half_max: 0.5',
      '    hill_power: 1',
      '    evidence: [I019]',
    ),
    expected: ["bad.yaml:6:16: error: rules[0].cell_type: unknown cell type 'MCS'" + fix('use one of: MSC')],
  },
  {
    title: 'a rule whose cell type would transform to itself',
    text: yaml(
      ...HEAD,
      'cell_types: {MSC: {initial_number: 10}}',
      'rules:',
      '  - cell_type: MSC',
      '    signal: pressure',
      '    direction: increases',
      '    behaviour: transform to MSC',
      '    saturation: 0.1 1/min',
      '    half_max: 0.5',
      '    hill_power: 1',
      '    evidence: [I019]',
    ),
    expected: ['bad.yaml:9:16: error: rules[0].behaviour: a cell type cannot transform to itself' + fix('name another cell type')],
  },
  {
    title: 'an unknown behaviour (apoptosys): the hint lists the closest names first',
    text: yaml(
      ...HEAD,
      'cell_types: {MSC: {initial_number: 10}}',
      'rules:',
      '  - cell_type: MSC',
      '    signal: pressure',
      '    direction: increases',
      '    behaviour: apoptosys',
      '    saturation: 0.1 1/min',
      '    half_max: 0.5',
      '    hill_power: 1',
      '    evidence: [I019]',
    ),
    expected: ["bad.yaml:9:16: error: rules[0].behaviour: unknown behaviour 'apoptosys'" + fix("use one of: 'apoptosis', 'necrosis', 'attack MSC', 'influx', 'phagocytose MSC', 'cycle entry', …")],
  },
  {
    title: 'a duplicate rule',
    text: yaml(
      ...HEAD,
      'cell_types: {A: {initial_number: 10}}',
      'rules:',
      '  - {cell_type: A, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.5, hill_power: 1, evidence: [I001]}',
      '  - {cell_type: A, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.8, hill_power: 2, evidence: [I002]}',
    ),
    expected: ['bad.yaml:7:5: error: rules[1]: this rule repeats rules[0] (same cell type, signal, direction and behaviour)' + fix('merge the two rules into one')],
  },
  {
    title: 'a rule with an empty evidence list',
    text: yaml(
      ...HEAD,
      'cell_types: {A: {initial_number: 10}}',
      'rules:',
      '  - cell_type: A',
      '    signal: pressure',
      '    direction: decreases',
      '    behaviour: cycle entry',
      '    saturation: 0',
      '    half_max: 0.5',
      '    hill_power: 1',
      '    evidence: []',
    ),
    expected: ['bad.yaml:13:15: error: rules[0].evidence: a rule must cite at least one knowledge-base entry' + fix('write e.g. evidence: [I019] (ids are listed by `nichesim kb`)')],
  },
  {
    title: 'evidence written as a single id instead of a list',
    text: yaml(
      ...HEAD,
      'cell_types: {A: {initial_number: 10}}',
      'rules:',
      '  - cell_type: A',
      '    signal: pressure',
      '    direction: decreases',
      '    behaviour: cycle entry',
      '    saturation: 0',
      '    half_max: 0.5',
      '    hill_power: 1',
      '    evidence: I001',
    ),
    expected: ['bad.yaml:13:15: error: rules[0].evidence: expected a list, got the text "I001"' + fix('write a list in brackets, e.g. evidence: [I019]')],
  },

  // ---- dosing ----------------------------------------------------------------------------------------------
  {
    title: 'a bolus without amount',
    text: yaml(...HEAD, 'substrates:', `  ${DRUG}`, 'cell_types: {A: {initial_number: 10}}', 'dosing:', '  - {substrate: drug, kind: bolus, start: 1 day}'),
    expected: ['bad.yaml:8:5: error: dosing[0]: a bolus dose needs amount (the rise of the niche concentration)' + fix("add amount: e.g. '1 uM'")],
  },
  {
    title: 'an infusion without rate',
    text: yaml(...HEAD, 'substrates:', `  ${DRUG}`, 'cell_types: {A: {initial_number: 10}}', 'dosing:', '  - {substrate: drug, kind: infusion, start: 0, duration: 1 day}'),
    expected: ["bad.yaml:8:5: error: dosing[0]: an infusion needs rate (concentration per minute) and duration" + fix("add rate: e.g. '0.01 uM/min' and duration: e.g. '7 day'")],
  },
  {
    title: 'repeated doses without interval',
    text: yaml(...HEAD, 'substrates:', `  ${DRUG}`, 'cell_types: {A: {initial_number: 10}}', 'dosing:', '  - {substrate: drug, kind: bolus, start: 0, amount: 1 uM, count: 3}'),
    expected: ["bad.yaml:8:5: error: dosing[0]: count is 3 but no interval is given" + fix("add interval: e.g. '1 day'")],
  },
  {
    title: 'an infusion longer than its interval',
    text: yaml(
      ...HEAD,
      'substrates:',
      `  ${DRUG}`,
      'cell_types: {A: {initial_number: 10}}',
      'dosing:',
      '  - substrate: drug',
      '    kind: infusion',
      '    start: 0 day',
      '    rate: 0.001 uM/min',
      '    duration: 2 day',
      '    interval: 1 day',
      '    count: 7',
    ),
    expected: ['bad.yaml:12:15: error: dosing[0].duration: each infusion lasts longer than the interval between infusions' + fix('shorten duration or lengthen interval')],
  },
  {
    title: 'a dose of an unknown substrate',
    text: yaml(...HEAD, 'substrates:', `  ${DRUG}`, 'cell_types: {A: {initial_number: 10}}', 'dosing:', '  - {substrate: cytarabine, kind: bolus, start: 0, amount: 1 uM}'),
    // Placed at the key `substrate`, not at the name written after it (column 18).
    expected: ["bad.yaml:8:6: error: dosing[0].substrate: unknown substrate 'cytarabine'" + fix('define it under substrates (known: drug)')],
  },

  // ---- extends without a file reader -----------------------------------------------------------------------
  {
    title: 'extends, parsed from text without a file reader',
    text: yaml('nichesim: 1', 'extends: aml-niche.yaml', 'name: child'),
    expected: ['bad.yaml:2:10: error: extends: this model extends another, but no file reader was given' + fix('load it with loadModelFile()')],
  },
];

describe('bad models: the exact message of each (catalogue)', () => {
  it('has at least 30 cases', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CATALOGUE.map((c) => c.title)).size).toBe(CATALOGUE.length);
  });
  for (const c of CATALOGUE) {
    (c.fails ? it.fails : it)(c.title, () => {
      const file = c.text.trimStart().startsWith('{') ? 'bad.json' : 'bad.yaml';
      expect(errorsOf(c.text, file)).toEqual(c.expected);
    });
  }
  it('every catalogue diagnostic is an error with a place, and a fix', () => {
    for (const c of CATALOGUE) {
      const file = c.text.trimStart().startsWith('{') ? 'bad.json' : 'bad.yaml';
      for (const d of diagnosticsOf(() => parseModel(c.text, file))) {
        expect(d.severity, c.title).toBe('error');
        expect(d.file, c.title).toBe(file);
        expect(d.line, c.title).toBeGreaterThanOrEqual(1);
        expect(d.column, c.title).toBeGreaterThanOrEqual(1);
        expect(d.message.length, c.title).toBeGreaterThan(0);
        expect(d.hint.length, c.title).toBeGreaterThan(0);
      }
    }
  });
});

// ---- the diagnostic record and its formatting ------------------------------------------------------

describe('ModelError and formatDiagnostic', () => {
  it('a diagnostic carries severity, file, line, column, path, message and hint', () => {
    const [d, ...rest] = diagnosticsOf(() => parseModel(yaml(...HEAD, 'cell_types:', '  A:', '    initial_number: 10', '    apoptosis: -0.1 1/day'), 'cells.yaml'));
    expect(rest).toEqual([]);
    expect(d).toEqual({
      severity: 'error',
      file: 'cells.yaml',
      line: 7,
      column: 16,
      path: 'cell_types.A.apoptosis',
      message: `expected ${RATE} of 0 or more, got '-0.1 1/day'`,
      hint: 'rates, counts and concentrations cannot be negative',
    });
  });
  it('the error message is the formatted errors', () => {
    const text = yaml(...HEAD, 'cell_types:', '  A: {initial_number: -3, apoptosis: -1}');
    const e = (() => {
      try {
        parseModel(text, 'bad.yaml');
      } catch (err) {
        return err as ModelError;
      }
      throw new Error('expected a ModelError');
    })();
    expect(e).toBeInstanceOf(ModelError);
    expect(e.name).toBe('ModelError');
    expect(e.message).toBe(
      [
        'bad.yaml:5:23: error: cell_types.A.initial_number: expected a number of cells (e.g. 1000) of 0 or more, got -3' + NEGATIVE_FIX,
        `bad.yaml:5:38: error: cell_types.A.apoptosis: expected ${RATE} of 0 or more, got -1` + NEGATIVE_FIX,
      ].join('\n'),
    );
  });
  it('a diagnostic without a place or path prints the file only', () => {
    expect(formatDiagnostic({ severity: 'error', file: 'x.yaml', line: null, column: null, path: '', message: 'file not found', hint: '' })).toBe('x.yaml: error: file not found');
  });
});

// ---- JSON models and model files on disk ---------------------------------------------------------------

describe('JSON models and fixture files', () => {
  it('a valid JSON model loads and equals the same model written in YAML', () => {
    const fromJson = loadModelFile(fixture('valid.json'));
    const fromYaml = loadModelFile(fixture('valid-equivalent.yaml'));
    expect(fromJson.warnings).toEqual([]);
    expect(fromJson.model.name).toBe('json_model');
    expect(modelHash(fromJson.model)).toBe(modelHash(fromYaml.model));
  });
  it('a JSON syntax error (missing comma) names its line and column', () => {
    expect(diagnosticsOf(() => loadModelFile(fixture('json-syntax.json'))).map(formatDiagnostic)).toEqual([
      `${fixture('json-syntax.json')}:5:3: error: not valid YAML/JSON: Missing , between flow map items` + YAML_FIX,
    ]);
  });
  it('a YAML syntax error (unclosed [) names its line and column', () => {
    expect(diagnosticsOf(() => loadModelFile(fixture('yaml-syntax.yaml'))).map(formatDiagnostic)).toEqual([
      `${fixture('yaml-syntax.yaml')}:5:1: error: not valid YAML/JSON: Flow sequence in block collection must be sufficiently indented and end with a ]` + YAML_FIX,
    ]);
  });
  it('an unknown signal and an unknown behaviour: hints list the close names first', () => {
    const f = fixture('rule-names.yaml');
    expect(diagnosticsOf(() => loadModelFile(f)).map(formatDiagnostic)).toEqual([
      `${f}:12:13: error: rules[0].signal: unknown signal 'TNF-alpha'` + fix("use one of: 'TNF', 'damage', 'dead', 'IL10', 'necrotic', 'time', …"),
      `${f}:22:16: error: rules[1].behaviour: unknown behaviour 'IL-10 secretion'` +
        fix("use one of: 'IL10 secretion', 'TNF secretion', 'IL10 secretion target', 'IL10 export', 'IL10 uptake', 'necrosis', …"),
    ]);
  });
  it('several errors in one file are all reported in one ModelError', () => {
    const f = fixture('several-errors.yaml');
    // Reported in file order (line, then column).
    expect(diagnosticsOf(() => loadModelFile(f)).map(formatDiagnostic)).toEqual([
      `${f}:6:45: error: substrates.TNF.diffusion_coefficient: expected a diffusion coefficient (e.g. '1e5 um^2/min'), got '48 h' (time)` +
        fix("write it in a unit of length^2/time, e.g. 'um^2/min'"),
      `${f}:10:16: error: cell_types.MSC.apoptosis: expected ${RATE} of 0 or more, got '-0.01 1/day'` + NEGATIVE_FIX,
      `${f}:11:31: error: cell_types.MSC.apoptotic_clearance_time: expected a time (e.g. '48 h') greater than 0, got 0` + POSITIVE_FIX,
      `${f}:13:7: error: cell_types.MSC.secretion.PGE2: unknown substrate 'PGE2'` + fix('define it under substrates (known: TNF)'),
      `${f}:16:13: error: rules[0].signal: unknown signal 'TNFa'` + fix("use one of: 'TNF', 'time', 'dead', 'damage', 'volume', 'apoptotic', …"),
    ]);
  });
  it('several errors of form (unknown keys, enum, missing field) are all reported in one ModelError', () => {
    const f = fixture('several-schema-errors.yaml');
    expect(diagnosticsOf(() => loadModelFile(f)).map(formatDiagnostic)).toEqual([
      `${f}:4:27: error: niche.volumes: unknown key 'volumes'` + UNKNOWN_KEY_FIX,
      `${f}:8:5: error: cell_types.A.apoptosis_rate: unknown key 'apoptosis_rate'` + UNKNOWN_KEY_FIX,
      `${f}:10:5: error: rules[0].evidence: missing required field 'evidence' (a list)` + fix('add evidence: to this section'),
      `${f}:12:16: error: rules[0].direction: expected one of "increases", "decreases", got the text "increase"` + fix('use one of the listed values'),
    ]);
  });
});

const CYCLE_FIX = fix('a model may not extend itself, directly or through other files; remove one extends');

describe('files, extends and cycles (temporary files)', () => {
  let dir = '';
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nichesim-model-errors-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a missing model file', () => {
    const p = join(dir, 'nope.yaml');
    expect(diagnosticsOf(() => loadModelFile(p)).map(formatDiagnostic)).toEqual([`${p}: error: file not found` + fix(`check the path (resolved to ${p})`)]);
  });
  it('a folder given as the model file', () => {
    expect(diagnosticsOf(() => loadModelFile(dir)).map(formatDiagnostic)).toEqual([`${dir}: error: this is a folder, not a model file` + fix('give the path of a .yaml or .json model file')]);
  });
  it('extends of a missing file', () => {
    const child = write('child.yaml', yaml('nichesim: 1', 'extends: parent.yaml', 'name: child'));
    expect(diagnosticsOf(() => loadModelFile(child)).map(formatDiagnostic)).toEqual([
      `${child}:2:10: error: extends: cannot read 'parent.yaml': file not found (looked for ${join(dir, 'parent.yaml')})` +
        fix('the path is relative to this file'),
    ]);
  });
  it('an extends cycle of two files', () => {
    const a = write('a.yaml', yaml('nichesim: 1', 'extends: b.yaml', 'name: a'));
    const b = write('b.yaml', yaml('nichesim: 1', 'extends: a.yaml', 'name: b', 'niche: {volume: 1e6 um^3}', 'cell_types: {A: {initial_number: 1}}'));
    expect(diagnosticsOf(() => loadModelFile(a)).map(formatDiagnostic)).toEqual([
      `${b}:2:10: error: extends: extends cycle: ${a} -> ${b} -> ${a}` + CYCLE_FIX,
    ]);
  });
  it('a file that extends itself', () => {
    const self = write('self.yaml', yaml('nichesim: 1', 'extends: self.yaml', 'name: self'));
    expect(diagnosticsOf(() => loadModelFile(self)).map(formatDiagnostic)).toEqual([
      `${self}:2:10: error: extends: extends cycle: ${self} -> ${self}` + CYCLE_FIX,
    ]);
  });
  it('a syntax error in the parent is reported in the parent file', () => {
    const parent = write('broken-parent.yaml', yaml('nichesim: 1', 'name: [x'));
    const child = write('broken-child.yaml', yaml('nichesim: 1', 'extends: broken-parent.yaml', 'name: child'));
    expect(diagnosticsOf(() => loadModelFile(child)).map(formatDiagnostic)).toEqual([
      `${parent}:3:1: error: not valid YAML/JSON: Flow sequence in block collection must be sufficiently indented and end with a ]` + YAML_FIX,
    ]);
  });
  it('errors are placed in the file (child or parent) that wrote the value', () => {
    const base = write('base.yaml', yaml('nichesim: 1', 'name: base', 'niche: {volume: 1e6 um^3}', 'cell_types:', '  A: {initial_number: 10}', '  B: {initial_number: -3}'));
    const kid = write('kid.yaml', yaml('nichesim: 1', 'extends: base.yaml', 'name: kid', 'cell_types:', '  A: {apoptosis: -1 1/day}'));
    // The file the user loaded first, then the file it extends; by position within each.
    expect(diagnosticsOf(() => loadModelFile(kid)).map(formatDiagnostic)).toEqual([
      `${kid}:5:18: error: cell_types.A.apoptosis: expected ${RATE} of 0 or more, got '-1 1/day'` + NEGATIVE_FIX,
      `${base}:6:23: error: cell_types.B.initial_number: expected a number of cells (e.g. 1000) of 0 or more, got -3` + NEGATIVE_FIX,
    ]);
  });
  it('an unknown key in the child of an extends', () => {
    write('base2.yaml', yaml('nichesim: 1', 'name: base', 'niche: {volume: 1e6 um^3}', 'cell_types:', '  A: {initial_number: 10}'));
    const kid = write('kid2.yaml', yaml('nichesim: 1', 'extends: base2.yaml', 'name: kid', 'cell_types:', '  A: {apoptosis_rate: 1}'));
    expect(diagnosticsOf(() => loadModelFile(kid)).map(formatDiagnostic)).toEqual([`${kid}:5:7: error: cell_types.A.apoptosis_rate: unknown key 'apoptosis_rate'` + UNKNOWN_KEY_FIX]);
  });
  it('the shipped healthy-niche model (which extends aml-niche) loads without warnings', () => {
    const loaded = loadModelFile(fileURLToPath(new URL('../../models/healthy-niche.yaml', import.meta.url)));
    expect(loaded.warnings).toEqual([]);
    expect(loaded.model.name).toBe('healthy_niche');
    expect(loaded.model.cellTypes.find((c) => c.name === 'AML_blast')?.initialNumber).toBe(0);
  });
});

// ---- warnings ---------------------------------------------------------------------------------------------

describe('a valid model with warnings loads', () => {
  it('time-driven influx: loads, with one warning', () => {
    const loaded = parseModel(
      yaml(
        ...HEAD,
        'cell_types: {A: {initial_number: 10}}',
        'rules:',
        '  - cell_type: A',
        '    signal: time',
        '    direction: increases',
        '    behaviour: influx',
        '    saturation: 10 cells/day',
        '    half_max: 30 day',
        '    hill_power: 2',
        '    evidence: [I001]',
      ),
      'warn.yaml',
    );
    expect(loaded.model.rules).toHaveLength(1);
    expect(loaded.warnings.map(formatDiagnostic)).toEqual(['warn.yaml:6:5: warning: rules[0]: influx driven by time grows without bound' + fix('check that this is intended')]);
  });
});

// ---- compile, evidence and overrides ----------------------------------------------------------------------

const RULE_MODEL = yaml(
  ...HEAD,
  'parameters:',
  '  k_death: {value: 0.1 1/min, source: estimate}',
  'cell_types:',
  '  A: {initial_number: 10, apoptosis: 0.5 1/min, cycle_entry: 0.2 1/min}',
  'rules:',
  '  - {cell_type: A, signal: pressure, direction: increases, behaviour: apoptosis, saturation: k_death, half_max: 0.5, hill_power: 1, evidence: [I001, X999]}',
  '  - cell_type: A',
  '    signal: pressure',
  '    direction: decreases',
  '    behaviour: cycle entry',
  '    saturation: 0.3 1/min',
  '    half_max: 0.5',
  '    hill_power: 1',
  '    evidence: [NOPE1]',
);

const RULE1_PROBLEM =
  "rules[1] (line 10) (A: pressure decreases cycle entry): says 'decreases' but its saturation value 0.3 1/min (432 1/day) is above the base value 0.2 1/min (288 1/day); use 'increases' or lower the saturation value";

describe('compileModel: CompileError', () => {
  it("an 'increases' rule whose saturation is below the base value (and a 'decreases' rule above it)", () => {
    const { model } = parseModel(RULE_MODEL, 'rules.yaml');
    expect(messageOf(CompileError, () => compileModel(model))).toBe(
      [
        "rules[0] (line 9) (A: pressure increases apoptosis): says 'increases' but its saturation value 0.1 1/min (144 1/day) is below the base value 0.5 1/min (720 1/day); use 'decreases' or raise the saturation value",
        RULE1_PROBLEM,
      ].join('\n'),
    );
  });
  it('an override naming no parameter', () => {
    const { model } = parseModel(RULE_MODEL, 'rules.yaml');
    const e = (() => {
      try {
        compileModel(model, { k_deth: 1, k_death: 1 });
      } catch (err) {
        return err as CompileError;
      }
      throw new Error('expected a CompileError');
    })();
    expect(e).toBeInstanceOf(CompileError);
    // k_death = 1/min makes rule 0 valid; only the unknown name and rule 1 remain.
    expect(e.problems).toEqual([
      "--set k_deth: no parameter named 'k_deth' (known: k_death)",
      RULE1_PROBLEM,
    ]);
  });
});

describe('checkEvidence: unknown knowledge-base ids', () => {
  const kb = loadKnowledgeBase();
  it('reports each unknown id of each rule, and accepts known ids', () => {
    const { model } = parseModel(RULE_MODEL, 'rules.yaml');
    expect(kb.byId.has('I001')).toBe(true);
    expect(checkEvidence(model, kb, 'rules.yaml').map(formatDiagnostic)).toEqual([
      "rules.yaml:9:1: error: rules[0].evidence: unknown evidence id 'X999'" + fix('use an id listed by `nichesim kb`, or add the entry to kb/'),
      "rules.yaml:10:1: error: rules[1].evidence: unknown evidence id 'NOPE1'" + fix('use an id listed by `nichesim kb`, or add the entry to kb/'),
    ]);
  });
  it('the shipped AML niche model cites only known ids', () => {
    const p = fileURLToPath(new URL('../../models/aml-niche.yaml', import.meta.url));
    const { model } = parseModel(readFileSync(p, 'utf8'), p);
    expect(checkEvidence(model, kb, p)).toEqual([]);
  });
});

describe('parseOverrides: OverrideError', () => {
  const { model } = parseModel(RULE_MODEL, 'rules.yaml');
  it('an unknown parameter name', () => {
    expect(messageOf(OverrideError, () => parseOverrides(model, ['k_deth=0.2 1/min']))).toBe("--set 'k_deth=0.2 1/min': the model has no parameter 'k_deth' (known: k_death)");
  });
  it('a value with the wrong unit', () => {
    expect(messageOf(OverrideError, () => parseOverrides(model, ['k_death=3 h']))).toBe("--set 'k_death=3 h': 'k_death' is 1/min but '3 h' is time");
  });
  it('a value with an unknown unit', () => {
    expect(messageOf(OverrideError, () => parseOverrides(model, ['k_death=3 1/dy']))).toBe("--set 'k_death=3 1/dy': unknown unit 'dy' in '1/dy'; did you mean 'day'?");
  });
  it('no = sign', () => {
    expect(messageOf(OverrideError, () => parseOverrides(model, ['k_death']))).toBe("--set 'k_death': expected name=value, e.g. --set 'pge2_secretion_licensed=0.2 1/min'");
  });
  it('a value that is not a number', () => {
    expect(messageOf(OverrideError, () => parseOverrides(model, ['k_death=fast']))).toBe("--set 'k_death=fast': expected a number with an optional unit, got 'fast'");
  });
  it('valid overrides convert to the base unit (a bare number is taken in the base unit, 1/min)', () => {
    expect(parseOverrides(model, ['k_death=1440 1/day'])).toEqual({ k_death: 1 });
    expect(parseOverrides(model, ['k_death=0.5'])).toEqual({ k_death: 0.5 });
  });
});

// ---- known loader issues ------------------------------------------------------------------------------------
// Each test states what a good message must do. Those still marked `it.fails` fail today; when the
// loader is fixed the test starts "failing" (passes): then drop `.fails` and update the pinned text
// above. The others were fixed and stay as regression tests.

describe('known loader issues (it.fails: still open)', () => {
  const one = (text: string): Diagnostic => {
    const ds = diagnosticsOf(() => parseModel(text, 'bad.yaml'));
    expect(ds).toHaveLength(1);
    return ds[0];
  };
  it('a value of the wrong type is not reported as a missing field', () => {
    for (const text of [
      yaml(...HEAD, 'cell_types:', '  - A'),
      yaml('nichesim: 1', 'name: 5', 'niche: {volume: 1e6 um^3}', 'cell_types: {A: {}}'),
      yaml(...HEAD, 'cell_types: {A: {}}', 'rules:', '  - {cell_type: A, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.5, hill_power: 1, evidence: [I001], applies_to_dead: yes}'),
    ]) {
      const d = one(text);
      expect(d.message).not.toMatch(/missing/);
      expect(d.hint).not.toBe('add this field');
    }
  });
  it('a missing quantity (niche without volume) is reported as missing', () => {
    expect(one(yaml('nichesim: 1', 'name: m', 'niche: {description: x}', 'cell_types: {A: {}}')).message).toMatch(/missing/);
  });
  it('an expression syntax error after a leading number is reported as an expression error, not a unit error', () => {
    const text = yaml(...HEAD, 'parameters:', '  k_base: {value: 0.1 1/day, source: estimate}', 'cell_types:', '  A: {apoptosis: 2 * (k_base}');
    expect(one(text).hint).not.toMatch(/unit/);
  });
  it('a parameter value written as an expression says that parameters need literal values', () => {
    const text = yaml(...HEAD, 'parameters:', '  a: {value: 1 1/day, source: x}', '  b: {value: 2 * a, source: x}', 'cell_types: {A: {}}');
    expect(formatDiagnostic(one(text))).toMatch(/expression/);
  });
  it('.inf and .nan are reported as non-finite numbers', () => {
    expect(one(yaml(...HEAD, 'cell_types: {A: {initial_number: .inf}}')).message).toMatch(/finite/);
  });
  it('a duplicate key message names the key', () => {
    expect(one(yaml(...HEAD, 'cell_types:', '  MSC: {}', '  MSC: {}')).message).toMatch(/MSC/);
  });
  it('a name with a space says what a name may contain, at the key', () => {
    const d = one(yaml(...HEAD, 'cell_types:', '  AML blast: {initial_number: 10}'));
    expect(d.message).toMatch(/letters, digits and _/);
    expect(d.column).toBe(3);
  });
  it('no zod vocabulary (object, record, array, >=, >0) in messages', () => {
    for (const text of [
      yaml('nichesim: 1', 'name: m', 'cell_types: {A: {}}'),
      yaml(...HEAD),
      yaml(...HEAD, 'cell_types: {A: {}}', 'rules:', '  - {cell_type: A, signal: pressure, direction: decreases, behaviour: cycle entry, saturation: 0, half_max: 0.5, hill_power: 1, evidence: []}'),
    ]) {
      expect(one(text).message).not.toMatch(/\b(object|record|array)\b|>=|>0/);
    }
  });
  it('the Hill power fix does not talk about durations', () => {
    const text = yaml(...HEAD, 'cell_types: {A: {apoptosis: 0.5 1/day}}', 'rules:', '  - {cell_type: A, signal: pressure, direction: increases, behaviour: apoptosis, saturation: 1 1/day, half_max: 0.5, hill_power: 0, evidence: [I001]}');
    expect(one(text).hint).not.toMatch(/duration/);
  });
  it('an unknown unit in a parameter unit: field is placed at that field', () => {
    expect(one(yaml(...HEAD, 'parameters:', '  a: {value: 1, unit: 1/dya, source: x}', 'cell_types: {A: {}}')).path).toBe('parameters.a.unit');
  });
  it('a missing format version says to add nichesim: 1', () => {
    const ds = diagnosticsOf(() => parseModel(yaml('name: m', 'niche: {volume: 1e6 um^3}', 'cell_types: {A: {}}'), 'bad.yaml'));
    expect(ds[0].message).toMatch(/missing|version/);
  });
  it('a missing format version is reported as missing, not as "format version nothing"', () => {
    const ds = diagnosticsOf(() => parseModel(yaml('name: m', 'niche: {volume: 1e6 um^3}', 'cell_types: {A: {}}'), 'bad.yaml'));
    expect(ds[0].path).toBe('nichesim');
    expect(ds[0].message).toMatch(/missing/);
    expect(ds[0].message).not.toMatch(/nothing/);
  });
  it('a name with a space names the entry once in the path', () => {
    for (const [section, entry] of [
      ['cell_types', '  AML blast: {initial_number: 10}'],
      ['substrates', '  my drug: {unit: uM, diffusion_coefficient: 1 um^2/min, decay_rate: 0.1 1/min}'],
      ['parameters', '  k base: {value: 1, source: x}'],
    ] as const) {
      const text = section === 'cell_types' ? yaml(...HEAD, 'cell_types:', entry) : yaml(...HEAD, `${section}:`, entry, 'cell_types: {A: {}}');
      const name = entry.trim().split(':')[0];
      expect(one(text).path).toBe(`${section}.${name}`);
    }
  });
  it('CompileError shows saturation and base values with their unit', () => {
    const { model } = parseModel(
      yaml(...HEAD, 'cell_types: {A: {apoptosis: 0.5 1/day}}', 'rules:', '  - {cell_type: A, signal: pressure, direction: increases, behaviour: apoptosis, saturation: 0.1 1/day, half_max: 0.5, hill_power: 1, evidence: [I001]}'),
      'bad.yaml',
    );
    // Was: "saturation value 0.00006944444444444444 is below the base value 0.00034722222222222224".
    expect(messageOf(CompileError, () => compileModel(model))).toMatch(/0\.1 1\/day|1\/min/);
  });
  it('an extends cycle loaded by a relative path is found at once and names each file once', () => {
    const d = mkdtempSync(join(tmpdir(), 'nichesim-model-errors-rel-'));
    const cwd = process.cwd();
    try {
      writeFileSync(join(d, 'a.yaml'), yaml('nichesim: 1', 'extends: b.yaml', 'name: a'));
      writeFileSync(join(d, 'b.yaml'), yaml('nichesim: 1', 'extends: a.yaml', 'name: b'));
      process.chdir(d);
      const [diag] = diagnosticsOf(() => loadModelFile('a.yaml'));
      // Was: reported in <abs>/a.yaml: "'b.yaml' extends itself through a.yaml -> <abs>/b.yaml -> <abs>/a.yaml".
      expect(diag.file).toBe(join(d, 'b.yaml'));
      expect(diag.message.match(/a\.yaml/g)?.length).toBeLessThanOrEqual(2);
    } finally {
      process.chdir(cwd);
      rmSync(d, { recursive: true, force: true });
    }
  });
});
