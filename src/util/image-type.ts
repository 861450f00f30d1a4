/** The image types the video APIs take for reference images. */
export type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp';

/**
 * The type from the first bytes rather than the name or the declared type: `photo.png`
 * that is really a JPEG is common, and the APIs check the bytes. Shared by the providers
 * (what to declare when uploading) and the emulator (what to accept).
 */
export function sniffImageMime(bytes: Uint8Array): ImageMime | undefined {
  const startsWith = (signature: number[], offset = 0): boolean =>
    bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF <size:4> WEBP
  if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}
