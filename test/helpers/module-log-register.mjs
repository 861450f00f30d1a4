// Loaded with `node --import`: records every module URL the process loads into $MODULE_LOG.
import { register } from 'node:module';

register('./module-log-hooks.mjs', import.meta.url);
