/**
 * The Run view: controls and live time-course plots of cell populations, substrates and
 * derived outputs (re-plotted at most five times a second while a run streams rows).
 */
import { useMemo, useState } from 'preact/hooks';
import type { CurrentModel } from '../../state/modelSource.js';
import type { RunData } from '../../state/runClient.js';
import { useRunData } from '../../state/useRun.js';
import type { AppState } from '../../state/useApp.js';
import { type PlotSeries, TimePlot } from '../common/TimePlot.js';
import { RunControls } from './RunControls.js';

/** A chart's worth of columns. */
interface Group {
  key: string;
  title: string;
  yLabel: string;
  series: PlotSeries[];
  /** The column names of the series (the labels may differ). */
  names: string[];
  logDefault: boolean;
}

/**
 * Groups the run's columns into charts: cells, then substrates and outputs by unit. Lines are
 * named by `labels` (column name -> display label, as on the Space tab); the data keep the names.
 */
export function chartGroups(run: RunData, labels: ReadonlyMap<string, string> = new Map()): Group[] {
  const x = run.times.map((t) => t / 1440);
  const groups = new Map<string, Group>();
  run.columns.forEach((c, j) => {
    if (c.kind === 'dead cells') return;
    const key = c.kind === 'cells' ? 'cells' : `${c.kind}|${c.unit}`;
    let g = groups.get(key);
    if (!g) {
      const title = c.kind === 'cells' ? 'Cell populations' : c.kind === 'substrate' ? `Substrates (${c.unit})` : `Derived outputs (${c.unit})`;
      g = { key, title, yLabel: c.kind === 'cells' ? 'cells' : c.unit, series: [], names: [], logDefault: c.kind === 'substrate' };
      groups.set(key, g);
    }
    g.series.push({ label: labels.get(c.name) || c.name, x, y: run.series[j] });
    g.names.push(c.name);
  });
  // Two columns with the same label in one chart are told apart by their names.
  for (const g of groups.values()) {
    const count = new Map<string, number>();
    for (const s of g.series) count.set(s.label, (count.get(s.label) ?? 0) + 1);
    g.series = g.series.map((s, i) => ((count.get(s.label) ?? 0) > 1 ? { ...s, label: `${s.label} (${g.names[i]})` } : s));
  }
  return [...groups.values()];
}

/** Display labels of a model's cell types and substrates, by name (none for SBML models). */
export function displayLabels(m: CurrentModel): Map<string, string> {
  const out = new Map<string, string>();
  if (m.kind !== 'nichesim') return out;
  for (const c of m.loaded.model.cellTypes) if (c.label) out.set(c.name, c.label);
  for (const s of m.loaded.model.substrates) if (s.label) out.set(s.name, s.label);
  return out;
}

/** One chart with its log-scale switch. */
function Chart({ g, version }: { g: Group; version: number }) {
  const [log, setLog] = useState(g.logDefault);
  const id = `log-${g.key.replace(/[^A-Za-z0-9]/g, '_')}`;
  return (
    <div class="chart-box">
      <TimePlot title={g.title} yLabel={g.yLabel} series={g.series} log={log} version={version} />
      <label class="small" for={id}>
        <input id={id} type="checkbox" checked={log} onChange={(e) => setLog((e.target as HTMLInputElement).checked)} /> log scale
      </label>
    </div>
  );
}

/** The Run view. */
export function RunView({ app }: { app: AppState }) {
  const run = useRunData(app.client, 200);
  const labels = useMemo(() => displayLabels(app.current), [app.current]);
  const groups = chartGroups(run, labels);
  return (
    <div class="run-view">
      <RunControls app={app} run={run} />
      {run.phase === 'error' && (
        <div class="error-panel" role="alert" data-testid="run-error">
          {run.message}
        </div>
      )}
      {run.message && run.phase === 'done' && run.status !== 'ok' && (
        <div class="error-panel" role="alert" data-testid="run-error">
          The run stopped early ({run.status}): {run.message}
        </div>
      )}
      {run.warnings.length > 0 && (
        <details class="warnings">
          <summary>{run.warnings.length} engine notes</summary>
          <ul>
            {run.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      <div class="charts" data-testid="run-plot" data-points={run.times.length > 0 ? String(run.times.length) : undefined}>
        {run.times.length === 0 ? (
          <p class="muted empty">No results yet: press Run. The mean-field engine runs the whole horizon in a moment; the spatial engine shows its cells on the Space tab as it goes.</p>
        ) : (
          groups.map((g) => <Chart key={`${run.runId}-${g.key}`} g={g} version={run.version} />)
        )}
      </div>
    </div>
  );
}
