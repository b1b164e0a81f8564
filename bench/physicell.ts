/**
 * Benchmark of PhysiCell's rules sample as nichesim imports it (issue 6): the full 7200 simulated
 * minutes on the agent-based engine, seed 0, with wall time per run and per simulated day
 * (PhysiCell 1.14.2 reference: 173-192 s per 7200-min run on 1 thread, from the fixture's README),
 * and each cell type's live count at 7200 min beside PhysiCell's range over its 5 seeds. The
 * comparison figure and CSV go to bench-out/physicell/ (see scripts/physicell-reference.ts; run it
 * with --seeds 0,1,2,3,4 for the five-seed comparison).
 * Skipped (no rows) when the fixtures are absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareRulesSample, rulesSampleDir } from '../scripts/physicell-reference.js';

type Row = Record<string, number | string>;

/** One row of timing and one row per cell type. */
export async function benchPhysiCell(): Promise<Row[]> {
  if (!existsSync(join(rulesSampleDir(), 'PhysiCell_settings.xml'))) {
    console.error('bench: physicell skipped: fixtures not found');
    return [];
  }
  const outcome = compareRulesSample({ seeds: [0], tEnd: 7200 });
  const wall = outcome.wallSeconds[0];
  const rows: Row[] = [{
    case: 'rules_sample imported (settings XML + cell_rules.csv + cells.csv), 7200 min, seed 0',
    wallSeconds: wall,
    secondsPerSimulatedDay: (wall * 1440) / 7200,
    physicellWallSeconds1Thread: '173-192',
    speedupVsPhysicell1Thread: 182.5 / wall,
    agentStepsPerSecond: Math.round(outcome.agentSteps[0] / wall),
  }];
  for (const s of outcome.summary) {
    rows.push({ cellType: s.cellType, timeMin: 7200, nichesimLive: s.nichesimMean, physicellLiveMin: s.physicellMin, physicellLiveMean: s.physicellMean, physicellLiveMax: s.physicellMax });
  }
  rows.push({ figure: outcome.files[1], csv: outcome.files[0] });
  return rows;
}
