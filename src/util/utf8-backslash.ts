/**
 * Streaming UTF-8 decoding with Python's `errors='backslashreplace'`: every byte that is not part of a
 * well-formed UTF-8 sequence becomes the four characters `\xNN` (lower-case hex), which is what kunit.py
 * reads from a log with invalid bytes. Valid text decodes natively; only chunks with invalid bytes take the
 * byte-by-byte path.
 */

/** Length of the well-formed sequence starting at `i`, or 0 when the byte at `i` starts none. */
function sequenceLength(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i] ?? 0;
  if (b < 0x80) return 1;
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) len = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    len = 3;
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    len = 4;
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + len > end) return 0;
  const second = buf[i + 1] ?? 0;
  if (second < lo || second > hi) return 0;
  for (let k = 2; k < len; k++) {
    const c = buf[i + k] ?? 0;
    if (c < 0x80 || c > 0xbf) return 0;
  }
  return len;
}

function escapeByte(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

/** Decodes a complete byte range, escaping invalid bytes. */
export function decodeBackslashReplace(buf: Buffer): string {
  let out = '';
  let runStart = 0;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = sequenceLength(buf, i, buf.length);
    if (len > 0) {
      i += len;
      continue;
    }
    out += buf.toString('utf8', runStart, i) + escapeByte(b);
    i++;
    runStart = i;
  }
  return out + buf.toString('utf8', runStart, buf.length);
}

/** Bytes at the end of `buf` that start a multi-byte sequence the chunk does not complete. */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Incremental decoder: `write(chunk)` returns the text decodable so far; `end()` flushes the rest. */
const NOTHING = Buffer.alloc(0);

export class BackslashReplaceDecoder {
  #held: Buffer = NOTHING;

  write(chunk: Buffer): string {
    const buf = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
    const keep = incompleteTail(buf);
    const body = keep > 0 ? buf.subarray(0, buf.length - keep) : buf;
    this.#held = keep > 0 ? Buffer.from(buf.subarray(buf.length - keep)) : NOTHING;
    const fast = body.toString('utf8');
    // U+FFFD in the output means invalid input, or a literal U+FFFD: either way decode exactly.
    return fast.includes('\ufffd') ? decodeBackslashReplace(body) : fast;
  }

  end(): string {
    const rest = this.#held;
    this.#held = NOTHING;
    return rest.length > 0 ? decodeBackslashReplace(rest) : '';
  }
}
