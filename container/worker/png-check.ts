/**
 * A PNG integrity check without decoding pixels in JavaScript: the chunk structure and every CRC
 * are verified, and the concatenated IDAT stream is inflated by Node's zlib (C), which must yield
 * exactly the filtered scanline bytes the header promises, each row starting with a known filter
 * type. A cut-off, bit-flipped or padded file fails one of these; unfiltering the rows (what a
 * full decoder adds) cannot fail on bytes that passed, so it is skipped — it was 10 of the 19 s
 * a 10k-image import took (docs/BENCHMARKS.md, "Dataset import throughput").
 */
import { crc32, inflateSync } from 'node:zlib';

export const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Samples per pixel by colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
const channelsOf: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const allowedDepths: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** Adam7 passes: [x start, y start, x step, y step]. */
const adam7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Row widths (in pixels) of every scanline the image stores, in order. */
function scanlines(width: number, height: number, interlaced: boolean): Array<{ pixels: number; rows: number }> {
  if (!interlaced) return [{ pixels: width, rows: height }];
  return adam7
    .map(([x0, y0, dx, dy]) => ({
      pixels: Math.ceil(Math.max(0, width - x0) / dx),
      rows: Math.ceil(Math.max(0, height - y0) / dy),
    }))
    .filter(({ pixels, rows }) => pixels > 0 && rows > 0);
}

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
}

/**
 * A whole PNG's header, inflated (still filtered) scanlines and the types of its other chunks; or why it is unusable.
 */
export type PngRead =
  | { problem: string }
  | { problem?: undefined; header: PngHeader; scanlines: Buffer; otherChunks: Set<string> };

/** Why the PNG in `data` is unusable, or undefined when it is whole. */
export function pngProblem(data: Buffer): string | undefined {
  return readPng(data).problem;
}

/** Verifies the PNG in `data` (see the top of this file) and returns what a decoder needs next. */
export function readPng(data: Buffer): PngRead {
  const corrupt = { problem: 'is a corrupt or truncated PNG (it does not decode)' };
  if (data.length < 8 || !data.subarray(0, 8).equals(pngSignature)) return corrupt;
  const idat: Buffer[] = [];
  const otherChunks = new Set<string>();
  let header: PngHeader | undefined;
  let ended = false;
  let offset = 8;
  while (!ended) {
    if (offset + 12 > data.length) return corrupt;
    const length = data.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > data.length) return corrupt;
    const type = data.toString('latin1', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (crc32(data.subarray(offset + 4, offset + 8 + length)) !== data.readUInt32BE(offset + 8 + length))
      return corrupt;
    if (!header && type !== 'IHDR') return corrupt;
    if (type === 'IHDR') {
      if (header || length !== 13) return corrupt;
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        depth: body[8]!,
        colorType: body[9]!,
        interlaced: body[12] === 1,
      };
      if (!allowedDepths[header.colorType]?.includes(header.depth) || body[10] !== 0 || body[11] !== 0 || body[12]! > 1)
        return corrupt;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') ended = true;
    else otherChunks.add(type);
    offset = end;
  }
  // Bytes after IEND are refused as a full decoder refuses them: a PNG with a payload appended is not an image upload.
  if (!header || !idat.length || offset !== data.length) return corrupt;
  const bitsPerPixel = channelsOf[header.colorType]! * header.depth;
  const lines = scanlines(header.width, header.height, header.interlaced);
  const expected = lines.reduce(
    (sum, { pixels, rows }) => sum + rows * (1 + Math.ceil((pixels * bitsPerPixel) / 8)),
    0,
  );
  let pixels: Buffer;
  try {
    // One byte over the promise is enough to know there is too much; a bomb stops there.
    pixels = inflateSync(idat.length === 1 ? idat[0]! : Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch {
    return corrupt;
  }
  if (pixels.length !== expected) return { problem: 'has a PNG header that does not match its pixels' };
  let row = 0;
  for (const { pixels: width, rows } of lines) {
    const rowBytes = 1 + Math.ceil((width * bitsPerPixel) / 8);
    for (let r = 0; r < rows; r++, row += rowBytes) if (pixels[row]! > 4) return corrupt; // filter types are 0..4
  }
  return { header, scanlines: pixels, otherChunks };
}

/**
 * The pixels of a verified 8-bit, non-interlaced PNG (`bytesPerPixel` samples each, row after
 * row): the five PNG filters undone (PNG spec §9), in place of the filter bytes.
 */
export function unfilter(scanlines: Buffer, width: number, height: number, bytesPerPixel: number): Buffer {
  const stride = width * bytesPerPixel;
  const out = Buffer.allocUnsafe(stride * height);
  const bpp = bytesPerPixel;
  // One loop per filter type (not a switch per byte): this runs for every byte of every image.
  for (let y = 0; y < height; y++) {
    const filter = scanlines[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const up = dst - stride; // the previous output row (absent on row 0)
    if (filter === 0 || (filter === 2 && y === 0)) scanlines.copy(out, dst, src, src + stride);
    else if (filter === 1 || (filter === 4 && y === 0)) {
      // Paeth on the first row predicts from the left only (b = c = 0), like Sub.
      for (let x = 0; x < stride; x++)
        out[dst + x] = (scanlines[src + x]! + (x >= bpp ? out[dst + x - bpp]! : 0)) & 0xff;
    } else if (filter === 2) {
      for (let x = 0; x < stride; x++) out[dst + x] = (scanlines[src + x]! + out[up + x]!) & 0xff;
    } else if (filter === 3) {
      for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? out[dst + x - bpp]! : 0;
        const b = y > 0 ? out[up + x]! : 0;
        out[dst + x] = (scanlines[src + x]! + ((a + b) >>> 1)) & 0xff;
      }
    } else {
      for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? out[dst + x - bpp]! : 0;
        const b = out[up + x]!;
        const c = x >= bpp ? out[up + x - bpp]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        out[dst + x] = (scanlines[src + x]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
    }
  }
  return out;
}
