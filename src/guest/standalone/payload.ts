/**
 * How a standalone script carries its guest binary: gzip, then base64 in 76-column lines inside a quoted
 * bash here-document (`<<'VMUNIT_PAYLOAD_END'`), as kvm-unit-tests' mkstandalone.sh does. The SHA-256 of
 * the uncompressed binary is stored next to it and checked on the target before QEMU is started.
 */

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Here-document delimiter; base64 text can never contain it (underscores are not in the alphabet). */
export const PAYLOAD_DELIMITER = 'VMUNIT_PAYLOAD_END';

/** An encoded guest binary. */
export interface EncodedPayload {
  /** base64 of the gzip stream, 76 characters a line (like base64(1)'s default). */
  readonly lines: readonly string[];
  /** Hex SHA-256 of the original, uncompressed bytes. */
  readonly sha256: string;
  readonly size: number;
}

/** Hex SHA-256 of some bytes. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Encodes a binary. Deterministic: Node's gzip header carries mtime 0 and no file name, so the same
 * binary always gives the same script (useful for `make install` style diffs).
 */
export function encodePayload(bytes: Uint8Array): EncodedPayload {
  const text = gzipSync(bytes, { level: 9 }).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return { lines, sha256: sha256Hex(bytes), size: bytes.length };
}

/** The bash function that prints the base64 text (`vmunit_payload | base64 -d | gzip -dc`). */
export function renderPayloadFunction(payload: EncodedPayload): string {
  return [
    `vmunit_payload() {`,
    `  cat <<'${PAYLOAD_DELIMITER}'`,
    ...payload.lines,
    PAYLOAD_DELIMITER,
    '}',
    '',
  ].join('\n');
}
