/**
 * A small built-in bitmap font for the spatial frames (there is no canvas in Node).
 *
 * Glyphs are drawn on a 5 × 9 grid: rows 0–6 hold capitals and digits (baseline under row 6),
 * lowercase letters sit on rows 2–6 and descenders use rows 7–8. Each glyph is written below as
 * rows of `#` (ink) and `.` (blank) separated by spaces; trailing blank rows may be omitted.
 * Letters and symbols are proportional (blank columns at either side are trimmed); digits keep
 * their full width so that numbers line up. Text is scaled by an integer factor, without
 * smoothing, so it stays crisp (and palette-friendly in GIFs).
 */

/** Glyph rows, keyed by character. */
const GLYPHS: Record<string, string> = {
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.',
  D: '###.. #..#. #...# #...# #...# #..#. ###..',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '### .#. .#. .#. .#. .#. ###',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  a: '..... ..... .###. ....# .#### #...# .####',
  b: '#.... #.... #.##. ##..# #...# #...# ####.',
  c: '..... ..... .###. #.... #.... #...# .###.',
  d: '....# ....# .##.# #..## #...# #...# .####',
  e: '..... ..... .###. #...# ##### #.... .###.',
  f: '..##. .#..# .#... ###.. .#... .#... .#...',
  g: '..... ..... .#### #...# #...# #...# .#### ....# .###.',
  h: '#.... #.... #.##. ##..# #...# #...# #...#',
  i: '.#. ... ##. .#. .#. .#. ###',
  j: '...# .... ..## ...# ...# ...# ...# #..# .##.',
  k: '#... #... #..# #.#. ##.. #.#. #..#',
  l: '##. .#. .#. .#. .#. .#. ###',
  m: '..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#',
  n: '..... ..... #.##. ##..# #...# #...# #...#',
  o: '..... ..... .###. #...# #...# #...# .###.',
  p: '..... ..... ####. #...# #...# #...# ####. #.... #....',
  q: '..... ..... .#### #...# #...# #...# .#### ....# ....#',
  r: '..... ..... #.##. ##..# #.... #.... #....',
  s: '..... ..... .#### #.... .###. ....# ####.',
  t: '.#... .#... ###.. .#... .#... .#..# ..##.',
  u: '..... ..... #...# #...# #...# #..## .##.#',
  v: '..... ..... #...# #...# #...# .#.#. ..#..',
  w: '..... ..... #...# #...# #.#.# #.#.# .#.#.',
  x: '..... ..... #...# .#.#. ..#.. .#.#. #...#',
  y: '..... ..... #...# #...# #...# #...# .#### ....# .###.',
  z: '..... ..... ##### ...#. ..#.. .#... #####',
  '.': '. . . . . . #',
  ',': '.. .. .. .. .. .# .# #.',
  ':': '. . # . . # .',
  ';': '.. .. .# .. .. .# .# #.',
  '-': '.... .... .... #### .... .... ....',
  '–': '..... ..... ..... ##### ..... ..... .....',
  '—': '..... ..... ..... ##### ..... ..... .....',
  '−': '..... ..... ..... ##### ..... ..... .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  '=': '..... ..... ##### ..... ##### ..... .....',
  '/': '....# ...#. ...#. ..#.. .#... .#... #....',
  '\\': '#.... .#... .#... ..#.. ...#. ...#. ....#',
  '(': '..# .#. #.. #.. #.. .#. ..#',
  ')': '#.. .#. ..# ..# ..# .#. #..',
  '[': '### #.. #.. #.. #.. #.. ###',
  ']': '### ..# ..# ..# ..# ..# ###',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  '^': '..#.. .#.#. #...# ..... ..... ..... .....',
  _: '..... ..... ..... ..... ..... ..... ..... #####',
  "'": '# # . . . . .',
  '"': '#.# #.# ... ... ... ... ...',
  '*': '..... #.#.# .###. ##### .###. #.#.# .....',
  '<': '...#. ..#.. .#... #.... .#... ..#.. ...#.',
  '>': '.#... ..#.. ...#. ....# ...#. ..#.. .#...',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  '!': '# # # # # . #',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  '&': '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#',
  '|': '# # # # # # # # #',
  '~': '..... ..... .#... #.#.# ...#. ..... .....',
  '@': '.###. #...# #.### #.#.# #.### #.... .####',
  '$': '..#.. .#### #.#.. .###. ..#.# ####. ..#..',
  '{': '..# .#. .#. #.. .#. .#. ..#',
  '}': '#.. .#. .#. ..# .#. .#. #..',
  µ: '..... ..... #...# #...# #...# #..## ###.# #.... #....',
  μ: '..... ..... #...# #...# #...# #..## ###.# #.... #....',
  α: '..... ..... .##.# #..#. #..#. #..#. .##.#',
  β: '.##.. #..#. #..#. ###.. #..#. #...# ####. #.... #....',
  γ: '..... ..... #...# .#.#. .#.#. ..#.. ..#.. ..#.. ..#..',
  δ: '.###. .#... ..#.. .###. #...# #...# .###.',
  κ: '..... ..... #..#. #.#.. ##... #.#.. #..#.',
  '²': '##. ..# .#. #.. ### ... ...',
  '³': '### ..# .## ..# ### ... ...',
  '°': '.#. #.# .#. ... ... ... ...',
  '·': '. . . # . . .',
  '×': '..... #...# .#.#. ..#.. .#.#. #...# .....',
  '…': '..... ..... ..... ..... ..... ..... #.#.#',
  '?fallback': '##### #...# #...# #...# #...# #...# #####',
};

