/**
 * The comparison table: the standard metrics of each arm (as `nichesim compare` writes them).
 */
import { metricColumns, type MetricOptions } from '../../../../src/scenarios/index.js';
import { formatNumber } from '../../../../src/units/index.js';
import type { ArmOutcome } from './arms.js';

/** Props of {@link MetricsTable}. */
export interface MetricsTableProps {
  outcomes: ArmOutcome[];
  options: MetricOptions;
}

/** Metrics as rows, arms as columns (the arms are few, the metrics many). */
export function MetricsTable({ outcomes, options }: MetricsTableProps) {
  const cols = metricColumns(options);
  return (
    <table class="data metrics" data-testid="therapies-table">
      <caption>Standard metrics per arm (burden = the scenario's leukaemic cell type; threshold {options.threshold} cells)</caption>
      <thead>
        <tr>
          <th scope="col">metric</th>
          {outcomes.map((o) => (
            <th scope="col" key={o.label}>
              {o.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">status</th>
          {outcomes.map((o) => (
            <td key={o.label}>{o.error ?? o.result.status}</td>
          ))}
        </tr>
        {cols.map((c) => (
          <tr key={c.key}>
            <th scope="row">
              {c.label} <span class="muted">({c.unit})</span>
            </th>
            {outcomes.map((o) => {
              const v = o.metrics[c.key];
              return <td key={o.label}>{Number.isFinite(v) ? formatNumber(v) : '–'}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
