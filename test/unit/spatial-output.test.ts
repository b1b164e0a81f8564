import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpatialSnapshot } from '../../src/engines/abm/snapshot.js';
import { buildReportHtml, type ReportInput } from '../../src/io/report/index.js';
import { assignColors } from '../../src/io/report/palette.js';
import {
  agentsToArrowIPC,
  animationCaption,
  frameLayout,
  radiusOfVolume,
  renderAnimationGIF,
  renderFramePNG,
  reportAnimation,
  slicePlaneZ,
  substrateColor,
  substrateRange,
  substratesToArrowIPC,
  timeStems,
  writeSpatialOutputs,
  type FrameOptions,
} from '../../src/io/spatial/index.js';

// ---------------------------------------------------------------------------------------------
// Synthetic snapshots

/** Small seeded PRNG (mulberry32) for reproducible fixtures. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CELL_TYPES = [
  { name: 'MSC', label: 'MSC' },
  { name: 'M2', label: 'M2 macrophage' },
  { name: 'AML blasts', label: 'AML blast' },
];

/** Volume of a sphere of radius r. */
const sphere = (r: number): number => (4 / 3) * Math.PI * r ** 3;

interface Fixture {
  snapshot: SpatialSnapshot;
  /** Index of one isolated live cell of each type (nothing else within 40 um). */
  isolated: number[];
  /** A cell-free square [x0, x1] × [y0, y1] (um). */
  empty: [number, number, number, number];
}

/**
 * A 2D snapshot: 50 × 50 voxels of 20 um (1 mm², origin at (-500, -500)), oxygen (mmHg)
 * depleted in a blob and CXCL12 (ng/mL) rising along y; agents of 3 types on a jittered 40-um
 * lattice, a few apoptotic and necrotic, with a cell-free square. `day` scales the fields and
 * the number of cells (so frames of a "run" differ).
 */
function snapshot2D(day = 3, seed = 1): Fixture {
  const nx = 50;
  const ny = 50;
  const h = 20;
  const origin: [number, number, number] = [-500, -500, -10];
  const oxygen = new Float64Array(nx * ny);
  const cxcl12 = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = origin[0] + (i + 0.5) * h;
      const y = origin[1] + (j + 0.5) * h;
      const d2 = (x - 150) ** 2 + (y + 100) ** 2;
      oxygen[j * nx + i] = 38 * (1 - (0.1 + 0.05 * day) * Math.exp(-d2 / (2 * 200 ** 2)));
      cxcl12[j * nx + i] = (0.5 + day * 0.1) * (1 + (y + 500) / 1000);
    }
  }
  const empty: [number, number, number, number] = [-400, -250, 250, 400];
  const r = rng(seed);
  const pos: Array<[number, number]> = [];
  for (let gy = 0; gy < 24; gy++) {
    for (let gx = 0; gx < 24; gx++) {
      const x = -480 + gx * 41.5 + (r() - 0.5) * 8;
      const y = -480 + gy * 41.5 + (r() - 0.5) * 8;
      if (x > empty[0] - 20 && x < empty[1] + 20 && y > empty[2] - 20 && y < empty[3] + 20) continue;
      pos.push([x, y]);
    }
  }
  const n = Math.min(pos.length, 200 + 40 * day);
  const a = {
    id: new Uint32Array(n),
    type: new Uint16Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    z: new Float64Array(n),
    volume: new Float64Array(n),
    state: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    a.id[i] = 1000 + i;
    a.type[i] = i % 3;
    a.x[i] = pos[i][0];
    a.y[i] = pos[i][1];
    a.z[i] = 0;
    a.volume[i] = sphere(a.type[i] === 0 ? 10 : a.type[i] === 1 ? 9 : 7.5) * (0.9 + 0.2 * r());
    const u = r();
    a.state[i] = i < 3 ? 0 : u < 0.05 ? 1 : u < 0.08 ? 2 : 0;
  }
  return {
    snapshot: {
      time: day * 1440,
      dims: 2,
      origin,
      voxelSize: h,
      shape: { nx, ny, nz: 1 },
      cellTypes: CELL_TYPES,
      agents: a,
      substrates: [
        { name: 'oxygen', unit: 'mmHg', values: oxygen },
        { name: 'CXCL12', unit: 'ng/mL', values: cxcl12 },
      ],
    },
    // Lattice points are ≥ 33 um apart, so the first three cells (types 0, 1, 2, live) are isolated
    // as far as their centre pixels are concerned.
    isolated: [0, 1, 2],
    empty,
  };
}

