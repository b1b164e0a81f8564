/**
 * The app's state and actions in one hook: the current model and the files loaded, typed
 * parameter values and their checks, run settings, treatment arms, load errors, the open tab, and
 * the engine worker's client. Views receive what they need as props.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { compileModel } from '../../../src/compile/compile.js';
import { DEFAULT_MODEL } from '../assets.js';
import type { RunSettings } from '../worker/protocol.js';
import { toDiagnostics } from './diagnostics.js';
import { type CurrentModel, loadSource, type ModelSource, sourceFile } from './modelSource.js';
import { modelParameters, overridesOf, type ParamInfo, sbmlParameters } from './parameters.js';
import { RunClient, type RunData } from './runClient.js';
import { type Arm, decodeHash, encodeHash, NoModelInLinkError, type ShareState } from './share.js';
import { checkCycles, checkEndDays, maxDays } from './runLimits.js';
import { shippedIn } from '../assets.js';
import { interventionLibrary } from '../core.js';

/** The ids of the app's tabs (App.tsx). */
export const TAB_IDS = ['model', 'network', 'run', 'space', 'therapies', 'files'];

/** A message in the header: 'ok' (green) or 'warn' (something was left out). */
export interface Notice {
  kind: 'ok' | 'warn';
  text: string;
}

/** Notes on how the app runs a model: a PhysiCell import's mean-field form, a 3D model run in 2D. */
export function notesOf(m: CurrentModel): string[] {
  if (m.kind !== 'nichesim') return [];
  const notes: string[] = [];
  if (m.source.kind === 'text' && m.source.origin === 'physicell') {
    notes.push('Imported from an agent-based PhysiCell project: it runs on the spatial engine; its mean-field form can differ strongly from the spatial runs.');
  }
  if (m.loaded.model.spatial.dims === 3) {
    notes.push('This model is 3D; the app runs the spatial engine in 2D (use the command line for 3D runs).');
  }
  return notes;
}

/** Default end time of spatial runs (days): a simulated day costs about half a minute. */
export const ABM_DEFAULT_DAYS = 1;

/** A failed load and where it was asked for. */
export interface LoadFailure {
  origin: 'files' | 'url' | 'model';
  diagnostics: Diagnostic[];
  /** Texts of the files, to quote the lines. */
  texts: Map<string, string>;
}

/** Engine choice and run options the user sets. */
export interface RunOptions {
  engine: 'ode' | 'abm';
  seed: number;
  /** End time (days) as typed; empty for the default (checked by checkEndDays). */
  tEndText: string;
  speed: number;
}

/** The value of a last completed run, exposed on window.__nichesim for tests. */
export interface ExposedResult {
  times: number[];
  columns: string[];
  series: Record<string, number[]>;
  status: string | null;
  engine: string;
  seed: number;
  /** Computing time of the run in the worker (ms). */
  wallMs: number;
}

declare global {
  interface Window {
    __nichesim?: { lastResult: ExposedResult | null; runs: number };
  }
}

function expose(run: RunData): void {
  const series: Record<string, number[]> = {};
  run.columns.forEach((c, j) => (series[c.name] = [...run.series[j]]));
  window.__nichesim = {
    lastResult: { times: [...run.times], columns: run.columns.map((c) => c.name), series, status: run.status, engine: run.settings?.engine ?? '', seed: run.settings?.seed ?? 0, wallMs: run.wallMs },
    runs: (window.__nichesim?.runs ?? 0) + 1,
  };
}

