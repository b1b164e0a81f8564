/**
 * The four files of a run (layer 5, Node), written the same way whatever produced the result:
 * timeseries.csv, summary.json, manifest.json and report.html, each atomically.
 */
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { timeseriesCsv } from './csv.js';
import { buildReportHtml, type ReportInput } from './report/index.js';

/**
 * Writes the four outputs of a run into `outDir` and returns their paths.
 * @param summary the object written to summary.json (status, message, endpoints)
 * @param manifest the object written to manifest.json (what is needed to reproduce the run)
 * @param report the report input; its `result` also gives timeseries.csv
 * @throws OutputError when the folder or a file cannot be written
 */
export function writeRunOutputs(outDir: string, summary: unknown, manifest: unknown, report: ReportInput): string[] {
  // The data files first, so a failure while building the report loses no computed row.
  const files: Array<[string, () => string]> = [
    ['timeseries.csv', () => timeseriesCsv(report.result)],
    ['summary.json', () => JSON.stringify(summary, null, 2) + '\n'],
    ['manifest.json', () => JSON.stringify(manifest, null, 2) + '\n'],
    ['report.html', () => buildReportHtml(report)],
  ];
  return files.map(([name, content]) => {
    const path = join(outDir, name);
    writeFileAtomic(path, content());
    return path;
  });
}