/** A 3D snapshot: 30 × 30 × 10 voxels of 20 um; cells at several depths. */
function snapshot3D(): SpatialSnapshot {
  const nx = 30;
  const ny = 30;
  const nz = 10;
  const h = 20;
  const glucose = new Float64Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) glucose[(k * ny + j) * nx + i] = k * 10 + i * 0.1 + j * 0.01;
  const zs = [110, 105, 150, 30, 110, 200];
  const n = zs.length;
  const a = {
    id: Uint32Array.from(zs, (_z, i) => i + 1),
    type: Uint16Array.from(zs, (_z, i) => i % 3),
    x: Float64Array.from(zs, (_z, i) => 60 + i * 90),
    y: Float64Array.from(zs, () => 300),
    z: Float64Array.from(zs),
    volume: Float64Array.from(zs, () => sphere(10)),
    state: new Uint8Array(n),
  };
  return {
    time: 720,
    dims: 3,
    origin: [0, 0, 0],
    voxelSize: h,
    shape: { nx, ny, nz },
    cellTypes: CELL_TYPES,
    agents: a,
    substrates: [{ name: 'glucose', unit: 'mM', values: glucose }],
  };
}

/** A snapshot with no agents and no substrates. */
function emptySnapshot(time = 0): SpatialSnapshot {
  return {
    time,
    dims: 2,
    origin: [0, 0, 0],
    voxelSize: 20,
    shape: { nx: 10, ny: 8, nz: 1 },
    cellTypes: [],
    agents: {
      id: new Uint32Array(0),
      type: new Uint16Array(0),
      x: new Float64Array(0),
      y: new Float64Array(0),
      z: new Float64Array(0),
      volume: new Float64Array(0),
      state: new Uint8Array(0),
    },
    substrates: [],
  };
}

/**
 * A plausible niche at `day` (for looking at, not for assertions): an AML colony growing around
 * (600, 420) um with a necrotic core, M2 macrophages gathering at its rim, MSCs spread
 * throughout, and oxygen (mmHg) consumed by the colony.
 */
