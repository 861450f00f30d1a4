import { sniffImageMime } from '../util/image-type.js';

/** URL checks the emulated APIs share for the images a request points at. */

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** `data:image/…;base64,…` whose bytes really are an image (the APIs decode and check them). */
export function isImageDataUrl(text: string): boolean {
  const match = /^data:(image\/[a-z+.-]+);base64,([A-Za-z0-9+/=\s]+)$/i.exec(text);
  return match !== null && sniffImageMime(Buffer.from(match[2] ?? '', 'base64')) !== undefined;
}
