/**
 * `npm run sbml-suite [-- --tiers 1,2] [--cases 1-200] [--workers 2] [--json out.json] [--verbose]`
 *
 * Runs the SBML Test Suite's semantic cases in $NICHESIM_FIXTURES/sbml-test-suite (default
 * ../shared/fixtures) through nichesim's SBML importer, applies each case's settings and
 * tolerances, and prints pass/fail counts per tier and per tag and the failures with their reason.
 * Cases run in parallel child processes (default: 2). `runSbmlSuite` is exported for the tests.
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runSuiteCase, type CaseOutcome } from '../src/interop/sbml/suite.js';

export interface SuiteCase {
  id: string;
  tier: string;
  modelFile: string;
  testType: string;
  packages: string[];
  tags: string[];
}

export interface SuiteCaseResult extends CaseOutcome {
  id: string;
  tier: string;
  tags: string[];
}

export interface SuiteReport {
  results: SuiteCaseResult[];
  byTier: Record<string, { pass: number; total: number }>;
  byTag: Record<string, { pass: number; total: number }>;
  wallMs: number;
}

export interface SuiteOptions {
  /** Folder holding sbml-test-suite/ (default $NICHESIM_FIXTURES or ../shared/fixtures). */
  fixtures?: string;
  /** Tiers to run ('1', '2', '3', 'pkg'); default 1, 2, 3. */
  tiers?: string[];
  /** Inclusive case-number ranges, e.g. [[1, 200]]. */
  ranges?: Array<[number, number]>;
  /** Parallel child processes (default 2; 1 runs in-process). */
  workers?: number;
}

/** The fixtures folder (env NICHESIM_FIXTURES, default ../shared/fixtures relative to the repo). */
export function fixturesDir(): string {
  const here = fileURLToPath(new URL('..', import.meta.url));
  return resolve(process.env.NICHESIM_FIXTURES ?? join(here, '..', 'shared', 'fixtures'));
}

/** Reads index.csv of the suite. */
export function loadIndex(suiteDir: string): SuiteCase[] {
  const text = readFileSync(join(suiteDir, 'index.csv'), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const head = lines[0].split(',');
  const col = (name: string) => head.indexOf(name);
  return lines.slice(1).map((l) => {
    const f = l.split(',');
    return {
      id: f[col('case')],
      tier: f[col('tier')],
      modelFile: f[col('model_file')],
      testType: f[col('testType')],
      packages: (f[col('packages')] ?? '').split(/\s+/).filter(Boolean),
      tags: `${f[col('componentTags')] ?? ''} ${f[col('testTags')] ?? ''}`.split(/\s+/).filter(Boolean),
    };
  });
}

/** Runs one case from its folder. */
export function runCaseFromDir(suiteDir: string, c: SuiteCase): SuiteCaseResult {
  const dir = join(suiteDir, c.id);
  const base = { id: c.id, tier: c.tier, tags: c.tags };
  if (c.testType !== 'TimeCourse') {
    return { ...base, pass: false, kind: 'error', reason: `test type ${c.testType} is not a time course (not supported)`, worst: Infinity, ms: 0 };
  }
  try {
    const model = readFileSync(join(dir, c.modelFile), 'utf8');
    const settings = readFileSync(join(dir, `${c.id}-settings.txt`), 'utf8');
    const results = readFileSync(join(dir, `${c.id}-results.csv`), 'utf8');
    return { ...base, ...runSuiteCase(model, settings, results, {}, () => performance.now()) };
  } catch (e) {
    return { ...base, pass: false, kind: 'error', reason: `runner: ${(e as Error).message}`, worst: Infinity, ms: 0 };
  }
}

function selectCases(all: SuiteCase[], opts: SuiteOptions): SuiteCase[] {
  const tiers = new Set(opts.tiers ?? ['1', '2', '3']);
  return all.filter((c) => {
    if (!tiers.has(c.tier)) return false;
    if (opts.ranges && opts.ranges.length > 0) {
      const n = Number(c.id);
      return opts.ranges.some(([a, b]) => n >= a && n <= b);
    }
    return true;
  });
}

function summarise(results: SuiteCaseResult[], wallMs: number): SuiteReport {
  const byTier: SuiteReport['byTier'] = {};
  const byTag: SuiteReport['byTag'] = {};
  for (const r of results) {
    const t = (byTier[r.tier] ??= { pass: 0, total: 0 });
    t.total++;
    if (r.pass) t.pass++;
    for (const tag of r.tags) {
      const g = (byTag[tag] ??= { pass: 0, total: 0 });
      g.total++;
      if (r.pass) g.pass++;
    }
  }
  results.sort((a, b) => a.id.localeCompare(b.id));
  return { results, byTier, byTag, wallMs };
}

/** Runs the selected cases (in `workers` child processes) and summarises. */
export async function runSbmlSuite(opts: SuiteOptions = {}): Promise<SuiteReport> {
  const suiteDir = join(opts.fixtures ?? fixturesDir(), 'sbml-test-suite');
  if (!existsSync(join(suiteDir, 'index.csv'))) throw new Error(`SBML test suite not found at ${suiteDir}`);
  const cases = selectCases(loadIndex(suiteDir), opts);
  const workers = Math.max(1, Math.min(opts.workers ?? 2, cases.length));
  const t0 = performance.now();
  if (workers === 1) {
    return summarise(cases.map((c) => runCaseFromDir(suiteDir, c)), performance.now() - t0);
  }
  // Interleave cases across workers (neighbouring cases have similar cost).
  const chunks: SuiteCase[][] = Array.from({ length: workers }, () => []);
  cases.forEach((c, i) => chunks[i % workers].push(c));
  const script = fileURLToPath(import.meta.url);
  const parts = await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<SuiteCaseResult[]>((res, rej) => {
          const child = fork(script, ['--child'], {
            execArgv: ['--import', 'tsx'],
            stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
          });
          let out: SuiteCaseResult[] | null = null;
          child.on('message', (m) => {
            out = m as SuiteCaseResult[];
          });
          child.on('error', rej);
          child.on('exit', (code) => {
            if (out) res(out);
            else rej(new Error(`suite worker exited with code ${code} without results`));
          });
          child.send({ suiteDir, cases: chunk });
        }),
    ),
  );
  return summarise(parts.flat(), performance.now() - t0);
}