function realisticSnapshot(day: number): SpatialSnapshot {
  const r = rng(7);
  const nx = 50;
  const ny = 50;
  const h = 20;
  const c = [600, 420];
  const R = 60 + 14 * day;
  const cells: Array<[number, number, number, number, number]> = []; // type, x, y, radius, state
  const free = (x: number, y: number, rad: number): boolean => cells.every(([, qx, qy, qr]) => (qx - x) ** 2 + (qy - y) ** 2 > (qr + rad) ** 2);
  const place = (type: number, n: number, at: () => [number, number], rad: number, state: (x: number, y: number) => number): void => {
    for (let k = 0, tries = 0; k < n && tries < 50 * n; tries++) {
      const [x, y] = at();
      if (x < 10 || y < 10 || x > 990 || y > 990 || !free(x, y, rad)) continue;
      cells.push([type, x, y, rad, state(x, y)]);
      k++;
    }
  };
  const polar = (r0: number, r1: number) => (): [number, number] => {
    const a = 2 * Math.PI * r();
    const d = r0 + (r1 - r0) * Math.sqrt(r());
    return [c[0] + d * Math.cos(a), c[1] + d * Math.sin(a)];
  };
  place(2, Math.round(Math.PI * R * R * 0.55 / (Math.PI * 8 * 8)), polar(0, R), 7.5, (x, y) => {
    const d = Math.hypot(x - c[0], y - c[1]);
    return d < R - 110 ? (r() < 0.7 ? 2 : 1) : r() < 0.03 ? 1 : 0;
  });
  place(1, 25 + 6 * day, polar(R, R + 70), 9, () => (r() < 0.04 ? 1 : 0));
  place(0, 70, () => [1000 * r(), 1000 * r()], 11, () => 0);
  const n = cells.length;
  const a = {
    id: Uint32Array.from(cells, (_c, i) => i + 1),
    type: Uint16Array.from(cells, (q) => q[0]),
    x: Float64Array.from(cells, (q) => q[1]),
    y: Float64Array.from(cells, (q) => q[2]),
    z: new Float64Array(n),
    volume: Float64Array.from(cells, (q) => sphere(q[3])),
    state: Uint8Array.from(cells, (q) => q[4]),
  };
  const oxygen = new Float64Array(nx * ny);
  const cxcl12 = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = (i + 0.5) * h;
      const y = (j + 0.5) * h;
      const d = Math.hypot(x - c[0], y - c[1]);
      oxygen[j * nx + i] = 38 - 33 * (1 - 1 / (1 + Math.exp(-(d - R * 0.8) / 60)));
      cxcl12[j * nx + i] = 2 * Math.exp(-((x - 200) ** 2 + (y - 750) ** 2) / 2e5);
    }
  }
  return {
    time: day * 1440,
    dims: 2,
    origin: [0, 0, 0],
    voxelSize: h,
    shape: { nx, ny, nz: 1 },
    cellTypes: CELL_TYPES,
    agents: a,
    substrates: [
      { name: 'oxygen', unit: 'mmHg', values: oxygen },
      { name: 'CXCL12', unit: 'ng/mL', values: cxcl12 },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Decodes a PNG and returns a pixel reader. */
function decode(bytes: Uint8Array): { width: number; height: number; px: (x: number, y: number) => [number, number, number] } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return {
    width: png.width,
    height: png.height,
    px: (x, y) => {
      const o = 4 * (Math.floor(y) * png.width + Math.floor(x));
      return [png.data[o], png.data[o + 1], png.data[o + 2]];
    },
  };
}

/** Pixel position (continuous) of a domain point in a frame. */
function toPixel(s: SpatialSnapshot, opts: FrameOptions, x: number, y: number): [number, number] {
  const L = frameLayout(s, opts);
  const extY = s.shape.ny * s.voxelSize;
  return [L.plot.x + (x - s.origin[0]) * L.pxPerUm, L.plot.y + (extY - (y - s.origin[1])) * L.pxPerUm];
}

/** Parses a GIF's block structure: image count, global palette and local-palette flags. */
function parseGif(bytes: Uint8Array): { frames: number; width: number; height: number; palette: number[][]; localPalettes: number; delays: number[] } {
  const text = Buffer.from(bytes.subarray(0, 6)).toString('latin1');
  if (text !== 'GIF89a') throw new Error(`not a GIF89a: ${text}`);
  const width = bytes[6] | (bytes[7] << 8);
  const height = bytes[8] | (bytes[9] << 8);
  const flags = bytes[10];
  let p = 13;
  const palette: number[][] = [];
  if (flags & 0x80) {
    const size = 1 << ((flags & 7) + 1);
    for (let i = 0; i < size; i++) palette.push([bytes[p + 3 * i], bytes[p + 3 * i + 1], bytes[p + 3 * i + 2]]);
    p += 3 * size;
  }
  const skipSubBlocks = (): void => {
    while (bytes[p] !== 0) p += bytes[p] + 1;
    p++;
  };
  let frames = 0;
  let localPalettes = 0;
  const delays: number[] = [];
  for (;;) {
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = bytes[p++];
      if (label === 0xf9) delays.push((bytes[p + 2] | (bytes[p + 3] << 8)) * 10);
      skipSubBlocks();
    } else if (b === 0x2c) {
      frames++;
      const f = bytes[p + 8];
      p += 9;
      if (f & 0x80) {
        localPalettes++;
        p += 3 * (1 << ((f & 7) + 1));
      }
      p++; // LZW minimum code size
      skipSubBlocks();
    } else {
      throw new Error(`unexpected GIF block 0x${b?.toString(16)} at ${p - 1}`);
    }
    if (p > bytes.length) throw new Error('truncated GIF');
  }
  return { frames, width, height, palette, localPalettes, delays };
}

const hex = (c: [number, number, number] | number[]): string => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('').toUpperCase();
const rgbOf = (h: string): [number, number, number] => {
  const v = parseInt(h.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
};

const tmpDirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'nichesim-spatial-'));
  tmpDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** Fields of an Arrow table: name → type string. */
function fieldTypes(t: Table): Record<string, string> {
  return Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
}

/** True when bytes are an Arrow IPC file (magic at both ends). */
function isArrowFile(bytes: Uint8Array): boolean {
  const magic = 'ARROW1';
  return Buffer.from(bytes.subarray(0, 6)).toString('latin1') === magic && Buffer.from(bytes.subarray(bytes.length - 6)).toString('latin1') === magic;
}

// ---------------------------------------------------------------------------------------------

