#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import('../dist/cli.js').then((cli) => cli.main(process.argv)).catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('videogen: dist/ is missing; run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
});
