/**
 * Progress of an analysis on the terminal (layer 5, Node): a one-line bar with rate and ETA on a
 * TTY (redrawn at most 10 times a second), or a plain line every 10% otherwise.
 */
export interface ProgressSink {
  update(done: number, total: number, failed: number): void;
  finish(done: number, total: number, failed: number): void;
}

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/**
 * A progress sink writing to `stream` (stderr by default); `null` when quiet.
 * @param startDone runs already complete before this session (resumed), excluded from the rate
 */
export function terminalProgress(label: string, startDone: number, stream: NodeJS.WriteStream = process.stderr, quiet = false): ProgressSink | null {
  if (quiet) return null;
  const tty = !!stream.isTTY;
  const t0 = Date.now();
  let last = 0;
  let lastDecile = -1;
  const line = (done: number, total: number, failed: number) => {
    const f = total > 0 ? done / total : 1;
    const elapsed = (Date.now() - t0) / 1000;
    const newRuns = done - startDone;
    const rate = elapsed > 0 ? newRuns / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const width = 28;
    const bar = '#'.repeat(Math.round(f * width)).padEnd(width, '.');
    return `${label} [${bar}] ${(f * 100).toFixed(0).padStart(3)}% ${done}/${total} runs  ${rate.toFixed(1)} runs/s  ETA ${formatEta(eta)}${failed > 0 ? `  (${failed} failed)` : ''}`;
  };
  return {
    update(done, total, failed) {
      const now = Date.now();
      if (tty) {
        if (now - last < 100) return;
        last = now;
        stream.write(`\r${line(done, total, failed)}\x1b[K`);
      } else {
        const decile = Math.floor((10 * done) / Math.max(1, total));
        if (decile > lastDecile && decile < 10) {
          lastDecile = decile;
          stream.write(line(done, total, failed) + '\n');
        }
      }
    },
    finish(done, total, failed) {
      stream.write(`${tty ? '\r' : ''}${line(done, total, failed)}${tty ? '\x1b[K' : ''}\n`);
    },
  };
}
