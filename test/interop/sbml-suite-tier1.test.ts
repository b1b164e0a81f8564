/**
 * SBML Test Suite, tier 1 (ODE core: compartments, species, parameters, reactions, rules,
 * function definitions, csymbols time/avogadro/rateOf): target >= 99 % of cases.
 * Runs in-process; tier 2 runs in its own test file, so vitest's forks run the two in parallel.
 */
import { describe, expect, it } from 'vitest';
import { runSbmlSuite } from '../../scripts/sbml-suite.js';
import { FIXTURES, HAVE_SUITE, SKIP_NOTE, failureList, tierLine } from './sbml-suite-helpers.js';

describe.skipIf(!HAVE_SUITE)(`SBML Test Suite tier 1${HAVE_SUITE ? '' : SKIP_NOTE}`, () => {
  it('passes at least 99 % of tier 1 and lists the failures', async () => {
    const rep = await runSbmlSuite({ fixtures: FIXTURES, tiers: ['1'], workers: 1 });
    const t = rep.byTier['1'];
    const failures = failureList(rep);
    console.log(`SBML Test Suite ${tierLine(rep, '1')}${failures.length ? `\nFailures:\n  ${failures.join('\n  ')}` : ''}`);
    expect(t.total).toBeGreaterThan(1000);
    expect(t.pass / t.total, failures.join('\n')).toBeGreaterThanOrEqual(0.99);
  });
});
