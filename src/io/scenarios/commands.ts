/**
 * The scenario commands of the `nichesim` CLI (layer 5): `compare` and `check-targets`.
 * `registerScenarioCommands(program)` adds them to a commander program; errors are thrown as
 * ModelError (bad scenario or target files), RangeError (bad options) or OutputError (unwritable
 * folder), which the CLI maps to exit code 1. A failing literature target sets exit code 3.
 *
 *   nichesim compare SCENARIO... --out DIR [--days 30,90,180] [--threshold 1000] [--t-end 180d]
 *                    [--interval 1d] [--engine ode|abm] [--seed N] [--target FILE]... [--all-targets]
 *   nichesim check-targets [TARGET...] [--out DIR] [--engine ode|abm] [--seed N] [--quiet]
 */
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { type Command, InvalidArgumentError } from 'commander';
import { readTime, ScheduleError } from '../../scenarios/index.js';
import { writeFileAtomic } from '../atomic.js';
import { compareScenarios } from './compare.js';
import { defaultTargetFiles } from './load.js';
import { pageHtml, targetLine, targetsHtml } from './report.js';
import { checkTargets } from './run.js';

/** Exit code of `check-targets` when a target fails. */
export const TARGET_FAILURE_EXIT_CODE = 3;

function timeOption(text: string): number {
  try {
    const t = readTime(text.trim().replace(/^(\d+(?:\.\d+)?)d$/, '$1 day').replace(/^(\d+(?:\.\d+)?)h$/, '$1 h'), 'time');
    if (!(t > 0)) throw new InvalidArgumentError(`expected a positive time, got '${text}'`);
    return t;
  } catch (e) {
    if (e instanceof ScheduleError) throw new InvalidArgumentError(`expected a time such as 180d, '26 week' or 180 (days), got '${text}'`);
    throw e;
  }
}

function daysOption(text: string): number[] {
  const days = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (days.length === 0 || days.some((d) => !Number.isFinite(d) || d < 0)) throw new InvalidArgumentError(`expected days such as 30,90,180, got '${text}'`);
  return days;
}

function positiveNumber(text: string): number {
  const x = Number(text);
  if (!(x > 0) || !Number.isFinite(x)) throw new InvalidArgumentError(`expected a positive number, got '${text}'`);
  return x;
}

function seedOption(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 2 ** 32 - 1) throw new InvalidArgumentError(`expected a whole number from 0 to 4294967295, got '${text}'`);
  return Number(text);
}

