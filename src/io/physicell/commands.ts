/**
 * The PhysiCell commands (layer 5, Node):
 *
 *   nichesim import-physicell PATH [--out model.yaml] [--strict]
 *   nichesim export-physicell MODEL --out DIR [--set name=value]... [--seed N]
 *
 * `nichesim run PATH/PhysiCell_settings.xml` (or a project folder) is routed by the CLI through
 * {@link loadPhysiCellProject}. Errors are thrown as PhysiCellError (file, line, column), ModelError
 * or OutputError, which the CLI maps to exit code 1.
 */
import { basename, dirname, join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { stringify } from 'yaml';
import { exportPhysiCell } from '../../interop/physicell/index.js';
import { parseOverrides } from '../../model/overrides.js';
import { NICHESIM_VERSION } from '../../version.js';
import { ensureFolder, writeFileAtomic } from '../atomic.js';
import { loadModelOrScenario } from '../scenarios/index.js';
import { formatPhysiCellWarning, loadPhysiCellProject, readInitialCells } from './project.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function seedOption(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 2 ** 32 - 1) throw new InvalidArgumentError(`expected a whole number from 0 to 4294967295, got '${text}'`);
  return Number(text);
}

/** Cells as the headed PhysiCell/nichesim initial-cells CSV (x,y,z in um, type by name). */
export function initialCellsCsv(agents: ReadonlyArray<{ type: string; x: number; y: number; z?: number }>): string {
  const lines = ['x,y,z,type'];
  for (const a of agents) lines.push(`${a.x},${a.y},${a.z ?? 0},${a.type}`);
  return lines.join('\n') + '\n';
}

/**
 * Imports a PhysiCell project into a nichesim model file (and its initial cells beside it).
 * @returns the files written and the warnings (one line each)
 * @throws PhysiCellError (malformed input; with strict, any warning)
 */
export function importPhysiCellToFile(path: string, out: string, options: { strict?: boolean; seed?: number } = {}): { files: string[]; warnings: string[]; summary: string } {
  const project = loadPhysiCellProject(path, { strict: options.strict });
  const { imported, loaded } = project;
  const model = structuredClone(imported.model);
  const files: string[] = [];
  // Every start cell: cells.csv plus number_of_cells random cells per type (seeded), so the
  // model's initial_cells file holds exactly the cells the agent-based engine starts from.
  const agents = imported.abmAgents(options.seed ?? imported.seed ?? 1);
  if (agents.length > 0) {
    const cellsName = basename(out).replace(/\.(ya?ml|json)$/i, '') + '.cells.csv';
    const cellsPath = join(dirname(out), cellsName);
    const spatial = (model.spatial ?? {}) as Record<string, unknown>;
    spatial.initial_cells = cellsName;
    model.spatial = spatial;
    ensureFolder(dirname(out));
    writeFileAtomic(cellsPath, initialCellsCsv(agents));
    files.push(cellsPath);
  }
  const warnings = imported.warnings.map(formatPhysiCellWarning);
  const header = [
    `# Imported by nichesim ${NICHESIM_VERSION} from ${project.files.settings}`,
    ...(project.files.rules ? [`#   rules: ${project.files.rules}`] : []),
    ...(project.files.cells ? [`#   cells: ${project.files.cells}`] : []),
    warnings.length === 0 ? '# Every element of the project is represented.' : `# ${warnings.length} element(s) are not (fully) represented:`,
    ...warnings.map((w) => `#   - ${w.replace(/\n/g, ' ')}`),
  ].join('\n');
  ensureFolder(dirname(out) || '.');
  writeFileAtomic(out, `${header}\n${stringify(model, { lineWidth: 0 })}`);
  files.unshift(out);
  const m = loaded.model;
  const summary = `${m.cellTypes.length} cell types, ${m.substrates.length} substrates, ${m.rules.length} rules, ${agents.length} initial cells`;
  return { files, warnings, summary };
}

/** Adds import-physicell and export-physicell to a commander program. */
export function registerPhysiCellCommands(program: Command): Command {
  program
    .command('import-physicell')
    .description('import a PhysiCell project (settings XML, cell rules CSV, cells CSV) as a nichesim model; warns about every element it does not represent')
    .argument('<path>', 'project folder, or its PhysiCell_settings.xml')
    .option('--out <file>', 'model file to write (its initial cells go beside it as <name>.cells.csv)', 'model.yaml')
    .option('--strict', 'treat every warning (an element nichesim does not represent) as an error')
    .option('--seed <n>', "seed placing the number_of_cells random cells, if the project has any (default: the project's random_seed)", seedOption)
    .option('--quiet', 'print nothing but errors and warnings')
    .action((path: string, opts: { out: string; strict?: boolean; seed?: number; quiet?: boolean }) => {
      const outcome = importPhysiCellToFile(path, opts.out, { strict: opts.strict, seed: opts.seed });
      for (const w of outcome.warnings) process.stderr.write(`warning: ${w}\n`);
      if (!opts.quiet) {
        process.stdout.write(`${path}: imported ${outcome.summary}${outcome.warnings.length ? `, ${outcome.warnings.length} warning(s)` : ''}\n`);
        for (const f of outcome.files) process.stdout.write(`  wrote ${f}\n`);
      }
    });

  program
    .command('export-physicell')
    .description('write a model as a PhysiCell 1.14 project: config/PhysiCell_settings.xml, config/cell_rules.csv (v3) and config/cells.csv')
    .argument('<model>', 'model or scenario file')
    .requiredOption('--out <dir>', 'output folder')
    .option('--set <name=value>', 'override a parameter before export (repeatable)', collect, [] as string[])
    .option('--seed <n>', 'random seed written to the settings (and used to place cells when the model lists none)', seedOption, 1)
    .option('--dims <n>', '2 or 3 (default: the model\'s spatial.dims)')
    .option('--quiet', 'print nothing but errors and warnings')
    .action((file: string, opts: { out: string; set: string[]; seed: number; dims?: string; quiet?: boolean }) => {
      if (opts.dims !== undefined && opts.dims !== '2' && opts.dims !== '3') throw new InvalidArgumentError(`--dims: expected 2 or 3, got '${opts.dims}'`);
      const loaded = loadModelOrScenario(file);
      let model = loaded.model;
      const overrides = parseOverrides(model, opts.set);
      if (Object.keys(overrides).length > 0) {
        model = { ...model, parameters: Object.fromEntries(Object.entries(model.parameters).map(([k, p]) => [k, k in overrides ? { ...p, value: overrides[k] } : p])) };
      }
      const agents = readInitialCells(model, loaded.file);
      const { files, warnings } = exportPhysiCell(model, { agents, seed: opts.seed, dims: opts.dims === undefined ? undefined : (Number(opts.dims) as 2 | 3) });
      const written: string[] = [];
      for (const f of files) {
        const target = join(opts.out, f.name);
        ensureFolder(dirname(target));
        writeFileAtomic(target, f.text);
        written.push(target);
      }
      for (const w of warnings) process.stderr.write(`warning: ${formatPhysiCellWarning(w)}\n`);
      if (!opts.quiet) {
        process.stdout.write(`${file}: exported ${model.cellTypes.length} cell types, ${model.substrates.length} substrates, ${model.rules.length} rules${warnings.length ? ` (${warnings.length} warning(s): what PhysiCell cannot hold)` : ''}\n`);
        for (const f of written) process.stdout.write(`  wrote ${f}\n`);
      }
    });
  return program;
}