describe('agents Arrow IPC', () => {
  const { snapshot: s } = snapshot2D();
  const bytes = agentsToArrowIPC(s, { nichesimVersion: '0.1.0' });
  const t = tableFromIPC(bytes);

  it('is an Arrow IPC file with one row per agent and the documented schema', () => {
    expect(isArrowFile(bytes)).toBe(true);
    expect(t.numRows).toBe(s.agents.id.length);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['id', 'type', 'x', 'y', 'z', 'volume', 'state']);
    expect(fieldTypes(t)).toEqual({
      id: 'Uint32',
      type: 'Dictionary<Int32, Utf8>',
      x: 'Float64',
      y: 'Float64',
      z: 'Float64',
      volume: 'Float64',
      state: 'Dictionary<Int32, Utf8>',
    });
  });

  it('round-trips the values', () => {
    expect(t.getChild('id')!.toArray()).toEqual(s.agents.id);
    for (const c of ['x', 'y', 'z', 'volume'] as const) expect(t.getChild(c)!.toArray()).toEqual(s.agents[c]);
    const type = t.getChild('type')!;
    const state = t.getChild('state')!;
    for (let i = 0; i < t.numRows; i++) {
      expect(type.get(i)).toBe(s.cellTypes[s.agents.type[i]].name);
      expect(state.get(i)).toBe(['live', 'apoptotic', 'necrotic'][s.agents.state[i]]);
    }
    expect(new Set(Array.from({ length: t.numRows }, (_v, i) => state.get(i)))).toEqual(new Set(['live', 'apoptotic', 'necrotic']));
  });

  it('stores time, dims, units, cell types and version as metadata, units per column', () => {
    const m = t.schema.metadata;
    expect(m.get('time_min')).toBe(String(3 * 1440));
    expect(m.get('time_days')).toBe('3');
    expect(m.get('dims')).toBe('2');
    expect(JSON.parse(m.get('units')!)).toMatchObject({ x: 'um', y: 'um', z: 'um', volume: 'um^3' });
    expect(JSON.parse(m.get('cell_types')!)).toEqual(CELL_TYPES);
    expect(JSON.parse(m.get('origin_um')!)).toEqual([-500, -500, -10]);
    expect(m.get('voxel_size_um')).toBe('20');
    expect(m.get('nichesim_version')).toBe('0.1.0');
    const field = (name: string) => t.schema.fields.find((f) => f.name === name)!;
    expect(field('x').metadata.get('unit')).toBe('um');
    expect(field('volume').metadata.get('unit')).toBe('um^3');
    expect(tableFromIPC(agentsToArrowIPC(s)).schema.metadata.has('nichesim_version')).toBe(false);
  });

  it('rejects inconsistent agents', () => {
    const bad = { ...s, agents: { ...s.agents, type: Uint16Array.from(s.agents.type, () => 7) } };
    expect(() => agentsToArrowIPC(bad)).toThrow(/cell type index 7/);
    const short = { ...s, agents: { ...s.agents, x: new Float64Array(2) } };
    expect(() => agentsToArrowIPC(short)).toThrow(/'x'/);
  });

  it('is readable by pyarrow (when python3 has pyarrow)', (ctx) => {
    const probe = spawnSync('python3', ['-c', 'import pyarrow'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log('skipping the pyarrow check: python3 with pyarrow is not available');
      ctx.skip();
      return;
    }
    const dir = tempDir();
    const file = join(dir, 'agents.arrow');
    writeFileSync(file, agentsToArrowIPC(s, { nichesimVersion: '0.1.0' }));
    const subs = join(dir, 'substrates.arrow');
    writeFileSync(subs, substratesToArrowIPC(s));
    const script = [
      'import json, sys, pyarrow as pa',
      'r = pa.ipc.open_file(sys.argv[1]); t = r.read_all()',
      'u = pa.ipc.open_file(sys.argv[2]).read_all()',
      'm = {k.decode(): v.decode() for k, v in t.schema.metadata.items()}',
      'print(json.dumps({"rows": t.num_rows, "names": t.column_names, "type": str(t.schema.field("type").type),',
      '  "id": str(t.schema.field("id").type), "first_type": t.column("type")[0].as_py(), "time_min": m["time_min"],',
      '  "x0": t.column("x")[0].as_py(), "unit": t.schema.field("volume").metadata[b"unit"].decode(),',
      '  "voxels": u.num_rows, "subs": u.column_names}))',
    ].join('\n');
    const out = spawnSync('python3', ['-c', script, file, subs], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r.rows).toBe(s.agents.id.length);
    expect(r.names).toEqual(['id', 'type', 'x', 'y', 'z', 'volume', 'state']);
    expect(r.type).toBe('dictionary<values=string, indices=int32, ordered=0>');
    expect(r.id).toBe('uint32');
    expect(r.first_type).toBe('MSC');
    expect(r.time_min).toBe('4320');
    expect(r.x0).toBe(s.agents.x[0]);
    expect(r.unit).toBe('um^3');
    expect(r.voxels).toBe(2500);
    expect(r.subs).toEqual(['i', 'j', 'k', 'x', 'y', 'z', 'oxygen', 'CXCL12']);
  });
});