/** Human-readable report. */
export function formatReport(rep: SuiteReport, verbose = false): string {
  const lines: string[] = [];
  const pct = (p: number, t: number) => (t === 0 ? '-' : `${((100 * p) / t).toFixed(1)}%`);
  lines.push('SBML Test Suite (semantic)');
  for (const tier of Object.keys(rep.byTier).sort()) {
    const t = rep.byTier[tier];
    lines.push(`  tier ${tier}: ${t.pass}/${t.total} passed (${pct(t.pass, t.total)})`);
  }
  lines.push('Per tag (pass/total; * marks tags with failures):');
  const tags = Object.entries(rep.byTag).sort((a, b) => a[0].localeCompare(b[0]));
  for (const [tag, t] of tags) {
    lines.push(`  ${t.pass < t.total ? '*' : ' '} ${tag.padEnd(32)} ${String(t.pass).padStart(5)}/${String(t.total).padEnd(5)} ${pct(t.pass, t.total)}`);
  }
  const fails = rep.results.filter((r) => !r.pass);
  lines.push(`Failures (${fails.length}):`);
  for (const f of fails) lines.push(`  ${f.id} [tier ${f.tier}] ${f.kind}: ${f.reason}`);
  if (verbose) {
    lines.push('Slowest cases:');
    for (const r of [...rep.results].sort((a, b) => b.ms - a.ms).slice(0, 10)) lines.push(`  ${r.id} [tier ${r.tier}] ${r.ms.toFixed(0)} ms`);
  }
  lines.push(`Wall time: ${(rep.wallMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}

function parseArgs(argv: string[]): SuiteOptions & { json?: string; verbose: boolean } {
  const o: SuiteOptions & { json?: string; verbose: boolean } = { verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--tiers') o.tiers = next().split(',').map((s) => s.trim());
    else if (a === '--cases') {
      o.ranges = next().split(',').map((r) => {
        const [x, y] = r.split('-').map(Number);
        return [x, y ?? x] as [number, number];
      });
    } else if (a === '--workers') o.workers = Number(next());
    else if (a === '--json') o.json = next();
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--fixtures') o.fixtures = next();
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain && process.argv.includes('--child')) {
  process.on('message', (m) => {
    const { suiteDir, cases } = m as { suiteDir: string; cases: SuiteCase[] };
    const out = cases.map((c) => runCaseFromDir(suiteDir, c));
    process.send!(out, () => process.exit(0));
  });
} else if (isMain) {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`sbml-suite: ${(e as Error).message}\nusage: npm run sbml-suite [-- --tiers 1,2,3,pkg] [--cases 1-200,950] [--workers 2] [--json out.json] [--fixtures dir] [--verbose]`);
    process.exit(2);
  }
  runSbmlSuite(args)
    .then((rep) => {
      console.log(formatReport(rep, args.verbose));
      if (args.json) writeFileSync(args.json, JSON.stringify(rep, null, 1));
    })
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
