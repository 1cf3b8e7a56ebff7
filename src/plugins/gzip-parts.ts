// A kept page (view.ts, reply.viewKept) is the same bytes for everyone except each visitor's own
// CSRF token. Compressing the whole page per request would cost more CPU than everything else the
// page costs, so its fixed parts are compressed once: each as raw deflate ending at a full flush
// (byte-aligned, and no back-reference reaches into what follows), the last one finished. Per
// request the token goes between them as a stored block, and the pieces are joined into one gzip
// member (RFC 1951, RFC 1952) with the CRC-32 and length of the whole page.
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** CRC-32 continued over `b`. An empty buffer changes nothing (and Node 20's crc32 answers 0 for an
 * empty buffer that has been through deflateRawSync). */
const crcOn = (b: Buffer, crc: number) => (b.length === 0 ? crc : crc32(b, crc));

const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const LEVEL = 6;

export interface GzipParts {
  /** Each plain part, compressed once; the last one ends the deflate stream. */
  compressed: Buffer[];
  /** The plain parts' byte lengths and CRC-32s: the trailer is computed from them and the token's. */
  plain: Buffer[];
}

export function gzipParts(plain: Buffer[]): GzipParts {
  const compressed = plain.map((p, i) =>
    deflateRawSync(p, {
      level: LEVEL,
      finishFlush: i === plain.length - 1 ? constants.Z_FINISH : constants.Z_FULL_FLUSH,
    }),
  );
  return { compressed, plain };
}

/**
 * The token as a stored (uncompressed) deflate block: a few dozen bytes gain nothing from
 * compression, and setting up a compressor per request would cost more than the whole page.
 * Each compressed part starts and ends on a byte boundary, so the block fits between them.
 */
function storedBlock(data: Buffer): Buffer {
  if (data.length === 0) return data;
  if (data.length > 0xffff) return deflateRawSync(data, { level: LEVEL, finishFlush: constants.Z_FULL_FLUSH });
  const head = Buffer.alloc(5);
  // BFINAL 0, BTYPE 00 (stored), the rest of the byte padding; then LEN and its complement.
  head.writeUInt16LE(data.length, 1);
  head.writeUInt16LE(~data.length & 0xffff, 3);
  return Buffer.concat([head, data]);
}

/** The page as one gzip member: the parts with `token` between each two. */
export function gzipJoin(parts: GzipParts, token: Buffer): Buffer {
  const t = storedBlock(token);
  const out: Buffer[] = [HEADER, parts.compressed[0]!];
  let crc = crcOn(parts.plain[0]!, 0);
  let size = parts.plain[0]!.length;
  for (let i = 1; i < parts.plain.length; i++) {
    out.push(t, parts.compressed[i]!);
    crc = crcOn(parts.plain[i]!, crcOn(token, crc));
    size += token.length + parts.plain[i]!.length;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  out.push(trailer);
  return Buffer.concat(out);
}
