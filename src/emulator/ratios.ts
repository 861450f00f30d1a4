/**
 * The aspect ratios the emulator has a video for, and the sizes the OpenAI-compatible
 * API accepts. Indexes into these lists are stored in job ids, so only ever append.
 */

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/**
 * OpenAI's four sizes followed by the ones Huixingyun adds. The server's own copy, apart
 * from the client's list in providers/openai-videos/index.ts on purpose (see heygen/validation.ts).
 */
export const VIDEO_SIZES = [
  '720x1280',
  '1280x720',
  '1024x1792',
  '1792x1024',
  '1920x1080',
  '1080x1920',
  '3840x2160',
  '2160x3840',
] as const;
export type VideoSize = (typeof VIDEO_SIZES)[number];

export const VIDEO_SECONDS = ['4', '8', '12'] as const;
export type VideoSeconds = (typeof VIDEO_SECONDS)[number];

export function isVideoSize(value: string): value is VideoSize {
  return (VIDEO_SIZES as readonly string[]).includes(value);
}

export function isVideoSeconds(value: string): value is VideoSeconds {
  return (VIDEO_SECONDS as readonly string[]).includes(value);
}

/** `16:9` → 1.777…; `1920x1080` works too. Undefined when the text is not W:H or WxH. */
export function parseRatio(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*[:x×/]\s*(\d+(?:\.\d+)?)\s*$/i.exec(text);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (!(width > 0) || !(height > 0)) return undefined;
  return width / height;
}

/** The asset ratio closest (on a log scale) to `text`; 16:9 when `text` is not a ratio. */
export function nearestAspectRatio(text: string | undefined): AspectRatio {
  const wanted = text === undefined ? undefined : parseRatio(text);
  if (wanted === undefined) return '16:9';
  let best: AspectRatio = '16:9';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of ASPECT_RATIOS) {
    const distance = Math.abs(Math.log(wanted / (parseRatio(candidate) ?? 1)));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
