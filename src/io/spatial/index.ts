/**
 * File outputs of the spatial (agent-based) engine, from `SpatialSnapshot`s:
 *
 * - `snapshots/agents_<t>.arrow`, `snapshots/substrates_<t>.arrow`: Arrow IPC files (one row per
 *   agent / per voxel) for pyarrow, R arrow, polars, DuckDB;
 * - `frames/frame_<t>.png`: the domain seen from above (the mid z-slice in 3D) with the chosen
 *   substrate as a viridis heat map on a fixed range, the cells coloured by type with the
 *   report's stable palette, a legend, a colour bar and the time in days;
 * - `animation.gif`: the frames at 4 frames/s, one palette for all frames;
 * - `reportAnimation` gives the GIF as base64 plus a caption, for the report's "Space" section.
 *
 * `<t>` is the snapshot time in whole minutes, zero-padded to the same width for all files of a
 * run so that names sort by time.
 */
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { SpatialSnapshot } from '../../engines/abm/snapshot.js';
import { writeFileAtomic } from '../atomic.js';
import { agentsToArrowIPC, substratesToArrowIPC, type ArrowWriteOptions } from './arrow.js';
import { GifPaletteBuilder, writeGif } from './gif.js';
import { formatDays, formatTick, renderFrame, type FrameOptions, type RenderedFrame } from './frame.js';
import type { Raster, RGB } from './raster.js';

export { agentsToArrowIPC, substratesToArrowIPC, LENGTH_UNIT, VOLUME_UNIT, type ArrowWriteOptions } from './arrow.js';
export {
  cellTypeColors,
  defaultRange,
  formatDays,
  frameLayout,
  frameSubstrate,
  radiusOfVolume,
  renderFrame,
  sliceLayer,
  slicePlaneZ,
  type FrameLayout,
  type FrameOptions,
  type RenderedFrame,
} from './frame.js';
export { COLORMAP_SIZE, NAN_COLOR, VIRIDIS, colormapIndex, substrateColor } from './colormap.js';
export { GifPaletteBuilder, encodeGif, writeGif, type GifFrame } from './gif.js';
export type { RGB } from './raster.js';

/** Frame delay of the animation (ms): 4 frames per second. */
export const ANIMATION_DELAY_MS = 250;

/** Options of the animation (frame options plus the frame delay). */
export interface AnimationOptions extends FrameOptions {
  /** Delay per frame in milliseconds (default 250, i.e. 4 frames/s). */
  delayMs?: number;
}

/** Options of `writeSpatialOutputs`. */
export interface SpatialOutputOptions {
  /** Substrate shown in the frames (default: the first substrate of the first snapshot that has one). */
  substrate?: string | null;
  /** nichesim version, recorded in the Arrow files' metadata. */
  nichesimVersion?: string;
  /** Frame width in pixels (default 720). */
  width?: number;
  /** Fixed colour range (default [min(0, min), max] over all snapshots). */
  range?: [number, number];
  /** Colours by cell-type name, overriding the report palette. */
  colors?: Record<string, string>;
}

/**
 * Encodes a frame (see `renderFrame`) as PNG (8-bit RGB): the domain from above with the
 * substrate heat map, the cells, a legend, the colour bar with unit and the time in days.
 */
export function renderFramePNG(s: SpatialSnapshot, opts: FrameOptions = {}): Uint8Array {
  return encodePNG(renderFrame(s, opts).raster);
}

/** PNG bytes (8-bit RGB) of a raster. */
function encodePNG(raster: Raster): Uint8Array {
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data = Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength);
  const buf = PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The substrate the frames of a run show by default: the first one of the first snapshot having any. */
export function defaultSubstrate(snapshots: readonly SpatialSnapshot[]): string | null {
  for (const s of snapshots) if (s.substrates.length > 0) return s.substrates[0].name;
  return null;
}

/**
 * The fixed colour range of a substrate over a run: [min(0, min), max] of its finite values over
 * all snapshots (so [0, max] for concentrations), widened to [lo, lo + 1] when degenerate.
 */
