/**
 * The interaction network as a static inline SVG, laid out at build time with d3-force.
 *
 * The layout is deterministic: nodes start on a circle, d3-force's random source is a seeded
 * linear congruential generator, the simulation runs a fixed number of ticks and coordinates are
 * rounded before printing. Edges are drawn as arrows (increase, green), flat bars (decrease, red,
 * the usual "⊣" inhibition notation, so sign is not carried by colour alone) or dashed grey
 * arrows (mixed); each has a `<title>` tooltip naming the mediator and the evidence ids.
 */

import {
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type SimulationNodeDatum,
} from 'd3-force';
import { escapeHtml } from './format.js';
import { assignColors } from './palette.js';
import type { ReportNetwork } from './types.js';

/** Width of the network drawing in CSS pixels. */
const WIDTH = 960;
/** Node radius. */
const R = 20;
/** Vertical space reserved for the in-SVG legend. */
const LEGEND_H = 44;
/** Number of simulation ticks (fixed for determinism). */
const TICKS = 300;

/** Edge colours by sign. */
export const SIGN_STYLE: Record<'1' | '-1' | '0', { color: string; word: string; dash?: string }> = {
  '1': { color: '#1b7837', word: 'increases' },
  '-1': { color: '#c62828', word: 'decreases' },
  '0': { color: '#6b6b6b', word: 'mixed / context-dependent', dash: '6,4' },
};

/**
 * A seeded linear congruential generator (Numerical Recipes constants) returning numbers in
 * [0, 1); used as d3-force's random source so the layout never depends on Math.random.
 */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

interface LayoutNode extends SimulationNodeDatum {
  id: string;
  label: string;
  group?: string;
  x: number;
  y: number;
}

/** Rounds to one decimal for compact, stable SVG coordinates. */
function r1(v: number): string {
  const x = Math.round(v * 10) / 10;
  return Object.is(x, -0) ? '0' : String(x);
}

