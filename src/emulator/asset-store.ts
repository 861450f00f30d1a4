import { randomBytes } from 'node:crypto';

export interface StoredAsset {
  id: string;
  mimeType: ImageMimeType;
  bytes: Buffer;
}

export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/webp';

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

/** The image type by its magic bytes (never by the name or the declared type). */
export function sniffImage(bytes: Uint8Array): ImageMimeType | undefined {
  const starts = (signature: number[], offset = 0): boolean =>
    bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}