describe('substrates Arrow IPC', () => {
  it('has one row per voxel with indices, centres and one column per substrate', () => {
    const { snapshot: s } = snapshot2D();
    const bytes = substratesToArrowIPC(s, { nichesimVersion: '0.1.0' });
    expect(isArrowFile(bytes)).toBe(true);
    const t = tableFromIPC(bytes);
    expect(t.numRows).toBe(50 * 50 * 1);
    expect(fieldTypes(t)).toEqual({ i: 'Int32', j: 'Int32', k: 'Int32', x: 'Float64', y: 'Float64', z: 'Float64', oxygen: 'Float64', CXCL12: 'Float64' });
    expect(t.schema.fields.map((f) => f.name)).toEqual(['i', 'j', 'k', 'x', 'y', 'z', 'oxygen', 'CXCL12']);
    expect(t.getChild('oxygen')!.toArray()).toEqual(s.substrates[0].values);
    expect(t.getChild('CXCL12')!.toArray()).toEqual(s.substrates[1].values);
    // Row of voxel (i, j) = j·nx + i, centre = origin + (index + ½)·h.
    const row = 7 * 50 + 12;
    expect(t.getChild('i')!.get(row)).toBe(12);
    expect(t.getChild('j')!.get(row)).toBe(7);
    expect(t.getChild('k')!.get(row)).toBe(0);
    expect(t.getChild('x')!.get(row)).toBe(-500 + 12.5 * 20);
    expect(t.getChild('y')!.get(row)).toBe(-500 + 7.5 * 20);
    expect(t.getChild('z')!.get(row)).toBe(0);
    const f = (name: string) => t.schema.fields.find((x) => x.name === name)!;
    expect(f('oxygen').metadata.get('unit')).toBe('mmHg');
    expect(f('CXCL12').metadata.get('unit')).toBe('ng/mL');
    expect(f('x').metadata.get('unit')).toBe('um');
    const m = t.schema.metadata;
    expect(m.get('time_min')).toBe('4320');
    expect(m.get('dims')).toBe('2');
    expect(JSON.parse(m.get('units')!)).toEqual({ x: 'um', y: 'um', z: 'um', oxygen: 'mmHg', CXCL12: 'ng/mL' });
    expect(JSON.parse(m.get('shape')!)).toEqual({ nx: 50, ny: 50, nz: 1 });
    expect(m.get('nichesim_version')).toBe('0.1.0');
  });

  it('covers all nx·ny·nz voxels of a 3D grid in x-fastest order', () => {
    const s = snapshot3D();
    const t = tableFromIPC(substratesToArrowIPC(s));
    expect(t.numRows).toBe(30 * 30 * 10);
    expect(t.getChild('glucose')!.toArray()).toEqual(s.substrates[0].values);
    const row = (4 * 30 + 3) * 30 + 2;
    expect([t.getChild('i')!.get(row), t.getChild('j')!.get(row), t.getChild('k')!.get(row)]).toEqual([2, 3, 4]);
    expect(t.getChild('z')!.get(row)).toBe(90);
    expect(t.schema.metadata.get('dims')).toBe('3');
  });

  it('rejects grids of the wrong size and clashing names', () => {
    const { snapshot: s } = snapshot2D();
    expect(() => substratesToArrowIPC({ ...s, substrates: [{ name: 'o2', unit: 'mmHg', values: new Float64Array(3) }] })).toThrow(/3 values/);
    expect(() => substratesToArrowIPC({ ...s, substrates: [{ ...s.substrates[0], name: 'x' }] })).toThrow(/clashes/);
  });
});

