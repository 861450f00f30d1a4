/**
 * Local reference and tail images, checked once the shots are: each distinct file hashed
 * once (streamed), and every shot that names a missing file, a file outside the manifest's
 * directory, or one too large for its provider reported at its field.
 */
import { providerModule } from '../providers/registry.js';
import { formatMegabytes, hashImageFiles, type HashedImage, type ImageReference } from './images.js';
import { fieldPath } from './normalize.js';
import type { ImageMime } from '../util/image-type.js';
import type { PathSegment } from './positions.js';
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
      const limit = imageLimit(c)?.bytes ?? Number.POSITIVE_INFINITY;
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

function imageLimit(c: CheckedShot): { bytes: number; why: string; hint: string } | undefined {
  return c.provider ? providerModule(c.provider.type).imageLimit(c.provider) : undefined;
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
  if (size !== undefined && limit !== undefined && size > limit.bytes) {
    const message = `\`${written}\` is ${formatMegabytes(size)}, too large for provider \`${c.provider!.name}\`: ${limit.why}`;
    problems.push(problem(ManifestCode.imageTooLarge, at, message, limit.hint));
    return;
  }
  if (result.ok) {
    checkImageType(c, result.image.mime, written, at, problems);
    return;
  }
  if (result.reason === 'too-large') return;
  if (result.reason === 'outside') {
    const hint = 'copy the image next to the manifest (or below it), or give an https URL';
    problems.push(problem(ManifestCode.fileOutside, at, `\`${written}\` ${result.detail}`, hint));
    return;
  }
  const message =
    result.reason === 'directory' ? `\`${written}\` is a directory, expected an image file` : `\`${written}\`: ${result.detail}`;
  problems.push(problem(ManifestCode.fileNotFound, at, message, "image paths are relative to the manifest's directory"));
}

/** A file the API does not take (HeyGen takes no WebP), or one that is no image videogen knows. */
function checkImageType(c: CheckedShot, mime: ImageMime | undefined, written: string, at: PathSegment[], problems: Problem[]): void {
  if (!c.provider) return;
  const accepted = providerModule(c.provider.type).imageTypes;
  if (mime !== undefined && accepted.includes(mime)) return;
  const names = accepted.map((type) => IMAGE_TYPE_NAMES[type]).join(', ');
  const what = mime === undefined ? 'is not a PNG, JPEG or WebP image' : `is ${IMAGE_TYPE_NAMES[mime]}`;
  const message = `\`${written}\` ${what}; provider \`${c.provider.name}\` (${c.provider.type}) takes ${names}`;
  problems.push(problem(ManifestCode.value, at, message, `convert it to ${names}`));
}

const IMAGE_TYPE_NAMES: Record<ImageMime, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };
