/**
 * The `nichesim` command (layer 6): a thin adapter from arguments to the library and back.
 *
 *   nichesim run [MODEL] [--t-end 180d] [--out DIR] [--engine ode|abm] [--dims 2|3] [--seed N] [--set name=value]...
 *   nichesim validate FILE...
 *   nichesim rules FILE
 *   nichesim kb [--cell X] [--mediator Y] [--disease Z] [--format table|json|cytoscape|graphml] [--out FILE]
 *   nichesim import-physicell PATH [--out model.yaml] [--strict];  nichesim export-physicell MODEL --out DIR
 *   nichesim sweep|sensitivity|cohort SPEC.yaml [--out DIR] [--workers N];  nichesim fit MODEL DATA.csv --params a,b
 *
 * Exit codes: 0 success, 1 bad input (model, options), 2 a run that stopped early, 3 a literature
 * target failed (check-targets, compare --target), 70 internal error.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.js';
import { Command, InvalidArgumentError } from 'commander';
import { CompileError, compileModel } from '../src/compile/compile.js';
import { ruleSentences } from '../src/compile/english.js';
import { checkEvidence } from '../src/compile/evidence.js';
import { citationText, filterInteractions, KbError, toCytoscapeJson, toGraphML, type InteractionFilter } from '../src/kb/index.js';
import { defaultModelPath, loadKnowledgeBase, loadModelFile } from '../src/io/load.js';
import { runJob } from '../src/io/run.js';
import { registerAnalysisCommands } from '../src/io/analysis/commands.js';
import { loadModelOrScenario, registerScenarioCommands } from '../src/io/scenarios/index.js';
import { runSbmlJob } from '../src/io/sbmlRun.js';
import { formatPhysiCellWarning, isPhysiCellSettings, loadPhysiCellProject, registerPhysiCellCommands } from '../src/io/physicell/index.js';
import { PhysiCellError } from '../src/interop/physicell/index.js';
import { existsSync, statSync } from 'node:fs';
import { exportSbml, SbmlError } from '../src/interop/sbml/index.js';
import { OutputError } from '../src/io/atomic.js';
import { formatDiagnostic, ModelError } from '../src/model/diagnostics.js';
import { OverrideError, parseOverrides } from '../src/model/overrides.js';
import { parseQuantity, UnitError } from '../src/units/index.js';
import { NICHESIM_VERSION } from '../src/version.js';

class UsageError extends Error {}

function parseTime(text: string): number {
  try {
    const q = parseQuantity(text.trim());
    if (!q) throw new InvalidArgumentError(`expected a time such as 180d or '48 h', got '${text}'`);
    if (q.unit.dimension.time !== 1 || q.unit.dimension.length || q.unit.dimension.mass || q.unit.dimension.amount || q.unit.dimension.cells) {
      throw new InvalidArgumentError(`expected a time such as 180d or '48 h', got '${text}'`);
    }
    const minutes = q.value * q.unit.factor;
    if (!(minutes > 0)) throw new InvalidArgumentError(`the time must be positive, got '${text}'`);
    return minutes;
  } catch (e) {
    if (e instanceof UnitError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 2 ** 32 - 1) throw new InvalidArgumentError(`expected a whole number from 0 to 4294967295, got '${text}'`);
  return Number(text);
}

function parseRtol(text: string): number {
  const x = Number(text);
  if (!(x >= 1e-12 && x <= 1e-2)) throw new InvalidArgumentError(`expected a relative tolerance from 1e-12 to 0.01, got '${text}'`);
  return x;
}

function parseDims(text: string): 2 | 3 {
  if (text !== '2' && text !== '3') throw new InvalidArgumentError(`expected 2 or 3, got '${text}'`);
  return text === '2' ? 2 : 3;
}

function parseOutDir(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('the output folder may not be empty');
  return text;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A one-line progress bar on stderr (only on a TTY). */
