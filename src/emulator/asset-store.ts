import { randomHex } from './random-pool.js';
import type { ImageMime } from '../util/image-type.js';

export interface StoredAsset {
  id: string;
  mimeType: ImageMimeType;
  bytes: Buffer;
}

export type ImageMimeType = ImageMime;

/** Uploaded images (HeyGen's POST /v3/assets, fal's CDN uploads), served back by the storage hosts. */
export class AssetStore {
  private readonly assets = new Map<string, StoredAsset>();

  /** `id`: one handed out before the bytes arrived (fal's upload URLs); a fresh one otherwise. */
  add(mimeType: ImageMimeType, bytes: Buffer, id = randomHex(16)): StoredAsset {
    const asset: StoredAsset = { id, mimeType, bytes };
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
