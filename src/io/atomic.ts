/**
 * Atomic file output (layer 5, Node): a file is written to a temporary sibling and renamed, so
 * a reader never sees half a file and an interrupted run never leaves a truncated one.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A file or folder that cannot be written: says which and why, in words (not an internal error). */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

const REASONS: Record<string, string> = {
  EEXIST: 'a file of that name is in the way',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted there',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOENT: 'a part of the path does not exist and cannot be created',
};

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (code || String(e));
}

/**
 * Creates a folder and its missing parents, walking up at most 64 levels (Node's recursive mkdir
 * can loop on special file systems such as /proc).
 * @throws OutputError naming the folder and the reason
 */
export function ensureFolder(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  for (let i = 0; i < 64; i++) {
    try {
      if (statSync(d).isDirectory()) break;
      throw new OutputError(`cannot create the folder ${dir}: ${d} is a file, not a folder`);
    } catch (e) {
      if (e instanceof OutputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new OutputError(`cannot create the folder ${dir}: ${reason(e)}`);
      missing.push(d);
      const parent = dirname(d);
      if (parent === d) break;
      d = parent;
    }
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(`cannot create the folder ${m}: ${reason(e)}`);
    }
  }
}

/**
 * Writes `content` to `path` atomically (same-directory temp file + rename); creates the folder.
 * @throws OutputError when the folder or file cannot be written, naming it and the reason
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const dir = dirname(path);
  ensureFolder(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new OutputError(`cannot write ${path}: ${reason(e)}`);
  }
}
