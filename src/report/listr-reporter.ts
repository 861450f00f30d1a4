import {
  DefaultRenderer,
  Listr,
  ListrDefaultRendererLogLevels,
  ListrLogger,
  ProcessOutput,
  Spinner,
  type ListrTask,
  type ListrTaskWrapper,
} from 'listr2';
import type { ActionKind, Plan } from '../plan/types.js';
import { formatDuration } from '../util/duration.js';
import {
  createPaint,
  describeError,
  drained,
  formatBytes,
  formatProgress,
  messageLine,
  shortJobId,
  summaryLine,
} from './format.js';
import type { Reporter, RunMessage, RunSummary, ShotEvent } from './types.js';

/**
 * The terminal view: a header line with live counts, then one listr2 task per shot whose title
 * follows the shot (`coastal-city  submitted node-gw-… · running 45% · 1m12s`), ending as
 * `done 2m31s`, a failure, or `still running remotely`.
 *
 * How listr2 is driven from outside: tasks are created on onPlan, one per action that does work
 * (not keep/orphan), all started at once (`concurrent: true`), and each task's function simply
 * awaits a promise this reporter settles when the shot reaches a terminal state. listr2 cannot
 * run tasks added after `run()`, hence onPlan rather than lazily on first event; a shot the plan
 * did not announce is reported as a plain line instead.
 *
 * How hundreds of shots stay readable: above COMPACT_ABOVE shots (or when the list would not fit
 * the terminal, since log-update cuts the top of a frame taller than the screen, header first)
 * the view is compact: a task's title is empty, which the renderer draws as nothing, unless its
 * shot is active. Queued and completed shots are counted in the header only, so the live list is
 * bounded by the concurrency. Failed and pending shots then become plain lines written to the
 * stream, which listr2 holds while it owns the screen and prints under the final frame, so no
 * failure is lost and none floods the live view. Titles are chosen before a task settles because
 * the renderer freezes a settled task's lines. In the full view queued shots are listed, dimmed
 * (with listr2's spinner, as listr2 starts every task at once).
 *
 * close() must be called (in a finally): it ends the view and gives stdout/stderr back. If a crash
 * skips it, no timer of ours keeps the process alive and an exit hook still restores the terminal.
 */

/** More work shots than this and the live view shows only active ones. */
export const COMPACT_ABOVE = 30;
/** Lines of live messages shown under the list (all of them are printed at the end). */
const MESSAGE_LINES = 3;
const REFRESH_MS = 1000;
const MAX_ID_WIDTH = 24;

/**
 * listr2's default renderer with two changes. It runs whatever `process.stdout` is (the caller chose
 * the terminal already). And redraws are coalesced to one per turn of the event loop: listr2 redraws
 * the whole list synchronously on every task event, and with hundreds of shots settling together
 * (the end of a run, an interrupt) that is quadratic.
 */
class TerminalRenderer extends DefaultRenderer {
  static override nonTTY = true;
  private redrawQueued = false;
  private ended = false;

  override update(): void {
    if (this.redrawQueued || this.ended) return;
    this.redrawQueued = true;
    setImmediate(() => {
      this.redrawQueued = false;
      // The final frame is written by end(); a late redraw would draw the list a second time.
      if (!this.ended) super.update();
    });
  }

  override end(): void {
    this.ended = true;
    super.end();
  }
}

/**
 * listr2's spinner, whose timer does not keep the process alive: if a crash skips close(), the CLI
 * still exits (and the exit hook gives the terminal back) instead of spinning forever.
 */
class UnrefSpinner extends Spinner {
  private timer: NodeJS.Timeout | undefined;

  override start(callback?: () => void, interval = 100): void {
    this.timer = setInterval(() => {
      this.spin();
      callback?.();
    }, interval);
    this.timer.unref();
  }

  override stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  override isRunning(): boolean {
    return this.timer !== undefined;
  }
}

