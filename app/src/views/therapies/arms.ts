/**
 * Treatment arms as models: a shipped scenario, or an intervention from the library given to a
 * base model on a schedule (written as a scenario and compiled by the core), and the comparison
 * of finished arms with the standard metrics of `nichesim compare`.
 */
import type { LoadedScenario, MetricOptions, MetricRow } from '../../../../src/scenarios/index.js';
import { standardMetrics } from '../../../../src/scenarios/index.js';
import type { SimulationResult, RunStatus } from '../../../../src/results/result.js';
import { interventionLibrary, loadModelText, readVirtual, USER_FILES } from '../../core.js';
import type { Arm } from '../../state/share.js';
import type { RunData } from '../../state/runClient.js';

/** An arm compiled to a model. */
export interface CompiledArm {
  arm: Arm;
  label: string;
  loaded: LoadedScenario;
}

/** The scenario text of a custom arm. `base` is a virtual path of a model file. */
export function customArmText(a: Extract<Arm, { kind: 'custom' }>, base: string, index: number): string {
  const lib = interventionLibrary();
  const iv = lib.get(a.intervention);
  const none = a.intervention === 'none';
  const title = none ? 'no treatment' : `${iv?.input.title ?? a.intervention}: ${a.cycles} cycle${a.cycles > 1 ? 's' : ''} from day ${a.start}${a.cycles > 1 ? `, every ${a.interval} days` : ''}`;
  const lines = ['nichesim_scenario: 1', `name: arm_${index + 1}_${none ? 'untreated' : a.intervention}`, `title: ${JSON.stringify(title)}`, `model: ${JSON.stringify('/' + base)}`];
  if (none) lines.push('interventions: []');
  else {
    lines.push('interventions:', `  - use: ${a.intervention}`, `    start: ${a.start}`, `    cycles: ${a.cycles}`);
    if (a.cycles > 1) lines.push(`    interval: ${a.interval}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Compiles an arm.
 * @param base virtual path of the model custom arms treat
 * @throws ModelError with the scenario's (or the base model's) locations
 */
export function compileArm(a: Arm, base: string, index: number): CompiledArm {
  if (a.kind === 'scenario') {
    const { text, file } = readVirtual(a.path, '');
    const loaded = loadModelText(text, file) as LoadedScenario;
    if (!('scenario' in loaded)) throw new Error(`${a.path} is a model, not a scenario`);
    return { arm: a, label: loaded.scenario.title, loaded };
  }
  const file = `user/arms/arm-${index + 1}.yaml`;
  const text = customArmText(a, base, index);
  USER_FILES.set(file, text);
  const loaded = loadModelText(text, file) as LoadedScenario;
  return { arm: a, label: `${index + 1}. ${loaded.scenario.title}`, loaded };
}

/** A finished run as the core's SimulationResult (for endpoints). */
export function asResult(run: RunData): SimulationResult {
  const series: Record<string, Float64Array> = {};
  run.columns.forEach((c, j) => (series[c.name] = Float64Array.from(run.series[j])));
  return {
    status: (run.status ?? 'cancelled') as RunStatus,
    message: run.message,
    times: Float64Array.from(run.times),
    columns: run.columns,
    series,
    manifest: run.manifest as unknown as SimulationResult['manifest'],
  };
}

/** One finished arm. */
export interface ArmOutcome {
  label: string;
  burden: string;
  result: SimulationResult;
  metrics: MetricRow;
  error: string | null;
}

/** The standard metrics of a finished arm. */
export function armMetrics(c: CompiledArm, result: SimulationResult, opts: MetricOptions): MetricRow {
  return standardMetrics(result, c.loaded.scenario.burden, c.loaded.scenario.firstDoseDay, opts);
}