/** The app's state and actions (see the module comment). */
export function useApp() {
  const client = useMemo(() => new RunClient(), []);
  const [current, setCurrent] = useState<CurrentModel>(() => loadSource({ kind: 'shipped', path: DEFAULT_MODEL }));
  const [userSources, setUserSources] = useState<ModelSource[]>([]);
  const [paramTexts, setParamTexts] = useState<Record<string, string>>({});
  const [options, setOptions] = useState<RunOptions>({ engine: 'ode', seed: 1, tEndText: '', speed: 1 });
  const [arms, setArms] = useState<Arm[]>([
    { kind: 'scenario', path: 'scenarios/aml-untreated.yaml' },
    { kind: 'scenario', path: 'scenarios/aml-csf1ri.yaml' },
  ]);
  const [failure, setFailure] = useState<LoadFailure | null>(null);
  const [loadWarnings, setLoadWarnings] = useState<string[]>([]);
  const [tab, setTab] = useState('model');
  const [substrate, setSubstrate] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  useEffect(() => {
    window.__nichesim = { lastResult: null, runs: 0 };
    client.onDone = expose;
    return () => client.dispose();
  }, [client]);

  const params: ParamInfo[] = useMemo(() => (current.kind === 'sbml' ? sbmlParameters(current.doc) : modelParameters(current.loaded.model)), [current]);
  const checked = useMemo(() => overridesOf(params, paramTexts), [params, paramTexts]);
  /** Problems compiling the model with the overrides (e.g. a rule saturating below its base). */
  const compileProblems = useMemo(() => {
    if (current.kind !== 'nichesim' || Object.keys(checked.errors).length) return [];
    try {
      compileModel(current.loaded.model, checked.values);
      return [];
    } catch (e) {
      return toDiagnostics(e, current.file);
    }
  }, [current, checked]);
  const engine: 'ode' | 'abm' = current.kind === 'sbml' ? 'ode' : options.engine;
  /** The typed end time, checked for the engine (0, negative and too long are refused). */
  const endCheck = checkEndDays(options.tEndText, engine);
  const tEndDays = endCheck.ok ? endCheck.days : null;
  const canRun = Object.keys(checked.errors).length === 0 && compileProblems.length === 0 && endCheck.ok;
  /** One-line notes about how the app runs the current model (a PhysiCell import, a 3D model run in 2D). */
  const modelNotes = useMemo(() => notesOf(current), [current]);

  /** Switches to a model; on failure keeps the current one and reports where the problem is. */
  function selectSource(src: ModelSource, origin: LoadFailure['origin'], warnings: string[] = [], keepParams?: Record<string, string>): boolean {
    return loadAndSelect(src, origin, warnings, keepParams) !== null;
  }

  /** selectSource, returning the model it switched to (or null). */
  function loadAndSelect(src: ModelSource, origin: LoadFailure['origin'], warnings: string[] = [], keepParams?: Record<string, string>): CurrentModel | null {
    let next: CurrentModel;
    try {
      next = loadSource(src);
    } catch (e) {
      const texts = new Map<string, string>();
      if (src.kind !== 'shipped') texts.set(src.file, src.text);
      setFailure({ origin, diagnostics: toDiagnostics(e, sourceFile(src)), texts });
      return null;
    }
    // A model change ends the current run: its rows, plot and frame belong to the old model.
    client.reset();
    setNotice(null);
    setCurrent(next);
    setParamTexts(keepParams ?? {});
    setFailure(null);
    setLoadWarnings([...warnings, ...(next.kind === 'sbml' ? next.warnings : [])]);
    if (src.kind !== 'shipped') setUserSources((list) => [...list.filter((s) => sourceFile(s) !== src.file), src]);
    if (next.kind === 'sbml' && options.engine === 'abm') setOptions((o) => ({ ...o, engine: 'ode' }));
    // A PhysiCell project is agent-based: it runs on the spatial engine by default (as the CLI does).
    if (src.kind === 'text' && src.origin === 'physicell') setOptions((o) => ({ ...o, engine: 'abm' }));
    return next;
  }

  /** Reports a failure that happened before a source could be made (e.g. an unreadable PhysiCell project). */
  function reportFailure(origin: LoadFailure['origin'], e: unknown, file: string, texts: Map<string, string>): void {
    setFailure({ origin, diagnostics: toDiagnostics(e, file), texts });
  }

  function runSettings(): RunSettings {
    const days = tEndDays ?? (engine === 'abm' && current.kind === 'nichesim' ? ABM_DEFAULT_DAYS : null);
    return {
      engine,
      parameters: checked.values,
      seed: options.seed,
      tEnd: days === null ? undefined : days * 1440,
      dims: 2,
      agents: current.kind === 'nichesim' ? current.agents : undefined,
    };
  }

  function startRun(paused = false): void {
    if (!canRun) return;
    const settings = runSettings();
    if (current.kind === 'sbml') client.start({ sbml: current.sbml, settings }, { paused, speed: options.speed });
    else client.start({ model: current.loaded.model, settings }, { paused, speed: options.speed });
  }

  const shareState = (): ShareState => ({ source: current.source, set: { ...paramTexts }, engine: options.engine, seed: options.seed, tEndDays, arms, tab });

  /**
   * Restores shared settings; returns whether the model loaded. What the settings hold that the
   * app cannot use (an unknown parameter or scenario, a bad engine, seed or end time) is left out
   * and said in the notice.
   */
  function applyShare(s: ShareState, origin: LoadFailure['origin']): boolean {
    const dropped = [...(s.dropped ?? [])];
    const next = loadAndSelect(s.source, origin, [], {});
    if (!next) return false;
    const names = new Set((next.kind === 'sbml' ? sbmlParameters(next.doc) : modelParameters(next.loaded.model)).map((p) => p.name));
    const set: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.set)) {
      if (names.has(k)) set[k] = v;
      else dropped.push(`unknown parameter ${JSON.stringify(k)} (the model has no such parameter)`);
    }
    setParamTexts(set);
    const engineUsed = next.kind === 'sbml' ? 'ode' : s.engine;
    let tEnd = s.tEndDays;
    if (tEnd !== null && tEnd > maxDays(engineUsed)) {
      dropped.push(`end time ${tEnd} days (the ${engineUsed === 'abm' ? 'spatial engine runs' : 'app runs'} at most ${maxDays(engineUsed)} days; the default is used)`);
      tEnd = null;
    }
    setOptions((o) => ({ ...o, engine: s.engine, seed: s.seed, tEndText: tEnd === null ? '' : String(tEnd) }));
    const scenarios = new Set(shippedIn('scenarios'));
    const lib = interventionLibrary();
    const goodArms = s.arms.filter((a) => {
      if (a.kind === 'scenario') {
        if (scenarios.has(a.path)) return true;
        dropped.push(`unknown scenario ${JSON.stringify(a.path)}`);
        return false;
      }
      if (a.intervention !== 'none' && !lib.has(a.intervention)) {
        dropped.push(`treatment arm with the unknown intervention ${JSON.stringify(a.intervention)}`);
        return false;
      }
      const problem = checkCycles(a.cycles) ?? (!(a.start >= 0) ? 'the start day must be >= 0' : !(a.interval > 0) ? 'the interval must be > 0' : null);
      if (problem) {
        dropped.push(`treatment arm ${a.intervention} (${problem})`);
        return false;
      }
      return true;
    });
    if (goodArms.length) setArms(goodArms);
    if (s.tab) {
      if (TAB_IDS.includes(s.tab)) setTab(s.tab);
      else dropped.push(`tab ${JSON.stringify(s.tab)}`);
    }
    const what = origin === 'url' ? 'the link' : 'the file';
    setNotice(dropped.length ? { kind: 'warn', text: `Run settings restored from ${what}, except what could not be used: ${dropped.join('; ')}.` } : { kind: 'ok', text: `Run settings restored from ${what}.` });
    return true;
  }

  // Restore the run settings of a shared link (at start and when the hash changes).
  const lastHash = useRef('');
  useEffect(() => {
    const restore = async () => {
      const hash = window.location.hash;
      if (!hash || hash === lastHash.current) return;
      lastHash.current = hash;
      try {
        const s = await decodeHash(hash);
        if (s) applyShare(s, 'url');
      } catch (e) {
        if (e instanceof NoModelInLinkError) {
          setNotice({ kind: 'warn', text: e.message });
          return;
        }
        reportFailure('url', e, 'the link', new Map());
        setNotice({ kind: 'warn', text: 'The link could not be read: see the Model tab.' });
      }
    };
    void restore();
    window.addEventListener('hashchange', restore);
    return () => window.removeEventListener('hashchange', restore);
  }, []);

  /** Writes the settings into the URL hash and returns the link. */
  async function shareLink(): Promise<string> {
    const hash = await encodeHash(shareState());
    lastHash.current = hash;
    history.replaceState(null, '', hash);
    return window.location.href;
  }

  return {
    client,
    current,
    userSources,
    params,
    paramTexts,
    setParamText: (name: string, text: string | undefined) =>
      setParamTexts((t) => {
        const next = { ...t };
        if (text === undefined) delete next[name];
        else next[name] = text;
        return next;
      }),
    paramErrors: checked.errors,
    paramWarnings: checked.warnings,
    endCheck,
    tEndDays,
    modelNotes,
    overrides: checked.values,
    compileProblems,
    canRun,
    options,
    setOptions: (patch: Partial<RunOptions>) => setOptions((o) => ({ ...o, ...patch })),
    arms,
    setArms,
    failure,
    setFailure,
    loadWarnings,
    tab,
    setTab,
    substrate,
    setSubstrate,
    notice,
    setNotice,
    selectSource,
    reportFailure,
    startRun,
    runSettings,
    shareState,
    applyShare,
    shareLink,
  };
}

/** The app state object views receive. */
export type AppState = ReturnType<typeof useApp>;
