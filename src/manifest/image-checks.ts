/**
 * Local reference and tail images, checked once the shots are: each distinct file hashed
 * once (streamed), and every shot that names a missing file, a file outside the manifest's
 * directory, or one too large for its provider reported at its field.
 */
import { maxLocalImageBytes } from './capabilities.js';
import { formatMegabytes, hashImageFiles, type HashedImage, type ImageReference } from './images.js';
import { fieldPath } from './normalize.js';
import { ManifestCode, problem, type Problem } from './problems.js';
import type { CheckedShot } from './rules.js';

/**
 * Hashes every distinct local image once and reports, at each field that names it, a missing
 * one, one outside the manifest's directory, or one too large for the shot's provider.
 */
export async function hashAndCheckImages(checked: readonly CheckedShot[], dir: string, problems: Problem[]): Promise<Map<string, HashedImage>> {
  // Per file, the largest size any shot using it accepts: a file over every limit is not read at all.
  const maxBytes = new Map<string, number>();
  const files = new Set<string>();
  for (const c of checked) {
    for (const reference of [c.reference, c.tail]) {
      if (reference?.kind !== 'file') continue;
      const limit = imageLimit(c) ?? Number.POSITIVE_INFINITY;
      files.add(reference.path);
      maxBytes.set(reference.path, Math.max(maxBytes.get(reference.path) ?? 0, limit));
    }
  }
  if (files.size === 0) return new Map();
  const hashed = await hashImageFiles(files, { root: dir, maxBytes });
  for (const c of checked) {
    reportImage(c, 'reference_image', c.reference, hashed, problems);
    reportImage(c, 'tail_image', c.tail, hashed, problems);
  }
  return hashed;
}

function imageLimit(c: CheckedShot): number | undefined {
  return c.provider ? maxLocalImageBytes(c.provider.type, c.provider.referenceFormat) : undefined;
}

function reportImage(
  c: CheckedShot,
  field: 'reference_image' | 'tail_image',
  reference: ImageReference | undefined,
  hashed: Map<string, HashedImage>,
  problems: Problem[],
): void {
  if (reference?.kind !== 'file') return;
  const { merged } = c;
  const result = hashed.get(reference.path);
  if (!result) return;
  const written = merged.fields[field] ?? '';
  const at = fieldPath(merged, field);
  const limit = imageLimit(c);
  const size = result.ok ? result.image.bytes : result.reason === 'too-large' ? result.bytes : undefined;
  if (size !== undefined && limit !== undefined && size > limit) {
    problems.push(problem(ManifestCode.imageTooLarge, at, tooLargeMessage(c, written, size, limit), tooLargeHint(c)));
    return;
  }
  if (result.ok || result.reason === 'too-large') return;
  if (result.reason === 'outside') {
    const hint = 'copy the image next to the manifest (or below it), or give an https URL';
    problems.push(problem(ManifestCode.fileOutside, at, `\`${written}\` ${result.detail}`, hint));
    return;
  }
  const message =
    result.reason === 'directory' ? `\`${written}\` is a directory, expected an image file` : `\`${written}\`: ${result.detail}`;
  problems.push(problem(ManifestCode.fileNotFound, at, message, "image paths are relative to the manifest's directory"));
}

function tooLargeMessage(c: CheckedShot, written: string, size: number, limit: number): string {
  const provider = c.provider!;
  const why =
    provider.type === 'heygen'
      ? 'HeyGen uploads take at most 32 MB'
      : `\`reference_format: ${provider.referenceFormat}\` inlines it as base64 text, capped at 20 MB, so the image can be at most ${formatMegabytes(limit)}`;
  return `\`${written}\` is ${formatMegabytes(size)}, too large for provider \`${provider.name}\`: ${why}`;
}

function tooLargeHint(c: CheckedShot): string {
  return c.provider?.type === 'heygen'
    ? 'shrink or recompress the image (PNG, JPEG or WebP), or give an https URL'
    : 'shrink the image, give an https URL, or use `reference_format: multipart` if the endpoint accepts it';
}