/** Computes deterministic node positions (centred on the origin) with d3-force. */
export function layoutNetwork(network: ReportNetwork): LayoutNode[] {
  const nodes: LayoutNode[] = [];
  const byId = new Map<string, LayoutNode>();
  const add = (id: string, label: string, group?: string): void => {
    if (byId.has(id)) return;
    const node: LayoutNode = { id, label, group, x: 0, y: 0 };
    byId.set(id, node);
    nodes.push(node);
  };
  for (const n of network.nodes) add(n.id, n.label, n.group);
  // Edges that name undeclared nodes still get drawn (the node is labelled with its id).
  for (const e of network.edges) {
    add(e.source, e.source);
    add(e.target, e.target);
  }
  const n = nodes.length;
  const radius = Math.max(80, (n * 2 * R * 2.2) / (2 * Math.PI));
  nodes.forEach((node, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2;
    node.x = radius * Math.cos(a);
    node.y = radius * Math.sin(a);
  });
  if (n <= 1) return nodes;

  const seen = new Set<string>();
  const links: Array<{ source: string; target: string }> = [];
  for (const e of network.edges) {
    if (e.source === e.target) continue;
    const key = e.source < e.target ? `${e.source}\u0000${e.target}` : `${e.target}\u0000${e.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    links.push({ source: e.source, target: e.target });
  }
  const sim = forceSimulation<LayoutNode>(nodes)
    .randomSource(lcg(0x5eed))
    .stop()
    .force(
      'link',
      forceLink<LayoutNode, { source: string | LayoutNode; target: string | LayoutNode }>(links)
        .id((d) => d.id)
        .distance(170)
        .strength(0.4),
    )
    .force('charge', forceManyBody<LayoutNode>().strength(-900).distanceMax(600))
    .force('collide', forceCollide<LayoutNode>(R * 2.6))
    .force('x', forceX<LayoutNode>(0).strength(0.02))
    .force('y', forceY<LayoutNode>(0).strength(0.12))
    .stop();
  sim.tick(TICKS);
  return nodes;
}

/** Axis-aligned box [x0, y0, x1, y1]. */
type Box = [number, number, number, number];

/** True when two boxes intersect. */
function overlaps(a: Box, b: Box): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/** Unit vector from (x0,y0) towards (x1,y1); (1,0) when the points coincide. */
function unit(x0: number, y0: number, x1: number, y1: number): [number, number] {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy);
  return len > 1e-9 ? [dx / len, dy / len] : [1, 0];
}

/** SVG shape for a node, chosen by its group's index (circle, rounded square, diamond). */
function nodeShape(x: number, y: number, shape: number, fill: string): string {
  const common = `fill="${escapeHtml(fill)}" stroke="#ffffff" stroke-width="2"`;
  if (shape === 1) {
    const s = R * 0.9;
    return `<rect x="${r1(x - s)}" y="${r1(y - s)}" width="${r1(2 * s)}" height="${r1(2 * s)}" rx="6" ${common}/>`;
  }
  if (shape === 2) {
    const s = R * 1.15;
    return `<path d="M${r1(x)},${r1(y - s)}L${r1(x + s)},${r1(y)}L${r1(x)},${r1(y + s)}L${r1(x - s)},${r1(y)}Z" ${common}/>`;
  }
  return `<circle cx="${r1(x)}" cy="${r1(y)}" r="${R}" ${common}/>`;
}

/** Marker id for an edge sign. */
function markerId(sign: 1 | -1 | 0): string {
  return sign === 1 ? 'nichesim-net-inc' : sign === -1 ? 'nichesim-net-dec' : 'nichesim-net-mix';
}

/** `<defs>` with the arrowhead and inhibition-bar markers. */
function markerDefs(): string {
  const arrow = (id: string, color: string): string =>
    `<marker id="${id}" viewBox="0 -5 10 10" refX="10" refY="0" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,-5L10,0L0,5Z" fill="${color}"/></marker>`;
  const bar = `<marker id="nichesim-net-dec" viewBox="0 -7 4 14" refX="2" refY="0" markerWidth="4" markerHeight="14" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,-7H4V7H0Z" fill="${SIGN_STYLE['-1'].color}"/></marker>`;
  return `<defs>${arrow('nichesim-net-inc', SIGN_STYLE['1'].color)}${bar}${arrow('nichesim-net-mix', SIGN_STYLE['0'].color)}</defs>`;
}

/** Approximate rendered width of a 12 px label (no font metrics at build time). */
function textWidth(s: string, px = 12): number {
  return s.length * px * 0.58;
}

/** The legend drawn across the top of the network SVG. */
function legendSvg(groups: string[]): string {
  const parts: string[] = [];
  let x = 8;
  const y = 18;
  for (const sign of [1, -1, 0] as const) {
    const st = SIGN_STYLE[String(sign) as '1' | '-1' | '0'];
    parts.push(
      `<path d="M${x},${y}H${x + 34}" stroke="${st.color}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''} marker-end="url(#${markerId(sign)})"/>`,
      `<text x="${x + 42}" y="${y + 4}">${escapeHtml(st.word)}</text>`,
    );
    x += 42 + textWidth(st.word) + 22;
  }
  groups.forEach((g, i) => {
    const shape = i % 3;
    const cx = x + 9;
    const s = 7;
    const fill = '#9aa0a6';
    if (shape === 1) parts.push(`<rect x="${cx - s}" y="${y - s}" width="${2 * s}" height="${2 * s}" rx="3" fill="${fill}"/>`);
    else if (shape === 2) parts.push(`<path d="M${cx},${y - s - 1}L${cx + s + 1},${y}L${cx},${y + s + 1}L${cx - s - 1},${y}Z" fill="${fill}"/>`);
    else parts.push(`<circle cx="${cx}" cy="${y}" r="${s}" fill="${fill}"/>`);
    parts.push(`<text x="${cx + 13}" y="${y + 4}">${escapeHtml(g)}</text>`);
    x += 13 + 9 + textWidth(g) + 22;
  });
  return `<g class="net-legend" font-size="12" fill="#1f2328">${parts.join('')}</g>`;
}

/**
 * Renders the network as one `<svg>` string (legend on top), or null when it has no nodes and
 * no edges.
 */
export function networkSvg(network: ReportNetwork): string | null {
  if (network.nodes.length === 0 && network.edges.length === 0) return null;
  const nodes = layoutNetwork(network);
  const byId = new Map(nodes.map((n) => [n.id, n]));

  // Fit the layout into the drawing area; never enlarge by more than 1.2×.
  const padX = 90;
  const padTop = LEGEND_H + 70;
  const padBottom = 80;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.x);
    maxX = Math.max(maxX, n.x);
    minY = Math.min(minY, n.y);
    maxY = Math.max(maxY, n.y);
  }
  const bw = Math.max(maxX - minX, 1);
  const bh = Math.max(maxY - minY, 1);
  const innerW = WIDTH - 2 * padX;
  const maxInnerH = Math.min(680, Math.max(360, nodes.length * 40));
  const scale = Math.min(2.2, innerW / bw, maxInnerH / bh);
  const innerH = bh * scale;
  const height = Math.round(Math.max(260, innerH + padTop + padBottom));
  const offX = WIDTH / 2 - ((minX + maxX) / 2) * scale;
  const offY = padTop + (height - padTop - padBottom) / 2 - ((minY + maxY) / 2) * scale;
  const pos = (n: LayoutNode): [number, number] => [n.x * scale + offX, n.y * scale + offY];
  let cxAll = 0;
  let cyAll = 0;
  for (const n of nodes) {
    const [x, y] = pos(n);
    cxAll += x / nodes.length;
    cyAll += y / nodes.length;
  }

  const groups: string[] = [];
  for (const n of nodes) if (n.group !== undefined && !groups.includes(n.group)) groups.push(n.group);
  const colors = assignColors(nodes.map((n) => n.label));

  // Parallel edges between the same pair bend apart; the bend side is fixed by the pair's
  // canonical (sorted) direction so A→B and B→A curve to opposite sides.
  const pairCount = new Map<string, number>();
  const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  for (const e of network.edges) pairCount.set(pairKey(e.source, e.target), (pairCount.get(pairKey(e.source, e.target)) ?? 0) + 1);
  const pairSeen = new Map<string, number>();
  const showEdgeLabels = network.edges.length <= 40;

  const edgeParts: string[] = [];
  const labelParts: string[] = [];
  // Areas already taken (nodes with their labels, placed edge labels), to keep labels apart.
  const occupied: Box[] = nodes.map((n) => {
    const [x, y] = pos(n);
    const half = Math.max(R, textWidth(n.label) / 2 + 2);
    return [x - half, y - R - 2, x + half, y + R + 20];
  });
  for (const e of network.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) continue;
    const key = pairKey(e.source, e.target);
    const k = pairSeen.get(key) ?? 0;
    pairSeen.set(key, k + 1);
    const m = pairCount.get(key) ?? 1;
    const sign = e.sign === 1 || e.sign === -1 ? e.sign : 0;
    const st = SIGN_STYLE[String(sign) as '1' | '-1' | '0'];
    const [sx, sy] = pos(s);
    const [tx, ty] = pos(t);
    let d: string;
    let lx: number;
    let ly: number;
    let anchor = 'middle';
    /** Candidate label positions along the edge, best first. */
    let candidates: Array<[number, number]> = [];
    if (e.source === e.target) {
      // Self-loop pointing away from the centre of the drawing, growing with each extra loop.
      const h = 34 + 14 * k;
      const th = Math.hypot(sx - cxAll, sy - cyAll) > 1 ? Math.atan2(sy - cyAll, sx - cxAll) : -Math.PI / 2;
      const p0 = [sx + R * Math.cos(th - 0.5), sy + R * Math.sin(th - 0.5)];
      const p1 = [sx + (R + 3) * Math.cos(th + 0.5), sy + (R + 3) * Math.sin(th + 0.5)];
      const c0 = [sx + (R + h * 1.6) * Math.cos(th - 0.75), sy + (R + h * 1.6) * Math.sin(th - 0.75)];
      const c1 = [sx + (R + h * 1.6) * Math.cos(th + 0.75), sy + (R + h * 1.6) * Math.sin(th + 0.75)];
      d = `M${r1(p0[0])},${r1(p0[1])}C${r1(c0[0])},${r1(c0[1])} ${r1(c1[0])},${r1(c1[1])} ${r1(p1[0])},${r1(p1[1])}`;
      lx = sx + (R + h * 1.05 + 8) * Math.cos(th);
      ly = sy + (R + h * 1.05 + 8) * Math.sin(th) + 4;
      anchor = Math.cos(th) < -0.35 ? 'end' : Math.cos(th) > 0.35 ? 'start' : 'middle';
      candidates = [[lx, ly]];
    } else {
      const [ax, ay] = e.source < e.target ? [sx, sy] : [tx, ty];
      const [bx, by] = e.source < e.target ? [tx, ty] : [sx, sy];
      const [ux, uy] = unit(ax, ay, bx, by);
      const offset = m === 1 ? 0 : (k - (m - 1) / 2) * 100;
      const cx = (sx + tx) / 2 - uy * offset;
      const cy = (sy + ty) / 2 + ux * offset;
      const [u0x, u0y] = unit(sx, sy, cx, cy);
      const [u1x, u1y] = unit(tx, ty, cx, cy);
      const endGap = sign === -1 ? R + 4 : R + 3;
      d = `M${r1(sx + u0x * (R + 2))},${r1(sy + u0y * (R + 2))}Q${r1(cx)},${r1(cy)} ${r1(tx + u1x * endGap)},${r1(ty + u1y * endGap)}`;
      const at = (t: number): [number, number] => [
        (1 - t) * (1 - t) * sx + 2 * (1 - t) * t * cx + t * t * tx,
        (1 - t) * (1 - t) * sy + 2 * (1 - t) * t * cy + t * t * ty + 4,
      ];
      candidates = [0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75].map(at);
      [lx, ly] = candidates[0];
    }
    const evidence = e.evidenceIds.length ? e.evidenceIds.join(', ') : 'none listed';
    const tip = `${s.label} → ${t.label}: ${st.word}${e.label ? ` via ${e.label}` : ''}. Evidence: ${evidence}`;
    edgeParts.push(
      `<g class="edge" data-edge-id="${escapeHtml(e.id)}"><title>${escapeHtml(tip)}</title>` +
        `<path d="${d}" fill="none" stroke="${st.color}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''} marker-end="url(#${markerId(sign)})"/>` +
        `<path d="${d}" fill="none" stroke="transparent" stroke-width="10"/></g>`,
    );
    if (showEdgeLabels && e.label) {
      const w = textWidth(e.label, 11) + 4;
      const boxAt = ([x, y]: [number, number]): Box => {
        const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
        return [x0, y - 11, x0 + w, y + 3];
      };
      const free = candidates.find((c) => !occupied.some((b) => overlaps(b, boxAt(c))));
      [lx, ly] = free ?? candidates[0];
      occupied.push(boxAt([lx, ly]));
      labelParts.push(
        `<text class="edge-label" x="${r1(lx)}" y="${r1(ly)}"${anchor === 'middle' ? '' : ` text-anchor="${anchor}"`} fill="${st.color}"><title>${escapeHtml(tip)}</title>${escapeHtml(e.label)}</text>`,
      );
    }
  }

  const nodeParts = nodes.map((n) => {
    const [x, y] = pos(n);
    const shape = n.group === undefined ? 0 : groups.indexOf(n.group) % 3;
    const tip = n.group ? `${n.label} (${n.group})` : n.label;
    return (
      `<g class="node" data-node-id="${escapeHtml(n.id)}"><title>${escapeHtml(tip)}</title>` +
      nodeShape(x, y, shape, colors.get(n.label) ?? '#888') +
      `<text x="${r1(x)}" y="${r1(y + R + 16)}" class="node-label">${escapeHtml(n.label)}</text></g>`
    );
  });

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="network" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `role="img" aria-label="Interaction network" font-size="12" text-anchor="middle" style="background:white;font-family:inherit">` +
    `<style>.network .node-label{font-weight:600;fill:#1f2328;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}` +
    `.network .edge-label{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}` +
    `.network .net-legend text{text-anchor:start}</style>` +
    markerDefs() +
    legendSvg(groups) +
    `<g class="edges">${edgeParts.join('')}</g>` +
    `<g class="edge-labels">${labelParts.join('')}</g>` +
    `<g class="nodes">${nodeParts.join('')}</g>` +
    `</svg>`
  );
}
