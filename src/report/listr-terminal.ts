/**
 * The pieces of listr2 the terminal view runs with: its default renderer, redrawing at most
 * once per turn of the event loop; a spinner whose timer never keeps the process alive; and
 * colours that honour `color: false`.
 */
import { DefaultRenderer, ListrDefaultRendererLogLevels, Spinner } from 'listr2';

/**
 * listr2's default renderer with two changes. It runs whatever `process.stdout` is (the caller chose
 * the terminal already). And redraws are coalesced to one per turn of the event loop: listr2 redraws
 * the whole list synchronously on every task event, and with hundreds of shots settling together
 * (the end of a run, an interrupt) that is quadratic.
 */
export class TerminalRenderer extends DefaultRenderer {
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
export class UnrefSpinner extends Spinner {
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

/** listr2 colours its icons through colorette, which only reads the environment; `color: false` must win too. */
export function colorless(): Partial<Record<ListrDefaultRendererLogLevels, (text?: string) => string>> {
  const plain = (text?: string) => text ?? '';
  return Object.fromEntries(Object.values(ListrDefaultRendererLogLevels).map((level) => [level, plain]));
}
