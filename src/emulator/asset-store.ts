import type { ImageMime } from '../util/image-type.js';
import { randomBytes } from 'node:crypto';

export interface StoredAsset {
  id: string;
  mimeType: ImageMimeType;
  bytes: Buffer;
}

export type ImageMimeType = ImageMime;

/** Images uploaded through HeyGen's POST /v3/assets, served back at /_emulator/assets/:id. */
export class AssetStore {
  private readonly assets = new Map<string, StoredAsset>();

  add(mimeType: ImageMimeType, bytes: Buffer): StoredAsset {
    const asset: StoredAsset = { id: randomBytes(16).toString('hex'), mimeType, bytes };
    this.assets.set(asset.id, asset);
    return asset;
  }

  get(id: string): StoredAsset | undefined {
    return this.assets.get(id);
  }

  clear(): void {
    this.assets.clear();
  }
}
