/**
 * Problems of expanded shots, reported where a person would fix them. Validation sees the
 * expanded list (`shots[k]` is the k-th expanded shot); a diagnostic names the entry as
 * written (`shots[2].prompt`) and is located:
 * - at the row's value, when the value at fault came from a row (`leads.csv:15:7`, or the row
 *   under `rows:`): that is where it is wrong, and an editor jumps there. The message then ends
 *   with the template's position, `(template shots.yaml:12:9)`;
 * - at the entry otherwise (a problem of the template itself, or of a take): once, however
 *   many rows or takes share it, since identical diagnostics are merged (toDiagnostics).
 */
import type { EntryData, Expansion, RowProblem } from './expand.js';
import type { PathSegment, SourceLocator } from './positions.js';
import type { Problem } from './problems.js';
import type { Slot } from './template.js';

export class ExpandedProblems {
  constructor(
    private readonly expansion: Expansion,
    private readonly locator: SourceLocator,
    /** The manifest path as the caller wrote it, as diagnostics name it. */
    private readonly manifestFile: string,
  ) {}

  /**
   * Stage 1 and 2 problems (paths into the expanded shots), in terms of the manifest as written.
   * The takes of one shot differ only in their number: a problem the first take has is said
   * once, not once per take (`hello-Acme.1` and `hello-Acme.2` are one bad id in one row).
   */
  relocate(problems: readonly Problem[]): Problem[] {
    const { origins } = this.expansion;
    if (origins === undefined) return [...problems];
    const seenInTakes = new Set<string>();
    const relocated: Problem[] = [];
    for (const p of problems) {
      const index = p.path[1];
      const origin = p.path[0] === 'shots' && typeof index === 'number' && p.position === undefined ? origins[index] : undefined;
      if (origin === undefined) {
        relocated.push(p);
        continue;
      }
      const rest = p.path.slice(2);
      if (origin.take !== undefined) {
        const key = `${p.code}\u0000${origin.entry}\u0000${origin.row ?? ''}\u0000${rest.join('\u0000')}`;
        if (seenInTakes.has(key)) continue;
        seenInTakes.add(key);
      }
      const moved: Problem = { ...p, path: ['shots', origin.entry, ...rest] };
      const data = origin.row === undefined ? undefined : this.expansion.dataOf.get(origin.entry);
      const slot = data && slotAt(data, rest);
      relocated.push(slot ? this.atRow(moved, data!, origin.row!, slot.fields[0]) : moved);
    }
    return relocated;
  }

  /** The problems found while filling templates with rows, located at their rows. */
  rowProblems(): Problem[] {
    return this.expansion.rowProblems.map((p: RowProblem) => this.atRow(p.problem, this.expansion.dataOf.get(p.entry)!, p.row, p.field));
  }

  /** An expanded shot as a message about another one names it: `shots[3]`, `leads.csv:15`. */
  describeShot(index: number): string {
    const origin = this.expansion.origins?.[index];
    if (origin === undefined) return `shots[${index}]`;
    const data = origin.row === undefined ? undefined : this.expansion.dataOf.get(origin.entry);
    return data ? data.source.describe(origin.row!) : `shots[${origin.entry}]`;
  }

  /** Located at the row's value (or the row), naming the template it filled. */
  private atRow(p: Problem, data: EntryData, row: number, field: string | undefined): Problem {
    const template = this.locator.locate(p.path, p.target);
    const message = `${p.message} (template ${this.manifestFile}:${template.line}:${template.col})`;
    const location = data.source.locate(row, field);
    if ('file' in location) return { ...p, message, file: location.file, position: location.position };
    return { ...p, message, position: this.locator.locate(location.path) };
  }
}

/** The templated string a problem's path is in, or contains (`options` holding a filled value). */
function slotAt(data: EntryData, rest: readonly PathSegment[]): Slot | undefined {
  if (rest.length === 0) return undefined;
  return data.template.slots.find((slot) => startsWith(rest, slot.path) || startsWith(slot.path, rest));
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}
