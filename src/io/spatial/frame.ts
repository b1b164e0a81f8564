/**
 * One frame of the spatial animation: the domain seen from above, rasterised in software.
 *
 * Layout (all sizes follow the requested width):
 *
 *     Day 12.5                          312 cells · 2D          ┌ legend ───────────────┐
 *     ┌────────────────────────────┐                            │ Cell types            │
 *     │ substrate heat map (viridis)│                           │ ● MSC  ● M2  ● blasts │
 *     │ with cells as discs        │                            │ ◎ apoptotic ◉ necrotic│
 *     └────────────────────────────┘                            │ substrate (unit) + bar│
 *     ━━━ 200 µm                             t = 18000 min      └───────────────────────┘
 *
 * The image's y axis points up (row 0 is the top of the domain, y = origin + extent). In 3D the
 * frame is the z-slice through the middle voxel layer: its substrate values, and every cell whose
 * sphere reaches the plane, drawn with the radius of its cross-section. Live cells are discs of
 * their type's colour (the report's stable palette, with a darker rim); dead cells are greyed:
 * apoptotic cells light grey, necrotic cells mid grey, both with a dark outline.
 */
import { AGENT_STATES, type SpatialSnapshot, type SubstrateGrid } from '../../engines/abm/snapshot.js';
import { formatCompact as formatTick } from '../../units/format.js';
import { APOPTOTIC, assignColors, BORDER, DEAD_RIM, defaultRange, EMPTY_PLOT, NECROTIC } from '../../palette/index.js';
import { CAP_HEIGHT, fitText, lineHeight, textWidth } from './font.js';
import { COLORMAP_SIZE, NAN_COLOR, VIRIDIS, colormapIndex } from './colormap.js';
import { Raster, hexToRgb, mixRgb, type RGB } from './raster.js';

/** Options of a rendered frame. */
export interface FrameOptions {
  /**
   * Substrate shown as the heat map: its name; by default the snapshot's first substrate;
   * `null` for none. Naming a substrate the snapshot lacks is an error.
   */
  substrate?: string | null;
  /** Image width in pixels (default 720, clamped to 240–4000); the height follows the domain. */
  width?: number;
  /**
   * Fixed colour range [lo, hi] of the heat map, in the substrate's unit. Use the same range for
   * every frame of a run so that frames compare (default for a lone frame: [min(0, min), max]).
   */
  range?: [number, number];
  /** Colours by cell-type name ("#RRGGBB"), overriding the report palette. */
  colors?: Record<string, string>;
}

/** A frame as raw pixels, plus the colours of its non-heat-map elements (for GIF palettes). */
export interface RenderedFrame {
  raster: Raster;
  /** Exact colours of text, frame, legend and cells (everything but the heat map's blends). */
  uiColors: RGB[];
}

const MINUTES_PER_DAY = 1440;
const BACKGROUND: RGB = [255, 255, 255];
const TEXT: RGB = [31, 35, 40];
const MUTED: RGB = [87, 96, 106];
const BLACK: RGB = [0, 0, 0];
const DEFAULT_WIDTH = 720;

/** Sphere-equivalent radius (um) of a volume (um^3); 0 for a non-positive or invalid volume. */
export function radiusOfVolume(volume: number): number {
  return volume > 0 && Number.isFinite(volume) ? Math.cbrt((3 * volume) / (4 * Math.PI)) : 0;
}

/** "12", "12.5", "0.25": a time in days with at most 2 decimals. */
export function formatDays(minutes: number): string {
  const d = minutes / MINUTES_PER_DAY;
  if (!Number.isFinite(d)) return String(d);
  return String(Number(d.toFixed(2)));
}

/** Compact tick label: 3 significant digits, exponent form ("2e5") outside [0.001, 10⁵). */
export { formatTick };

/** A "nice" scale-bar length (1, 2 or 5 × 10^k) close to `target`. */
function niceLength(target: number): number {
  if (!(target > 0) || !Number.isFinite(target)) return 0;
  const p = Math.pow(10, Math.floor(Math.log10(target)));
  const f = target / p;
  return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p;
}

/**
 * Round tick values inside [lo, hi]: multiples of the smallest step 1, 2 or 5 × 10^k that gives
 * at most 6 ticks (usually 3 to 6).
 */
