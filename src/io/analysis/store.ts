/**
 * The results database of an analysis (layer 5, Node): an embedded DuckDB file with one row per
 * run, appended as runs finish (in batches, so at most one batch is lost to a crash), and the
 * analysis identity, so a restart resumes the same analysis and refuses a different one.
 *
 * Table `runs`: run_id, design, point, replicate, arm, seed, status ('ok', the engine's failure
 * status, or 'error'), error, wall_ms, one column per varied parameter (in its display unit) and
 * one per endpoint (NULL when not available, or a threshold not reached). Table `columns`
 * describes each column (kind, unit); table `meta` holds the identity and the spec.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export interface StoreColumns {
  parameters: Array<{ name: string; unit: string }>;
  endpoints: Array<{ name: string; unit: string }>;
}

export interface StoredRun {
  runId: number;
  design: string;
  point: number;
  replicate: number;
  arm: string | null;
  seed: number;
  status: string;
  error: string | null;
  wallMs: number;
  /** Display-unit values of the varied parameters. */
  parameters: ArrayLike<number>;
  endpoints: ReadonlyArray<number | null>;
}

/** The out folder holds a different analysis. */
export class StoreMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreMismatchError';
  }
}

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes an SQL string literal. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export class RunStore {
  private appender: DuckDBAppender | null = null;
  private pending = 0;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly columns: StoreColumns,
  ) {}

  /**
   * Opens (or creates) the database at `path` for the analysis `identity`.
   * @throws StoreMismatchError when the file holds another analysis
   */
  static async open(path: string, identity: string, columns: StoreColumns, meta: Record<string, string>): Promise<RunStore> {
    mkdirSync(dirname(path), { recursive: true });
    const existed = existsSync(path);
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    const store = new RunStore(path, instance, connection, columns);
    try {
      if (existed) {
        const tables = (await connection.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_name = 'meta'`)).getRows();
        if (tables.length > 0) {
          const rows = (await connection.runAndReadAll(`SELECT value FROM meta WHERE key = 'identity'`)).getRows();
          const stored = rows.length > 0 ? String(rows[0][0]) : '';
          if (stored !== identity) {
            throw new StoreMismatchError(
              `${path} holds the results of a different analysis (the spec, the model or the nichesim version changed); ` +
                'choose a new --out folder, or delete that file to start over',
            );
          }
          return store;
        }
      }
      await connection.run(`CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
      await connection.run(`CREATE TABLE columns (name VARCHAR, kind VARCHAR, unit VARCHAR)`);
      const cols = [
        'run_id INTEGER PRIMARY KEY',
        'design VARCHAR',
        'point INTEGER',
        'replicate INTEGER',
        'arm VARCHAR',
        'seed UINTEGER',
        'status VARCHAR',
        'error VARCHAR',
        'wall_ms DOUBLE',
        ...columns.parameters.map((p) => `${ident(p.name)} DOUBLE`),
        ...columns.endpoints.map((e) => `${ident(e.name)} DOUBLE`),
      ];
      await connection.run(`CREATE TABLE runs (${cols.join(', ')})`);
      const metaRows = Object.entries({ ...meta, identity }).map(([k, v]) => `(${literal(k)}, ${literal(v)})`);
      await connection.run(`INSERT INTO meta VALUES ${metaRows.join(', ')}`);
      const colRows = [
        ...columns.parameters.map((p) => `(${literal(p.name)}, 'parameter', ${literal(p.unit)})`),
        ...columns.endpoints.map((e) => `(${literal(e.name)}, 'endpoint', ${literal(e.unit)})`),
      ];
      if (colRows.length > 0) await connection.run(`INSERT INTO columns VALUES ${colRows.join(', ')}`);
      return store;
    } catch (e) {
      store.closeNow();
      throw e;
    }
  }

  /** Marks the completed run ids (rows present) in a bitmap of `total` entries; returns the count. */
  async completed(total: number, retryFailed = false): Promise<{ done: Uint8Array; count: number }> {
    const done = new Uint8Array(total);
    let count = 0;
    if (retryFailed) await this.connection.run(`DELETE FROM runs WHERE status <> 'ok'`);
    const result = await this.connection.stream(`SELECT run_id FROM runs`);
    for await (const chunk of result) {
      for (const v of chunk.getColumnValues(0)) {
        const id = Number(v);
        if (id >= 0 && id < total && !done[id]) {
          done[id] = 1;
          count++;
        }
      }
    }
    return { done, count };
  }

  /** Appends rows (kept in the appender's buffer until flush()). */
  async append(rows: readonly StoredRun[]): Promise<void> {
    this.appender ??= await this.connection.createAppender('runs');
    const a = this.appender;
    const num = (x: number | null) => (x === null || !Number.isFinite(x) ? a.appendNull() : a.appendDouble(x));
    for (const r of rows) {
      a.appendInteger(r.runId);
      a.appendVarchar(r.design);
      a.appendInteger(r.point);
      a.appendInteger(r.replicate);
      if (r.arm === null) a.appendNull();
      else a.appendVarchar(r.arm);
      a.appendUInteger(r.seed >>> 0);
      a.appendVarchar(r.status);
      if (r.error === null) a.appendNull();
      else a.appendVarchar(r.error.length > 4000 ? r.error.slice(0, 4000) + '…' : r.error);
      a.appendDouble(r.wallMs);
      for (let i = 0; i < this.columns.parameters.length; i++) num(r.parameters[i]);
      for (let i = 0; i < this.columns.endpoints.length; i++) num(r.endpoints[i] ?? null);
      a.endRow();
    }
    this.pending += rows.length;
  }

  /** Writes buffered rows to the database file. */
  flush(): void {
    if (this.appender && this.pending > 0) {
      this.appender.flushSync();
      this.pending = 0;
    }
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.connection.run(`INSERT OR REPLACE INTO meta VALUES (${literal(key)}, ${literal(value)})`);
  }

  /** Counts of runs by status. */
  async statusCounts(): Promise<Record<string, number>> {
    const rows = (await this.connection.runAndReadAll(`SELECT status, count(*) FROM runs GROUP BY status ORDER BY status`)).getRows();
    return Object.fromEntries(rows.map((r) => [String(r[0]), Number(r[1])]));
  }

  /**
   * Values of one column for run ids [from, from + count), by run id (NaN where missing), read
   * in chunks (the column only, never whole rows).
   */
  async columnByRun(column: string, from: number, count: number): Promise<Float64Array> {
    const out = new Float64Array(count).fill(NaN);
    const result = await this.connection.stream(`SELECT run_id, ${ident(column)} FROM runs WHERE run_id >= ${from} AND run_id < ${from + count}`);
    for await (const chunk of result) {
      const ids = chunk.getColumnValues(0);
      const vs = chunk.getColumnValues(1);
      for (let i = 0; i < ids.length; i++) {
        const v = vs[i];
        out[Number(ids[i]) - from] = v === null ? NaN : Number(v);
      }
    }
    return out;
  }

  /** Runs a query and returns its rows as plain objects (for small results: summaries, failures). */
  async query(sql: string): Promise<Array<Record<string, unknown>>> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  }

  /** Exports the runs table to Parquet. */
  async exportParquet(path: string): Promise<void> {
    this.flush();
    await this.connection.run(`COPY (SELECT * FROM runs ORDER BY run_id) TO ${literal(path)} (FORMAT parquet)`);
  }

  /** Flushes and closes the database. */
  close(): void {
    try {
      this.flush();
      this.appender?.closeSync();
    } finally {
      this.appender = null;
      this.closeNow();
    }
  }

  private closeNow(): void {
    try {
      this.connection.closeSync();
    } catch {
      /* already closed */
    }
    try {
      this.instance.closeSync();
    } catch {
      /* already closed */
    }
  }
}
