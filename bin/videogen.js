#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps the compiled code of the modules it loads (in the OS temp folder) and skips
// compiling them next time: a cold 10,000-shot plan on Node 24 went from 656 to 601 ms. Node 20
// has no such cache (the call is absent there); NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import('../dist/cli.js').then((cli) => cli.main(process.argv)).catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('videogen: dist/ is missing; run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
});
