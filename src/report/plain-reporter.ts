import { formatDuration } from '../util/duration.js';
import type { Plan } from '../plan/types.js';
import {
  createPaint,
  describeError,
  drained,
  formatBytes,
  formatProgress,
  messageLine,
  msBetween,
  summaryLine,
  type Paint,
} from './format.js';
import { FINAL_STATES, type Reporter, type RunMessage, type RunSummary, type ShotEvent, type ShotState } from './types.js';

/** What the plain reporter remembers about one shot, to print transitions rather than every event. */
interface ShotLog {
  state: ShotState;
  /** Last 25% band printed while running (0..4). */
  band: number;
  note: string | undefined;
  /** Timestamp of the first event past `queued`: the fallback for elapsed time. */
  startedTs: string | undefined;
  bytes: number | undefined;
  jobId: string | undefined;
}


/** Ids longer than this are not padded to: one long id must not push every line right. */
const MAX_ID_WIDTH = 24;

/**
 * For CI logs and pipes: one line per shot transition, no spinners, no cursor movement,
 * and no ANSI codes at all unless colour is on. Progress ticks are thinned to 25% bands
 * and downloads to their start and end, so a 500-shot run stays readable.
 */
export function createPlainReporter(out: NodeJS.WritableStream, options: { color: boolean }): Reporter {
  const paint = createPaint(options.color);
  const shots = new Map<string, ShotLog>();
  let idWidth = 0;

  const write = (line: string) => {
    out.write(`${line}\n`);
  };
  const label = (id: string) => (idWidth > 0 ? id.padEnd(idWidth) : id);

  return {
    onPlan(plan: Plan) {
      const working = plan.actions.filter((action) => action.action !== 'keep' && action.action !== 'orphan');
      idWidth = Math.min(MAX_ID_WIDTH, working.reduce((width, action) => Math.max(width, action.id.length), 0));
    },

    onShot(event: ShotEvent) {
      // Every shot is announced queued at the start; nothing is printed or worth remembering until it moves.
      if (event.state === 'queued' && event.note === undefined && !shots.has(event.id)) return;
      const line = transitionLine(shots, event, paint);
      if (line !== undefined) write(`${label(event.id)}  ${line}`);
      // A finished shot prints nothing more: forget it, so 100,000 shots cost no more memory than the ones in flight.
      if (FINAL_STATES.has(event.state)) shots.delete(event.id);
    },

    onMessage(message: RunMessage) {
      write(messageLine(message, paint));
    },

    onSummary(summary: RunSummary) {
      const line = summaryLine(summary);
      const tint = summary.failed > 0 ? paint.red : summary.interrupted || summary.pending > 0 ? paint.yellow : paint.green;
      write(tint(line));
    },

    close() {
      return drained(out);
    },
  };
}

/** Updates the shot's log and returns the text to print, or undefined when the event is not worth a line. */
function transitionLine(shots: Map<string, ShotLog>, event: ShotEvent, paint: Paint): string | undefined {
  const previous = shots.get(event.id);
  const log: ShotLog = previous ?? {
    state: 'queued',
    band: -1,
    note: undefined,
    startedTs: undefined,
    bytes: undefined,
    jobId: undefined,
  };
  shots.set(event.id, log);

  if (event.state !== 'queued') log.startedTs ??= event.ts;
  if (event.bytes !== undefined) log.bytes = event.bytes;
  if (event.jobId !== undefined) log.jobId = event.jobId;

  const stateChanged = previous === undefined || previous.state !== event.state;
  const noteChanged = event.note !== undefined && event.note !== log.note;
  log.note = event.note;
  const band = event.progress === undefined ? 0 : Math.max(0, Math.min(4, Math.floor(event.progress / 25)));

  if (!stateChanged) {
    if (event.state === 'running' && band > log.band) {
      log.band = band;
      return withNote(`running ${formatProgress(event.progress)}`, event.note);
    }
    return noteChanged ? withNote(stateText(event, log, paint), event.note) : undefined;
  }

  log.state = event.state;
  log.band = event.state === 'running' ? band : -1;
  // The initial queued state is what the plan already said; printing it for every shot is noise.
  if (event.state === 'queued' && !noteChanged) return undefined;
  return withNote(stateText(event, log, paint), event.note);
}

function withNote(text: string, note: string | undefined): string {
  return note ? `${text}  (${note})` : text;
}

function stateText(event: ShotEvent, log: ShotLog, paint: Paint): string {
  const provider = event.provider ? `  (${event.provider})` : '';
  switch (event.state) {
    case 'queued':
      return 'queued';
    case 'submitting':
      return `submitting${provider}`;
    case 'submitted':
      return `submitted  ${log.jobId ?? '?'}${provider}`;
    case 'running': {
      // A job that has just started says 0%: `running` reads better.
      return event.progress ? `running ${formatProgress(event.progress)}` : 'running';
    }
    case 'downloading':
      return event.bytes ? `downloading ${formatBytes(event.bytes)}` : 'downloading';
    case 'completed': {
      const elapsed = event.elapsedMs ?? msBetween(log.startedTs, event.ts);
      const parts = [paint.green(elapsed === undefined ? 'done' : `done ${formatDuration(elapsed)}`)];
      if (log.bytes) parts.push(formatBytes(log.bytes));
      return parts.join('  ');
    }
    case 'failed':
      return `${paint.red('failed')}  ${describeError(event.error)}`;
    case 'pending': {
      const job = log.jobId ? `  ${log.jobId}` : '';
      // The note says what happens to it (withNote adds it).
      return `${paint.yellow('pending')}${job}`;
    }
    case 'skipped':
      // The note says why (withNote adds it).
      return paint.yellow('skipped');
  }
}