export function niceTicks(lo: number, hi: number): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo];
  const first = (st: number): number => Math.ceil(lo / st - 1e-9);
  const last = (st: number): number => Math.floor(hi / st + 1e-9);
  let step = Math.pow(10, Math.floor(Math.log10((hi - lo) / 10)));
  for (let guard = 0; guard < 40 && last(step) - first(step) + 1 > 6; guard++) {
    const f = Math.round(step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9)));
    step *= f === 2 ? 2.5 : 2; // 1 → 2 → 5 → 10 …
  }
  const out: number[] = [];
  for (let k = first(step); k <= last(step); k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Index of the voxel layer shown: the middle one in 3D, 0 in 2D. */
export function sliceLayer(s: SpatialSnapshot): number {
  return s.dims === 3 && s.shape.nz > 1 ? Math.floor(s.shape.nz / 2) : 0;
}

/** z (um) of the plane shown: the centre of the middle voxel layer. */
export function slicePlaneZ(s: SpatialSnapshot): number {
  return s.origin[2] + (sliceLayer(s) + 0.5) * s.voxelSize;
}

/** The substrate grid a frame shows (null for none); throws for an unknown name. */
export function frameSubstrate(s: SpatialSnapshot, substrate: string | null | undefined): SubstrateGrid | null {
  if (substrate === null) return null;
  if (substrate === undefined) return s.substrates[0] ?? null;
  const g = s.substrates.find((x) => x.name === substrate);
  if (!g) {
    const have = s.substrates.map((x) => `'${x.name}'`).join(', ') || 'none';
    throw new Error(`substrate '${substrate}' is not in the snapshot at t = ${s.time} min (substrates: ${have})`);
  }
  return g;
}

export { defaultRange } from '../../palette/index.js';

/** The colour of each cell type, by index: overrides, else the report's stable palette. */
export function cellTypeColors(s: SpatialSnapshot, overrides: Record<string, string> = {}): RGB[] {
  const assigned = assignColors(s.cellTypes.map((c) => c.name));
  return s.cellTypes.map((c) => hexToRgb(overrides[c.name] ?? assigned.get(c.name) ?? '#666666'));
}

/** Domain extent (um) in x and y, with a fallback for an empty or invalid grid. */
function domainExtent(s: SpatialSnapshot): [number, number] {
  const lx = s.shape.nx * s.voxelSize;
  const ly = s.shape.ny * s.voxelSize;
  return [lx > 0 && Number.isFinite(lx) ? lx : 100, ly > 0 && Number.isFinite(ly) ? ly : 100];
}

/** Pixel geometry of a frame, shared by the renderer and the tests. */
export interface FrameLayout {
  width: number;
  height: number;
  /** Integer font scale. */
  scale: number;
  /** Plot rectangle (heat map and cells), in pixels. */
  plot: { x: number; y: number; w: number; h: number };
  /** Pixels per micrometre. */
  pxPerUm: number;
  /** Legend panel rectangle. */
  legend: { x: number; y: number; w: number; h: number };
}

/** Entries of the legend's cell-type block. */
function legendLabels(s: SpatialSnapshot): string[] {
  return [...s.cellTypes.map((c) => c.label || c.name), 'apoptotic', 'necrotic'];
}

/** Computes the layout of a frame for a snapshot and options. */
export function frameLayout(s: SpatialSnapshot, opts: FrameOptions = {}): FrameLayout {
  const width = Math.round(Math.min(4000, Math.max(240, opts.width ?? DEFAULT_WIDTH)));
  const scale = Math.min(4, Math.max(1, Math.round(width / 360)));
  const lh = lineHeight(scale);
  const m = 8 * scale;
  const sw = lh; // swatch cell
  const grid = opts.substrate === null ? null : (s.substrates.find((g) => g.name === opts.substrate) ?? s.substrates[0] ?? null);
  const texts = [...legendLabels(s)];
  let want = Math.max(...texts.map((t) => sw + scale * 4 + textWidth(t, scale)), textWidth('Cell types', scale));
  if (grid) want = Math.max(want, textWidth(grid.name, scale), textWidth(`(${grid.unit})`, scale));
  const legendW = Math.round(Math.min(0.36 * width, Math.max(0.2 * width, want + 2 * scale)));
  const [lx, ly] = domainExtent(s);
  const headerH = lineHeight(scale + 1) + Math.round(m / 2);
  const footerH = lh + m;
  const plotX = m;
  const plotY = m + headerH;
  const availW = width - legendW - plotX - 2 * m;
  const pxPerUm = Math.min(availW / lx, (1.25 * availW) / ly);
  const plotW = Math.max(1, Math.round(lx * pxPerUm));
  const plotH = Math.max(1, Math.round(ly * pxPerUm));
  const nCells = s.cellTypes.length + 2;
  const legendH = lh * (1 + nCells) + m + (grid ? lh * 2 + 8 * lh + m : lh * 2);
  const legendX = width - m - legendW;
  const height = Math.max(plotY + plotH + footerH + m, plotY + legendH + m);
  return {
    width,
    height,
    scale,
    plot: { x: plotX, y: plotY, w: plotW, h: plotH },
    pxPerUm,
    legend: { x: legendX, y: plotY, w: legendW, h: legendH },
  };
}

/** Draws the rim + fill of a live cell, or the ring + grey of a dead one. */
function drawCell(r: Raster, cx: number, cy: number, rpx: number, fill: RGB, state: number, clip: [number, number, number, number]): void {
  if (state === 0) {
    if (rpx >= 2.5) {
      const rim = rpx >= 8 ? 1.5 : 1;
      r.fillCircle(cx, cy, rpx, mixRgb(fill, BLACK, 0.45), clip);
      r.fillCircle(cx, cy, rpx - rim, fill, clip);
    } else {
      r.fillCircle(cx, cy, rpx, fill, clip);
    }
    return;
  }
  const grey = state === 1 ? APOPTOTIC : NECROTIC;
  if (rpx >= 2.5) {
    r.fillCircle(cx, cy, rpx, DEAD_RIM, clip);
    r.fillCircle(cx, cy, rpx - 1, grey, clip);
  } else {
    r.fillCircle(cx, cy, rpx, grey, clip);
  }
}

/** Text vertically centred in a line box of height `lh` starting at `y`. */
function textTop(y: number, lh: number, scale: number): number {
  return Math.round(y + (lh - CAP_HEIGHT * scale) / 2);
}

/**
 * Renders a frame into an RGBA raster (see the module comment for what it shows); `renderFramePNG`
 * encodes it. Throws if `opts.substrate` names a substrate the snapshot lacks.
 */
export function renderFrame(s: SpatialSnapshot, opts: FrameOptions = {}): RenderedFrame {
  const grid = frameSubstrate(s, opts.substrate);
  const L = frameLayout(s, { ...opts, substrate: grid ? grid.name : null });
  const { scale } = L;
  const lh = lineHeight(scale);
  const m = 8 * scale;
  const r = new Raster(L.width, L.height, BACKGROUND);
  const colors = cellTypeColors(s, opts.colors);
  const ui: RGB[] = [BACKGROUND, TEXT, MUTED, BORDER, EMPTY_PLOT, APOPTOTIC, NECROTIC, DEAD_RIM, NAN_COLOR];
  for (const c of colors) ui.push(c, mixRgb(c, BLACK, 0.45));

  // Heat map (nearest voxel) of the shown layer.
  const { x: px, y: py, w: pw, h: ph } = L.plot;
  const { nx, ny } = s.shape;
  const range: [number, number] = opts.range ?? (grid ? defaultRange(grid.values) : [0, 1]);
  if (grid && nx > 0 && ny > 0 && grid.values.length >= nx * ny * (sliceLayer(s) + 1)) {
    // Colour of every voxel of the layer (packed 0xRRGGBB), then nearest-voxel lookup per pixel.
    const base = sliceLayer(s) * nx * ny;
    const lut = VIRIDIS.map((c) => (c[0] << 16) | (c[1] << 8) | c[2]);
    const nan = (NAN_COLOR[0] << 16) | (NAN_COLOR[1] << 8) | NAN_COLOR[2];
    const voxel = new Int32Array(nx * ny);
    for (let v = 0; v < nx * ny; v++) {
      const idx = colormapIndex(grid.values[base + v], range);
      voxel[v] = idx < 0 ? nan : lut[idx];
    }
    const col = new Int32Array(pw);
    for (let ix = 0; ix < pw; ix++) col[ix] = Math.min(nx - 1, Math.floor(((ix + 0.5) / pw) * nx));
    const d = r.data;
    const wMax = Math.min(pw, r.width - px);
    for (let iy = 0; iy < Math.min(ph, r.height - py); iy++) {
      const j = Math.min(ny - 1, Math.floor(((ph - iy - 0.5) / ph) * ny));
      const rowBase = j * nx;
      let o = 4 * ((py + iy) * r.width + px);
      for (let ix = 0; ix < wMax; ix++, o += 4) {
        const c = voxel[rowBase + col[ix]];
        d[o] = c >> 16;
        d[o + 1] = (c >> 8) & 255;
        d[o + 2] = c & 255;
      }
    }
  } else {
    r.fillRect(px, py, pw, ph, EMPTY_PLOT);
  }

  // Cells: dead ones first so that live cells stay on top; ties keep the agents' order.
  const a = s.agents;
  const n = a.id.length;
  const k = L.pxPerUm;
  const [ox, oy] = s.origin;
  const [, extY] = domainExtent(s);
  const zPlane = slicePlaneZ(s);
  const clip: [number, number, number, number] = [px, py, px + pw, py + ph];
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (a.state[i] !== 0) order.push(i);
  for (let i = 0; i < n; i++) if (a.state[i] === 0) order.push(i);
  let shown = 0;
  for (const i of order) {
    const R = radiusOfVolume(a.volume[i]);
    let rr = R;
    if (s.dims === 3) {
      const dz = Math.abs(a.z[i] - zPlane);
      if (!(dz < R)) continue;
      rr = Math.sqrt(R * R - dz * dz);
    }
    const cx = px + (a.x[i] - ox) * k;
    const cy = py + (extY - (a.y[i] - oy)) * k;
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    const rpx = Math.max(1.2, rr * k);
    if (cx + rpx < px || cx - rpx > px + pw || cy + rpx < py || cy - rpx > py + ph) continue;
    const t = a.type[i];
    drawCell(r, cx, cy, rpx, colors[t] ?? [102, 102, 102], Math.min(a.state[i], AGENT_STATES.length - 1), clip);
    shown++;
  }
  r.strokeRect(px - 1, py - 1, pw + 2, ph + 2, BORDER, 1);

  // Header: the time in days, and what is shown.
  r.text(`Day ${formatDays(s.time)}`, px, m, scale + 1, TEXT);
  const where = s.dims === 3 ? `3D, slice z = ${formatTick(zPlane)} µm` : '2D';
  const dayW = textWidth(`Day ${formatDays(s.time)}`, scale + 1);
  const info = fitText(`${shown} cell${shown === 1 ? '' : 's'} · ${where}`, scale, pw - dayW - 4 * scale);
  const headerLine = lineHeight(scale + 1);
  r.text(info, px + pw - textWidth(info, scale), m + headerLine - lh, scale, MUTED);

  // Footer: scale bar and the time in minutes.
  const [extX] = domainExtent(s);
  const bar = niceLength(extX / 5);
  const fy = py + ph + Math.round(m / 2);
  if (bar > 0) {
    const barPx = Math.round(bar * k);
    r.fillRect(px, fy + Math.round(lh / 2) - scale, barPx, 2 * scale, TEXT);
    r.text(`${formatTick(bar)} µm`, px + barPx + 3 * scale, textTop(fy, lh, scale), scale, TEXT);
  }
  const tmin = `t = ${Number.isInteger(s.time) ? String(s.time) : s.time.toFixed(1)} min`;
  r.text(tmin, Math.max(px, px + pw - textWidth(tmin, scale)), textTop(fy, lh, scale), scale, MUTED);

  // Legend: cell types, dead cells, then the colour bar.
  const lx = L.legend.x;
  const maxText = L.legend.w - lh - 4 * scale;
  let y = L.legend.y;
  r.text('Cell types', lx, textTop(y, lh, scale), scale, TEXT);
  y += lh;
  const swR = lh * 0.36;
  const entry = (label: string, fill: RGB, state: number): void => {
    drawCell(r, lx + lh / 2, y + lh / 2, swR, fill, state, [0, 0, r.width, r.height]);
    r.text(fitText(label, scale, maxText), lx + lh + 4 * scale, textTop(y, lh, scale), scale, TEXT);
    y += lh;
  };
  if (s.cellTypes.length === 0) {
    r.text('none', lx, textTop(y, lh, scale), scale, MUTED);
    y += lh;
  }
  s.cellTypes.forEach((c, t) => entry(c.label || c.name, colors[t], 0));
  entry('apoptotic', APOPTOTIC, 1);
  entry('necrotic', NECROTIC, 2);
  y += m;
  if (!grid) {
    r.text('No substrate', lx, textTop(y, lh, scale), scale, MUTED);
  } else {
    r.text(fitText(grid.name, scale, L.legend.w), lx, textTop(y, lh, scale), scale, TEXT);
    y += lh;
    r.text(fitText(`(${grid.unit})`, scale, L.legend.w), lx, textTop(y, lh, scale), scale, MUTED);
    y += lh + Math.round(lh / 3);
    const barW = 7 * scale;
    const barH = 7 * lh;
    for (let yy = 0; yy < barH; yy++) {
      const idx = Math.round(((barH - 1 - yy) / (barH - 1)) * (COLORMAP_SIZE - 1));
      r.fillRect(lx, y + yy, barW, 1, VIRIDIS[idx]);
    }
    r.strokeRect(lx - 1, y - 1, barW + 2, barH + 2, BORDER, 1);
    const tickLen = 2 * scale;
    const tickH = Math.max(1, Math.round(scale / 2));
    for (const v of niceTicks(range[0], range[1])) {
      const f = (v - range[0]) / (range[1] - range[0]);
      const ty = Math.round(y + (1 - f) * (barH - 1));
      r.fillRect(lx + barW + 1, ty - Math.floor(tickH / 2), tickLen, tickH, BORDER);
      r.text(formatTick(v), lx + barW + 1 + tickLen + 3 * scale, Math.round(ty - (CAP_HEIGHT * scale) / 2), scale, TEXT);
    }
  }
  return { raster: r, uiColors: ui };
}
