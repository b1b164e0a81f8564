/**
 * SBML models (Level 2/3 core) on the SBML time-course simulator, in chunks of output rows.
 * Times are converted from the model's time unit to minutes, as every nichesim result.
 */
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { readSbml } from '../../../src/interop/sbml/document.js';
import { SbmlSystem } from '../../../src/interop/sbml/executable.js';
import { SbmlSimulation } from '../../../src/interop/sbml/simulator.js';
import { defaultOutputs } from '../../../src/interop/sbml/timecourse.js';
import type { ColumnInfo, RunStatus } from '../../../src/results/result.js';
import { NICHESIM_VERSION } from '../../../src/version.js';
import type { Driver, Rows } from './driver.js';
import type { RunSettings, SbmlSource } from './protocol.js';

/** Starts an SBML run. @throws SbmlError for unreadable or unsupported models */
export function sbmlDriver(src: SbmlSource, settings: RunSettings): Driver {
  const started = Date.now();
  const doc = readSbml(src.text);
  const minPerUnit = src.secondsPerUnit / 60;
  const end = settings.tEnd !== undefined ? settings.tEnd / minPerUnit : src.end;
  const steps = Math.max(1, Math.round(src.steps));
  const grid = Float64Array.from({ length: steps + 1 }, (_, k) => (end * k) / steps);
  const system = new SbmlSystem(doc, { parameters: settings.parameters });
  const outputs = defaultOutputs(system, doc);
  const syms = outputs.map((o) => system.symbols.get(o.id)!);
  const modes = outputs.map((o, j) => (syms[j].kind === 'species' ? (o.mode ?? 'concentration') : 'value'));
  const columns: ColumnInfo[] = outputs.map((o, j) => ({ name: o.id, kind: syms[j].kind === 'species' ? 'substrate' : 'output', unit: modes[j] }));
  const method = 'auto';
  const rtol = 1e-8;
  const sim = new SbmlSimulation(system, 0, { method, rtol, seed: settings.seed, parameters: settings.parameters, hmax: doc.events.length > 0 ? end / 50 : undefined });
  let next = 0;
  let status: RunStatus = 'ok';
  let message: string | null = null;
  let pending: { times: number[]; values: number[][] } = { times: [], values: columns.map(() => []) };
  const wallStart = Date.now();
  return {
    columns,
    tEnd: end * minPerUnit,
    warnings: [...doc.warnings, ...system.warnings],
    get t() {
      return next === 0 ? 0 : grid[next - 1] * minPerUnit;
    },
    chunk(speed: number): boolean {
      const rows = Math.max(1, Math.round((steps / 200) * speed));
      for (let k = 0; k < rows && next < grid.length && status === 'ok'; k++) {
        const s = sim.advanceTo(grid[next]);
        if (s !== 'ok') {
          status = s === 'eventLoop' ? 'maxSteps' : s;
          message = sim.message;
          break;
        }
        pending.times.push(grid[next] * minPerUnit);
        outputs.forEach((_, j) => {
          const sym = syms[j];
          pending.values[j].push(modes[j] === 'amount' ? system.amount(sym) : modes[j] === 'concentration' ? system.concentration(sym) : system.v[sym.slot]);
        });
        next++;
      }
      return status !== 'ok' || next >= grid.length;
    },
    takeRows(): Rows | null {
      if (pending.times.length === 0) return null;
      const out = { times: Float64Array.from(pending.times), values: pending.values.map((v) => Float64Array.from(v)) };
      pending = { times: [], values: columns.map(() => []) };
      return out;
    },
    finish() {
      const parameters: Record<string, number> = {};
      for (const p of doc.parameters) if (p.constant && p.value !== null) parameters[p.id] = settings.parameters[p.id] ?? p.value;
      return {
        status,
        message,
        manifest: {
          nichesimVersion: NICHESIM_VERSION,
          modelName: doc.id ?? doc.name ?? src.file,
          modelHash: bytesToHex(sha256(utf8ToBytes(src.text))),
          engine: 'sbml',
          engineSettings: { method, rtol, atol: 1e-12, timeUnitSeconds: src.secondsPerUnit, end, steps, sbml: `L${doc.level}V${doc.version}` },
          solverStats: sim.stats,
          seed: settings.seed,
          parameters,
          wallMs: Date.now() - wallStart,
          startedAt: new Date(started).toISOString(),
        },
      };
    },
  };
}
