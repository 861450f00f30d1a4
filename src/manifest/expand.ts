/**
 * Data-driven shots and takes (DESIGN.md "Manifest"). Before the shape is checked, each entry
 * of `shots:` with `from:`, `rows:` or `takes:` becomes the shots it stands for, so every rule
 * (shape, unique ids, providers, files) applies to each of them. What each shot came from (its
 * entry, row and take) is kept: problems are reported where the value was written
 * (expanded-problems.ts), and a take's number enters its spec (load.ts).
 *
 * A manifest without such entries is passed through untouched.
 */
import { z } from 'zod';
import { columnHint, separatorHint } from './csv-rows.js';
import type { DataFiles } from './data-file.js';
import { didYouMeanHint } from './did-you-mean.js';
import { isRecord, problemsFromIssues } from './issues.js';
import type { PathSegment } from './positions.js';
import { ManifestCode, problem, type Problem } from './problems.js';
import { inlineRows, type RowSource, type RowsRead } from './row-source.js';
import { ExpansionShape } from './schema.js';
import { compileTemplate, fillTemplate, type SlotFailure, type Template } from './template.js';
import type { ExpandedEntry } from './types.js';

/**
 * The most shots one manifest may stand for, takes and rows included: a lock, a plan and a
 * bill of that size is already a campaign for sharding (`--shard k/N`), and a `takes:` typo
 * must not become a million jobs.
 */
export const MAX_SHOTS = 100_000;

const EXPANSION_KEYS = Object.keys(ExpansionShape) as (keyof typeof ExpansionShape)[];
const ExpansionSchema = z.strictObject(ExpansionShape);

/** Where an expanded shot came from. */
export interface ShotOrigin {
  /** Its entry's index in the manifest's `shots:`. */
  entry: number;
  /** Its row, for a data-driven entry. */
  row?: number;
  /** Its take number (1…N), for an entry with `takes:`. */
  take?: number;
}

/** What a data-driven entry expands from, for locating problems in its rows. */
export interface EntryData {
  template: Template;
  source: RowSource;
}

/** A problem in one row's values, found while filling the template: located at that row. */
export interface RowProblem {
  /** Its path is the template's (`shots[2].prompt`). */
  problem: Problem;
  entry: number;
  row: number;
  /** The field whose value is at fault (undefined: the row as a whole). */
  field: string | undefined;
}

export interface Expansion {
  /** The manifest with `shots:` replaced by the expanded shots (the same object when nothing expands). */
  data: unknown;
  /** Per expanded shot, where it came from; undefined when nothing expands (shot i is entry i). */
  origins: ShotOrigin[] | undefined;
  entries: ExpandedEntry[];
  /** Per data-driven entry index, its template and rows. */
  dataOf: Map<number, EntryData>;
  problems: Problem[];
  rowProblems: RowProblem[];
  /** Some entry, or row, was left out because of its problems (so "no shots" is not one more). */
  incomplete: boolean;
}

const expands = (entry: unknown): entry is Record<string, unknown> => isRecord(entry) && EXPANSION_KEYS.some((key) => Object.hasOwn(entry, key));

