/**
 * A shot built the way `videogen` builds one: checked by its provider module and given the
 * spec that module makes, so a client test sends exactly what a manifest would.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/manifest/spec-hash.js';
import type { ImageSource, ProviderConfig, Shot } from '../../src/manifest/types.js';
import type { ProviderModule, ShotRequest } from '../../src/providers/module.js';

export interface ShotImages {
  referenceImage?: ImageSource;
  tailImage?: ImageSource;
}

/** How a spec names an image: a local file by its digest, a URL as written. */
function specForm(image: ImageSource): string {
  return image.kind === 'url' ? image.url : image.sha256;
}

export function moduleShot(
  module: ProviderModule,
  config: ProviderConfig,
  id: string,
  request: Omit<ShotRequest, 'prompt' | 'reference_image' | 'tail_image'> & { prompt?: string },
  images: ShotImages = {},
): Shot {
  const full: ShotRequest = {
    prompt: `prompt for ${id}`,
    ...request,
    ...(images.referenceImage ? { reference_image: specForm(images.referenceImage) } : {}),
    ...(images.tailImage ? { tail_image: specForm(images.tailImage) } : {}),
  };
  const problems = module.checkShot(full, config);
  if (problems.length > 0) throw new Error(`shot ${id} does not validate: ${problems.map((p) => p.message).join('; ')}`);
  const spec = module.spec(full, config);
  return {
    id,
    providerName: config.name,
    spec,
    specHash: `sha256:${createHash('sha256').update(canonicalJson(spec)).digest('hex')}`,
    tags: [],
    output: `out/${id}.mp4`,
    ...images,
  };
}
