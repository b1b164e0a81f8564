/**
 * Shareable run settings: the model (a shipped path, or the full text of a loaded file,
 * deflate-compressed and base64url-encoded), parameter overrides, engine, seed, end time,
 * treatment arms and the open tab, in the URL hash; and the same as a small JSON file.
 *
 * Hash keys (URLSearchParams syntax): `model` (shipped path) or `modelz` + `file` (+ `kind=sbml`,
 * `agentsz`); `set` (repeated, `name=value` in the unit the model wrote it in); `engine`
 * (`ode`|`abm`); `seed`; `tend` (days); `arm` (repeated, see encodeArm); `tab`.
 */
import type { ModelSource, AgentPlacement } from './modelSource.js';

/** A treatment arm of the Therapies view. */
export type Arm =
  | { kind: 'scenario'; path: string }
  /** An intervention given to the current model: start day, cycles, interval (days). */
  | { kind: 'custom'; intervention: string; start: number; cycles: number; interval: number };

/** Everything a shared link restores. */
export interface ShareState {
  source: ModelSource;
  /** Typed parameter values, by name, in the unit the model wrote them in. */
  set: Record<string, string>;
  engine: 'ode' | 'abm';
  seed: number;
  /** End time (days), or null for the default. */
  tEndDays: number | null;
  arms: Arm[];
  tab?: string;
  /** What a link or file held that could not be used (decodeHash, readShareFile): shown to the user, never saved. */
  dropped?: string[];
}

/** Format marker of share files. */
export const SHARE_FORMAT = 'nichesim_share';

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** Text -> deflate-raw -> base64url. */
export async function compressText(text: string): Promise<string> {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
}

/** base64url -> inflate-raw -> text. @throws Error for damaged data */
export async function decompressText(data: string): Promise<string> {
  return new TextDecoder().decode(await pipe(fromBase64Url(data), new DecompressionStream('deflate-raw')));
}

/** An arm as text: `scenario:<path>` or `custom:<intervention>,<start>,<cycles>,<interval>`. */
export function encodeArm(a: Arm): string {
  return a.kind === 'scenario' ? `scenario:${a.path}` : `custom:${a.intervention},${a.start},${a.cycles},${a.interval}`;
}

/** Reads an arm written by encodeArm, or null. */
export function decodeArm(text: string): Arm | null {
  if (text.startsWith('scenario:')) return { kind: 'scenario', path: text.slice('scenario:'.length) };
  const m = /^custom:([A-Za-z][A-Za-z0-9_]*),([-+0-9.eE]+),(\d+),([-+0-9.eE]+)$/.exec(text);
  if (!m) return null;
  const [start, cycles, interval] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (![start, cycles, interval].every(Number.isFinite)) return null;
  return { kind: 'custom', intervention: m[1], start, cycles, interval };
}

/** The URL hash (with '#') for a state. */
export async function encodeHash(s: ShareState): Promise<string> {
  const p = new URLSearchParams();
  if (s.source.kind === 'shipped') p.set('model', s.source.path);
  else {
    p.set('file', s.source.file);
    if (s.source.kind === 'sbml') p.set('kind', 'sbml');
    p.set('modelz', await compressText(s.source.text));
    if (s.source.kind === 'sbml' && s.source.settingsText) p.set('settingsz', await compressText(s.source.settingsText));
    if (s.source.kind === 'text' && s.source.agents?.length) p.set('agentsz', await compressText(JSON.stringify(s.source.agents)));
    if (s.source.kind === 'text' && s.source.origin) p.set('origin', s.source.origin);
  }
  for (const [k, v] of Object.entries(s.set)) p.append('set', `${k}=${v}`);
  p.set('engine', s.engine);
  p.set('seed', String(s.seed));
  if (s.tEndDays !== null) p.set('tend', String(s.tEndDays));
  for (const a of s.arms) p.append('arm', encodeArm(a));
  if (s.tab) p.set('tab', s.tab);
  return '#' + p.toString();
}

/** A link that holds settings but no model (no `model=` nor `modelz=`). */
export class NoModelInLinkError extends Error {}

/** Hash keys decodeHash reads. */
const HASH_KEYS = new Set(['model', 'modelz', 'file', 'kind', 'settingsz', 'agentsz', 'origin', 'set', 'engine', 'seed', 'tend', 'arm', 'tab']);

/** Cuts a value for a message. */
function quote(v: string): string {
  return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
}

/**
 * Reads a URL hash. Returns null for an empty hash. Pieces it cannot use (a bad engine, seed or
 * end time, an unreadable arm, an unknown key) are left out and described in `dropped`.
 * @throws NoModelInLinkError when the hash holds settings but no model; Error when the compressed model text is damaged
 */
