/**
 * Model data composed from several files (layer 4): a base model (and the models it extends),
 * intervention fragments, a scenario's inline changes and generated parts, each remembered with
 * the file and position it came from, so that every error names the right file and line.
 *
 * Mappings merge key by key (a later layer wins); the lists `rules`, `dosing` and
 * `pharmacokinetics` are collected entry by entry, each entry keeping its own origin.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { pathToString } from '../model/diagnostics.js';
import { hasPath, type LocatedDocument, type PathKey } from '../model/located.js';

/** Part of the model data and where it came from. */
export interface Layer {
  /** Model data (top-level keys of a model file), without the appended lists. */
  data: Record<string, unknown>;
  file: string;
  /** Position of a model path in `file` (nearest existing ancestor when absent). */
  locate(path: ReadonlyArray<PathKey>, key?: boolean): { line: number; column: number };
  /** The file of a path when it differs from `file` (generated entries that point elsewhere). */
  fileAt?(path: ReadonlyArray<PathKey>): string;
  /** Where the layer's data sits in its file (e.g. ['model'] of an intervention), for messages. */
  prefix?: PathKey[];
}

/** One entry of an appended list and its origin. */
export interface ListEntry {
  value: unknown;
  layer: Layer;
  /** Path of the entry inside the layer's coordinates (what `layer.locate` expects). */
  path: PathKey[];
}

export const LIST_KEYS = ['rules', 'dosing', 'pharmacokinetics'] as const;
export type ListKey = (typeof LIST_KEYS)[number];

/** A layer whose data sits at `prefix` of a located document (e.g. an intervention's `model:`). */
export function subLayer(doc: LocatedDocument, file: string, prefix: PathKey[], data: unknown): Layer {
  return {
    data: isPlainObject(data) ? data : {},
    file,
    prefix,
    locate: (path, key) => doc.locate([...prefix, ...path], key),
  };
}

/** The composed model data with its locator (a LocatedDocument that knows which file each path came from). */
export class Composition {
  readonly layers: Layer[] = [];
  readonly lists: Record<ListKey, ListEntry[]> = { rules: [], dosing: [], pharmacokinetics: [] };

  /** Adds a layer: its mappings merge over earlier ones; its list entries are appended. */
  add(layer: Layer): void {
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(layer.data)) {
      if ((LIST_KEYS as readonly string[]).includes(k) && Array.isArray(v)) {
        v.forEach((value, i) => this.lists[k as ListKey].push({ value, layer, path: [k, i] }));
      } else data[k] = v;
    }
    this.layers.push({ ...layer, data });
  }

  /** The merged data (a fresh object). */
  data(): Record<string, unknown> {
    let out: Record<string, unknown> = {};
    for (const l of this.layers) out = merge(out, l.data) as Record<string, unknown>;
    for (const k of LIST_KEYS) out[k] = this.lists[k].map((e) => e.value);
    return out;
  }

  /** Where a path of the merged data came from. */
  origin(path: ReadonlyArray<PathKey>): { layer: Layer; path: PathKey[] } | null {
    if (path.length >= 2 && (LIST_KEYS as readonly string[]).includes(String(path[0])) && typeof path[1] === 'number') {
      const e = this.lists[path[0] as ListKey][path[1]];
      if (e) return { layer: e.layer, path: [...e.path, ...path.slice(2)] };
    }
    for (let n = path.length; n >= 1; n--) {
      const prefix = path.slice(0, n);
      for (let i = this.layers.length - 1; i >= 0; i--) {
        if (hasPath(this.layers[i].data, prefix)) return { layer: this.layers[i], path: [...path] };
      }
    }
    return this.layers.length ? { layer: this.layers[this.layers.length - 1], path: [] } : null;
  }

  /** A LocatedDocument over the merged data, for the model schema and normaliser. */
  document(fallbackFile: string): LocatedDocument {
    return {
      data: this.data(),
      locate: (path, key) => {
        const o = this.origin(path);
        return o ? o.layer.locate(o.path, key) : { line: 1, column: 1 };
      },
      fileAt: (path) => {
        const o = this.origin(path);
        return o ? (o.layer.fileAt?.(o.path) ?? o.layer.file) : fallbackFile;
      },
    };
  }

  /**
   * Rewrites a diagnostic about the merged model (path such as `rules[37].half_max`) to the path in
   * the file it came from (e.g. `model.rules[2].half_max` of an intervention file).
   */
  relocate(d: Diagnostic): Diagnostic {
    const m = /^(rules|dosing|pharmacokinetics)\[(\d+)\](.*)$/.exec(d.path);
    if (m) {
      const e = this.lists[m[1] as ListKey][Number(m[2])];
      if (e && e.path.length) return { ...d, path: pathToString([...(e.layer.prefix ?? []), ...e.path]) + m[3] };
      if (e) return { ...d, path: `${m[1]} (generated)${m[3]}` };
      return d;
    }
    const first = d.path.split(/[.[]/)[0];
    if (!first) return d;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      if (first in l.data && (l.fileAt?.([first]) ?? l.file) === d.file) return l.prefix?.length ? { ...d, path: `${pathToString(l.prefix)}.${d.path}` } : d;
    }
    return d;
  }

  /** A located error at a path of the merged data. */
  error(path: PathKey[], message: string, hint: string, fallbackFile: string): Diagnostic {
    const o = this.origin(path);
    const at = o ? o.layer.locate(o.path) : { line: 1, column: 1 };
    return { severity: 'error', file: o ? (o.layer.fileAt?.(o.path) ?? o.layer.file) : fallbackFile, line: at.line, column: at.column, path: pathToString(path), message, hint };
  }
}

function merge(a: unknown, b: unknown): unknown {
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
    return out;
  }
  return b;
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
