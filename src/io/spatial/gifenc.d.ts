/**
 * Minimal typing of the parts of `gifenc` (1.x, untyped) that nichesim uses.
 *
 * Under Node the package resolves to its CommonJS build, so an ESM namespace import sees only
 * `default` (the `module.exports` object); bundlers may pick its ESM build, which has the named
 * exports. `gif.ts` accepts both shapes.
 */
declare module 'gifenc' {
  /** An RGB (or RGBA) colour table: at most 256 entries of [r, g, b] (or [r, g, b, a]). */
  export type GifPalette = number[][];

  /** Per-frame options of `GIFEncoder().writeFrame`. */
  export interface GifFrameOptions {
    /** Colour table; required for the first frame (becomes the global colour table). */
    palette?: GifPalette;
    /** Frame delay in milliseconds. */
    delay?: number;
    /** Repeat count: -1 once, 0 forever, n > 0 that many times. */
    repeat?: number;
    transparent?: boolean;
    transparentIndex?: number;
    colorDepth?: number;
    dispose?: number;
    first?: boolean;
  }

  /** A GIF byte stream being written. */
  export interface GifEncoderStream {
    writeFrame(index: Uint8Array, width: number, height: number, opts?: GifFrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
    bytesView(): Uint8Array;
    reset(): void;
    writeHeader(): void;
  }

  /** Creates a GIF stream (auto mode writes the header and global palette with the first frame). */
  export function GIFEncoder(opts?: { auto?: boolean; initialCapacity?: number }): GifEncoderStream;

  /** Reduces the colours of RGBA pixels to a palette of at most `maxColors` entries. */
  export function quantize(
    rgba: Uint8Array | Uint8ClampedArray,
    maxColors: number,
    options?: {
      format?: 'rgb565' | 'rgb444' | 'rgba4444';
      oneBitAlpha?: boolean | number;
      clearAlpha?: boolean;
      clearAlphaThreshold?: number;
      clearAlphaColor?: number;
    },
  ): GifPalette;

  /** Maps every RGBA pixel to the index of its nearest palette colour. */
  export function applyPalette(
    rgba: Uint8Array | Uint8ClampedArray,
    palette: GifPalette,
    format?: 'rgb565' | 'rgb444' | 'rgba4444',
  ): Uint8Array;

  /** CommonJS interop: the whole API (Node) or `GIFEncoder` itself (the ESM build). */
  const gifenc: unknown;
  export default gifenc;
}
