/**
 * Running scenarios and checking literature targets (layer 5, Node): runs share a cache, so a
 * scenario used by several targets is simulated once per set of modifications.
 */
import { dirname, resolve } from 'node:path';
import type { KnowledgeBase } from '../../kb/index.js';
import { formatDiagnostics, ModelError } from '../../model/diagnostics.js';
import type { Model } from '../../model/model.js';
import { evaluateTarget, type LoadedScenario, type LoadedTarget, type ScenarioInfo, type ScenarioRef, type SideRun, type TargetOutcome } from '../../scenarios/index.js';
import { simulate } from '../../simulate.js';
import { defaultKnowledgeBase, loadInterventionLibrary, loadScenarioFile, loadTargetFile } from './load.js';

/** How scenarios are run. */
export interface RunSettings {
  engine?: 'ode' | 'abm';
  seed?: number;
  /** Common end time (min) for all runs, overriding the scenarios' durations. */
  tEnd?: number;
  /** Common output interval (min). */
  outputInterval?: number;
  /**
   * Changes the compiled model before it runs (e.g. removes a mechanism to show that a target
   * depends on it). Returns the model to run.
   */
  mutate?: (model: Model, scenario: ScenarioInfo) => Model;
  kb?: KnowledgeBase;
}

/** A cache of scenario runs keyed by file, modifications and settings. */
export class ScenarioRunner {
  private readonly cache = new Map<string, SideRun & { loaded: LoadedScenario }>();
  constructor(readonly settings: RunSettings = {}) {}

  /**
   * Loads (with the modifications of a target side, if any) and runs a scenario.
   * @throws ModelError when the scenario cannot be loaded
   */
  run(path: string, ref?: ScenarioRef): SideRun & { loaded: LoadedScenario } {
    const file = resolve(path);
    const key = JSON.stringify([file, ref?.mods.mods ?? null]);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const kb = this.settings.kb ?? defaultKnowledgeBase();
    const loaded = loadScenarioFile(file, { kb, library: loadInterventionLibrary(undefined, kb), extra: ref?.mods });
    const model = this.settings.mutate ? this.settings.mutate(structuredClone(loaded.model), loaded.scenario) : loaded.model;
    const result = simulate(model, {
      engine: this.settings.engine ?? 'ode',
      seed: this.settings.seed ?? 1,
      tEnd: this.settings.tEnd,
      outputInterval: this.settings.outputInterval,
    });
    const out = { result, scenario: loaded.scenario, loaded: { ...loaded, model } };
    this.cache.set(key, out);
    return out;
  }
}

/** Checks one loaded target with a runner. Load errors of its scenarios become the outcome's error. */
export function checkTarget(target: LoadedTarget, runner: ScenarioRunner): TargetOutcome {
  const runs: Partial<Record<'baseline' | 'compare' | 'scenario', SideRun>> = {};
  try {
    for (const key of ['baseline', 'compare', 'scenario'] as const) {
      const side = target.sides[key];
      if (side) runs[key] = runner.run(resolve(dirname(target.file), side.scenario), side);
    }
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    const outcome = evaluateTarget(target, {});
    return { ...outcome, error: `a scenario of this target cannot be loaded:\n${formatDiagnostics(e.diagnostics.filter((d) => d.severity === 'error'))}` };
  }
  return evaluateTarget(target, runs);
}

/**
 * Checks target files.
 * @throws ModelError when a target file itself is malformed
 */
export function checkTargets(files: readonly string[], settings: RunSettings = {}): TargetOutcome[] {
  const kb = settings.kb ?? defaultKnowledgeBase();
  const targets = files.map((f) => loadTargetFile(f, kb));
  const seen = new Map<string, string>();
  for (const t of targets) {
    const prev = seen.get(t.input.id);
    if (prev) throw new ModelError([{ severity: 'error', file: t.file, line: t.doc.locate(['id']).line, column: t.doc.locate(['id']).column, path: 'id', message: `target id '${t.input.id}' is also used in ${prev}`, hint: 'give every target its own id' }]);
    seen.set(t.input.id, t.file);
  }
  const runner = new ScenarioRunner({ ...settings, kb });
  return targets.map((t) => checkTarget(t, runner));
}