type Renderer = typeof TerminalRenderer;
type TaskWrapper = ListrTaskWrapper<unknown, Renderer, Renderer>;

type OutcomeKind = 'completed' | 'failed' | 'pending' | 'stopped';
interface Outcome {
  kind: OutcomeKind;
  /** Final title; empty hides the task. */
  title: string;
}

interface ShotView {
  id: string;
  action: ActionKind;
  event: ShotEvent | undefined;
  /** Local clock when the shot left `queued`, for a live elapsed time. */
  startedAtMs: number | undefined;
  jobId: string | undefined;
  bytes: number | undefined;
  task: TaskWrapper | undefined;
  settle: (outcome: Outcome) => void;
  outcome: Promise<Outcome>;
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
  const views = new Map<string, ShotView>();
  let startedAtMs = Date.now();

  let compact = false;
  let idWidth = 0;
  let run: Promise<unknown> | undefined;
  let live = false;
  let refresh: NodeJS.Timeout | undefined;
  let headerTask: TaskWrapper | undefined;
  const header = deferred<Outcome>();
  let headerSettled = false;

  // While listr2 owns the screen, out.write is captured and replayed under the final frame.
  const writeLine = (line: string) => {
    out.write(`${line}\n`);
  };
  const label = (id: string) => id.padEnd(idWidth);

  const counts = () => {
    let done = 0;
    let failed = 0;
    let pending = 0;
    let queued = 0;
    let active = 0;
    for (const view of views.values()) {
      const state = view.event?.state ?? 'queued';
      if (state === 'completed') done += 1;
      else if (state === 'failed') failed += 1;
      else if (state === 'pending' || state === 'skipped') pending += 1;
      else if (state === 'queued') queued += 1;
      else active += 1;
    }
    return { done, failed, pending, queued, active };
  };

