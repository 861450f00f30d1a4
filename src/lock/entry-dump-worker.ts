/**
 * The body of the entry dumper's worker thread (entry-dumper.ts): turns lock entries into
 * their YAML blocks with serializeEntry, off the event loop that runs the shots.
 */
import { parentPort } from 'node:worker_threads';
import { serializeEntry } from './serialize.js';
import type { LockEntry } from './types.js';

export interface DumpRequest {
  seq: number;
  /** Each entry as its JSON, as the lock writer keeps it. */
  entries: [id: string, entryJson: string][];
}

export type DumpReply = { seq: number; blocks: string[] } | { seq: number; error: string };

parentPort?.on('message', ({ seq, entries }: DumpRequest) => {
  let reply: DumpReply;
  try {
    reply = { seq, blocks: entries.map(([id, json]) => serializeEntry(id, JSON.parse(json) as LockEntry)) };
  } catch (error) {
    reply = { seq, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
