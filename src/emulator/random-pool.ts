/**
 * Random bytes for the ids the emulator hands out on every request (request ids, job
 * nonces), taken from one 4 KB buffer refilled when used up. A crypto call per request was
 * 4 % of the emulator's CPU at a thousand shots a second: CPU that the client under test, on
 * the same machine, needs more.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let used = pool.length;

function take(bytes: number): number {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const at = used;
  used += bytes;
  return at;
}

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  const at = take(bytes);
  return pool.toString('hex', at, at + bytes);
}

export function randomUint32(): number {
  return pool.readUInt32BE(take(4));
}
