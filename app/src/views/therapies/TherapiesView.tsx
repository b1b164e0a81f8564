/**
 * The Therapies view: treatment arms side by side. Each arm runs on the mean-field engine in a
 * worker of its own (the Run tab's run is left alone); burden and M2-fraction curves are
 * overlaid and the standard metrics tabulated.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MetricOptions } from '../../../../src/scenarios/index.js';
import { DEFAULT_MODEL } from '../../assets.js';
import { loadModelPath } from '../../core.js';
import { toDiagnostics } from '../../state/diagnostics.js';
import { scenarioOf } from '../../state/modelSource.js';
import { RunClient } from '../../state/runClient.js';
import type { Arm } from '../../state/share.js';
import type { AppState } from '../../state/useApp.js';
import type { Diagnostic } from '../../../../src/model/diagnostics.js';
import { DiagnosticList } from '../common/DiagnosticList.js';
import { TimePlot } from '../common/TimePlot.js';
import { ArmBuilder } from './ArmBuilder.js';
import { armMetrics, type ArmOutcome, asResult, compileArm, type CompiledArm } from './arms.js';
import { MetricsTable } from './MetricsTable.js';
import { encodeArm } from '../../state/share.js';
import { boundedOutputInterval, checkCycles, cyclesBefore, ODE_MAX_DAYS } from '../../state/runLimits.js';

/** Props of {@link TherapiesView}. */
export interface TherapiesViewProps {
  app: AppState;
}

