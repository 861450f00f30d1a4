/**
 * The contact sheet as data: one card per shot (manifest order, then orphans) with what a
 * reviewer judges it by, and the video files the cards may show. The page renders this same
 * object, served live or written once as a static report.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ShotStatus, OutputStatus } from '../commands/status.js';
import type { Lock, LockCost, LockEntry } from '../lock/types.js';
import type { Manifest, Spec } from '../manifest/types.js';
import { compareOrdinal } from '../util/compare.js';
import { cachedOutputFile, cacheRoot, realFileInside, type MediaFile } from './media-files.js';
import type { Review, VerdictRecord } from './types.js';

export interface SheetCard {
  id: string;
  state: ShotStatus['state'];
  /** False when the manifest changed since this output was made: the next plan replaces it. */
  current: boolean;
  output: OutputStatus;
  /** From the lock entry when there is one (what made the video), else from the manifest. */
  spec: Spec;
  /** Provider entry name (`oa`); the type is `spec.provider`. */
  provider?: string;
  tags: string[];
  cost?: LockCost;
  error?: { code: string; message: string };
  /** The current output, present only when it is on disk as the lock recorded it: what a verdict judges. */
  sha256?: string;
  verdict?: VerdictRecord;
  /** The latest earlier output of this shot that a reviewer judged and the local cache still holds. */
  previous?: { sha256: string; verdict: VerdictRecord };
}

export interface ContactSheet {
  /** The manifest's file name, for the heading. */
  manifest: string;
  /** The review file's name, where verdicts go. */
  reviewFile: string;
  cards: SheetCard[];
}

export interface SheetInputs {
  manifest: Manifest;
  lock: Lock;
  statuses: readonly ShotStatus[];
  review: Review;
  reviewFile: string;
}

export async function buildContactSheet(inputs: SheetInputs): Promise<{ sheet: ContactSheet; media: Map<string, MediaFile> }> {
  const { manifest, lock, review } = inputs;
  const shots = new Map(manifest.shots.map((shot) => [shot.id, shot]));
  const outputRoot = resolve(manifest.dir, manifest.outputDir);
  const judgedByShot = verdictsByShot(review);
  const media = new Map<string, MediaFile>();

  const cards = await Promise.all(
    inputs.statuses.map(async (row): Promise<SheetCard> => {
      const entry: LockEntry | undefined = Object.hasOwn(lock.shots, row.id) ? lock.shots[row.id] : undefined;
      const shot = shots.get(row.id);
      // Every row is a manifest shot, a lock entry, or both.
      const spec = (entry?.spec ?? shot?.spec) as Spec;
      const provider = entry?.provider ?? shot?.providerName;
      const card: SheetCard = {
        id: row.id,
        state: row.state,
        current: row.current,
        output: row.output,
        spec,
        ...(provider ? { provider } : {}),
        tags: shot?.tags ?? [],
        ...(entry?.cost ? { cost: entry.cost } : {}),
        ...(row.error ? { error: row.error } : {}),
      };
      const output = entry?.output;
      if (row.output === 'ok' && output) {
        const file = resolve(manifest.dir, output.path);
        if (await realFileInside(outputRoot, file)) {
          card.sha256 = output.sha256;
          media.set(output.sha256, { sha256: output.sha256, file, root: outputRoot, bytes: output.bytes });
          const verdict = review.verdicts[output.sha256];
          if (verdict) card.verdict = verdict;
        }
      }
      const previous = await previousOutput(manifest.dir, judgedByShot.get(row.id) ?? [], card.sha256);
      if (previous) {
        card.previous = { sha256: previous.media.sha256, verdict: previous.verdict };
        media.set(previous.media.sha256, previous.media);
      }
      return card;
    }),
  );
  return { sheet: { manifest: basename(manifest.file), reviewFile: basename(inputs.reviewFile), cards }, media };
}

/** Each shot's judged outputs, latest verdict first. */
function verdictsByShot(review: Review): Map<string, Array<[string, VerdictRecord]>> {
  const byShot = new Map<string, Array<[string, VerdictRecord]>>();
  for (const [sha, record] of Object.entries(review.verdicts)) {
    const list = byShot.get(record.shot) ?? [];
    list.push([sha, record]);
    byShot.set(record.shot, list);
  }
  for (const list of byShot.values()) list.sort(([, a], [, b]) => compareOrdinal(b.at, a.at));
  return byShot;
}

async function previousOutput(
  manifestDir: string,
  judged: ReadonlyArray<[string, VerdictRecord]>,
  currentSha: string | undefined,
): Promise<{ media: MediaFile; verdict: VerdictRecord } | undefined> {
  for (const [sha, verdict] of judged) {
    if (sha === currentSha) continue;
    const file = cachedOutputFile(manifestDir, sha);
    const real = await realFileInside(cacheRoot(manifestDir), file);
    if (!real) continue;
    const { size } = await stat(real);
    return { media: { sha256: sha, file, root: cacheRoot(manifestDir), bytes: size }, verdict };
  }
  return undefined;
}