export function substrateRange(snapshots: readonly SpatialSnapshot[], name: string): [number, number] {
  let lo = 0;
  let hi = -Infinity;
  for (const s of snapshots) {
    const g = s.substrates.find((x) => x.name === name);
    if (!g) continue;
    for (let i = 0; i < g.values.length; i++) {
      const v = g.values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  return [lo, hi];
}

/** Frame options for each snapshot of a run: one substrate, one fixed range for all frames. */
function runFrameOptions(snapshots: readonly SpatialSnapshot[], opts: FrameOptions): Array<FrameOptions> {
  const substrate = opts.substrate === undefined ? defaultSubstrate(snapshots) : opts.substrate;
  if (substrate !== null && !snapshots.some((s) => s.substrates.some((g) => g.name === substrate))) {
    const have = [...new Set(snapshots.flatMap((s) => s.substrates.map((g) => `'${g.name}'`)))].join(', ') || 'none';
    throw new Error(`substrate '${substrate}' is in none of the snapshots (substrates: ${have})`);
  }
  const range = substrate === null ? undefined : (opts.range ?? substrateRange(snapshots, substrate));
  return snapshots.map((s) => ({
    ...opts,
    substrate: substrate !== null && s.substrates.some((g) => g.name === substrate) ? substrate : null,
    range,
  }));
}

/**
 * The snapshots as an animated GIF (looping, `delayMs` per frame, default 4 frames/s), one frame
 * per snapshot in the given order, with one colour range and one palette for the whole run.
 * Throws for an empty list or a substrate that no snapshot has.
 */
export function renderAnimationGIF(snapshots: SpatialSnapshot[], opts: AnimationOptions = {}): Uint8Array {
  if (snapshots.length === 0) throw new Error('renderAnimationGIF needs at least one snapshot');
  const perFrame = runFrameOptions(snapshots, opts);
  return animate(snapshots, perFrame, opts.delayMs ?? ANIMATION_DELAY_MS);
}

/** Frames of a run kept in memory between the two passes of `animate` while they fit in this many bytes. */
const FRAME_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Two passes over the run: the first renders each frame, hands it to `visit` (e.g. to write its
 * PNG) and samples its colours for the global palette; the second encodes the frames with that
 * palette, reusing the rendered frames while they fit in memory (FRAME_CACHE_BYTES) and
 * rendering them again otherwise, so that a long run never holds all its frames at once.
 */
function animate(
  snapshots: readonly SpatialSnapshot[],
  perFrame: readonly FrameOptions[],
  delayMs: number,
  visit?: (f: RenderedFrame, i: number) => void,
): Uint8Array {
  const pb = new GifPaletteBuilder(snapshots.length);
  const reserved = new Map<number, RGB>();
  const cache: Array<Raster | undefined> = [];
  let cached = 0;
  snapshots.forEach((s, i) => {
    const f = renderFrame(s, perFrame[i]);
    visit?.(f, i);
    for (const c of f.uiColors) reserved.set((c[0] << 16) | (c[1] << 8) | c[2], c);
    pb.add({ data: f.raster.data, width: f.raster.width, height: f.raster.height });
    if (cached + f.raster.data.byteLength <= FRAME_CACHE_BYTES) {
      cache[i] = f.raster;
      cached += f.raster.data.byteLength;
    }
  });
  const palette = pb.palette([...reserved.values()]);
  return writeGif(
    snapshots.length,
    (i) => {
      const raster = cache[i] ?? renderFrame(snapshots[i], perFrame[i]).raster;
      cache[i] = undefined;
      return { data: raster.data, width: raster.width, height: raster.height };
    },
    palette,
    pb.width,
    pb.height,
    delayMs,
  );
}

/**
 * File-name stems of the snapshot times: whole minutes zero-padded to a common width (at least 6
 * digits), with a fractional part when a time is not whole and `_2`, `_3`, … for repeated times.
 */
export function timeStems(times: readonly number[]): string[] {
  const whole = (t: number): string => String(Math.floor(Math.abs(t)));
  const width = Math.max(6, ...times.map((t) => (Number.isFinite(t) ? whole(t).length : 0)));
  const seen = new Map<string, number>();
  return times.map((t) => {
    let stem: string;
    if (!Number.isFinite(t)) stem = String(t);
    else {
      const frac = Math.abs(t) - Math.floor(Math.abs(t));
      stem = (t < 0 ? '-' : '') + whole(t).padStart(width, '0') + (frac > 0 ? String(Number(frac.toFixed(6))).slice(1) : '');
    }
    const count = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, count);
    return count === 1 ? stem : `${stem}_${count}`;
  });
}

/**
 * Writes the spatial outputs of a run into `dir`, each file atomically (temporary sibling and
 * rename): `snapshots/agents_<t>.arrow`, `snapshots/substrates_<t>.arrow`, `frames/frame_<t>.png`
 * for every snapshot and `animation.gif` for the whole run. The frames show `opts.substrate`
 * (default: the first substrate) on one fixed range for the run (default [0, max over all
 * snapshots]). Returns the written paths (agents and substrates files, then frames, then the
 * animation); nothing is written for an empty list.
 */
export function writeSpatialOutputs(dir: string, snapshots: SpatialSnapshot[], opts: SpatialOutputOptions = {}): string[] {
  if (snapshots.length === 0) return [];
  const arrowOpts: ArrowWriteOptions = opts.nichesimVersion !== undefined ? { nichesimVersion: opts.nichesimVersion } : {};
  const frameOpts: FrameOptions = { substrate: opts.substrate, width: opts.width, range: opts.range, colors: opts.colors };
  const perFrame = runFrameOptions(snapshots, frameOpts);
  const stems = timeStems(snapshots.map((s) => s.time));
  const written: string[] = [];
  const put = (path: string, bytes: Uint8Array): void => {
    writeFileAtomic(path, bytes);
    written.push(path);
  };
  snapshots.forEach((s, i) => {
    put(join(dir, 'snapshots', `agents_${stems[i]}.arrow`), agentsToArrowIPC(s, arrowOpts));
    put(join(dir, 'snapshots', `substrates_${stems[i]}.arrow`), substratesToArrowIPC(s, arrowOpts));
  });
  const gif = animate(snapshots, perFrame, ANIMATION_DELAY_MS, (f, i) => put(join(dir, 'frames', `frame_${stems[i]}.png`), encodePNG(f.raster)));
  put(join(dir, 'animation.gif'), gif);
  return written;
}

/**
 * The caption of the run's animation: what is shown (view, substrate, fixed range, unit), the
 * time span and the frame rate, and how cells are coloured.
 */
export function animationCaption(snapshots: readonly SpatialSnapshot[], opts: AnimationOptions = {}): string {
  if (snapshots.length === 0) return 'No spatial snapshots.';
  const first = snapshots[0];
  const perFrame = runFrameOptions(snapshots, opts);
  const substrate = perFrame.find((o) => o.substrate)?.substrate ?? null;
  const unit = substrate ? (snapshots.flatMap((s) => s.substrates).find((g) => g.name === substrate)?.unit ?? '') : '';
  const fps = 1000 / (opts.delayMs ?? ANIMATION_DELAY_MS);
  const times = snapshots.map((s) => s.time);
  const view =
    first.dims === 3
      ? 'The z-slice through the middle of the 3D domain, seen from above (cells cut by the slice, drawn at their cross-section)'
      : 'The 2D domain seen from above';
  const n = snapshots.length;
  const span =
    n === 1
      ? `at day ${formatDays(times[0])}`
      : `from day ${formatDays(Math.min(...times))} to day ${formatDays(Math.max(...times))}, ${n} frames at ${formatTick(fps)} frames/s`;
  const heat = substrate
    ? ` Background: ${substrate} (${unit}) on a fixed viridis scale from ${formatTick(perFrame[0].range?.[0] ?? 0)} to ${formatTick(perFrame[0].range?.[1] ?? 1)} ${unit} (dark purple: low, yellow: high), the same in every frame.`
    : ' No substrate is shown.';
  const types = first.cellTypes.map((c) => c.label || c.name).join(', ');
  const cells = types
    ? ` Cells are discs of their size, coloured by type as in the plots (${types}); dead cells are greyed (apoptotic: light grey, necrotic: mid grey, dark outline).`
    : '';
  return `${view}, ${span}.${heat}${cells}`;
}

/**
 * The animation for the report's "Space" section: the GIF (rendered here unless given) as base64
 * and its caption. Pass the bytes already written by `writeSpatialOutputs` to avoid rendering twice.
 */
export function reportAnimation(
  snapshots: SpatialSnapshot[],
  opts: AnimationOptions = {},
  gif?: Uint8Array,
): { gifBase64: string; caption: string } {
  const bytes = gif ?? renderAnimationGIF(snapshots, opts);
  return { gifBase64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), caption: animationCaption(snapshots, opts) };
}
