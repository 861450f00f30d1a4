import { Listr, ListrLogger, ProcessOutput, type ListrTask, type ListrTaskWrapper } from 'listr2';
import type { ActionKind, Plan } from '../plan/types.js';
import { formatDuration } from '../util/duration.js';
import { createPaint, describeError, drained, formatBytes, formatProgress, messageLine, shortJobId, summaryLine } from './format.js';
import { colorless, TerminalRenderer, UnrefSpinner } from './listr-terminal.js';
import { ShotTally } from './shot-tally.js';
import type { Reporter, RunMessage, RunSummary, ShotEvent } from './types.js';

/**
 * The terminal view: a header line with live counts, then the shots at work, each line
 * following its shot (`coastal-city  submitted node-gw-… · running 45% · 1m12s`).
 *
 * A small run (up to COMPACT_ABOVE shots, and a list that fits the terminal) gets one listr2
 * task per shot, queued ones dimmed, each ending as `done 2m31s`, a failure, or `still running
 * remotely`. listr2 cannot run tasks added after `run()`, so they are created on onPlan; each
 * task's function awaits a promise this reporter settles when its shot ends.
 *
 * A large run gets a fixed set of lanes instead, as many as the terminal has room for: each
 * lane shows one active shot and is handed to the next when that one ends, and the header
 * counts everything else. Memory and redraws stay bounded by the lanes and the shots in
 * flight, whether the run has 300 shots or 100,000 (a task per shot made listr2 walk 100,000
 * tasks on every frame). Failed and pending shots become plain lines written to the stream,
 * which listr2 holds while it owns the screen and prints under the final frame, so no failure
 * is lost and none floods the live view.
 *
 * Titles are set without asking listr2 to redraw (see setTitle); its spinner repaints ten
 * times a second anyway. close() must be called (in a finally): it ends the view and gives
 * stdout/stderr back. If a crash skips it, no timer of ours keeps the process alive and an
 * exit hook still restores the terminal.
 */

/** More work shots than this and the view switches to lanes of active shots. */
export const COMPACT_ABOVE = 30;
/** Lines of live messages shown under the list (all of them are printed at the end). */
const MESSAGE_LINES = 3;
const REFRESH_MS = 1000;
const MAX_ID_WIDTH = 24;
/** Lines the header, the message bar and the final summary take besides the lanes. */
const RESERVED_ROWS = 8;
const MAX_LANES = 30;

type Renderer = typeof TerminalRenderer;
type TaskWrapper = ListrTaskWrapper<unknown, Renderer, Renderer>;

type OutcomeKind = 'completed' | 'failed' | 'pending' | 'stopped';
interface Outcome {
  kind: OutcomeKind;
  /** Final title; empty hides the task. */
  title: string;
}

/** What the view knows of one shot while it is shown. */
interface ShotView {
  id: string;
  action: ActionKind;
  event: ShotEvent | undefined;
  /** Local clock when the shot left `queued`, for a live elapsed time. */
  startedAtMs: number | undefined;
  jobId: string | undefined;
  bytes: number | undefined;
}

/** A listr2 task whose title the reporter sets, and the promise that ends it. */
interface Row {
  task: TaskWrapper | undefined;
  done: Deferred<Outcome>;
  settled: boolean;
}

export interface ListrReporterOptions {
  color: boolean;
  /** Defaults to process.stdout. */
  out?: NodeJS.WriteStream;
  /** Held with `out` while the view is live, so stray writes cannot tear the frame; defaults to process.stderr. */
  err?: NodeJS.WriteStream;
}

