/** The CLI's contract: help everywhere, exit codes, examples valid, schemas fresh, errors located. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, REPO_ROOT, runCli } from './helpers/cli.js';
import { createWorkspace } from './helpers/workspace.js';
import { lockJsonSchema, manifestJsonSchema, serializeSchema } from '../src/schemas.js';

const COMMANDS = ['validate', 'plan', 'apply', 'status', 'prune', 'push', 'pull', 'review', 'emulate', 'schema', 'init'];

describe('videogen CLI', () => {
  it('prints help for the program and every command, exit 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const command of COMMANDS) expect(top.stdout).toContain(command);
    const results = await Promise.all(COMMANDS.map((command) => runCli([command, '--help'])));
    results.forEach((result, i) => {
      expect(result.code, COMMANDS[i]).toBe(0);
      expect(result.stdout).toContain(`Usage: videogen ${COMMANDS[i]}`);
    });
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('exits 3 on bad usage', async () => {
    const unknown = await runCli(['plan', '--no-such-flag']);
    expect(unknown.code).toBe(3);
    const badConcurrency = await runCli(['apply', 'examples/quickstart.yaml', '--concurrency', 'zero']);
    expect(badConcurrency.code).toBe(3);
    const noMatch = await runCli(['plan', 'examples/quickstart.yaml', '--only', 'no-such-shot']);
    expect(noMatch.code).toBe(3);
    const missing = await runCli(['validate', 'does-not-exist.yaml']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('VIDEOGEN_MANIFEST_NOT_FOUND');
  });

  it('validates every example', async () => {
    const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((file) => file.endsWith('.yaml') && !file.includes('.lock.') && !file.includes('.review.'));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) {
      const result = await runCli(['validate', `examples/${example}`]);
      expect(result.code, `${example}: ${result.stderr}`).toBe(0);
      expect(readFileSync(join(REPO_ROOT, 'examples', example), 'utf8')).toMatch(/^# yaml-language-server: \$schema=/);
    }
  });

  it('validates and plans without loading providers, the HTTP stack, the AWS SDK, the terminal UI, yaml or csv-parse', async () => {
    const ws = await createWorkspace();
    try {
      await ws.write('shots.yaml', 'version: 1\nproviders:\n  h: { type: heygen-v3 }\nshots:\n  - id: a\n    prompt: hello\n');
      const register = join(REPO_ROOT, 'test', 'helpers', 'module-log-register.mjs');
      for (const command of ['validate', 'plan']) {
        const log = ws.path(`${command}-modules.log`);
        const run = spawnSync(process.execPath, ['--import', register, BIN, command, 'shots.yaml'], {
          cwd: ws.dir,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, NO_COLOR: '1', MODULE_LOG: log },
        });
        expect(run.status, run.stderr).toBe(0);
        const loaded = readFileSync(log, 'utf8').split('\n');
        expect(loaded.some((url) => url.includes('/dist/manifest/'))).toBe(true);
        // Nor the AWS SDK: a manifest without `storage:` never needs it. Nor `yaml` (positions,
        // for a manifest with something to report) or csv-parse (`data:` files).
        const heavy = loaded.filter((url) =>
          /node_modules\/(undici|listr2|p-limit|@aws-sdk|@smithy|yaml|csv-parse)\/|\/dist\/(http|emulator|run)\/|\/dist\/storage\/s3-|listr-reporter/.test(url),
        );
        expect(heavy, command).toEqual([]);
        // Provider modules are pure data and checks (an index, with its model table and request
        // shapes beside it); their HTTP clients load only when apply needs them.
        const providerFiles = loaded.filter((url) => url.includes('/dist/providers/'));
        expect(providerFiles.length, command).toBeGreaterThan(0);
        const clients = providerFiles.filter((url) => !/\/dist\/providers\/((registry|module|field-rules)\.js|[^/]+\/(index|models|request)\.js)$/.test(url));
        expect(clients, command).toEqual([]);
      }
    } finally {
      await ws.remove();
    }
  });

  it('keeps the committed JSON Schemas in step with the zod schemas', () => {
    const manifest = readFileSync(join(REPO_ROOT, 'schemas', 'manifest.schema.json'), 'utf8');
    const lock = readFileSync(join(REPO_ROOT, 'schemas', 'lock.schema.json'), 'utf8');
    expect(manifest, 'schemas/manifest.schema.json is stale: run `npm run schemas`').toBe(serializeSchema(manifestJsonSchema()));
    expect(lock, 'schemas/lock.schema.json is stale: run `npm run schemas`').toBe(serializeSchema(lockJsonSchema()));
  });

  it('prints the schema', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'object' });
  });

  it('init writes a starter manifest that validates, and refuses to overwrite it', async () => {
    const ws = await createWorkspace();
    try {
      expect((await runCli(['init'], { cwd: ws.dir })).code).toBe(0);
      expect((await runCli(['validate'], { cwd: ws.dir })).code).toBe(0);
      const again = await runCli(['init'], { cwd: ws.dir });
      expect(again.code).toBe(3);
    } finally {
      await ws.remove();
    }
  });
});
