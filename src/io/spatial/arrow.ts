/**
 * Arrow IPC *file* writers for spatial snapshots (readable by pyarrow `pa.ipc.open_file`,
 * R arrow `read_ipc_file`, polars `read_ipc`, DuckDB and apache-arrow JS `tableFromIPC`).
 *
 * Agents: one row per agent (id, type, x, y, z, volume, state). Substrates: one row per voxel
 * (i, j, k, x, y, z of the voxel centre, then one column per substrate). Units and the snapshot's
 * context (time, domain, cell types) are stored as schema metadata (string key/value pairs;
 * structured values as JSON) and each physical column carries a `unit` field metadata entry.
 * Output bytes are a pure function of the input (dictionary ids are fixed).
 */
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Uint32,
  Utf8,
  makeData,
  tableToIPC,
  vectorFromArray,
  type Data,
  type DataType,
} from 'apache-arrow';
import { AGENT_STATES, type SpatialSnapshot } from '../../engines/abm/snapshot.js';

/** Options shared by the Arrow writers. */
export interface ArrowWriteOptions {
  /** nichesim version, stored as the `nichesim_version` schema metadata entry. */
  nichesimVersion?: string;
}

/** Unit of positions and lengths in the files. */
export const LENGTH_UNIT = 'um';
/** Unit of volumes in the files. */
export const VOLUME_UNIT = 'um^3';
const MINUTES_PER_DAY = 1440;

/** Field metadata holding a unit (and optionally a description). */
function meta(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

/** Schema metadata common to both tables: time, dimensionality, domain and version. */
function commonMetadata(s: SpatialSnapshot, table: string, opts: ArrowWriteOptions): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['nichesim:table', table],
    ['time_min', String(s.time)],
    ['time_days', String(s.time / MINUTES_PER_DAY)],
    ['dims', String(s.dims)],
    ['origin_um', JSON.stringify(s.origin)],
    ['voxel_size_um', String(s.voxelSize)],
    ['shape', JSON.stringify({ nx: s.shape.nx, ny: s.shape.ny, nz: s.shape.nz })],
  ];
  if (opts.nichesimVersion !== undefined) out.push(['nichesim_version', opts.nichesimVersion]);
  return out;
}

/** Serialises columns (all of the same length) with the given fields as an Arrow IPC file. */
function writeTable(fields: Field[], columns: Data<DataType>[], length: number, metadata: Array<[string, string]>): Uint8Array {
  const schema = new Schema(fields, new Map(metadata));
  const struct = makeData({ type: new Struct(fields), length, nullCount: 0, children: columns });
  const batch = new RecordBatch(schema, struct);
  return tableToIPC(new Table(schema, [batch]), 'file');
}

/** A non-null float64 column. */
function float64(values: Float64Array): Data<Float64> {
  return makeData({ type: new Float64(), length: values.length, nullCount: 0, data: values });
}

/** A non-null int32 column. */
function int32(values: Int32Array): Data<Int32> {
  return makeData({ type: new Int32(), length: values.length, nullCount: 0, data: values });
}

/** A dictionary-encoded utf8 column with int32 indices and a fixed dictionary id. */
function dictionary(id: number, values: readonly string[], indices: Int32Array): { type: Dictionary<Utf8, Int32>; data: Data<Dictionary<Utf8, Int32>> } {
  const type = new Dictionary(new Utf8(), new Int32(), id, false);
  const dict = vectorFromArray([...values], new Utf8());
  return { type, data: makeData({ type, length: indices.length, nullCount: 0, data: indices, dictionary: dict }) };
}

/**
 * The agents of a snapshot as an Arrow IPC file, one row per agent:
 * `id` uint32; `type` dictionary<int32, utf8> (dictionary = the cell type names, in the
 * snapshot's order); `x`, `y`, `z` float64 (um); `volume` float64 (um^3); `state`
 * dictionary<int32, utf8> over live / apoptotic / necrotic.
 *
 * Schema metadata: `time_min`, `time_days`, `dims`, `units` (JSON: x, y, z, volume, time),
 * `origin_um`, `voxel_size_um`, `shape`, `cell_types` (JSON [{name, label}]) and
 * `nichesim_version` when given. Throws if the agent columns differ in length or a type or state
 * code is out of range.
 */
