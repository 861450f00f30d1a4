/**
 * The plan as text, Terraform style: one line per action that does something, the field
 * diffs of replaced shots under them, and a summary line. Unchanged shots are only counted
 * (10,000 "=" lines would hide the three that matter) unless showKept asks for them. A long
 * plan opens with its counts by action, so the gist of 100,000 lines is on the first screen.
 * `--json` prints the same Plan object through planToJson.
 */
import { ACTION_SYMBOL, type ActionKind, type FieldChange, type Plan, type PlanAction } from './types.js';
import { formatAmount, formatUsd } from '../cost/estimate.js';

export interface RenderPlanOptions {
  color: boolean;
  /** How to name the manifest in the heading (`shots.yaml`). */
  manifestLabel?: string;
  /** List unchanged shots one per line too. */
  showKept?: boolean;
}

const ANSI = { green: '32', yellow: '33', cyan: '36', red: '31', dim: '2', bold: '1' } as const;
type Style = keyof typeof ANSI;

const ACTION_STYLE: Record<ActionKind, Style | undefined> = {
  create: 'green',
  replace: 'yellow',
  resume: 'cyan',
  fetch: 'cyan',
  reuse: 'green',
  retry: 'red',
  orphan: 'red',
  keep: 'dim',
};

/** More listed actions than this and the counts by action come first. */
export const COUNTS_FIRST_ABOVE = 40;

/** Longest value shown in a diff line before the middle is elided. */
const MAX_VALUE_CHARS = 80;
/** Characters kept either side of where two long strings start to differ. */
const DIFF_CONTEXT = 24;

export function renderPlan(plan: Plan, options: RenderPlanOptions): string {
  const paint = (style: Style | undefined, text: string): string =>
    options.color && style ? `\x1b[${ANSI[style]}m${text}\x1b[0m` : text;
  // A held shot is kept only in the sense that nothing will happen to it: always worth showing.
  const listed = plan.actions.filter((action) => action.action !== 'keep' || options.showKept || action.held !== undefined);
  const lines: string[] = [];
  if (listed.length > 0) {
    lines.push(options.manifestLabel ? `Plan for ${options.manifestLabel}:` : 'Plan:', '');
    if (listed.length > COUNTS_FIRST_ABOVE) lines.push(...countsByAction(plan).map((line) => `  ${line}`), '');
    for (const action of listed) {
      lines.push(`  ${paint(ACTION_STYLE[action.action], `${ACTION_SYMBOL[action.action]} ${action.id}`)}${describe(action)}`);
      for (const change of action.changes ?? []) lines.push(`      ${formatChange(change)}`);
    }
    lines.push('');
  }
  lines.push(paint('bold', summaryLine(plan)));
  return `${lines.join('\n')}\n`;
}

/** The same object the text shows, for `--json`. */
export function planToJson(plan: Plan): string {
  return JSON.stringify(plan);
}

const COUNT_WORDS: Record<ActionKind, string> = {
  create: 'to create',
  replace: 'to replace',
  resume: 'to resume',
  retry: 'to retry',
  fetch: 'to fetch',
  reuse: 'to reuse',
  keep: 'unchanged',
  orphan: 'orphaned',
};

/** `+ 99998 to create`, one line per kind of action the plan has. */
function countsByAction(plan: Plan): string[] {
  const kinds = Object.keys(COUNT_WORDS) as ActionKind[];
  return kinds.filter((kind) => plan.summary[kind] > 0).map((kind) => `${ACTION_SYMBOL[kind]} ${plan.summary[kind]} ${COUNT_WORDS[kind]}`);
}

function describe(action: PlanAction): string {
  const provider = action.provider ? ` (${action.provider})` : '';
  // Free actions say nothing about money; a priced one says what it costs, or that nobody knows.
  const cost = action.cost && (action.cost.usd !== 0 || action.cost.if_regenerated !== undefined) ? `  ${formatActionCost(action.cost)}` : '';
  return `${provider}: ${action.reason}${cost}`;
}

/** `($0.96)`, `(price unknown)`, `($0 unless it must be regenerated: $0.96)`. */
function formatActionCost(cost: NonNullable<PlanAction['cost']>): string {
  if (cost.usd === undefined) return '(price unknown)';
  if (cost.if_regenerated !== undefined) return `($0; ${formatUsd(cost.if_regenerated)} if it must be regenerated)`;
  return `(${formatUsd(cost.usd)})`;
}

/** `Estimated cost: $12.40 + 3 shots of unknown price.` (only when something costs or is unknown). */
function costLine(plan: Plan): string {
  const cost = plan.summary.cost;
  if (!cost || (cost.usd === 0 && cost.unknown === 0)) return '';
  // Never "$0.00" for work nobody has priced.
  if (cost.usd === 0) return ` Estimated cost: unknown (${formatAmount(0, cost.unknown, 'shot')}; \`pricing:\` in the manifest gives them one).`;
  return ` Estimated cost: ${formatAmount(cost.usd, cost.unknown, 'shot')}.`;
}

function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const skipped = plan.shard
    ? ` Shard ${plan.shard.index}/${plan.shard.count}: ${s.skipped} ${s.skipped === 1 ? 'shot' : 'shots'} left to other shards or --only.`
    : s.skipped > 0
      ? ` ${s.skipped} not selected by --only.`
      : '';
  if (s.changes === 0) {
    const orphaned = s.orphan > 0 ? `, ${s.orphan} orphaned` : '';
    return `No changes. ${s.keep} ${s.keep === 1 ? 'shot' : 'shots'} up to date${orphaned}.${skipped}`;
  }
  const counts = (Object.keys(COUNT_WORDS) as ActionKind[]).map((kind) => `${s[kind]} ${COUNT_WORDS[kind]}`);
  return `Plan: ${counts.join(', ')}.${costLine(plan)}${skipped}`;
}

/** `prompt: "a" → "b"`; long strings are cut around where they differ, so the change stays visible. */
export function formatChange(change: FieldChange): string {
  const { from, to } = change;
  if (typeof from === 'string' && typeof to === 'string') {
    const [before, after] = focusOnDifference(from, to);
    return `${change.field}: ${before} → ${after}`;
  }
  return `${change.field}: ${formatValue(from)} → ${formatValue(to)}`;
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'string') return JSON.stringify(elideMiddle(value, MAX_VALUE_CHARS));
  return elideMiddle(JSON.stringify(value) ?? String(value), MAX_VALUE_CHARS);
}

function focusOnDifference(from: string, to: string): [string, string] {
  if (from.length <= MAX_VALUE_CHARS && to.length <= MAX_VALUE_CHARS) return [JSON.stringify(from), JSON.stringify(to)];
  let prefix = 0;
  while (prefix < from.length && prefix < to.length && from[prefix] === to[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < from.length - prefix &&
    suffix < to.length - prefix &&
    from[from.length - 1 - suffix] === to[to.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  const start = Math.max(0, prefix - DIFF_CONTEXT);
  const trimEnd = Math.max(0, suffix - DIFF_CONTEXT);
  return [excerpt(from, start, from.length - trimEnd), excerpt(to, start, to.length - trimEnd)];
}

function excerpt(text: string, start: number, end: number): string {
  const body = elideMiddle(text.slice(start, end), MAX_VALUE_CHARS);
  return JSON.stringify(`${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`);
}

export function elideMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}
