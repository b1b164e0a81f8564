/**
 * The Therapies view: treatment arms side by side. Each arm runs on the mean-field engine in a
 * worker of its own (the Run tab's run is left alone); burden and M2-fraction curves are
 * overlaid and the standard metrics tabulated.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MetricOptions } from '../../../../src/scenarios/index.js';
import { DEFAULT_MODEL } from '../../assets.js';
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
  const endError = endDays !== null && !(endDays > 0) ? 'the end time must be a number of days > 0' : null;

  const compileAll = (): CompiledArm[] | null => {
    const out: CompiledArm[] = [];
    const errs: Diagnostic[] = [];
    arms.forEach((a, i) => {
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
    const compiled = compileAll();
    if (!compiled || compiled.length === 0) return;
    const tEnd = endDays !== null ? endDays * 1440 : Math.max(...compiled.map((c) => c.loaded.model.tEnd));
    const outputInterval = Math.max(...compiled.map((c) => c.loaded.model.outputInterval));
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
            <input id="therapies-tend" data-testid="therapies-tend" type="number" min="0" step="any" placeholder="longest arm" value={endText} aria-invalid={endError ? true : undefined} onInput={(e) => setEndText((e.target as HTMLInputElement).value)} />
          </div>
          {endError && (
            <p class="param-error" role="alert">
              {endError}
            </p>
          )}
          <p class="small muted">Mean-field engine, seed {app.options.seed} (Run tab); without an end time each comparison runs to the longest arm's duration.</p>
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
