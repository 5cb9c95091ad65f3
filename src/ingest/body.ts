import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { uncompress, uncompressSync } from 'snappy';
import { ApiError } from '../api/errors.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/**
 * Decodes a request body by its Content-Encoding (`gzip`, `deflate`, `snappy` block format, or
 * none), refusing with 413 anything that would exceed `limit` bytes once decompressed. `sync`
 * decompresses snappy on the calling thread (right in a worker thread; the thread pool is for
 * the main thread).
 */
export async function decodeBody(body: Buffer, encoding: string | undefined, limit: number, sync = false): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return checkSize(body, limit);
  if (enc === 'snappy') return snappyBlock(body, limit, sync);
  if (enc === 'gzip' || enc === 'x-gzip' || enc === 'deflate') {
    try {
      const fn = enc === 'deflate' ? inflateAsync : gunzipAsync;
      return await fn(body, { maxOutputLength: limit });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
      throw new ApiError('BAD_ENCODING', `cannot decompress ${enc} body: ${(err as Error).message}`);
    }
  }
  throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `unsupported Content-Encoding "${encoding ?? ''}" (use gzip, deflate, snappy or none)`);
}

/** Snappy block format; the uncompressed length (a varint prefix) is checked before decoding. */
export async function snappyBlock(body: Buffer, limit: number, sync = false): Promise<Buffer> {
  let len = 0;
  let shift = 0;
  let i = 0;
  for (; i < body.length && i < 5; i++) {
    len += (body[i]! & 0x7f) * 2 ** shift;
    if (body[i]! < 0x80) break;
    shift += 7;
  }
  if (body.length === 0 || i === body.length || i === 5) throw new ApiError('BAD_ENCODING', 'body is not snappy block-compressed data (bad length header)');
  if (len > limit) throw tooLarge(limit);
  try {
    const out = sync ? uncompressSync(body) : await uncompress(body);
    return Buffer.isBuffer(out) ? out : Buffer.from(out);
  } catch (err) {
    throw new ApiError('BAD_ENCODING', `body is not valid snappy block-compressed data: ${(err as Error).message}`);
  }
}

function checkSize(body: Buffer, limit: number): Buffer {
  if (body.length > limit) throw tooLarge(limit);
  return body;
}

function tooLarge(limit: number): ApiError {
  return new ApiError('BODY_TOO_LARGE', `request body exceeds the limit of ${limit} bytes after decompression`);
}
