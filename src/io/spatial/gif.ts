/**
 * Animated GIF of a run's frames with gifenc, using one global palette for all frames so that
 * colours do not flicker from frame to frame.
 *
 * The palette is built once: the exact colours of text, legend and cells (known to the renderer)
 * are reserved first, and the remaining entries come from gifenc's quantizer run over a
 * deterministic, evenly strided sample of the pixels of all frames (the heat map, mostly). When
 * all frames together use at most 256 distinct colours, the palette is exactly those colours.
 */
import * as gifencNs from 'gifenc';
import type { GifPalette } from 'gifenc';
import type { RGB } from './raster.js';

/** The three gifenc functions used here. */
interface GifencApi {
  GIFEncoder: typeof gifencNs.GIFEncoder;
  quantize: typeof gifencNs.quantize;
  applyPalette: typeof gifencNs.applyPalette;
}

/** gifenc's API whether the CommonJS build (Node: everything under `default`) or the ESM build loaded. */
const gifenc: GifencApi = (() => {
  const ns = gifencNs as unknown as Partial<GifencApi> & { default?: Partial<GifencApi> };
  const api = typeof ns.quantize === 'function' ? ns : ns.default;
  if (!api || typeof api.quantize !== 'function' || typeof api.applyPalette !== 'function' || typeof api.GIFEncoder !== 'function') {
    throw new Error('gifenc did not load as expected (GIFEncoder, quantize and applyPalette are missing)');
  }
  return api as GifencApi;
})();

/** One frame's pixels (RGBA8, row-major, opaque). */
export interface GifFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Largest number of pixels fed to the quantizer. */
const SAMPLE_LIMIT = 1 << 20;
/** Most palette entries reserved for exact interface colours. */
const RESERVED_LIMIT = 128;

/** 24-bit key of an [r, g, b] colour. */
function key(c: RGB | number[]): number {
  return (c[0] << 16) | (c[1] << 8) | c[2];
}

/** Copies a frame onto a white canvas of `width` × `height` (frames are top-left aligned). */
function padFrame(f: GifFrame, width: number, height: number): Uint8Array {
  if (f.width === width && f.height === height && f.data.byteOffset === 0 && f.data.byteLength === f.data.buffer.byteLength) return f.data;
  const out = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < f.height; y++) out.set(f.data.subarray(y * f.width * 4, (y + 1) * f.width * 4), y * width * 4);
  return out;
}

/**
 * Collects what the global palette needs from the frames of a run, one frame at a time (so a
 * long run never holds all its frames in memory): the distinct colours while there are at most
 * 256, and an evenly strided sample of the pixels, at most about 2^20 in all.
 */
export class GifPaletteBuilder {
  private readonly distinct = new Set<number>();
  private few = true;
  private readonly sample: number[] = [];
  private readonly perFrame: number;
  /** Largest frame size seen. */
  width = 0;
  height = 0;

  /** `nFrames`: how many frames will be added (sets the sampling stride). */
  constructor(nFrames: number) {
    this.perFrame = Math.max(1, Math.ceil(SAMPLE_LIMIT / Math.max(1, nFrames)));
    this.distinct.add(0xffffff); // white: the background and the padding of smaller frames
  }

  /** Adds one frame's pixels. */
  add(f: GifFrame): void {
    this.width = Math.max(this.width, f.width);
    this.height = Math.max(this.height, f.height);
    const d = f.data;
    const n = f.width * f.height;
    if (this.few) {
      let prev = -1;
      for (let o = 0; o < 4 * n; o += 4) {
        const c = (d[o] << 16) | (d[o + 1] << 8) | d[o + 2];
        if (c === prev) continue;
        prev = c;
        this.distinct.add(c);
        if (this.distinct.size > 256) {
          this.few = false;
          break;
        }
      }
    }
    const stride = Math.max(1, Math.ceil(n / this.perFrame));
    for (let p = 0; p < n; p += stride) {
      const o = 4 * p;
      this.sample.push((d[o] << 16) | (d[o + 1] << 8) | d[o + 2]);
    }
  }

  /**
   * The palette: exactly the distinct colours when there are at most 256; otherwise the
   * `reserved` colours (at most 128) plus gifenc's quantization of the other sampled pixels.
   */
  palette(reserved: RGB[]): GifPalette {
    const toRgb = (c: number): number[] => [(c >> 16) & 255, (c >> 8) & 255, c & 255];
    if (this.few && this.distinct.size <= 256) {
      const all = [...this.distinct].sort((x, y) => x - y).map(toRgb);
      return all.length > 0 ? all : [[255, 255, 255]];
    }
    const keep = new Set<number>();
    for (const c of reserved) {
      if (keep.size >= RESERVED_LIMIT) break;
      keep.add(key(c));
    }
    const rest = this.sample.filter((c) => !keep.has(c));
    const palette: number[][] = [...keep].sort((x, y) => x - y).map(toRgb);
    const room = 256 - palette.length;
    if (rest.length > 0 && room > 0) {
      const rgba = new Uint8Array(rest.length * 4);
      rest.forEach((c, i) => {
        rgba[4 * i] = (c >> 16) & 255;
        rgba[4 * i + 1] = (c >> 8) & 255;
        rgba[4 * i + 2] = c & 255;
        rgba[4 * i + 3] = 255;
      });
      for (const c of gifenc.quantize(rgba, room, { format: 'rgb565' })) {
        const rgb = [c[0], c[1], c[2]];
        if (palette.length < 256 && !keep.has(key(rgb))) {
          keep.add(key(rgb));
          palette.push(rgb);
        }
      }
    }
    return palette.length > 0 ? palette : [[255, 255, 255]];
  }
}

/**
 * Writes frames as an animated GIF that loops forever, with one global `palette`, all frames on
 * a `width` × `height` canvas (smaller frames padded with white) and `delayMs` per frame.
 * `frame(i)` is called once per frame, in order, so frames can be produced on demand.
 */
export function writeGif(count: number, frame: (i: number) => GifFrame, palette: GifPalette, width: number, height: number, delayMs: number): Uint8Array {
  const gif = gifenc.GIFEncoder();
  for (let i = 0; i < count; i++) {
    const index = gifenc.applyPalette(padFrame(frame(i), width, height), palette, 'rgb565');
    gif.writeFrame(index, width, height, i === 0 ? { palette, delay: delayMs, repeat: 0 } : { delay: delayMs });
  }
  gif.finish();
  return gif.bytes();
}

/**
 * Encodes frames held in memory as an animated GIF that loops forever, `delayMs` per frame
 * (default 250 ms, i.e. 4 frames/s), one global palette. `reserved` lists colours to keep exact.
 */
export function encodeGif(frames: GifFrame[], reserved: RGB[] = [], delayMs = 250): Uint8Array {
  if (frames.length === 0) throw new Error('cannot encode an animation without frames');
  const pb = new GifPaletteBuilder(frames.length);
  for (const f of frames) pb.add(f);
  return writeGif(frames.length, (i) => frames[i], pb.palette(reserved), pb.width, pb.height, delayMs);
}
