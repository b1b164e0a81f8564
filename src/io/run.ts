/**
 * The main job (layer 5): load a model, run it, and write the four outputs atomically into a
 * folder: timeseries.csv, summary.json, manifest.json and report.html. A run that fails part-way
 * still writes everything it computed, with the failure in summary.json and the report.
 */
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { compileModel } from '../compile/compile.js';
import { ruleSentences } from '../compile/english.js';
import { checkEvidence } from '../compile/evidence.js';
import { buildNetwork, citationLinks, citationText, type Interaction, type KnowledgeBase } from '../kb/index.js';
import { ModelError } from '../model/diagnostics.js';
import type { LoadedModel } from '../model/parse.js';
import { modelHash } from '../model/parse.js';
import { overrideWarnings, parametersAsWritten } from '../model/overrides.js';
import type { CompiledModel } from '../compile/compile.js';
import { CLOSE_PACKING_FRACTION } from '../engines/ode/meanField.js';
import { MINUTES_PER_DAY } from '../results/result.js';
import { computeEndpoints } from '../results/summary.js';
import type { SimulationResult } from '../results/result.js';
import { simulate, type SimulateOptions } from '../simulate.js';
import { NICHESIM_VERSION } from '../version.js';
import { writeRunOutputs } from './outputs.js';
import { initialCellsWarnings, readInitialCells } from './physicell/index.js';
import type { ReportInput } from './report/index.js';
import { reportAnimation, writeSpatialOutputs } from './spatial/index.js';

export interface RunJob {
  loaded: LoadedModel;
  kb: KnowledgeBase;
  outDir: string;
  options: SimulateOptions;
  /** Parameter overrides as the user wrote them (recorded in the manifest and the report). */
  overrideTexts?: string[];
  /** Warnings from loading (e.g. elements of an imported PhysiCell project nichesim does not represent). */
  extraWarnings?: string[];
  /** Where `options.agents` came from (e.g. a PhysiCell cells.csv), recorded in the manifest. */
  initialCellsSource?: string;
}

export interface RunOutcome {
  result: SimulationResult;
  files: string[];
  warnings: string[];
}

/**
 * Runs a loaded model and writes its outputs.
 * @throws ModelError when a rule cites unknown evidence; CompileError for impossible parameter values
 */