/** Height of the glyph grid in font pixels (cap height 7 plus 2 rows of descender). */
export const GLYPH_ROWS = 9;
/** Height of the capitals in font pixels. */
export const CAP_HEIGHT = 7;
/** Advance of a space in font pixels. */
const SPACE_ADVANCE = 3;
/** Blank font pixels between glyphs. */
const LETTER_SPACING = 1;

/** A parsed glyph: ink bits by row, trimmed horizontally. */
interface Glyph {
  width: number;
  rows: boolean[][];
}

/** Parses a glyph, trimming blank columns at both sides (except digits, which stay 5 wide). */
function parseGlyph(ch: string, spec: string): Glyph {
  const raw = spec.split(' ').map((r) => Array.from(r, (c) => c === '#'));
  const w = Math.max(...raw.map((r) => r.length));
  let lo = 0;
  let hi = w - 1;
  if (!/[0-9]/.test(ch)) {
    while (lo < hi && raw.every((r) => !r[lo])) lo++;
    while (hi > lo && raw.every((r) => !r[hi])) hi--;
  }
  const rows: boolean[][] = [];
  for (let y = 0; y < GLYPH_ROWS; y++) {
    const r = raw[y] ?? [];
    const out: boolean[] = [];
    for (let x = lo; x <= hi; x++) out.push(r[x] === true);
    rows.push(out);
  }
  return { width: hi - lo + 1, rows };
}

const PARSED = new Map<string, Glyph>();
for (const [ch, spec] of Object.entries(GLYPHS)) PARSED.set(ch, parseGlyph(ch, spec));
const FALLBACK_GLYPH = PARSED.get('?fallback') as Glyph;

/** The glyph used for a character (an outlined box for characters the font lacks). */
function glyphOf(ch: string): Glyph | null {
  if (ch === ' ') return null;
  return PARSED.get(ch) ?? FALLBACK_GLYPH;
}

/** True when the font has a glyph for `ch` (space included). */
export function hasGlyph(ch: string): boolean {
  return ch === ' ' || (PARSED.has(ch) && ch !== '?fallback');
}

/** Width in device pixels of `text` drawn at integer `scale`. */
export function textWidth(text: string, scale: number): number {
  let w = 0;
  let first = true;
  for (const ch of text) {
    if (!first) w += LETTER_SPACING;
    first = false;
    const g = glyphOf(ch);
    w += g ? g.width : SPACE_ADVANCE;
  }
  return w * scale;
}

/** Line height in device pixels at integer `scale` (glyph grid plus 2 rows of leading). */
export function lineHeight(scale: number): number {
  return (GLYPH_ROWS + 2) * scale;
}

/**
 * Shortens `text` with a trailing "…" so that it fits in `maxWidth` device pixels at `scale`
 * (returns it unchanged when it already fits).
 */
export function fitText(text: string, scale: number, maxWidth: number): string {
  if (textWidth(text, scale) <= maxWidth) return text;
  const chars = Array.from(text);
  while (chars.length > 0 && textWidth(chars.join('') + '…', scale) > maxWidth) chars.pop();
  const head = chars.join('').trimEnd();
  return head.length > 0 ? head + '…' : '';
}

/**
 * Draws `text` with its top-left corner at (x, y) by calling `plot(px, py, size)` for every ink
 * font pixel (a `size` × `size` square of device pixels). Returns the advance in device pixels.
 */
export function drawText(
  text: string,
  x: number,
  y: number,
  scale: number,
  plot: (px: number, py: number, size: number) => void,
): number {
  let cx = x;
  let first = true;
  for (const ch of text) {
    if (!first) cx += LETTER_SPACING * scale;
    first = false;
    const g = glyphOf(ch);
    if (!g) {
      cx += SPACE_ADVANCE * scale;
      continue;
    }
    for (let row = 0; row < GLYPH_ROWS; row++) {
      const bits = g.rows[row];
      for (let col = 0; col < g.width; col++) if (bits[col]) plot(cx + col * scale, y + row * scale, scale);
    }
    cx += g.width * scale;
  }
  return cx - x;
}