/** The Therapies view. */
export function TherapiesView({ app }: TherapiesViewProps) {
  const client = useMemo(() => new RunClient(), []);
  useEffect(() => () => client.dispose(), [client]);
  const { arms, setArms, current } = app;
  const base = current.kind === 'nichesim' && !scenarioOf(current) ? current.file : DEFAULT_MODEL;
  const [outcomes, setOutcomes] = useState<ArmOutcome[] | null>(null);
  const [metricOptions, setMetricOptions] = useState<MetricOptions>({ days: [30, 90, 180], threshold: 1000 });
  const [busy, setBusy] = useState<string | null>(null);
  const [problems, setProblems] = useState<Diagnostic[]>([]);
  /** End time (days) typed for the comparison; empty for the longest scenario duration. */
  const [endText, setEndText] = useState('');
  const endDays = endText.trim() === '' ? null : Number(endText);
  const endError =
    endDays !== null && !(endDays > 0) ? 'the end time must be a number of days > 0' : endDays !== null && endDays > ODE_MAX_DAYS ? `the comparison runs at most ${ODE_MAX_DAYS} days (100 years); use the command line (nichesim compare) for longer` : null;
  /** Notes on custom arms whose later cycles fall after the end time (not given). */
  const [armNotes, setArmNotes] = useState<string[]>([]);

  const compileAll = (list: Arm[] = arms): CompiledArm[] | null => {
    const out: CompiledArm[] = [];
    const errs: Diagnostic[] = [];
    list.forEach((a, i) => {
      const cyclesProblem = a.kind === 'custom' ? checkCycles(a.cycles) : null;
      if (cyclesProblem) {
        errs.push(...toDiagnostics(new Error(cyclesProblem), `arm ${i + 1}`));
        return;
      }
      try {
        out.push(compileArm(a, base, i));
      } catch (e) {
        errs.push(...toDiagnostics(e, a.kind === 'scenario' ? a.path : `arm ${i + 1}`));
      }
    });
    setProblems(errs);
    return errs.length ? null : out;
  };

  const runAll = async () => {
    // The end time: the one typed, else the longest of the scenario arms and of the model custom
    // arms treat (a custom arm lasts as long as its model), found before custom arms compile.
    let tEnd = endDays !== null ? endDays * 1440 : 0;
    if (endDays === null) {
      try {
        tEnd = loadModelPath(base).model.tEnd;
      } catch {
        tEnd = 0;
      }
      arms.forEach((a, i) => {
        if (a.kind !== 'scenario') return;
        try {
          tEnd = Math.max(tEnd, compileArm(a, base, i).loaded.model.tEnd);
        } catch {
          // compileAll reports it
        }
      });
    }
    // Administrations after the end time are not given: a custom arm keeps the cycles before it.
    const notes: string[] = [];
    const trimmed = arms.map((a, i) => {
      if (a.kind !== 'custom') return a;
      const n = cyclesBefore(a.start, a.cycles, a.interval, tEnd / 1440);
      if (n === a.cycles) return a;
      notes.push(`arm ${i + 1}: ${n} of its ${a.cycles} cycles start before the end (day ${Number((tEnd / 1440).toPrecision(6))}); the later ones are not given`);
      return { ...a, cycles: n };
    });
    setArmNotes(notes);
    const compiled = compileAll(trimmed);
    if (!compiled || compiled.length === 0) return;
    if (!(tEnd > 0)) tEnd = Math.max(...compiled.map((c) => c.loaded.model.tEnd));
    const outputInterval = boundedOutputInterval(Math.max(...compiled.map((c) => c.loaded.model.outputInterval)), tEnd);
    const horizon = tEnd / 1440;
    const opts: MetricOptions = { days: [30, 90, 180].filter((d) => d <= horizon + 1e-9), threshold: 1000 };
    const results: ArmOutcome[] = [];
    setOutcomes(null);
    for (const [i, c] of compiled.entries()) {
      setBusy(`running arm ${i + 1} of ${compiled.length}: ${c.label}`);
      const run = await client.runToEnd({ model: c.loaded.model, settings: { engine: 'ode', parameters: {}, seed: app.options.seed, tEnd, outputInterval } });
      const result = asResult(run);
      const error = run.phase === 'error' ? run.message : null;
      results.push({ label: c.label, burden: c.loaded.scenario.burden, result, metrics: error ? {} : armMetrics(c, result, opts), error });
    }
    setMetricOptions(opts);
    setOutcomes(results);
    setBusy(null);
  };

  const burdenSeries = (outcomes ?? []).map((o) => ({ label: o.label, x: Array.from(o.result.times, (t) => t / 1440), y: o.result.series[o.burden] ?? [] }));
  const m2Series = (outcomes ?? []).filter((o) => o.result.series.M2_fraction).map((o) => ({ label: o.label, x: Array.from(o.result.times, (t) => t / 1440), y: o.result.series.M2_fraction }));
  const version = (outcomes ?? []).map((o) => o.label).join('|') + (outcomes ? outcomes.length : 0);
  const [log, setLog] = useState(true);

  return (
    <div class="therapies-view">
      <div class="therapies-grid">
        <div>
          <h2>Arms</h2>
          <ol class="arms" data-testid="arms">
            {arms.map((a, i) => (
              <li key={encodeArm(a) + i}>
                <span>{a.kind === 'scenario' ? a.path.replace(/^scenarios\//, '') : a.intervention === 'none' ? 'untreated (custom)' : `${a.intervention}: day ${a.start}, ${a.cycles} cycle(s), every ${a.interval} d`}</span>
                <button type="button" aria-label={`Remove arm ${i + 1}`} onClick={() => setArms(arms.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </li>
            ))}
          </ol>
          <div class="row">
            <button type="button" class="primary" data-testid="therapies-run" disabled={busy !== null || arms.length === 0 || endError !== null} onClick={() => void runAll()}>
              Compare arms
            </button>
            <span class="small" data-testid="therapies-status" aria-live="polite">
              {busy ?? (outcomes ? 'done' : '')}
            </span>
          </div>
          <div class="row">
            <label for="therapies-tend">End (days)</label>
            <input id="therapies-tend" data-testid="therapies-tend" type="text" inputMode="decimal" placeholder="longest arm" value={endText} aria-invalid={endError ? true : undefined} onInput={(e) => setEndText((e.target as HTMLInputElement).value)} />
          </div>
          {endError && (
            <p class="param-error" role="alert">
              {endError}
            </p>
          )}
          <p class="small muted">Mean-field engine, seed {app.options.seed} (Run tab); without an end time each comparison runs to the longest arm's duration.</p>
          {armNotes.map((n, i) => (
            <p key={i} class="small note" data-testid="arm-note">
              {n}
            </p>
          ))}
          {problems.length > 0 && (
            <div class="error-panel" role="alert">
              <DiagnosticList diagnostics={problems} />
            </div>
          )}
        </div>
        <ArmBuilder base={base} onAdd={(a) => setArms([...arms, a])} />
      </div>
      {outcomes && (
        <>
          <div class="charts two" data-testid="therapies-plot">
            <div class="chart-box">
              <TimePlot title="Leukaemic burden" yLabel="cells" series={burdenSeries} log={log} version={version + log} />
              <label class="small" for="therapy-log">
                <input id="therapy-log" type="checkbox" checked={log} onChange={(e) => setLog((e.target as HTMLInputElement).checked)} /> log scale
              </label>
            </div>
            {m2Series.length > 0 && <TimePlot title="M2 fraction" yLabel="M2/(M1+M2)" series={m2Series} version={version} />}
          </div>
          <MetricsTable outcomes={outcomes} options={metricOptions} />
        </>
      )}
    </div>
  );
}