export function runJob(job: RunJob): RunOutcome {
  const { loaded, kb } = job;
  const evidence = checkEvidence(loaded.model, kb, loaded.file);
  if (evidence.length > 0) throw new ModelError(evidence);
  const hash = modelHash(loaded.model);
  // The agent-based engine starts from the cells the model lists in spatial.initial_cells, if any.
  const startWarnings: string[] = [];
  let options = job.options;
  if ((options.engine ?? 'ode') === 'abm' && !options.agents) {
    const agents = readInitialCells(loaded.model, loaded.file);
    if (agents) {
      options = { ...options, agents, initialAgents: false };
      startWarnings.push(...initialCellsWarnings(loaded.model, agents));
    }
  }
  const result = simulate(loaded.model, { ...options, modelHash: hash });
  if (options.agents) {
    // The listed start cells are an input like the model: the manifest records their hash.
    const list = options.agents.map((a) => [a.type, a.x, a.y, a.z ?? null]);
    result.manifest.engineSettings.initialCells = {
      source: job.initialCellsSource ?? loaded.model.spatial.initialCells ?? 'given agents',
      cells: list.length,
      sha256: bytesToHex(sha256(utf8ToBytes(JSON.stringify(list)))),
    };
  }
  const compiled = compileModel(loaded.model, job.options.parameters ?? {});
  result.manifest.parametersWritten = parametersAsWritten(loaded.model, result.manifest.parameters);
  if (job.overrideTexts && job.overrideTexts.length > 0) {
    result.manifest.overrides = Object.fromEntries(job.overrideTexts.map((t) => [t.slice(0, t.indexOf('=')).trim(), t.slice(t.indexOf('=') + 1).trim()]));
  }
  const endpoints = computeEndpoints(result);
  const warnings = [
    ...loaded.warnings.map((w) => w.message),
    ...startWarnings,
    ...(job.extraWarnings ?? []),
    ...result.issues.map((i) => i.message),
    ...overrideWarnings(loaded.model, job.options.parameters ?? {}),
    ...resultWarnings(result, compiled),
  ];

  const summary = {
    model: loaded.model.name,
    status: result.status,
    message: result.message,
    endpoints: Object.fromEntries(endpoints.map((e) => [e.name, { value: e.value, unit: e.unit }])),
  };
  const manifest = { ...result.manifest, modelFile: loaded.file, warnings };

  const rules = ruleSentences(loaded.model, compiled).map((r) => ({
    sentence: r.sentence,
    cellType: loaded.model.cellTypes.find((c) => c.name === r.cellType)?.label ?? r.cellType,
    evidence: r.evidence.map((id) => {
      const e = kb.byId.get(id);
      return { id, citation: e ? citationText(e) : 'unknown', links: e ? citationLinks(e) : [] };
    }),
  }));
  const cited = new Set(loaded.model.rules.flatMap((r) => r.evidence));
  const citedInteractions = kb.interactions.filter((i: Interaction) => cited.has(i.id));
  const net = buildNetwork({ interactions: citedInteractions, therapies: [], byId: new Map(citedInteractions.map((i) => [i.id, i])) }, undefined, { aggregate: true });
  const report: ReportInput = {
    title: loaded.model.title,
    description: loaded.model.description,
    result,
    summary: Object.fromEntries(endpoints.map((e) => [`${e.name} (${e.unit})`, e.value])),
    rules,
    network: {
      nodes: net.nodes.map((n) => ({ id: n.id, label: n.label, group: n.malignant ? 'malignant' : n.kind })),
      edges: net.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, label: e.label, sign: e.sign, evidenceIds: e.ids })),
    },
    warnings,
  };

  // Spatial runs: snapshots (Arrow), frames (PNG) and the animation (GIF), which the report embeds.
  let spatialFiles: string[] = [];
  if (result.snapshots && result.snapshots.length > 0) {
    spatialFiles = writeSpatialOutputs(job.outDir, result.snapshots, { nichesimVersion: NICHESIM_VERSION });
    const gifPath = spatialFiles.find((f) => f.endsWith('animation.gif'));
    report.animation = reportAnimation(result.snapshots, {}, gifPath ? new Uint8Array(readFileSync(gifPath)) : undefined);
  }

  const written = writeRunOutputs(job.outDir, summary, manifest, report);
  return { result, files: [...written, ...spatialFiles], warnings };
}

/**
 * Plain-language warnings about a finished run: outputs that are not finite (e.g. 0/0), and
 * cells that fill more than the niche can hold (a model without a crowding rule).
 */
export function resultWarnings(result: SimulationResult, compiled: CompiledModel): string[] {
  const out: string[] = [];
  const n = result.times.length;
  for (const c of result.columns) {
    if (c.kind !== 'output') continue;
    const y = result.series[c.name];
    let bad = 0;
    let first = -1;
    for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) (bad++, first < 0 && (first = i));
    if (bad > 0) out.push(`output ${c.name} is not a finite number in ${bad} of ${n} rows (first at day ${(result.times[first] / MINUTES_PER_DAY).toPrecision(4)}), e.g. a division by zero`);
  }
  let worst = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    let volume = 0;
    for (const ct of compiled.cellTypes) volume += ((result.series[ct.name]?.[i] ?? 0) + (result.series[`${ct.name} (dead)`]?.[i] ?? 0)) * ct.volume;
    const fraction = volume / compiled.nicheVolume;
    if (fraction > worst) (worst = fraction), (at = i);
  }
  if (worst > CLOSE_PACKING_FRACTION) {
    out.push(`cells fill ${worst > 1 ? `${worst.toPrecision(3)} times` : `a fraction ${worst.toPrecision(3)} of`} the niche volume at day ${(result.times[at] / MINUTES_PER_DAY).toPrecision(4)} (close packing is ${CLOSE_PACKING_FRACTION}); the model may lack a crowding rule (e.g. pressure decreases cycle entry)`);
  }
  return out;
}