export function agentsToArrowIPC(s: SpatialSnapshot, opts: ArrowWriteOptions = {}): Uint8Array {
  const a = s.agents;
  const n = a.id.length;
  for (const [name, col] of Object.entries(a) as Array<[string, ArrayLike<number>]>) {
    if (col.length !== n) throw new Error(`agents column '${name}' has ${col.length} entries, expected ${n} (as many as ids)`);
  }
  const nTypes = s.cellTypes.length;
  const typeIdx = new Int32Array(n);
  const stateIdx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = a.type[i];
    if (t >= nTypes) throw new Error(`agent ${a.id[i]} has cell type index ${t}, but the snapshot declares ${nTypes} cell type(s)`);
    const st = a.state[i];
    if (st >= AGENT_STATES.length) throw new Error(`agent ${a.id[i]} has state code ${st}; expected 0 (live), 1 (apoptotic) or 2 (necrotic)`);
    typeIdx[i] = t;
    stateIdx[i] = st;
  }
  const type = dictionary(0, s.cellTypes.map((c) => c.name), typeIdx);
  const state = dictionary(1, AGENT_STATES, stateIdx);
  const um = meta({ unit: LENGTH_UNIT });
  const fields = [
    new Field('id', new Uint32(), false, meta({ description: 'agent id, unique over the run' })),
    new Field('type', type.type, false, meta({ description: 'cell type name' })),
    new Field('x', new Float64(), false, um),
    new Field('y', new Float64(), false, um),
    new Field('z', new Float64(), false, um),
    new Field('volume', new Float64(), false, meta({ unit: VOLUME_UNIT })),
    new Field('state', state.type, false, meta({ description: 'live, apoptotic or necrotic' })),
  ];
  const columns: Data<DataType>[] = [
    makeData({ type: new Uint32(), length: n, nullCount: 0, data: a.id }),
    type.data,
    float64(a.x),
    float64(a.y),
    float64(a.z),
    float64(a.volume),
    state.data,
  ];
  const metadata = commonMetadata(s, 'agents', opts);
  metadata.push(
    ['units', JSON.stringify({ x: LENGTH_UNIT, y: LENGTH_UNIT, z: LENGTH_UNIT, volume: VOLUME_UNIT, time: 'min' })],
    ['cell_types', JSON.stringify(s.cellTypes.map((c) => ({ name: c.name, label: c.label })))],
  );
  return writeTable(fields, columns, n, metadata);
}

/** Columns of the substrate table that are not substrates. */
const VOXEL_COLUMNS = ['i', 'j', 'k', 'x', 'y', 'z'];

/**
 * The substrate grids of a snapshot as an Arrow IPC file, one row per voxel in the grid's own
 * order (x fastest, then y, then z): `i`, `j`, `k` int32 voxel indices; `x`, `y`, `z` float64
 * voxel centres (um); then one float64 column per substrate, named after it, with its unit as
 * field metadata (`unit`).
 *
 * Schema metadata: `time_min`, `time_days`, `dims`, `units` (JSON: coordinates and each
 * substrate), `origin_um`, `voxel_size_um`, `shape`, `substrates` (JSON [{name, unit}]) and
 * `nichesim_version` when given. Throws if a grid has the wrong number of values or a substrate
 * name is repeated or clashes with a coordinate column.
 */
export function substratesToArrowIPC(s: SpatialSnapshot, opts: ArrowWriteOptions = {}): Uint8Array {
  const { nx, ny, nz } = s.shape;
  const n = nx * ny * nz;
  const seen = new Set<string>();
  for (const sub of s.substrates) {
    if (VOXEL_COLUMNS.includes(sub.name)) throw new Error(`substrate name '${sub.name}' clashes with a voxel coordinate column (${VOXEL_COLUMNS.join(', ')})`);
    if (seen.has(sub.name)) throw new Error(`substrate '${sub.name}' appears twice in the snapshot`);
    seen.add(sub.name);
    if (sub.values.length !== n) throw new Error(`substrate '${sub.name}' has ${sub.values.length} values, expected nx·ny·nz = ${n}`);
  }
  const ii = new Int32Array(n);
  const jj = new Int32Array(n);
  const kk = new Int32Array(n);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const zs = new Float64Array(n);
  const [ox, oy, oz] = s.origin;
  const h = s.voxelSize;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        ii[p] = i;
        jj[p] = j;
        kk[p] = k;
        xs[p] = ox + (i + 0.5) * h;
        ys[p] = oy + (j + 0.5) * h;
        zs[p] = oz + (k + 0.5) * h;
      }
    }
  }
  const um = meta({ unit: LENGTH_UNIT, description: 'voxel centre' });
  const fields = [
    new Field('i', new Int32(), false, meta({ description: 'voxel index along x' })),
    new Field('j', new Int32(), false, meta({ description: 'voxel index along y' })),
    new Field('k', new Int32(), false, meta({ description: 'voxel index along z' })),
    new Field('x', new Float64(), false, um),
    new Field('y', new Float64(), false, um),
    new Field('z', new Float64(), false, um),
    ...s.substrates.map((sub) => new Field(sub.name, new Float64(), false, meta({ unit: sub.unit }))),
  ];
  const columns: Data<DataType>[] = [
    int32(ii),
    int32(jj),
    int32(kk),
    float64(xs),
    float64(ys),
    float64(zs),
    ...s.substrates.map((sub) => float64(sub.values)),
  ];
  const units: Record<string, string> = { x: LENGTH_UNIT, y: LENGTH_UNIT, z: LENGTH_UNIT };
  for (const sub of s.substrates) units[sub.name] = sub.unit;
  const metadata = commonMetadata(s, 'substrates', opts);
  metadata.push(
    ['units', JSON.stringify(units)],
    ['substrates', JSON.stringify(s.substrates.map((sub) => ({ name: sub.name, unit: sub.unit })))],
  );
  return writeTable(fields, columns, n, metadata);
}
