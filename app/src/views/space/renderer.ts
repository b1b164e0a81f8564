/**
 * Framework-free Canvas 2D renderer of a SpaceFrame, fast enough for 10^4+ agents in software
 * rendering: every frame is rasterised into one ImageData (32-bit pixel writes, no per-agent
 * canvas calls) and put on the canvas in a single `putImageData`.
 *
 * Picture (as the CLI's PNG frames): the domain scaled to fit the canvas (aspect kept, centred,
 * y axis up), an optional viridis heat map of one substrate (nearest voxel), then the agents as
 * discs of their radius: dead cells first (apoptotic light grey, necrotic mid grey, dark rim),
 * then live cells in their type's colour with a darker rim.
 */
import type { SpaceFrame } from '../../worker/protocol.js';
import { substrateRange } from './frameStats.js';
import {
  APOPTOTIC,
  BORDER,
  DEAD_RIM,
  EMPTY_PLOT,
  NAN_COLOR,
  NECROTIC,
  VIRIDIS,
  cellTypeColors,
  hexToRgb,
  mixRgb,
  type RGB,
} from './palette.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Packs an opaque RGB colour as one 32-bit pixel of an ImageData's Uint32 view. */
function pack(c: RGB): number {
  return LITTLE_ENDIAN ? ((255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0 : ((c[0] << 24) | (c[1] << 16) | (c[2] << 8) | 255) >>> 0;
}

const BLACK: RGB = [0, 0, 0];

/** Plot rectangle inside the canvas, in device pixels. */
interface PlotRect {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Device pixels per micrometre. */
  k: number;
}

/** Draws SpaceFrames on one canvas (see the module comment). */
export class SpaceRenderer {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private image: ImageData | null = null;
  private pixels: Uint32Array = new Uint32Array(0);
  /** Cached background (letterbox, border, heat map or empty plot) and its key. */
  private background: Uint32Array = new Uint32Array(0);
  private backgroundKey: unknown[] = [];
  /** Per-type fill and rim pixels, cached by the joined type names. */
  private typeKey = '';
  private typeFill = new Uint32Array(0);
  private typeRim = new Uint32Array(0);
  private readonly deadFill = [0, pack(APOPTOTIC), pack(NECROTIC)];
  private readonly deadRim = pack(DEAD_RIM);
  private dpr = 1;

  /** Binds the renderer to a canvas (its 2D context is created here). */
  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
  }

  /**
   * Sets the drawing size in CSS pixels; the backing store is `dpr` times larger. Without a call
   * the canvas's own width and height attributes are used as they are.
   */
  setSize(cssWidth: number, cssHeight: number, dpr: number = globalThis.devicePixelRatio || 1): void {
    const w = Math.max(1, Math.round(cssWidth * dpr));
    const h = Math.max(1, Math.round(cssHeight * dpr));
    this.dpr = dpr;
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
  }

  /** Clears the canvas. */
  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /**
   * Draws one frame, with the heat map of the substrate named `substrate` underneath (none for
   * null or a name the frame lacks).
   */
  draw(frame: SpaceFrame, substrate: string | null): void {
    const W = this.canvas.width;
    const H = this.canvas.height;
    if (W < 1 || H < 1) return;
    if (!this.image || this.image.width !== W || this.image.height !== H) {
      this.image = this.ctx.createImageData(W, H);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    const plot = this.plotRect(frame, W, H);
    const grid = substrate === null ? null : (frame.substrates.find((s) => s.name === substrate) ?? null);
    this.prepareBackground(frame, grid, plot, W, H);
    this.pixels.set(this.background);
    this.prepareTypeColors(frame);
    this.drawAgents(frame, plot, W, 1);
    this.drawAgents(frame, plot, W, 0);
    this.ctx.putImageData(this.image, 0, 0);
  }

  /** The domain fitted into the canvas, aspect kept, centred, 1 px margin for the border. */
  private plotRect(frame: SpaceFrame, W: number, H: number): PlotRect {
    const sx = frame.size[0] > 0 ? frame.size[0] : 1;
    const sy = frame.size[1] > 0 ? frame.size[1] : 1;
    const k = Math.min((W - 2) / sx, (H - 2) / sy);
    const w = Math.max(1, Math.floor(sx * k));
    const h = Math.max(1, Math.floor(sy * k));
    return { x: Math.floor((W - w) / 2), y: Math.floor((H - h) / 2), w, h, k };
  }

  /** Rebuilds the cached background when the grid, its range or the geometry changed. */
  private prepareBackground(frame: SpaceFrame, grid: SpaceFrame['substrates'][number] | null, p: PlotRect, W: number, H: number): void {
    const key = [W, H, p.x, p.y, p.w, p.h, grid?.values ?? null, grid?.nx, grid?.ny];
    if (key.length === this.backgroundKey.length && key.every((v, i) => v === this.backgroundKey[i])) return;
    this.backgroundKey = key;
    if (this.background.length !== W * H) this.background = new Uint32Array(W * H);
    const bg = this.background;
    bg.fill(0);
    // Border one pixel outside the plot.
    const border = pack(BORDER);
    const x0 = p.x - 1;
    const x1 = p.x + p.w;
    for (let x = Math.max(0, x0); x <= Math.min(W - 1, x1); x++) {
      if (p.y - 1 >= 0) bg[(p.y - 1) * W + x] = border;
      if (p.y + p.h < H) bg[(p.y + p.h) * W + x] = border;
    }
    for (let y = Math.max(0, p.y - 1); y <= Math.min(H - 1, p.y + p.h); y++) {
      if (x0 >= 0) bg[y * W + x0] = border;
      if (x1 < W) bg[y * W + x1] = border;
    }
    const { nx, ny } = grid ?? { nx: 0, ny: 0 };
    if (!grid || nx < 1 || ny < 1 || grid.values.length < nx * ny) {
      const empty = pack(EMPTY_PLOT);
      for (let y = 0; y < p.h; y++) bg.fill(empty, (p.y + y) * W + p.x, (p.y + y) * W + p.x + p.w);
      return;
    }
    // Colour of every voxel, then nearest-voxel lookup per pixel (row 0 is the top: high y).
    const [lo, hi] = substrateRange(grid.values);
    const lut = VIRIDIS.map(pack);
    const nan = pack(NAN_COLOR);
    const scale = 255 / (hi - lo);
    const voxel = new Uint32Array(nx * ny);
    for (let v = 0; v < nx * ny; v++) {
      const value = grid.values[v];
      if (Number.isNaN(value)) voxel[v] = nan;
      else {
        const t = (value - lo) * scale;
        voxel[v] = lut[t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t)];
      }
    }
    const col = new Int32Array(p.w);
    for (let ix = 0; ix < p.w; ix++) col[ix] = Math.min(nx - 1, Math.floor(((ix + 0.5) / p.w) * nx));
    for (let iy = 0; iy < p.h; iy++) {
      const j = Math.min(ny - 1, Math.floor(((p.h - iy - 0.5) / p.h) * ny));
      const rowBase = j * nx;
      let o = (p.y + iy) * W + p.x;
      for (let ix = 0; ix < p.w; ix++, o++) bg[o] = voxel[rowBase + col[ix]];
    }
  }

  /** Packs the colours of the frame's cell types (fill, and a darker rim). */
  private prepareTypeColors(frame: SpaceFrame): void {
    const names = frame.cellTypes.map((c) => c.name);
    const key = names.join('\u0000');
    if (key === this.typeKey && this.typeFill.length === names.length) return;
    this.typeKey = key;
    const colors = cellTypeColors(names).map(hexToRgb);
    this.typeFill = new Uint32Array(colors.map(pack));
    this.typeRim = new Uint32Array(colors.map((c) => pack(mixRgb(c, BLACK, 0.45))));
  }

  /** Draws the dead agents (pass 1) or the live ones (pass 0). */
  private drawAgents(frame: SpaceFrame, p: PlotRect, W: number, pass: 0 | 1): void {
    const { x, y, radius, type, state, n } = frame;
    const [ox, oy] = frame.origin;
    const sy = frame.size[1];
    const k = p.k;
    const minR = 1.2 * this.dpr;
    const rimMin = 2.5 * this.dpr;
    const rimBig = 8 * this.dpr;
    const grey = pack([102, 102, 102]);
    for (let i = 0; i < n; i++) {
      const s = state[i];
      if ((s === 0) !== (pass === 0)) continue;
      const cx = p.x + (x[i] - ox) * k;
      const cy = p.y + (sy - (y[i] - oy)) * k;
      if (!(cx === cx && cy === cy)) continue; // NaN
      const r0 = radius[i] * k;
      const r = r0 > minR ? r0 : minR;
      let fill: number;
      let rim: number;
      if (s === 0) {
        const t = type[i];
        fill = t < this.typeFill.length ? this.typeFill[t] : grey;
        rim = t < this.typeRim.length ? this.typeRim[t] : grey;
      } else {
        fill = this.deadFill[s > 2 ? 2 : s];
        rim = this.deadRim;
      }
      if (r >= rimMin) {
        this.disc(cx, cy, r, rim, p, W);
        this.disc(cx, cy, r - (r >= rimBig ? 1.5 : 1) * this.dpr, fill, p, W);
      } else {
        this.disc(cx, cy, r, fill, p, W);
      }
    }
  }

  /** Fills the pixels whose centres lie in the disc (cx, cy, r), clipped to the plot. */
  private disc(cx: number, cy: number, r: number, c: number, p: PlotRect, W: number): void {
    const px = this.pixels;
    let iy0 = Math.ceil(cy - r - 0.5);
    let iy1 = Math.floor(cy + r - 0.5);
    const xMin = p.x;
    const xMax = p.x + p.w - 1;
    if (iy0 < p.y) iy0 = p.y;
    if (iy1 > p.y + p.h - 1) iy1 = p.y + p.h - 1;
    const r2 = r * r;
    for (let iy = iy0; iy <= iy1; iy++) {
      const dy = iy + 0.5 - cy;
      const hw = Math.sqrt(r2 - dy * dy);
      let ix0 = Math.ceil(cx - hw - 0.5);
      let ix1 = Math.floor(cx + hw - 0.5);
      if (ix0 < xMin) ix0 = xMin;
      if (ix1 > xMax) ix1 = xMax;
      const row = iy * W;
      for (let ix = ix0; ix <= ix1; ix++) px[row + ix] = c;
    }
  }
}