  const headerTitle = () => {
    const c = counts();
    const parts = [`${c.done}/${views.size} done`];
    if (c.active > 0) parts.push(`${c.active} active`);
    if (c.queued > 0) parts.push(`${c.queued} queued`);
    if (c.failed > 0) parts.push(paint.red(`${c.failed} failed`));
    if (c.pending > 0) parts.push(paint.yellow(`${c.pending} pending`));
    parts.push(liveElapsed(Date.now() - startedAtMs));
    return `Applying ${views.size} ${views.size === 1 ? 'shot' : 'shots'}: ${parts.join(' · ')}`;
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

  const settleShot = (view: ShotView, outcome: Outcome) => {
    if (view.settled) return;
    view.settled = true;
    // Compact view: failures and leftovers go under the final frame instead of into the live list.
    if (compact && outcome.kind !== 'completed' && outcome.title) {
      writeLine(`${outcome.kind === 'failed' ? '✖' : '↓'} ${outcome.title}`);
      outcome = { ...outcome, title: '' };
    }
    // The task function resumes a microtask later; until then the list must not show the old title.
    if (view.task) setTitle(view.task, outcome.title);
    view.settle(outcome);
  };

  const retitle = () => {
    if (headerTask && !headerSettled) setTitle(headerTask, headerTitle());
    for (const view of views.values()) {
      if (view.task && !view.settled) setTitle(view.task, activeTitle(view));
    }
  };

  const settleHeader = (outcome: Outcome) => {
    if (headerSettled) return;
    headerSettled = true;
    header.resolve(outcome);
  };

  const start = (plan: Plan) => {
    const work = plan.actions.filter((action) => action.action !== 'keep' && action.action !== 'orphan');
    if (work.length === 0) return;
    startedAtMs = Date.now();
    const rows = out.rows || 24;
    compact = work.length > COMPACT_ABOVE || work.length + 4 > rows;
    idWidth = Math.min(MAX_ID_WIDTH, work.reduce((width, action) => Math.max(width, action.id.length), 0));

    const tasks: ListrTask<unknown, Renderer, Renderer>[] = [
      {
        title: headerTitle(),
        // Live messages sit in the bottom bar under the list; they are printed in full after the run.
        rendererOptions: { bottomBar: MESSAGE_LINES, persistentOutput: false },
        task: async (_ctx, task) => {
          headerTask = task;
          setTitle(task, headerTitle());
          const outcome = await header.promise;
          setTitle(task, outcome.title);
          if (outcome.kind === 'failed') throw new Error(outcome.title);
        },
      },
    ];
    for (const action of work) {
      const view = newView(action.id, action.action);
      views.set(view.id, view);
      tasks.push({
        title: activeTitle(view),
        task: async (_ctx, task) => {
          view.task = task;
          // Events may have run ahead of listr2 starting this task; a settled shot goes straight to its outcome.
          if (!view.settled) setTitle(task, activeTitle(view));
          const outcome = await view.outcome;
          setTitle(task, outcome.title);
          if (!outcome.title) return;
          if (outcome.kind === 'failed') throw new Error(outcome.title);
          if (outcome.kind === 'pending' || outcome.kind === 'stopped') task.skip(outcome.title);
        },
      });
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

  return {
    onPlan(plan: Plan) {
      if (run === undefined) start(plan);
    },

    onShot(event: ShotEvent) {
      const view = views.get(event.id);
      if (!view) {
        reportUnplanned(event);
        return;
      }
      if (view.settled) return;
      if (event.state !== 'queued') view.startedAtMs ??= Date.now();
      if (event.jobId !== undefined) view.jobId = event.jobId;
      if (event.bytes !== undefined) view.bytes = event.bytes;
      view.event = event;
      const outcome = outcomeOf(view, event);
      if (outcome) settleShot(view, outcome);
      else if (view.task) setTitle(view.task, activeTitle(view));
      if (headerTask && !headerSettled) setTitle(headerTask, headerTitle());
    },

    onMessage(message: RunMessage) {
      const line = messageLine(message, paint);
      writeLine(line);
      if (live && headerTask) headerTask.output = line;
    },

    onSummary(summary: RunSummary) {
      const line = summaryLine(summary);
      if (run === undefined) {
        writeLine(line);
        return;
      }
      settleHeader({ kind: summary.failed > 0 || summary.interrupted ? 'failed' : 'completed', title: line });
    },

    async close() {
      if (run === undefined) return drained(out);
      settleHeader({ kind: 'stopped', title: headerTitle() });
      for (const view of views.values()) {
        const state = view.event?.state ?? 'queued';
        if (state === 'queued') settleShot(view, { kind: 'completed', title: '' });
        else settleShot(view, { kind: 'stopped', title: `${label(view.id)}  stopped while ${state}` });
      }
      await run;
      live = false;
      if (refresh) clearInterval(refresh);
      process.off('exit', releaseOnExit);
      await drained(out);
    },
  };

  function reportUnplanned(event: ShotEvent) {
    const view = newView(event.id, event.action);
    view.jobId = event.jobId;
    view.bytes = event.bytes;
    const outcome = outcomeOf(view, event);
    if (outcome) writeLine(outcome.title || `${event.id}  done`);
  }
}

function newView(id: string, action: ActionKind): ShotView {
  const { promise, resolve } = deferred<Outcome>();
  return {
    id,
    action,
    event: undefined,
    startedAtMs: undefined,
    jobId: undefined,
    bytes: undefined,
    task: undefined,
    settle: resolve,
    outcome: promise,
    settled: false,
  };
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

/** listr2 colours its icons through colorette, which only reads the environment; `color: false` must win too. */
function colorless(): Partial<Record<ListrDefaultRendererLogLevels, (text?: string) => string>> {
  const plain = (text?: string) => text ?? '';
  return Object.fromEntries(Object.values(ListrDefaultRendererLogLevels).map((level) => [level, plain]));
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
