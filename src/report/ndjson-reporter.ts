import type { Plan } from '../plan/types.js';
import { drained } from './format.js';
import { FINAL_STATES, type Reporter, type RunMessage, type RunSummary, type ShotEvent } from './types.js';


/** Same state and note within this window: a progress tick a consumer can do without. */
const PROGRESS_THROTTLE_MS = 1000;
/** Lines gathered beyond this are written at once rather than at the end of the turn. */
const MAX_GATHERED_CHARS = 64 * 1024;

interface LastWritten {
  state: ShotEvent['state'];
  note: string | undefined;
  atMs: number;
}

/**
 * `--json`: one JSON object per line on stdout and nothing else, for `apply --json > run.ndjson`.
 * Types are `plan`, `shot`, `message` and a final `summary`; once the summary is written the
 * stream is finished, so anything reported after it is dropped rather than break that promise.
 */
export function createNdjsonReporter(out: NodeJS.WritableStream): Reporter {
  const last = new Map<string, LastWritten>();
  let finished = false;
  let gathered = '';
  let flushQueued = false;

  // Whole lines only: a line is never split between two writes, even if another writer
  // shares the pipe. The lines of one event-loop turn go out in one write: stdout on a pipe
  // is a blocking write(2) per call, which at a thousand shots a second was 4 % of the CPU.
  // (A second Ctrl-C exits at once, and may cut the lines of that last turn.)
  const flush = () => {
    flushQueued = false;
    if (gathered === '') return;
    const text = gathered;
    gathered = '';
    out.write(text);
  };
  const emit = (record: object) => {
    if (finished) return;
    gathered += `${JSON.stringify(record)}\n`;
    if (gathered.length > MAX_GATHERED_CHARS) flush();
    else if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
  };

  return {
    onPlan(plan: Plan) {
      emit({ type: 'plan', plan });
    },

    onShot(event: ShotEvent) {
      // Timing comes from the event's own timestamp, so the throttle is deterministic and replayable.
      const parsed = Date.parse(event.ts);
      const atMs = Number.isFinite(parsed) ? parsed : Date.now();
      const previous = last.get(event.id);
      const sameAsBefore =
        previous !== undefined &&
        previous.state === event.state &&
        previous.note === event.note &&
        event.error === undefined;
      if (sameAsBefore && atMs - previous.atMs < PROGRESS_THROTTLE_MS) return;
      // Only shots at work send ticks to throttle: a queued or finished one is forgotten, so memory
      // follows the shots in flight, not the 100,000 announced at the start.
      if (event.state === 'queued' || FINAL_STATES.has(event.state)) last.delete(event.id);
      else last.set(event.id, { state: event.state, note: event.note, atMs });

      const { id, action, state, ts, ...rest } = event;
      emit({ type: 'shot', id, action, state, ts, ...rest });
    },

    onMessage(message: RunMessage) {
      emit({ type: 'message', level: message.level, text: message.text });
    },

    onSummary(summary: RunSummary) {
      emit({ type: 'summary', ...summary });
      finished = true;
      flush();
    },

    close() {
      flush();
      return drained(out);
    },
  };
}