function progressBar(quiet: boolean): ((t: number, tEnd: number) => void) | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  const start = Date.now();
  return (t, tEnd) => {
    const f = Math.min(1, t / tEnd);
    const width = 30;
    const done = Math.round(f * width);
    const elapsed = (Date.now() - start) / 1000;
    const eta = f > 0 ? (elapsed * (1 - f)) / f : 0;
    process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(f * 100).toFixed(0).padStart(3)}%  day ${(t / 1440).toFixed(0)}/${(tEnd / 1440).toFixed(0)}  ETA ${eta.toFixed(1)} s `);
  };
}

function parseTimeUnit(text: string): 'second' | 'minute' | 'hour' | 'day' {
  if (!['second', 'minute', 'hour', 'day'].includes(text)) throw new InvalidArgumentError(`expected second, minute, hour or day, got '${text}'`);
  return text as 'second' | 'minute' | 'hour' | 'day';
}

/** `nichesim run model.xml`: an SBML model through the SBML importer, with the same four outputs. */
function runSbml(path: string, opts: { out: string; tEnd?: number; method: 'rodas4' | 'dopri5' | 'auto'; rtol: number; seed: number; quiet?: boolean; engine: string; set: string[]; timeUnit?: 'second' | 'minute' | 'hour' | 'day' }): void {
  if (opts.engine !== 'ode') throw new UsageError('SBML models run on the mean-field (ode) engine only');
  if (opts.set.length > 0) throw new UsageError('--set is not supported for SBML models yet; edit the parameter in the file');
  let outcome;
  try {
    outcome = runSbmlJob({ file: path, outDir: opts.out, tEnd: opts.tEnd, method: opts.method, rtol: opts.rtol, seed: opts.seed, timeUnit: opts.timeUnit });
  } catch (e) {
    if (e instanceof SbmlError) throw new UsageError(`${path}: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${path}: file not found`);
    throw e;
  }
  for (const w of outcome.warnings) process.stderr.write(`warning: ${w}\n`);
  const r = outcome.result;
  if (!opts.quiet) {
    process.stdout.write(`${path}: ${r.status === 'ok' ? 'finished' : 'stopped early'} in ${r.manifest.wallMs} ms (SBML, ${String(r.manifest.engineSettings.method ?? opts.method)})\n`);
    for (const f of outcome.files) process.stdout.write(`  wrote ${f}\n`);
  }
  if (r.status !== 'ok') {
    process.stderr.write(`nichesim: the run stopped early: ${r.message}\n`);
    process.exitCode = 2;
  }
}

/** True for a PhysiCell settings XML, or a folder holding one (directly or in config/). */
function isPhysiCellProject(path: string): boolean {
  if (existsSync(path) && statSync(path).isDirectory()) return ['PhysiCell_settings.xml', 'config/PhysiCell_settings.xml'].some((f) => existsSync(join(path, f)));
  return /\.xml$/i.test(path) && isPhysiCellSettings(path);
}

/** `nichesim run PhysiCell_settings.xml`: a PhysiCell project through the importer, on the agent-based engine unless --engine says otherwise. */
function runPhysiCell(path: string, opts: { out: string; tEnd?: number; method: 'rodas4' | 'dopri5' | 'auto'; rtol: number; seed: number; quiet?: boolean; engine: 'ode' | 'abm'; engineGiven: boolean; seedGiven: boolean; dims?: 2 | 3; set: string[]; strict?: boolean; timeUnit?: string }): void {
  if (opts.timeUnit !== undefined) throw new UsageError('--time-unit applies to SBML models');
  const project = loadPhysiCellProject(path, { strict: opts.strict });
  const engine = opts.engineGiven ? opts.engine : 'abm';
  if (opts.dims !== undefined && engine !== 'abm') throw new UsageError('--dims applies to the agent-based engine: drop --engine ode');
  if (opts.dims !== undefined && opts.dims !== project.loaded.model.spatial.dims) {
    process.stderr.write(`warning: the project is ${project.loaded.model.spatial.dims}D; --dims ${opts.dims} runs it in ${opts.dims}D (Dirichlet conditions of the project then act on faces it may not use)\n`);
  }
  const parameters = parseOverrides(project.loaded.model, opts.set);
  const progress = progressBar(!!opts.quiet);
  // The project's random_seed is the default seed (--seed overrides it).
  const seed = opts.seedGiven ? opts.seed : (project.imported.seed ?? opts.seed);
  const agents = project.imported.abmAgents(seed);
  const outcome = runJob({
    loaded: project.loaded,
    kb: loadKnowledgeBase(),
    outDir: opts.out,
    overrideTexts: opts.set,
    extraWarnings: project.imported.warnings.map(formatPhysiCellWarning),
    initialCellsSource: project.files.cells,
    options: {
      engine, tEnd: opts.tEnd, seed, parameters, method: opts.method, rtol: opts.rtol, dims: opts.dims, onProgress: progress,
      ...(engine === 'abm' ? { agents, initialAgents: false } : {}),
    },
  });
  if (progress) process.stderr.write('\n');
  reportRun(project.loaded.model.title, outcome, opts);
}

/** Prints a finished run's warnings, files and status (exit code 2 when it stopped early). */
function reportRun(title: string, outcome: ReturnType<typeof runJob>, opts: { out: string; quiet?: boolean }): void {
  for (const w of outcome.warnings) process.stderr.write(`warning: ${w}\n`);
  const r = outcome.result;
  if (!opts.quiet) {
    const how = r.status === 'ok' ? 'finished' : 'stopped early';
    const engine = r.manifest.engine === 'abm' ? `agent-based, ${String(r.manifest.engineSettings.dims)}D` : String(r.manifest.engineSettings.method);
    process.stdout.write(`${title}: ${how} in ${r.manifest.wallMs} ms (${engine})\n`);
    const isSpatial = (f: string) => /[\\/](snapshots|frames)[\\/][^\\/]+$/.test(f);
    for (const f of outcome.files) if (!isSpatial(f)) process.stdout.write(`  wrote ${f}\n`);
    const snapshots = outcome.files.filter((f) => /[\\/]snapshots[\\/][^\\/]+$/.test(f)).length;
    const frames = outcome.files.filter((f) => /[\\/]frames[\\/][^\\/]+$/.test(f)).length;
    if (snapshots + frames > 0) process.stdout.write(`  wrote ${snapshots} Arrow snapshot files in ${join(opts.out, 'snapshots')} and ${frames} PNG frames in ${join(opts.out, 'frames')}\n`);
  }
  if (r.status !== 'ok') {
    process.stderr.write(`nichesim: the run stopped early: ${r.message}\n`);
    process.exitCode = 2;
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('nichesim')
    .description('Simulate the bone-marrow tumour microenvironment: MSC, macrophage and malignant-cell crosstalk, cited rule by rule.')
    .version(NICHESIM_VERSION)
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('run')
    .description('run a model (default: the built-in AML niche) and write timeseries.csv, summary.json, manifest.json and report.html')
    .argument('[model]', 'model or scenario file (YAML, JSON, SBML .xml), or a PhysiCell project (folder or PhysiCell_settings.xml); default models/aml-niche.yaml')
    .option('--t-end <time>', "end time, e.g. 180d, '26 week' (default: the model's simulation.t_end)", parseTime)
    .option('--out <dir>', 'output folder', parseOutDir, 'nichesim-out')
    .option('--engine <name>', 'engine: ode (mean-field) or abm (agent-based, spatial); a PhysiCell project runs on abm unless told', 'ode')
    .option('--dims <n>', 'abm only: 2 or 3 dimensions, overriding the model (a 2D model run in 3D gets a z extent equal to the smaller of its x and y extents)', parseDims)
    .option('--seed <n>', 'seed of random streams (recorded in the manifest)', parseSeed, 1)
    .option('--set <name=value>', "override a parameter, e.g. --set 'msc_pge2_secretion=0 1/min' (repeatable)", collect, [] as string[])
    .option('--method <method>', 'ODE method: rodas4 (stiff, default), dopri5 or auto', 'rodas4')
    .option('--rtol <x>', 'relative tolerance (1e-12 to 0.01)', parseRtol, 1e-6)
    .option('--quiet', 'no progress bar or summary on the terminal')
    .option('--time-unit <unit>', 'SBML only: the unit of model time when the file does not say it right (second, minute, hour, day)', parseTimeUnit)
    .option('--strict', 'PhysiCell projects only: treat every element nichesim does not represent as an error')
    .action((modelArg: string | undefined, opts, command: Command) => {
      if (opts.engine !== 'ode' && opts.engine !== 'abm') throw new UsageError(`--engine '${opts.engine}': expected ode (mean-field) or abm (agent-based, spatial)`);
      if (!['rodas4', 'dopri5', 'auto'].includes(opts.method)) throw new UsageError(`--method '${opts.method}': expected rodas4, dopri5 or auto`);
      const path = modelArg ?? defaultModelPath();
      if (isPhysiCellProject(path)) {
        runPhysiCell(path, { ...opts, engineGiven: command.getOptionValueSource('engine') !== 'default', seedGiven: command.getOptionValueSource('seed') !== 'default' });
        return;
      }
      if (opts.dims !== undefined && opts.engine !== 'abm') throw new UsageError('--dims applies to the agent-based engine: add --engine abm');
      if (opts.strict) throw new UsageError('--strict applies to PhysiCell projects (a PhysiCell_settings.xml or its folder)');
      if (/\.(xml|sbml)$/i.test(path)) {
        runSbml(path, opts);
        return;
      }
      if (opts.timeUnit !== undefined) throw new UsageError('--time-unit applies to SBML models (.xml)');
      const loaded = loadModelOrScenario(path);
      const kb = loadKnowledgeBase();
      const parameters = parseOverrides(loaded.model, opts.set);
      const progress = progressBar(!!opts.quiet);
      const outcome = runJob({
        loaded,
        kb,
        outDir: opts.out,
        overrideTexts: opts.set,
        options: { engine: opts.engine, tEnd: opts.tEnd, seed: opts.seed, parameters, method: opts.method, rtol: opts.rtol, dims: opts.dims, onProgress: progress },
      });
      if (progress) process.stderr.write('\n');
      reportRun(loaded.model.title, outcome, opts);
    });

  program
    .command('validate')
    .description('check model files: syntax, schema, units, names, rules and their evidence; exits 1 on any error')
    .argument('<files...>', 'model files')
    .action((files: string[]) => {
      const kb = loadKnowledgeBase();
      let bad = 0;
      for (const file of files) {
        try {
          const loaded = loadModelOrScenario(file);
          const problems = checkEvidence(loaded.model, kb, file);
          if (problems.length > 0) throw new ModelError(problems);
          compileModel(loaded.model);
          for (const w of loaded.warnings) process.stderr.write(formatDiagnostic(w) + '\n');
          process.stdout.write(`${file}: ok (${loaded.model.cellTypes.length} cell types, ${loaded.model.substrates.length} substrates, ${loaded.model.rules.length} rules, ${Object.keys(loaded.model.parameters).length} parameters)\n`);
        } catch (e) {
          bad++;
          if (e instanceof ModelError) for (const d of e.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
          else if (e instanceof CompileError) process.stderr.write(`${file}: error: ${e.message}\n`);
          else throw e;
        }
      }
      if (bad > 0) process.exitCode = 1;
    });

  program
    .command('rules')
    .description('print every rule of a model as an English sentence with its citations')
    .argument('<file>', 'model file')
    .action((file: string) => {
      const loaded = loadModelOrScenario(file);
      const kb = loadKnowledgeBase();
      const compiled = compileModel(loaded.model);
      if (loaded.model.rules.length === 0) process.stdout.write(`${file}: the model has no rules\n`);
      let current = '';
      for (const r of ruleSentences(loaded.model, compiled)) {
        if (r.cellType !== current) {
          current = r.cellType;
          process.stdout.write(`\n${loaded.model.cellTypes.find((c) => c.name === current)?.label ?? current}\n`);
        }
        const cites = r.evidence.map((id) => {
          const e = kb.byId.get(id);
          return e ? `${id}: ${citationText(e)}` : `${id}: (not in the knowledge base)`;
        });
        process.stdout.write(`  - ${r.sentence}\n      evidence: ${cites.join('; ')}\n`);
      }
    });

  program
    .command('kb')
    .description('list and filter the knowledge base, or export its interaction network')
    .option('--cell <name>', 'cell (source or target), e.g. MSC, M2, "AML blast"')
    .option('--mediator <name>', 'mediator, e.g. PGE2, CCL2, CD47')
    .option('--disease <name>', 'disease, e.g. AML, MDS, CLL, MM')
    .option('--text <words>', 'free text in the effect or note')
    .option('--format <format>', 'table, json, cytoscape or graphml', 'table')
    .option('--out <file>', 'write to a file instead of the terminal')
    .action((opts) => {
      const kb = loadKnowledgeBase();
      const filter: InteractionFilter = { cell: opts.cell, mediator: opts.mediator, disease: opts.disease, text: opts.text };
      let out: string;
      switch (opts.format) {
        case 'table': {
          const rows = filterInteractions(kb, filter);
          out = rows.map((i) => `${i.id}  ${i.source} -[${i.mediator_key}]-> ${i.target}: ${i.effect} (${i.confidence}; ${citationText(i)})`).join('\n') + `\n${rows.length} interaction(s)\n`;
          if (rows.length === 0) {
            const diseases = [...new Set(kb.interactions.flatMap((i) => i.diseases))].sort();
            const cells = [...new Set(kb.interactions.flatMap((i) => [i.source, i.target]))].sort();
            out += `known diseases: ${diseases.join(', ')}\nknown cells: ${cells.join(', ')}\n`;
          }
          break;
        }
        case 'json':
          out = JSON.stringify(filterInteractions(kb, filter), null, 2) + '\n';
          break;
        case 'cytoscape':
          out = JSON.stringify(toCytoscapeJson(kb, filter), null, 2) + '\n';
          break;
        case 'graphml':
          out = toGraphML(kb, filter);
          break;
        default:
          throw new UsageError(`--format '${opts.format}': expected table, json, cytoscape or graphml`);
      }
      if (opts.out) writeFileAtomic(opts.out, out);
      else process.stdout.write(out);
    });
  program
    .command('export-sbml')
    .description('write the mean-field form of a model as SBML Level 3 Version 2 (for COPASI, tellurium)')
    .argument('<model>', 'model file (YAML or JSON)')
    .option('--out <file>', 'output file (default: the model name with .xml)')
    .option('--set <name=value>', 'override a parameter before export (repeatable)', collect, [] as string[])
    .action((file: string, opts: { out?: string; set: string[] }) => {
      const loaded = loadModelOrScenario(file);
      const overrides = parseOverrides(loaded.model, opts.set);
      const out = opts.out ?? `${loaded.model.name}.xml`;
      writeFileAtomic(out, exportSbml(loaded.model, overrides));
      process.stdout.write(`wrote ${out} (time in minutes, cells and concentrations as in the model)\n`);
    });

  registerScenarioCommands(program);
  registerPhysiCellCommands(program);
  registerAnalysisCommands(program);
  return program;
}

/** Runs the CLI with process arguments; maps known errors to messages and exit codes. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof ModelError) {
      for (const d of e.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
      process.exitCode = 1;
    } else if (e instanceof CompileError || e instanceof OverrideError || e instanceof UsageError || e instanceof KbError || e instanceof OutputError || e instanceof PhysiCellError) {
      process.stderr.write(`nichesim: error: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof RangeError) {
      // Options the engines refuse (e.g. a tolerance or an output grid out of bounds).
      process.stderr.write(`nichesim: error: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`nichesim: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    }
  }
}

// A closed pipe (e.g. `nichesim kb | head`) ends the output quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

await main();
