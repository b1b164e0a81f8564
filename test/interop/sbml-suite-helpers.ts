/**
 * Shared helpers of the SBML Test Suite tests: where the fixtures are, and a readable failure list.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, type SuiteReport } from '../../scripts/sbml-suite.js';

export const FIXTURES = fixturesDir();
export const SUITE_DIR = join(FIXTURES, 'sbml-test-suite');
export const BIOMODELS_DIR = join(FIXTURES, 'biomodels');
export const HAVE_SUITE = existsSync(join(SUITE_DIR, 'index.csv'));
export const HAVE_BIOMODELS = existsSync(BIOMODELS_DIR);
/** Appended to a describe() title when the fixtures are absent. */
export const SKIP_NOTE = ' (skipped: fixtures not found)';

export function failureList(rep: SuiteReport): string[] {
  return rep.results.filter((r) => !r.pass).map((r) => `${r.id} [tier ${r.tier}] ${r.kind}: ${r.reason}`);
}

export function tierLine(rep: SuiteReport, tier: string): string {
  const t = rep.byTier[tier] ?? { pass: 0, total: 0 };
  return `tier ${tier}: ${t.pass}/${t.total} passed (${t.total ? ((100 * t.pass) / t.total).toFixed(1) : '-'}%) in ${(rep.wallMs / 1000).toFixed(1)} s`;
}
