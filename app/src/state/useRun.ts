/**
 * Hooks that follow a RunClient: the run (re-rendering at most every `ms` milliseconds while
 * rows stream in, at once when the phase changes) and the latest spatial frame.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SpaceFrame } from '../worker/protocol.js';
import type { RunClient, RunData } from './runClient.js';

/** The client's run, re-rendered at most every `ms` ms (phase changes at once). */
export function useRunData(client: RunClient, ms = 200): RunData {
  const [run, setRun] = useState<RunData>(client.run);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastPhase = client.run.phase;
    let lastRunId = client.run.runId;
    let last = 0;
    setRun(client.run);
    const unsub = client.subscribe((d) => {
      const urgent = d.phase !== lastPhase || d.runId !== lastRunId;
      lastPhase = d.phase;
      lastRunId = d.runId;
      const now = performance.now();
      if (urgent || now - last >= ms) {
        if (timer) clearTimeout(timer);
        timer = null;
        last = now;
        setRun(d);
      } else if (!timer) {
        timer = setTimeout(() => {
          timer = null;
          last = performance.now();
          setRun(client.run);
        }, ms - (now - last));
      }
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, [client, ms]);
  return run;
}

/** The client's latest spatial frame. */
export function useFrame(client: RunClient): SpaceFrame | null {
  const [frame, setFrame] = useState<SpaceFrame | null>(client.frame);
  useEffect(() => client.subscribeFrames(setFrame), [client]);
  return frame;
}