export async function expandShots(data: unknown, files: DataFiles): Promise<Expansion> {
  const nothing: Expansion = { data, origins: undefined, entries: [], dataOf: new Map(), problems: [], rowProblems: [], incomplete: false };
  if (!isRecord(data) || !Array.isArray(data.shots) || !data.shots.some(expands)) return nothing;
  const entries: unknown[] = data.shots;
  const expansion: Expansion = { ...nothing, origins: [] };
  const shots: unknown[] = [];
  const plain = entries.filter((entry) => !expands(entry)).length;
  let expanded = 0;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (!expands(entry)) {
      shots.push(entry);
      expansion.origins!.push({ entry: index });
      continue;
    }
    // One data file at a time: together they are bounded (MAX_DATA_BYTES), not each.
    const ready = await prepare(entry, index, files, data, expansion.problems);
    if (ready === undefined) {
      expansion.incomplete = true;
      continue;
    }
    const count = (ready.data?.source.rowCount ?? 1) * (ready.takes ?? 1);
    if (plain + expanded + count > MAX_SHOTS) {
      const key = ready.takes !== undefined ? 'takes' : ready.data?.source.file !== undefined ? 'from' : 'rows';
      const message = `this entry makes ${count.toLocaleString('en-US')} shots, which takes the manifest past ${MAX_SHOTS.toLocaleString('en-US')}`;
      expansion.problems.push(problem(ManifestCode.tooManyShots, ['shots', index, key], message, 'split the campaign across several manifests'));
      expansion.incomplete = true;
      continue;
    }
    expanded += count;
    const before = shots.length;
    if (ready.data) {
      expansion.dataOf.set(index, ready.data);
      expandRows(index, ready.data, ready.takes, shots, expansion);
    } else {
      pushTakes(ready.entry, { entry: index }, ready.takes!, shots, expansion.origins!);
    }
    const summary: ExpandedEntry = { index, id: typeof entry.id === 'string' ? entry.id : '', shots: shots.length - before };
    if (typeof entry.from === 'string') summary.from = entry.from;
    if (ready.data) summary.rows = ready.data.source.rowCount;
    if (ready.takes !== undefined) summary.takes = ready.takes;
    expansion.entries.push(summary);
  }
  expansion.data = { ...data, shots };
  return expansion;
}

interface Prepared {
  /** The entry without its expansion keys. */
  entry: Record<string, unknown>;
  data?: EntryData;
  takes?: number;
}

/** Checks an entry's expansion keys, reads its rows and compiles its template; undefined when it cannot expand. */
async function prepare(entry: Record<string, unknown>, index: number, files: DataFiles, data: unknown, problems: Problem[]): Promise<Prepared | undefined> {
  const at: PathSegment[] = ['shots', index];
  const keys: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) (EXPANSION_KEYS.includes(key as never) ? keys : rest)[key] = value;
  const parsed = ExpansionSchema.safeParse(keys);
  if (!parsed.success) {
    problems.push(...problemsFromIssues(parsed.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] })), data));
    return undefined;
  }
  const { from, rows, takes } = parsed.data;
  if (from !== undefined && rows !== undefined) {
    problems.push(problem(ManifestCode.value, [...at, 'rows'], 'an entry takes its rows from `from:` or from `rows:`, not both', 'keep one of them', 'key'));
    return undefined;
  }
  const prepared: Prepared = { entry: rest };
  if (takes !== undefined) prepared.takes = takes;
  if (from === undefined && rows === undefined) return prepared;

  const read: RowsRead = from !== undefined ? await files.rows(from, [...at, 'from']) : { source: inlineRows(rows!, index), problems: [] };
  // Rows that could be read are still expanded, so the template's problems are found too.
  problems.push(...read.problems);
  if (read.source === undefined) return undefined;
  const found: Problem[] = [];
  const template = compileTemplate(rest, at, found);
  if (read.source.columns !== undefined) found.push(...unknownColumns(template, read.source, at));
  if (found.length > 0) {
    problems.push(...found);
    return undefined;
  }
  prepared.data = { template, source: read.source };
  return prepared;
}

/** Placeholders naming a column the CSV header lacks: one problem at the template, not one per row. */
function unknownColumns(template: Template, source: RowSource, at: readonly PathSegment[]): Problem[] {
  const columns = source.columns!;
  const problems: Problem[] = [];
  for (const slot of template.slots) {
    for (const field of slot.fields) {
      if (columns.includes(field)) continue;
      const hint = separatorHint(columns) ?? columnHint(field, columns);
      problems.push(problem(ManifestCode.dataUnknownField, [...at, ...slot.path], `\`{{ ${field} }}\`: ${source.file} has no column \`${field}\``, hint));
    }
  }
  return problems;
}

