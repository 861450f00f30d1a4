/** Which API keys apply asks for: only those of providers it will call, before confirming. */
import { describe, expect, it } from 'vitest';
import { readApiKeys } from '../src/commands/connect-providers.js';
import { parseManifestText } from '../src/manifest/load.js';
import { planShots } from '../src/plan/plan.js';
import type { Lock } from '../src/lock/types.js';
import { runCli } from './helpers/cli.js';
import { createWorkspace } from './helpers/workspace.js';

const MANIFEST = `version: 1
providers:
  remote: { type: heygen, api_key_env: REMOTE_KEY }
  local: { type: heygen, emulate: true }
shots:
  - { id: kept, provider: remote, prompt: kept shot }
  - { id: fresh, provider: local, prompt: new shot }
`;

describe('readApiKeys', () => {
  it('needs no key for a provider whose shots are all kept', async () => {
    const manifest = await parseManifestText(MANIFEST, 'shots.yaml', '/tmp');
    const kept = manifest.shots[0]!;
    const lock: Lock = {
      version: 1,
      shots: {
        kept: {
          spec_hash: kept.specHash,
          spec: kept.spec,
          state: 'completed',
          job_id: 'node-gw-1',
          output: { path: kept.output, sha256: 'a'.repeat(64), bytes: 1 },
        },
      },
    };
    const observed = new Map([['kept', { exists: true, bytes: 1, sha256: 'a'.repeat(64) }]]);
    const plan = planShots(manifest.shots, lock, observed);
    expect(plan.actions.map((a) => a.action)).toEqual(['keep', 'create']);
    expect([...readApiKeys(manifest, plan, {}).keys()]).toEqual(['local']);
    // Once the remote shot needs work, its key is required.
    expect(() => readApiKeys(manifest, planShots(manifest.shots, { version: 1, shots: {} }, new Map()), {})).toThrow(/REMOTE_KEY/);
  });

  it('is refused before the confirmation question, not after', async () => {
    const ws = await createWorkspace();
    try {
      await ws.write('shots.yaml', MANIFEST);
      const result = await runCli(['apply', 'shots.yaml'], { cwd: ws.dir });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('VIDEOGEN_API_KEY_MISSING');
      expect(result.stderr).not.toContain('no terminal to confirm in');
    } finally {
      await ws.remove();
    }
  });

  it('status copes with a shot called constructor', async () => {
    const ws = await createWorkspace();
    try {
      await ws.write('shots.yaml', 'version: 1\nproviders:\n  h: { type: heygen }\nshots:\n  - { id: constructor, prompt: hi }\n');
      const result = await runCli(['status', 'shots.yaml', '--json'], { cwd: ws.dir });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).shots).toEqual([{ id: 'constructor', state: 'new', current: false, output: 'none' }]);
    } finally {
      await ws.remove();
    }
  });
});
