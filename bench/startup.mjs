// Startup: `videogen --help` and `videogen validate` on a small manifest, cold processes.
import { median, ROOT, timeCli } from './lib.mjs';

export async function benchStartup({ runs = 9 } = {}) {
  const help = [];
  const validate = [];
  for (let i = 0; i < runs; i++) {
    help.push((await timeCli(['--help'])).wallMs);
    const result = await timeCli(['validate', 'examples/quickstart.yaml'], { cwd: ROOT });
    if (result.code !== 0) throw new Error(`validate exited ${result.code}: ${result.stderr}`);
    validate.push(result.wallMs);
  }
  // A bare `node -e 0` is the floor no CLI can go under.
  const node = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const { spawnSync } = await import('node:child_process');
    spawnSync(process.execPath, ['-e', '0']);
    node.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { runs, helpMs: median(help), validateMs: median(validate), bareNodeMs: median(node) };
}