export function createListrReporter(options: ListrReporterOptions): Reporter {
  const out = options.out ?? process.stdout;
  const paint = createPaint(options.color);
  const processOutput = new ProcessOutput(out, options.err ?? process.stderr);
  let tally = new ShotTally(0);
  let startedAtMs = Date.now();
  let compact = false;
  let idWidth = 0;
  let run: Promise<unknown> | undefined;
  let live = false;
  let refresh: NodeJS.Timeout | undefined;
  const header: Row = newRow();

  // Small runs: every work shot, and its row. Large runs: the active shots, and the lane each has, if any.
  const views = new Map<string, ShotView>();
  const rows = new Map<string, Row>();
  const lanes: { row: Row; view: ShotView | undefined }[] = [];
  /** Large runs: active shots waiting for a free lane, oldest first. */
  const laneless = new Set<ShotView>();

  // While listr2 owns the screen, out.write is captured and replayed under the final frame.
  const writeLine = (line: string) => {
    out.write(`${line}\n`);
  };
  const label = (id: string) => id.padEnd(idWidth);

  const headerTitle = () => {
    const c = tally.counts;
    const parts = [`${c.done}/${tally.total} done`];
    if (c.active > 0) parts.push(compact && c.active > lanes.length ? `${c.active} active (${lanes.length} shown)` : `${c.active} active`);
    if (c.queued > 0) parts.push(`${c.queued} queued`);
    if (c.failed > 0) parts.push(paint.red(`${c.failed} failed`));
    if (c.pending > 0) parts.push(paint.yellow(`${c.pending} pending`));
    parts.push(liveElapsed(Date.now() - startedAtMs));
    return `Applying ${tally.total} ${tally.total === 1 ? 'shot' : 'shots'}: ${parts.join(' · ')}`;
  };

  const activeTitle = (view: ShotView): string => {
    const event = view.event;
    if (!event || event.state === 'queued') return compact ? '' : paint.dim(`${label(view.id)}  queued`);
    const parts: string[] = [];
    if (view.jobId) parts.push(`${view.action === 'resume' ? 'resumed' : 'submitted'} ${paint.dim(shortJobId(view.jobId))}`);
    else if (event.state === 'submitting') parts.push(event.provider ? `submitting to ${event.provider}` : 'submitting');
    if (event.state === 'running') parts.push(`running ${formatProgress(event.progress)}`.trimEnd());
    if (event.state === 'downloading') parts.push(`downloading ${view.bytes ? formatBytes(view.bytes) : ''}`.trimEnd());
    if (view.startedAtMs !== undefined) parts.push(liveElapsed(Date.now() - view.startedAtMs));
    if (event.note) parts.push(event.note);
    return `${label(view.id)}  ${parts.join(' · ')}`;
  };

  const outcomeOf = (view: ShotView, event: ShotEvent): Outcome | undefined => {
    const id = label(view.id);
    switch (event.state) {
      case 'completed': {
        const elapsed = event.elapsedMs ?? (view.startedAtMs === undefined ? undefined : Date.now() - view.startedAtMs);
        const size = view.bytes ? ` · ${formatBytes(view.bytes)}` : '';
        const done = elapsed === undefined ? 'done' : `done ${formatDuration(elapsed)}`;
        return { kind: 'completed', title: compact ? '' : `${id}  ${paint.green(done)}${size}` };
      }
      case 'failed':
        return { kind: 'failed', title: `${id}  failed  ${describeError(event.error)}` };
      case 'pending': {
        const job = view.jobId ? ` (job ${view.jobId})` : '';
        return { kind: 'pending', title: `${id}  still running remotely${job}; the next apply collects it` };
      }
      case 'skipped':
        return { kind: 'stopped', title: `${id}  skipped${event.note ? `: ${event.note}` : ''}` };
      default:
        return undefined;
    }
  };

  /** Large runs: failures and leftovers go under the final frame instead of into the live list. */
  const writeOutcome = (outcome: Outcome) => {
    if (outcome.kind !== 'completed' && outcome.title) writeLine(`${outcome.kind === 'failed' ? '✖' : '↓'} ${outcome.title}`);
  };

  const settleRow = (row: Row, outcome: Outcome) => {
    if (row.settled) return;
    row.settled = true;
    // The task function resumes a microtask later; until then the list must not show the old title.
    if (row.task) setTitle(row.task, outcome.title);
    row.done.resolve(outcome);
  };

  const showInLane = (view: ShotView) => {
    const lane = lanes.find((candidate) => candidate.view === undefined);
    if (!lane) {
      laneless.add(view);
      return;
    }
    lane.view = view;
    if (lane.row.task) setTitle(lane.row.task, activeTitle(view));
  };

  const leaveLane = (view: ShotView) => {
    laneless.delete(view);
    const lane = lanes.find((candidate) => candidate.view === view);
    if (!lane) return;
    lane.view = undefined;
    if (lane.row.task) setTitle(lane.row.task, '');
    const next = laneless.values().next();
    if (!next.done) {
      laneless.delete(next.value);
      showInLane(next.value);
    }
  };

  const retitle = () => {
    if (header.task && !header.settled) setTitle(header.task, headerTitle());
    if (compact) {
      for (const lane of lanes) if (lane.row.task && lane.view) setTitle(lane.row.task, activeTitle(lane.view));
      return;
    }
    for (const view of views.values()) {
      const row = rows.get(view.id);
      if (row?.task && !row.settled) setTitle(row.task, activeTitle(view));
    }
  };

  const start = (plan: Plan) => {
    const work = plan.actions.filter((action) => action.action !== 'keep' && action.action !== 'orphan');
    if (work.length === 0) return;
    startedAtMs = Date.now();
    tally = new ShotTally(work.length);
    const screenRows = out.rows || 24;
    compact = work.length > COMPACT_ABOVE || work.length + 4 > screenRows;
    idWidth = Math.min(MAX_ID_WIDTH, work.reduce((width, action) => Math.max(width, action.id.length), 0));

    const tasks: ListrTask<unknown, Renderer, Renderer>[] = [
      {
        title: headerTitle(),
        // Live messages sit in the bottom bar under the list; they are printed in full after the run.
        rendererOptions: { bottomBar: MESSAGE_LINES, persistentOutput: false },
        task: async (_ctx, task) => {
          header.task = task;
          setTitle(task, headerTitle());
          const outcome = await header.done.promise;
          setTitle(task, outcome.title);
          if (outcome.kind === 'failed') throw new Error(outcome.title);
        },
      },
    ];
    if (compact) {
      const laneCount = Math.max(1, Math.min(MAX_LANES, screenRows - RESERVED_ROWS, work.length));
      for (let index = 0; index < laneCount; index += 1) {
        const lane = { row: newRow(), view: undefined };
        lanes.push(lane);
        tasks.push(rowTask(lane.row, () => (lane.view ? activeTitle(lane.view) : '')));
      }
    } else {
      for (const action of work) {
        const view = newView(action.id, action.action);
        const row = newRow();
        views.set(view.id, view);
        rows.set(view.id, row);
        tasks.push(rowTask(row, () => activeTitle(view)));
      }
    }

    const listr = new Listr<unknown, Renderer, Renderer>(tasks, {
      concurrent: true,
      exitOnError: false,
      // The executor owns Ctrl-C (stop submitting, record job ids, exit 130); listr2's own handler would exit 127 at once.
      registerSignalListeners: false,
      renderer: TerminalRenderer,
      fallbackRenderer: TerminalRenderer,
      rendererOptions: {
        logger: new ListrLogger({ useIcons: true, toStderr: [], processOutput }),
        spinner: new UnrefSpinner(),
        formatOutput: 'wrap',
        collapseErrors: true,
        showErrorMessage: true,
        collapseSkips: true,
        showSkipMessage: true,
        ...(options.color ? {} : { color: colorless() }),
      },
    });
    live = true;
    process.once('exit', releaseOnExit);
    run = listr.run().catch(() => undefined);
    refresh = setInterval(retitle, REFRESH_MS);
    refresh.unref();
  };

  // A second Ctrl-C exits at once, without close(): give back the cursor and whatever was written
  // to stdout/stderr while listr2 held them (the exit message among it), or it would be lost.
  const releaseOnExit = () => {
    if (!live) return;
    live = false;
    processOutput.release();
  };

  const onCompactShot = (event: ShotEvent) => {
    let view = views.get(event.id);
    if (tally.record(event)) {
      if (view) {
        views.delete(event.id);
        leaveLane(view);
      }
      const outcome = outcomeOf(view ?? newView(event.id, event.action, event), event);
      if (outcome) writeOutcome(outcome);
      return;
    }
    if (event.state === 'queued' && !view) return;
    if (!view) {
      view = newView(event.id, event.action);
      views.set(event.id, view);
      follow(view, event);
      showInLane(view);
      return;
    }
    follow(view, event);
    const lane = lanes.find((candidate) => candidate.view === view);
    if (lane?.row.task) setTitle(lane.row.task, activeTitle(view));
  };

  const onListedShot = (event: ShotEvent) => {
    const view = views.get(event.id);
    const row = rows.get(event.id);
    if (!view || !row) {
      // A shot the plan did not announce: no task to show it in, so a plain line.
      const outcome = outcomeOf(newView(event.id, event.action, event), event);
      if (outcome) writeLine(outcome.title || `${event.id}  done`);
      return;
    }
    if (row.settled) return;
    tally.record(event);
    follow(view, event);
    const outcome = outcomeOf(view, event);
    if (outcome) settleRow(row, outcome);
    else if (row.task) setTitle(row.task, activeTitle(view));
  };

  return {
    onPlan(plan: Plan) {
      if (run === undefined) start(plan);
    },

    onShot(event: ShotEvent) {
      if (run === undefined) {
        const outcome = outcomeOf(newView(event.id, event.action, event), event);
        if (outcome) writeLine(outcome.title || `${event.id}  done`);
        return;
      }
      if (compact) onCompactShot(event);
      else onListedShot(event);
      if (header.task && !header.settled) setTitle(header.task, headerTitle());
    },

    onMessage(message: RunMessage) {
      const line = messageLine(message, paint);
      writeLine(line);
      if (live && header.task) header.task.output = line;
    },

    onSummary(summary: RunSummary) {
      const line = summaryLine(summary);
      if (run === undefined) {
        writeLine(line);
        return;
      }
      settleRow(header, { kind: summary.failed > 0 || summary.interrupted ? 'failed' : 'completed', title: line });
    },

    async close() {
      if (run === undefined) return drained(out);
      settleRow(header, { kind: 'stopped', title: headerTitle() });
      if (compact) {
        for (const view of views.values()) writeLine(`↓ ${label(view.id)}  stopped while ${view.event?.state ?? 'queued'}`);
        for (const lane of lanes) settleRow(lane.row, { kind: 'completed', title: '' });
      } else {
        for (const view of views.values()) {
          const row = rows.get(view.id);
          const state = view.event?.state ?? 'queued';
          if (!row) continue;
          if (state === 'queued') settleRow(row, { kind: 'completed', title: '' });
          else settleRow(row, { kind: 'stopped', title: `${label(view.id)}  stopped while ${state}` });
        }
      }
      await run;
      live = false;
      if (refresh) clearInterval(refresh);
      process.off('exit', releaseOnExit);
      await drained(out);
    },
  };

  /** A listr2 task that shows `title()` until its row settles, then the outcome. */
  function rowTask(row: Row, title: () => string): ListrTask<unknown, Renderer, Renderer> {
    return {
      title: title(),
      task: async (_ctx, task) => {
        row.task = task;
        // Events may have run ahead of listr2 starting this task; a settled row goes straight to its outcome.
        if (!row.settled) setTitle(task, title());
        const outcome = await row.done.promise;
        setTitle(task, outcome.title);
        if (!outcome.title) return;
        if (outcome.kind === 'failed') throw new Error(outcome.title);
        if (outcome.kind === 'pending' || outcome.kind === 'stopped') task.skip(outcome.title);
      },
    };
  }
}