/** One shot per row (times its takes); a row that cannot fill the template is reported, not expanded. */
function expandRows(entry: number, data: EntryData, takes: number | undefined, shots: unknown[], expansion: Expansion): void {
  const { template, source } = data;
  const csv = source.kind === 'csv';
  const failed: { row: number; failure: SlotFailure }[] = [];
  for (let row = 0; row < source.rowCount; row++) {
    const { shot, failures } = fillTemplate(template, (field) => source.value(row, field), csv);
    if (failures.length > 0) {
      for (const failure of failures) failed.push({ row, failure });
      continue;
    }
    if (takes === undefined) {
      shots.push(shot);
      expansion.origins!.push({ entry, row });
    } else {
      pushTakes(shot, { entry, row }, takes, shots, expansion.origins!);
    }
  }
  if (failed.length > 0) {
    reportFailures(entry, data, failed, expansion);
    expansion.incomplete = true;
  }
}

/**
 * A field no row has is one problem at the template (a typo there); a field some rows lack,
 * an empty value, or a list inside text is a problem at each such row.
 */
function reportFailures(entry: number, data: EntryData, failed: { row: number; failure: SlotFailure }[], expansion: Expansion): void {
  const { source } = data;
  const missingRows = new Map<string, Set<number>>();
  for (const { row, failure } of failed) {
    if (failure.reason === 'missing') missingRows.set(failure.field, (missingRows.get(failure.field) ?? new Set()).add(row));
  }
  const noRowHas = new Set([...missingRows].filter(([, rows]) => rows.size === source.rowCount).map(([field]) => field));
  const where = source.file === undefined ? 'under `rows:`' : `of ${source.file}`;
  for (const { row, failure } of failed) {
    const { slot, field, reason } = failure;
    const at: PathSegment[] = ['shots', entry, ...slot.path];
    if (noRowHas.has(field)) {
      if (row === 0) {
        const hint = didYouMeanHint(field, source.fieldsOf(0)) ?? `the first row has ${source.fieldsOf(0).map((f) => `\`${f}\``).join(', ') || 'no fields'}`;
        expansion.problems.push(problem(ManifestCode.dataUnknownField, at, `\`{{ ${field} }}\`: no row ${where} has a field \`${field}\``, hint));
      }
      continue;
    }
    const placeholder = `\`{{ ${field} }}\``;
    const found =
      reason === 'missing'
        ? problem(ManifestCode.dataUnknownField, at, `this row has no field \`${field}\` for ${placeholder}`, didYouMeanHint(field, source.fieldsOf(row)) ?? 'give every row each field the template names')
        : reason === 'empty'
          ? problem(ManifestCode.dataEmptyValue, at, `${placeholder} is empty in this row`, 'the template needs text there: fill it in, or give rows without it an entry of their own')
          : problem(ManifestCode.type, at, `${placeholder} is a list or mapping, which cannot go inside text`, 'only a placeholder that is the whole value (`options: "{{ extra }}"`) takes a list or mapping');
    expansion.rowProblems.push({ problem: found, entry, row, field: reason === 'missing' ? undefined : field });
  }
}

/** `<id>.1` … `<id>.N`, each writing `<output>.1.mp4` … when the entry names its output. */
function pushTakes(shot: Record<string, unknown>, origin: ShotOrigin, takes: number, shots: unknown[], origins: ShotOrigin[]): void {
  for (let take = 1; take <= takes; take++) {
    const copy: Record<string, unknown> = { ...shot };
    if (typeof shot.id === 'string') copy.id = `${shot.id}.${take}`;
    if (typeof shot.output === 'string' && /\.mp4$/i.test(shot.output)) copy.output = `${shot.output.slice(0, -4)}.${take}${shot.output.slice(-4)}`;
    shots.push(copy);
    origins.push({ ...origin, take });
  }
}
