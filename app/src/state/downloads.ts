/**
 * Files the app offers for download: the time series (CSV, as the CLI's timeseries.csv), the
 * run as JSON with its manifest (model hash, version, seed, parameters, engine settings), the
 * model text, and share files.
 */
import type { RunData } from './runClient.js';

/** Saves text as a file through a temporary link. */
export function downloadText(name: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : String(v)) : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV: `time (day)`, then each column as `name (unit)`. */
export function runCsv(run: RunData): string {
  const lines = [['time (day)', ...run.columns.map((c) => `${c.name} (${c.unit})`)].map(csvCell).join(',')];
  for (let i = 0; i < run.times.length; i++) {
    lines.push([run.times[i] / 1440, ...run.series.map((s) => s[i])].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** What the run JSON records besides the engine's manifest. */
export interface RunContext {
  /** The model's origin: shipped path or loaded file name. */
  model: string;
  /** Parameter changes as typed, in the model's units. */
  overrides: Record<string, string>;
  /** A link that restores the run settings. */
  shareUrl: string;
}

/** The run as JSON: manifest (with the overrides), status, columns and series (times in minutes and days). */
export function runJson(run: RunData, ctx: RunContext): string {
  const manifest = { ...(run.manifest ?? {}), overrides: ctx.overrides, modelFile: ctx.model, app: 'nichesim browser app', shareUrl: ctx.shareUrl };
  const out = {
    manifest,
    status: run.status,
    message: run.message,
    warnings: run.warnings,
    columns: run.columns,
    times: run.times,
    days: run.times.map((t) => t / 1440),
    series: Object.fromEntries(run.columns.map((c, j) => [c.name, run.series[j].map((v) => (Number.isFinite(v) ? v : String(v)))])),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

/** A file name stem from a model name or path. */
export function stemOf(name: string): string {
  return name.replace(/^.*\//, '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '_') || 'model';
}