function newView(id: string, action: ActionKind, event?: ShotEvent): ShotView {
  return { id, action, event, startedAtMs: undefined, jobId: event?.jobId, bytes: event?.bytes };
}

/** What a shot's line shows, updated from its latest event. */
function follow(view: ShotView, event: ShotEvent): void {
  if (event.state !== 'queued') view.startedAtMs ??= Date.now();
  if (event.jobId !== undefined) view.jobId = event.jobId;
  if (event.bytes !== undefined) view.bytes = event.bytes;
  view.event = event;
}

function newRow(): Row {
  return { task: undefined, done: deferred<Outcome>(), settled: false };
}

/** Whole seconds: a live `83ms` that changes every redraw is noise. */
function liveElapsed(ms: number): string {
  return ms < 1000 ? '0s' : formatDuration(ms);
}

/**
 * Sets a title without asking listr2 to redraw: the renderer repaints ten times a second anyway (its
 * spinner), so a progress tick costs nothing until the next paint, however many shots tick at once.
 * (Redrawing on every tick made a 500-shot test take minutes.) Settling a task still redraws.
 */
function setTitle(task: TaskWrapper, title: string): void {
  // No title at all, rather than an empty one: the renderer skips untitled tasks before an O(n) check.
  task.task.title = title === '' ? undefined : title;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