function engineOption(text: string): 'ode' | 'abm' {
  if (text !== 'ode' && text !== 'abm') throw new InvalidArgumentError(`expected ode (mean-field) or abm (agent-based), got '${text}'`);
  return text;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `compare` and `check-targets` to a commander program. */
export function registerScenarioCommands(program: Command): Command {
  program
    .command('compare')
    .description('run scenarios on the same engine, seed and time grid; write comparison.csv/json, each time series and report.html with overlaid plots')
    .argument('<scenarios...>', 'scenario files (scenarios/*.yaml)')
    .option('--out <dir>', 'output folder', 'nichesim-compare')
    .option('--days <list>', 'days at which burden is tabulated, e.g. 30,90,180', daysOption, [30, 90, 180])
    .option('--threshold <cells>', 'burden threshold for the time-to-threshold column (cells)', positiveNumber, 1000)
    .option('--t-end <time>', 'common end time (default: the longest scenario), e.g. 180d', timeOption)
    .option('--interval <time>', 'common output interval (default: the longest of the scenarios), e.g. 1d or 6h', timeOption)
    .option('--engine <name>', 'ode (mean-field) or abm (agent-based)', engineOption, 'ode')
    .option('--seed <n>', 'seed shared by all runs', seedOption, 1)
    .option('--target <file>', 'check a literature target and add it to the report (repeatable)', collect, [] as string[])
    .option('--all-targets', "check the package's targets/*.yaml and add them to the report")
    .option('--quiet', 'print nothing but errors')
    .action((scenarios: string[], opts) => {
      const targets = [...opts.target, ...(opts.allTargets ? defaultTargetFiles() : [])];
      const outcome = compareScenarios(scenarios, {
        out: opts.out,
        days: opts.days,
        threshold: opts.threshold,
        tEnd: opts.tEnd,
        outputInterval: opts.interval,
        engine: opts.engine,
        seed: opts.seed,
        targets,
        onProgress: opts.quiet ? undefined : (name) => process.stderr.write(`ran ${name}\n`),
      });
      if (!opts.quiet) {
        for (const r of outcome.runs) {
          const m = r.metrics;
          const days = outcome.metricOptions.days.map((d) => `day ${d}: ${fmt(m[`burden_day_${d}`])}`).join(', ');
          process.stdout.write(`${r.loaded.scenario.name}: burden ${days}; AUC ${fmt(m.burden_auc)} cell-days; M2 fraction ${fmt(m.m2_fraction_end)}; TAMs ${fmt(m.tam_m2_end)}\n`);
        }
        for (const f of outcome.files) process.stdout.write(`  wrote ${f}\n`);
        if (outcome.targets) process.stdout.write(`literature targets: ${outcome.targets.filter((t) => t.pass).length} of ${outcome.targets.length} pass (see the report)\n`);
      }
      const failed = outcome.runs.filter((r) => r.result.status !== 'ok');
      for (const r of failed) process.stderr.write(`nichesim: ${r.loaded.scenario.name} stopped early: ${r.result.message ?? r.result.status}\n`);
      if (failed.length) process.exitCode = 2;
      else if (outcome.targets?.some((t) => !t.pass)) process.exitCode = TARGET_FAILURE_EXIT_CODE;
    });

  program
    .command('check-targets')
    .description(`run the literature targets (default: the package's targets/*.yaml); print pass/fail with the measured value and citation; exit ${TARGET_FAILURE_EXIT_CODE} if any fails`)
    .argument('[targets...]', 'target files')
    .option('--out <dir>', 'also write targets.csv, targets.json and targets.html into this folder')
    .option('--engine <name>', 'ode (mean-field) or abm (agent-based)', engineOption, 'ode')
    .option('--seed <n>', 'seed of the runs', seedOption, 1)
    .option('--quiet', 'print only failures and the summary')
    .action((files: string[], opts) => {
      const list = files.length ? files : defaultTargetFiles();
      if (list.length === 0) throw new RangeError('no target files given and none found in targets/');
      const outcomes = checkTargets(list, { engine: opts.engine, seed: opts.seed });
      for (const o of outcomes) if (!opts.quiet || !o.pass) process.stdout.write(targetLine(o) + '\n');
      const passed = outcomes.filter((o) => o.pass).length;
      process.stdout.write(`${passed} of ${outcomes.length} literature targets pass\n`);
      if (opts.out) {
        const csv = stringify([
          ['id', 'result', 'kind', 'title', 'measured', 'baseline', 'relative_change', 'expected', 'scenarios', 'references', 'error'],
          ...outcomes.map((o) => [o.id, o.pass ? 'pass' : 'fail', o.kind, o.title, Number.isFinite(o.measured) ? o.measured : '', o.baseline ?? '', o.relativeChange ?? '', o.expected, o.scenarios.join(' -> '), o.references.map((r) => r.text).join('; '), o.error ?? '']),
        ]);
        const json = outcomes.map((o) => ({ ...o, measured: Number.isFinite(o.measured) ? o.measured : null }));
        const html = pageHtml('Literature targets', `<p class="description">${passed} of ${outcomes.length} targets pass.</p>`, [['targets', 'Literature targets', targetsHtml(outcomes)]]);
        for (const [name, content] of [['targets.csv', csv], ['targets.json', JSON.stringify(json, null, 2) + '\n'], ['targets.html', html]] as const) {
          writeFileAtomic(join(opts.out, name), content);
          if (!opts.quiet) process.stdout.write(`  wrote ${join(opts.out, name)}\n`);
        }
      }
      if (passed < outcomes.length) process.exitCode = TARGET_FAILURE_EXIT_CODE;
    });
  return program;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : '—';
}