describe('PNG frames', () => {
  const fx = snapshot2D();
  const s = fx.snapshot;
  const range: [number, number] = [0, 40];
  const opts: FrameOptions = { substrate: 'oxygen', width: 900, range };
  const bytes = renderFramePNG(s, opts);
  const img = decode(bytes);
  const L = frameLayout(s, opts);
  const colors = assignColors(CELL_TYPES.map((c) => c.name));

  it('decodes to the requested width and the layout height', () => {
    expect(img.width).toBe(900);
    expect(img.height).toBe(L.height);
    expect(decode(renderFramePNG(s, { width: 500 })).width).toBe(500);
  });

  it("draws each cell in its type's report colour at its centre", () => {
    for (const i of fx.isolated) {
      const [px, py] = toPixel(s, opts, s.agents.x[i], s.agents.y[i]);
      expect(radiusOfVolume(s.agents.volume[i]) * L.pxPerUm).toBeGreaterThan(3);
      expect(hex(img.px(px, py))).toBe(colors.get(s.cellTypes[s.agents.type[i]].name));
    }
  });

  it('shows the heat-map colour of the substrate value away from cells', () => {
    const [x0, x1, y0, y1] = fx.empty;
    const nx = s.shape.nx;
    for (const [x, y] of [
      [(x0 + x1) / 2, (y0 + y1) / 2],
      [x0 + 30, y1 - 30],
    ]) {
      const i = Math.floor((x - s.origin[0]) / s.voxelSize);
      const j = Math.floor((y - s.origin[1]) / s.voxelSize);
      const cx = s.origin[0] + (i + 0.5) * s.voxelSize;
      const cy = s.origin[1] + (j + 0.5) * s.voxelSize;
      const [px, py] = toPixel(s, opts, cx, cy);
      expect(img.px(px, py)).toEqual(substrateColor(s.substrates[0].values[j * nx + i], range));
    }
    // The other substrate gives other colours at the same place.
    const other = decode(renderFramePNG(s, { ...opts, substrate: 'CXCL12', range: [0, 2] }));
    const [px, py] = toPixel(s, opts, (x0 + x1) / 2, (y0 + y1) / 2);
    expect(other.px(px, py)).not.toEqual(img.px(px, py));
  });

  it('has a legend with every cell-type colour, a colour bar and text', () => {
    const { x, y, w, h } = L.legend;
    const seen = new Set<string>();
    let ink = 0;
    for (let yy = y; yy < Math.min(img.height, y + h); yy++) {
      for (let xx = x; xx < Math.min(img.width, x + w); xx++) {
        const c = img.px(xx, yy);
        seen.add(hex(c));
        if (c[0] < 100 && c[1] < 100 && c[2] < 100) ink++;
      }
    }
    for (const c of colors.values()) expect(seen.has(c), `legend lacks ${c}`).toBe(true);
    expect(seen.has(hex(substrateColor(range[1], range)))).toBe(true); // top of the colour bar
    expect(seen.has(hex(substrateColor(range[0], range)))).toBe(true);
    expect(ink).toBeGreaterThan(500); // legend text
    // The header (time in days) is not blank either.
    let header = 0;
    for (let yy = 0; yy < L.plot.y - 2; yy++) for (let xx = 0; xx < L.plot.x + L.plot.w; xx++) if (img.px(xx, yy)[0] < 100) header++;
    expect(header).toBeGreaterThan(50);
  });

  it('greys dead cells', () => {
    const dead = Array.from(s.agents.state.keys()).find((i) => s.agents.state[i] === 2)!;
    const [px, py] = toPixel(s, opts, s.agents.x[dead], s.agents.y[dead]);
    const c = img.px(px, py);
    expect(c[0]).toBe(c[1]);
    expect(c[1]).toBe(c[2]);
  });

  it('in 3D shows the mid z-slice and only the cells that reach it', () => {
    const s3 = snapshot3D();
    const o3: FrameOptions = { width: 800, range: [0, 100] };
    const im = decode(renderFramePNG(s3, o3));
    const zPlane = slicePlaneZ(s3);
    expect(zPlane).toBe(110);
    const colors3 = assignColors(CELL_TYPES.map((c) => c.name));
    for (let i = 0; i < s3.agents.id.length; i++) {
      const [px, py] = toPixel(s3, o3, s3.agents.x[i], s3.agents.y[i]);
      const reaches = Math.abs(s3.agents.z[i] - zPlane) < radiusOfVolume(s3.agents.volume[i]);
      const typeColor = colors3.get(CELL_TYPES[s3.agents.type[i]].name);
      if (reaches) expect(hex(im.px(px, py))).toBe(typeColor);
      else {
        const vi = Math.floor(s3.agents.x[i] / 20);
        const vj = Math.floor(s3.agents.y[i] / 20);
        expect(im.px(px, py)).toEqual(substrateColor(s3.substrates[0].values[(5 * 30 + vj) * 30 + vi], [0, 100]));
      }
    }
  });

  it('renders zero agents and zero substrates, and rejects an unknown substrate', () => {
    const e = emptySnapshot();
    const im = decode(renderFramePNG(e, { width: 400 }));
    expect(im.width).toBe(400);
    const { snapshot } = snapshot2D();
    expect(decode(renderFramePNG({ ...snapshot, substrates: [] })).width).toBe(720);
    expect(decode(renderFramePNG(snapshot, { substrate: null })).width).toBe(720);
    expect(() => renderFramePNG(snapshot, { substrate: 'lactate' })).toThrow(/lactate.*oxygen/);
  });

  it('is deterministic', () => {
    expect(Buffer.from(renderFramePNG(s, opts)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('writes an example frame when NICHESIM_FRAME_EXAMPLE is set', () => {
    const out = process.env.NICHESIM_FRAME_EXAMPLE;
    if (!out) return;
    const days = [0, 3, 7, 10, 14];
    const run = days.map((d) => realisticSnapshot(d));
    const range = substrateRange(run, 'oxygen');
    writeFileSync(out, renderFramePNG(run[days.length - 1], { range }));
    writeFileSync(out.replace(/\.png$/, '-fixture.png'), renderFramePNG(s, opts));
    writeFileSync(out.replace(/\.png$/, '-3d.png'), renderFramePNG(snapshot3D()));
    writeFileSync(out.replace(/\.png$/, '.gif'), renderAnimationGIF(run));
  });
});

describe('GIF animation', () => {
  const run = [0, 1, 2, 3, 4].map((d) => snapshot2D(d, 1).snapshot);

  it('is a GIF89a with one frame per snapshot, one global palette, 4 frames/s', () => {
    const gif = renderAnimationGIF(run, { width: 480 });
    const g = parseGif(gif);
    expect(Buffer.from(gif.subarray(0, 6)).toString('latin1')).toBe('GIF89a');
    expect(g.frames).toBe(run.length);
    expect(g.localPalettes).toBe(0);
    expect(g.width).toBe(480);
    expect(g.delays).toEqual(run.map(() => 250));
    // Interface colours (cell types, text) are in the palette exactly.
    const pal = new Set(g.palette.map(hex));
    for (const c of assignColors(CELL_TYPES.map((x) => x.name)).values()) expect(pal.has(c), `palette lacks ${c}`).toBe(true);
    expect(pal.has('#FFFFFF')).toBe(true);
  });

  it('works for one frame, an empty snapshot and a 3D run; rejects no frames', () => {
    expect(parseGif(renderAnimationGIF([emptySnapshot()])).frames).toBe(1);
    expect(parseGif(renderAnimationGIF([snapshot3D(), { ...snapshot3D(), time: 1440 }])).frames).toBe(2);
    expect(() => renderAnimationGIF([])).toThrow();
  });

  it('is deterministic', () => {
    expect(Buffer.from(renderAnimationGIF(run.slice(0, 3))).equals(Buffer.from(renderAnimationGIF(run.slice(0, 3))))).toBe(true);
  });
});

describe('writeSpatialOutputs', () => {
  const run = [0, 1, 2].map((d) => snapshot2D(d, 1).snapshot);

  it('writes the Arrow files, frames and animation atomically and returns their paths', () => {
    const dir = tempDir();
    const paths = writeSpatialOutputs(dir, run, { nichesimVersion: '0.1.0' });
    const rel = paths.map((p) => p.slice(dir.length + 1));
    expect(rel).toEqual([
      'snapshots/agents_000000.arrow',
      'snapshots/substrates_000000.arrow',
      'snapshots/agents_001440.arrow',
      'snapshots/substrates_001440.arrow',
      'snapshots/agents_002880.arrow',
      'snapshots/substrates_002880.arrow',
      'frames/frame_000000.png',
      'frames/frame_001440.png',
      'frames/frame_002880.png',
      'animation.gif',
    ]);
    for (const p of paths) expect(existsSync(p)).toBe(true);
    // No temporary files left behind.
    for (const sub of ['', 'snapshots', 'frames']) expect(readdirSync(join(dir, sub)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const agents = tableFromIPC(readFileSync(paths[2]));
    expect(agents.numRows).toBe(run[1].agents.id.length);
    expect(agents.schema.metadata.get('nichesim_version')).toBe('0.1.0');
    expect(tableFromIPC(readFileSync(paths[3])).numRows).toBe(2500);
    expect(parseGif(readFileSync(join(dir, 'animation.gif'))).frames).toBe(3);
    // Frames use the first substrate on one range, [0, max over the run].
    const range = substrateRange(run, 'oxygen');
    expect(range[0]).toBe(0);
    expect(range[1]).toBe(Math.max(...run.map((s) => Math.max(...s.substrates[0].values))));
    const frame = readFileSync(paths[6]);
    expect(Buffer.from(frame).equals(Buffer.from(renderFramePNG(run[0], { substrate: 'oxygen', range })))).toBe(true);
  });

  it('overwrites earlier outputs and is deterministic', () => {
    const a = tempDir();
    const b = tempDir();
    writeSpatialOutputs(a, run.slice(0, 1), { substrate: 'CXCL12' });
    const pa = writeSpatialOutputs(a, run, { substrate: 'CXCL12' });
    const pb = writeSpatialOutputs(b, run, { substrate: 'CXCL12' });
    for (let i = 0; i < pa.length; i++) expect(readFileSync(pa[i]).equals(readFileSync(pb[i])), pa[i]).toBe(true);
  });

  it('handles zero agents and zero substrates, and no snapshots', () => {
    const dir = tempDir();
    const paths = writeSpatialOutputs(dir, [emptySnapshot(0), emptySnapshot(60)]);
    expect(paths).toHaveLength(7);
    expect(tableFromIPC(readFileSync(paths[0])).numRows).toBe(0);
    const subs = tableFromIPC(readFileSync(paths[1]));
    expect(subs.numRows).toBe(80);
    expect(subs.schema.fields.map((f) => f.name)).toEqual(['i', 'j', 'k', 'x', 'y', 'z']);
    expect(writeSpatialOutputs(tempDir(), [])).toEqual([]);
  });

  it('names files by zero-padded time, with fractions and repeats kept apart', () => {
    expect(timeStems([0, 60, 1440])).toEqual(['000000', '000060', '001440']);
    expect(timeStems([5, 12345678])).toEqual(['00000005', '12345678']);
    expect(timeStems([7.5, 7.5])).toEqual(['000007.5', '000007.5_2']);
  });
});

describe('report "Space" section', () => {
  const times = Float64Array.from([0, 1440, 2880]);
  const input: ReportInput = {
    title: 'ABM niche',
    result: {
      status: 'ok',
      message: null,
      times,
      columns: [{ name: 'MSC', kind: 'cells', unit: 'cells' }],
      series: { MSC: Float64Array.from([10, 12, 14]) },
      manifest: {
        nichesimVersion: '0.1.0',
        modelName: 'abm',
        modelHash: 'abc',
        engine: 'abm',
        engineSettings: {},
        seed: 1,
        parameters: {},
        wallMs: 10,
        startedAt: '2025-01-01T00:00:00.000Z',
      },
    },
    summary: {},
    rules: [],
    network: { nodes: [], edges: [] },
  };

  it('embeds the animation as a GIF data URI with its caption', () => {
    const run = [0, 1, 2].map((d) => snapshot2D(d, 1).snapshot);
    const anim = reportAnimation(run, { width: 360 });
    expect(Buffer.from(anim.gifBase64, 'base64').subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(anim.caption).toContain('oxygen (mmHg)');
    expect(anim.caption).toContain('from day 0 to day 2, 3 frames at 4 frames/s');
    const html = buildReportHtml({ ...input, animation: anim });
    expect(html).toContain('<section id="space"><h2>Space</h2>');
    expect(html).toContain(`<img src="data:image/gif;base64,${anim.gifBase64}"`);
    expect(html).toContain('<figcaption>The 2D domain seen from above');
    expect(html).toContain('<a href="#space">Space</a>');
    expect(buildReportHtml(input)).not.toContain('id="space"');
  });

  it('escapes the caption and refuses data that is not base64', () => {
    const html = buildReportHtml({ ...input, animation: { gifBase64: 'R0lG"><script>', caption: '<b>x</b>' } });
    expect(html).not.toContain('<script>');
    expect(html).toContain('not valid base64');
    const ok = buildReportHtml({ ...input, animation: { gifBase64: 'R0lGODlh', caption: 'a < b' } });
    expect(ok).toContain('a &lt; b');
    // Padding in the middle, or a length that is not a multiple of 4, is not base64 either.
    expect(buildReportHtml({ ...input, animation: { gifBase64: 'R0==ODlh', caption: '' } })).toContain('not valid base64');
    expect(buildReportHtml({ ...input, animation: { gifBase64: 'R0lGODl', caption: '' } })).toContain('not valid base64');
  });

  it('embeds an animation of several megabytes (a long spatial run) without a regular-expression stack overflow', () => {
    const big = 'R0lGODlh'.repeat(1_000_000); // 8 MB of base64
    const html = buildReportHtml({ ...input, animation: { gifBase64: big, caption: 'long run' } });
    expect(html).toContain('<img src="data:image/gif;base64,R0lGODlh');
    expect(html).not.toContain('not valid base64');
  });

  it('captions 3D runs and runs without substrates', () => {
    expect(animationCaption([snapshot3D()])).toMatch(/^The z-slice through the middle of the 3D domain.*at day 0.5\. Background: glucose \(mM\)/);
    expect(animationCaption([emptySnapshot()])).toContain('No substrate is shown.');
  });
});
