/**
 * The space view: the 2D spatial simulation drawn on a canvas (SpaceRenderer), a legend of the
 * cell types with live counts, a substrate heat-map selector with its colour bar, and the
 * simulated time. Frames are drawn on the next animation frame after they arrive (at most one
 * draw per display frame), and on resize.
 */
import { useEffect, useId, useMemo, useRef } from 'preact/hooks';
import type { SpaceFrame } from '../../worker/protocol.js';
import { ColorBar } from './ColorBar.js';
import { countCells, findSubstrate, frameSummary, formatSimTime, substrateRange } from './frameStats.js';
import { Legend } from './Legend.js';
import { SpaceRenderer } from './renderer.js';
import './space.css';

/** Largest canvas height, in % of the viewport height (the width follows the domain's aspect). */
const MAX_HEIGHT_VH = 78;

/** Props of {@link SpaceView}. */
export interface SpaceViewProps {
  /** The latest frame of the spatial engine (null before the first one). */
  frame: SpaceFrame | null;
  /** Substrate shown as a heat map, or null for none. */
  substrate: string | null;
  /** Called when the user picks a substrate (null for none). */
  onSubstrateChange(name: string | null): void;
}

/** Renders the spatial simulation (see the module comment). */
export function SpaceView({ frame, substrate, onSubstrateChange }: SpaceViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rendererRef = useRef<SpaceRenderer | null>(null);
  const latest = useRef({ frame, substrate });
  latest.current = { frame, substrate };
  const rafRef = useRef(0);
  const selectId = useId();

  const scheduleDraw = useRef(() => {
    if (rafRef.current) return;
    rafRef.current = requestAnimationFrame(() => {
      rafRef.current = 0;
      const r = rendererRef.current;
      if (!r) return;
      const { frame: f, substrate: s } = latest.current;
      if (f) r.draw(f, s);
      else r.clear();
    });
  }).current;

  useEffect(() => {
    const canvas = canvasRef.current!;
    const renderer = new SpaceRenderer(canvas);
    rendererRef.current = renderer;
    const resize = (): void => {
      const { width, height } = canvas.getBoundingClientRect();
      if (width > 0 && height > 0) renderer.setSize(width, height);
      scheduleDraw();
    };
    const ro = new ResizeObserver(resize);
    ro.observe(canvas);
    resize();
    return () => {
      ro.disconnect();
      if (rafRef.current) cancelAnimationFrame(rafRef.current);
      rafRef.current = 0;
      rendererRef.current = null;
    };
  }, []);

  useEffect(scheduleDraw, [frame, substrate]);

  const counts = useMemo(() => (frame ? countCells(frame) : null), [frame]);
  const grid = findSubstrate(frame, substrate);
  const range = useMemo(() => (grid ? substrateRange(grid.values) : null), [grid]);
  const shown = grid ? grid.name : null;
  const ratio = frame && frame.size[0] > 0 && frame.size[1] > 0 ? frame.size[0] / frame.size[1] : 1;

  return (
    <section class="ns-space" aria-label="Spatial simulation">
      <div class="ns-space-plot">
        <p class="ns-space-time" data-testid="space-time">
          {frame ? (
            <>
              <strong>t = {formatSimTime(frame.time)}</strong>{' '}
              <span class="ns-space-muted">({Math.round(frame.time)} min)</span>
            </>
          ) : (
            <span class="ns-space-muted">No spatial frame yet: run the agent-based engine to see the cells.</span>
          )}
        </p>
        <canvas
          ref={canvasRef}
          class="ns-space-canvas"
          style={{ aspectRatio: String(ratio), maxWidth: `calc(${MAX_HEIGHT_VH}vh * ${ratio})`, maxHeight: `${MAX_HEIGHT_VH}vh` }}
          role="img"
          aria-label={frameSummary(frame, counts, shown)}
          data-testid="space-canvas"
          data-agents={frame ? frame.n : 0}
        />
      </div>
      <aside class="ns-space-side">
        <Legend cellTypes={frame?.cellTypes ?? []} counts={counts} />
        <div class="ns-space-field">
          <label for={selectId}>Heat map</label>
          <select
            id={selectId}
            data-testid="substrate-select"
            value={shown ?? ''}
            disabled={!frame || frame.substrates.length === 0}
            onChange={(e) => {
              const v = (e.currentTarget as HTMLSelectElement).value;
              onSubstrateChange(v === '' ? null : v);
            }}
          >
            <option value="">none</option>
            {(frame?.substrates ?? []).map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.unit})
              </option>
            ))}
          </select>
        </div>
        {grid && range ? <ColorBar name={grid.name} unit={grid.unit} range={range} /> : null}
      </aside>
    </section>
  );
}
