/**
 * The contact sheet page: assets/review/ (plain HTML, CSS and JavaScript, no build step)
 * with the style, the script and the sheet's data inlined, so one response (or one file, for
 * `--static`) is the whole page. The script renders the cards from the data with DOM calls
 * and textContent only, so a prompt can never become markup.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ContactSheet, SheetCard } from './sheet.js';

/** Resolves from src/review/ (tests) and dist/review/ (the package) alike, as the emulator's videos do. */
const ASSET_DIR = new URL('../../assets/review/', import.meta.url);

export type PageMode = 'server' | 'static';

export interface PageOptions {
  mode: PageMode;
  /** The URL a card's `<video>` loads for an output, or undefined when it cannot be shown. */
  mediaUrl(sha256: string): string | undefined;
}

export interface RenderedPage {
  html: string;
  /** The Content-Security-Policy the page was built for (the server also sends it as a header). */
  csp: string;
}

/** What the script reads from `#review-data`: the sheet, with each video's URL. */
export interface PageData extends Omit<ContactSheet, 'cards'> {
  mode: PageMode;
  cards: Array<Omit<SheetCard, 'previous'> & { video?: string; previous?: NonNullable<SheetCard['previous']> & { video?: string } }>;
}

let assets: { template: string; style: string; script: string } | undefined;

function loadAssets(): { template: string; style: string; script: string } {
  assets ??= {
    template: readFileSync(new URL('review.html', ASSET_DIR), 'utf8'),
    style: readFileSync(new URL('review.css', ASSET_DIR), 'utf8'),
    script: readFileSync(new URL('review.js', ASSET_DIR), 'utf8'),
  };
  return assets;
}

export function renderPage(sheet: ContactSheet, options: PageOptions): RenderedPage {
  const { template, style, script } = loadAssets();
  const data: PageData = {
    mode: options.mode,
    manifest: sheet.manifest,
    reviewFile: sheet.reviewFile,
    cards: sheet.cards.map(({ previous, ...card }) => {
      const video = card.sha256 ? options.mediaUrl(card.sha256) : undefined;
      const previousVideo = previous ? options.mediaUrl(previous.sha256) : undefined;
      return {
        ...card,
        ...(video ? { video } : {}),
        ...(previous && previousVideo ? { previous: { ...previous, video: previousVideo } } : {}),
      };
    }),
  };
  const csp = contentSecurityPolicy(options.mode, style, script);
  const values: Record<string, string> = {
    csp: escapeHtml(csp),
    title: escapeHtml(`videogen review · ${sheet.manifest}`),
    style,
    script,
    data: scriptSafeJson(data),
  };
  // One pass, so nothing inside the inlined style, script or data is taken for a placeholder.
  const html = template.replace(/\{\{([a-z]+)\}\}/g, (whole, name: string) => values[name] ?? whole);
  return { html, csp };
}

/**
 * Only the inlined style and script run (by hash, the same in both modes); videos load from
 * this server, or from anywhere relative for a static report (CI artifact viewers, file://).
 */
function contentSecurityPolicy(mode: PageMode, style: string, script: string): string {
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  return [
    "default-src 'none'",
    `script-src ${hash(script)}`,
    `style-src ${hash(style)}`,
    mode === 'server' ? "media-src 'self'" : 'media-src *',
    mode === 'server' ? "connect-src 'self'" : "connect-src 'none'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** JSON inside `<script type="application/json">`: `</script>` and `<!--` must not appear. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
