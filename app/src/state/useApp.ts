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
import { type Arm, decodeHash, encodeHash, type ShareState } from './share.js';

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
  /** End time (days) or null for the default. */
  tEndDays: number | null;
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
  const [options, setOptions] = useState<RunOptions>({ engine: 'ode', seed: 1, tEndDays: null, speed: 1 });
  const [arms, setArms] = useState<Arm[]>([
    { kind: 'scenario', path: 'scenarios/aml-untreated.yaml' },
    { kind: 'scenario', path: 'scenarios/aml-csf1ri.yaml' },
  ]);
  const [failure, setFailure] = useState<LoadFailure | null>(null);
  const [loadWarnings, setLoadWarnings] = useState<string[]>([]);
  const [tab, setTab] = useState('model');
  const [substrate, setSubstrate] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

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
  const canRun = Object.keys(checked.errors).length === 0 && compileProblems.length === 0;

  /** Switches to a model; on failure keeps the current one and reports where the problem is. */
  function selectSource(src: ModelSource, origin: LoadFailure['origin'], warnings: string[] = [], keepParams?: Record<string, string>): boolean {
    let next: CurrentModel;
    try {
      next = loadSource(src);
    } catch (e) {
      const texts = new Map<string, string>();
      if (src.kind !== 'shipped') texts.set(src.file, src.text);
      setFailure({ origin, diagnostics: toDiagnostics(e, sourceFile(src)), texts });
      return false;
    }
    client.reset();
    setCurrent(next);
    setParamTexts(keepParams ?? {});
    setFailure(null);
    setLoadWarnings([...warnings, ...(next.kind === 'sbml' ? next.warnings : [])]);
    if (src.kind !== 'shipped') setUserSources((list) => [...list.filter((s) => sourceFile(s) !== src.file), src]);
    if (next.kind === 'sbml' && options.engine === 'abm') setOptions((o) => ({ ...o, engine: 'ode' }));
    return true;
  }

  /** Reports a failure that happened before a source could be made (e.g. an unreadable PhysiCell project). */
  function reportFailure(origin: LoadFailure['origin'], e: unknown, file: string, texts: Map<string, string>): void {
    setFailure({ origin, diagnostics: toDiagnostics(e, file), texts });
  }

  function runSettings(): RunSettings {
    const tEndDays = options.tEndDays ?? (options.engine === 'abm' && current.kind === 'nichesim' ? ABM_DEFAULT_DAYS : null);
    return {
      engine: current.kind === 'sbml' ? 'ode' : options.engine,
      parameters: checked.values,
      seed: options.seed,
      tEnd: tEndDays === null ? undefined : tEndDays * 1440,
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

  const shareState = (): ShareState => ({ source: current.source, set: { ...paramTexts }, engine: options.engine, seed: options.seed, tEndDays: options.tEndDays, arms, tab });

  /** Restores shared settings; returns whether the model loaded. */
  function applyShare(s: ShareState, origin: LoadFailure['origin']): boolean {
    const ok = selectSource(s.source, origin, [], s.set);
    if (!ok) return false;
    setOptions((o) => ({ ...o, engine: s.engine, seed: s.seed, tEndDays: s.tEndDays }));
    if (s.arms.length) setArms(s.arms);
    if (s.tab) setTab(s.tab);
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
        if (s && applyShare(s, 'url')) setNotice('Run settings restored from the link.');
      } catch (e) {
        reportFailure('url', e, 'the link', new Map());
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
