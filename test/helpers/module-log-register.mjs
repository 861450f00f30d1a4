// Loaded with `node --import`: records every module URL the process loads into $MODULE_LOG:
// ES modules as the loader hook sees them, and at exit every CommonJS module in require's
// cache (a createRequire() require, as src/util/lazy-libraries.ts uses, bypasses the hook).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./module-log-hooks.mjs', import.meta.url);

const { cache } = createRequire(import.meta.url);
process.on('exit', () => {
  if (!process.env.MODULE_LOG) return;
  const urls = Object.keys(cache).map((file) => pathToFileURL(file).href);
  if (urls.length > 0) appendFileSync(process.env.MODULE_LOG, `${urls.join('\n')}\n`);
});