export async function decodeHash(hash: string): Promise<ShareState | null> {
  const raw = hash.replace(/^#/, '');
  if (raw.trim() === '') return null;
  const p = new URLSearchParams(raw);
  const dropped: string[] = [];
  let source: ModelSource;
  const shipped = p.get('model');
  const z = p.get('modelz');
  if (shipped) source = { kind: 'shipped', path: shipped };
  else if (z) {
    const text = await decompressText(z);
    const file = p.get('file') ?? 'user/shared.yaml';
    if (p.get('kind') === 'sbml') {
      const sz = p.get('settingsz');
      source = { kind: 'sbml', file, text, settingsText: sz ? await decompressText(sz) : undefined };
    } else {
      const az = p.get('agentsz');
      source = { kind: 'text', file, text, agents: az ? (JSON.parse(await decompressText(az)) as AgentPlacement[]) : undefined, origin: p.get('origin') === 'physicell' ? 'physicell' : undefined };
    }
  } else {
    throw new NoModelInLinkError(`The link names no model (model=... or modelz=...): nothing was restored from it (${quote(raw)}).`);
  }
  for (const k of new Set(p.keys())) if (!HASH_KEYS.has(k)) dropped.push(`unknown setting ${quote(k)}`);
  const set: Record<string, string> = {};
  for (const kv of p.getAll('set')) {
    const eq = kv.indexOf('=');
    if (eq > 0) set[kv.slice(0, eq)] = kv.slice(eq + 1);
    else dropped.push(`parameter setting ${quote(kv)} (expected name=value)`);
  }
  const engineText = p.get('engine');
  let engine: 'ode' | 'abm' = 'ode';
  if (engineText === 'abm' || engineText === 'ode') engine = engineText;
  else if (engineText !== null) dropped.push(`engine ${quote(engineText)} (expected ode or abm; the mean-field engine is used)`);
  const seedText = p.get('seed');
  let seed = 1;
  if (seedText !== null) {
    const v = Number(seedText);
    if (seedText.trim() !== '' && Number.isInteger(v) && v >= 0) seed = v;
    else dropped.push(`seed ${quote(seedText)} (expected a whole number >= 0; seed 1 is used)`);
  }
  const tend = p.get('tend');
  let tEndDays: number | null = null;
  if (tend !== null) {
    const v = Number(tend);
    if (tend.trim() !== '' && Number.isFinite(v) && v > 0) tEndDays = v;
    else dropped.push(`end time ${quote(tend)} (expected a number of days > 0; the model's default is used)`);
  }
  const arms: Arm[] = [];
  for (const text of p.getAll('arm')) {
    const a = decodeArm(text);
    if (a) arms.push(a);
    else dropped.push(`treatment arm ${quote(text)}`);
  }
  return { source, set, engine, seed, tEndDays, arms, tab: p.get('tab') ?? undefined, dropped };
}

/** The state as a share file (JSON text; the model text is included as is). */
export function shareFileText(s: ShareState): string {
  const { dropped: _dropped, ...rest } = s;
  return JSON.stringify({ [SHARE_FORMAT]: 1, ...rest }, null, 2) + '\n';
}

/** True when a parsed JSON value is a share file. */
export function isShareFile(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>)[SHARE_FORMAT] === 1;
}

/** Reads a share file. @throws Error naming what is missing */
export function readShareFile(data: unknown): ShareState {
  const o = data as Record<string, unknown>;
  const src = o.source as ModelSource | undefined;
  if (!src || typeof src !== 'object' || !('kind' in src)) throw new Error('share file: missing "source" (the model)');
  if (src.kind === 'shipped' ? typeof src.path !== 'string' : typeof src.text !== 'string' || typeof src.file !== 'string') throw new Error('share file: "source" needs a path, or a file and its text');
  const seed = Number(o.seed ?? 1);
  const tEnd = o.tEndDays === null || o.tEndDays === undefined ? null : Number(o.tEndDays);
  const dropped: string[] = [];
  if (o.engine !== undefined && o.engine !== 'ode' && o.engine !== 'abm') dropped.push(`engine ${quote(String(o.engine))} (expected ode or abm; the mean-field engine is used)`);
  if (!(Number.isInteger(seed) && seed >= 0)) dropped.push(`seed ${quote(String(o.seed))} (expected a whole number >= 0; seed 1 is used)`);
  if (tEnd !== null && !(Number.isFinite(tEnd) && tEnd > 0)) dropped.push(`end time ${quote(String(o.tEndDays))} (expected a number of days > 0; the model's default is used)`);
  return {
    dropped,
    source: src,
    set: typeof o.set === 'object' && o.set !== null ? Object.fromEntries(Object.entries(o.set as Record<string, unknown>).map(([k, v]) => [k, String(v)])) : {},
    engine: o.engine === 'abm' ? 'abm' : 'ode',
    seed: Number.isInteger(seed) && seed >= 0 ? seed : 1,
    tEndDays: tEnd !== null && Number.isFinite(tEnd) && tEnd > 0 ? tEnd : null,
    arms: Array.isArray(o.arms) ? (o.arms as Arm[]).filter((a) => a && (a.kind === 'scenario' || a.kind === 'custom')) : [],
    tab: typeof o.tab === 'string' ? o.tab : undefined,
  };
}
