/**
 * A tiny software rasteriser over an RGBA8 buffer: rectangles, anti-aliased discs and rings,
 * and bitmap text. Enough to draw the spatial frames without a canvas; deterministic (integer
 * results of the same float operations on every platform).
 */
import { drawText } from './font.js';

/** An opaque colour as [r, g, b], each 0–255. */
export type RGB = [number, number, number];

/** Parses "#RRGGBB" (or "#RGB") into [r, g, b]; anything else gives mid grey. */
export function hexToRgb(hex: string): RGB {
  const m6 = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (m6) {
    const v = parseInt(m6[1], 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const m3 = /^#?([0-9a-f]{3})$/i.exec(hex.trim());
  if (m3) {
    const [r, g, b] = Array.from(m3[1], (c) => parseInt(c + c, 16));
    return [r, g, b];
  }
  return [128, 128, 128];
}

/** Linear mix of two colours: t = 0 gives `a`, t = 1 gives `b` (rounded to integers). */
export function mixRgb(a: RGB, b: RGB, t: number): RGB {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

/** An RGBA8 image, row-major from the top-left, always fully opaque. */
export class Raster {
  /** Pixel bytes, 4 per pixel (r, g, b, 255). */
  readonly data: Uint8Array;

  /** Creates a `width` × `height` image filled with `background`. */
  constructor(
    readonly width: number,
    readonly height: number,
    background: RGB = [255, 255, 255],
  ) {
    const d = new Uint8Array(width * height * 4);
    const [r, g, b] = background;
    if (r === g && g === b && b === 255) d.fill(255);
    else {
      for (let o = 0; o < d.length; o += 4) {
        d[o] = r;
        d[o + 1] = g;
        d[o + 2] = b;
        d[o + 3] = 255;
      }
    }
    this.data = d;
  }

  /** Sets one pixel (ignored outside the image). */
  set(x: number, y: number, c: RGB): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = 4 * (y * this.width + x);
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
  }

  /** Blends `c` over one pixel with coverage `a` in [0, 1] (a = 1 writes `c` exactly). */
  blend(x: number, y: number, c: RGB, a: number): void {
    if (a <= 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = 4 * (y * this.width + x);
    if (a >= 1) {
      this.data[o] = c[0];
      this.data[o + 1] = c[1];
      this.data[o + 2] = c[2];
      return;
    }
    this.data[o] = Math.round(this.data[o] + (c[0] - this.data[o]) * a);
    this.data[o + 1] = Math.round(this.data[o + 1] + (c[1] - this.data[o + 1]) * a);
    this.data[o + 2] = Math.round(this.data[o + 2] + (c[2] - this.data[o + 2]) * a);
  }

  /** Reads one pixel as [r, g, b]. */
  get(x: number, y: number): RGB {
    const o = 4 * (y * this.width + x);
    return [this.data[o], this.data[o + 1], this.data[o + 2]];
  }

  /** Fills the integer rectangle [x, x + w) × [y, y + h), clipped to the image. */
  fillRect(x: number, y: number, w: number, h: number, c: RGB): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    const d = this.data;
    const [r, g, b] = c;
    for (let yy = y0; yy < y1; yy++) {
      let o = 4 * (yy * this.width + x0);
      for (let xx = x0; xx < x1; xx++, o += 4) {
        d[o] = r;
        d[o + 1] = g;
        d[o + 2] = b;
      }
    }
  }

  /** Draws the outline of a rectangle, `t` pixels thick, inside [x, x + w) × [y, y + h). */
  strokeRect(x: number, y: number, w: number, h: number, c: RGB, t = 1): void {
    this.fillRect(x, y, w, t, c);
    this.fillRect(x, y + h - t, w, t, c);
    this.fillRect(x, y, t, h, c);
    this.fillRect(x + w - t, y, t, h, c);
  }

  /**
   * Fills an anti-aliased disc of radius `r` centred at (cx, cy) in continuous pixel
   * coordinates (pixel (i, j) covers [i, i + 1) × [j, j + 1), its centre is (i + ½, j + ½)).
   * Pixels whose centre lies at least half a pixel inside the edge get exactly `c`.
   * Drawing is clipped to `clip` = [x0, y0, x1, y1) when given.
   */
  fillCircle(cx: number, cy: number, r: number, c: RGB, clip?: [number, number, number, number]): void {
    if (!(r > 0) || !Number.isFinite(cx) || !Number.isFinite(cy)) return;
    const [cx0, cy0, cx1, cy1] = clip ?? [0, 0, this.width, this.height];
    const x0 = Math.max(cx0, Math.floor(cx - r - 1));
    const x1 = Math.min(cx1, Math.ceil(cx + r + 1));
    const y0 = Math.max(cy0, Math.floor(cy - r - 1));
    const y1 = Math.min(cy1, Math.ceil(cy + r + 1));
    for (let y = y0; y < y1; y++) {
      const dy = y + 0.5 - cy;
      for (let x = x0; x < x1; x++) {
        const dx = x + 0.5 - cx;
        const d = Math.sqrt(dx * dx + dy * dy);
        const cover = r + 0.5 - d;
        if (cover > 0) this.blend(x, y, c, Math.min(1, cover));
      }
    }
  }

  /**
   * Draws `text` in colour `c` with its top-left corner at (x, y), font scaled by the integer
   * `scale`; returns the advance width in pixels.
   */
  text(text: string, x: number, y: number, scale: number, c: RGB): number {
    return drawText(text, Math.round(x), Math.round(y), scale, (px, py, size) => this.fillRect(px, py, size, size, c));
  }
}
