/**
 * The six curated BioModels in ../shared/fixtures/biomodels/ load, simulate and match their
 * independent reference trajectories within the tolerances of their settings files (SBML Test
 * Suite format), both with the suite runner's tolerances and with the importer's defaults.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSuiteCase } from '../../src/interop/sbml/suite.js';
import { BIOMODELS_DIR, HAVE_BIOMODELS, SKIP_NOTE } from './sbml-suite-helpers.js';

const stems = HAVE_BIOMODELS ? readdirSync(BIOMODELS_DIR).filter((f) => f.endsWith('.xml')).map((f) => f.replace(/\.xml$/, '')) : [];

describe.skipIf(!HAVE_BIOMODELS)(`BioModels fixtures${HAVE_BIOMODELS ? '' : SKIP_NOTE}`, () => {
  it('has the six models', () => {
    expect(stems.length).toBe(6);
  });
  for (const stem of stems) {
    it(`${stem} matches its reference trajectories`, () => {
      const read = (suffix: string) => readFileSync(join(BIOMODELS_DIR, `${stem}${suffix}`), 'utf8');
      const tight = runSuiteCase(read('.xml'), read('-settings.txt'), read('-results.csv'));
      expect(tight.reason).toBeNull();
      expect(tight.pass).toBe(true);
      // The importer's default tolerances (rtol 1e-8, atol 1e-12) are also well within the settings.
      const dflt = runSuiteCase(read('.xml'), read('-settings.txt'), read('-results.csv'), { rtol: 1e-8, atol: 1e-12 });
      expect(dflt.reason).toBeNull();
      expect(dflt.worst).toBeLessThan(0.1);
    });
  }
});
