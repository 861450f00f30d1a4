import { describe, expect, it } from 'vitest';
import { elideMiddle, formatChange, planToJson, renderPlan } from './render.js';
import type { Plan, PlanSummary } from './types.js';

function summary(counts: Partial<PlanSummary>): PlanSummary {
  const s = { create: 0, replace: 0, resume: 0, retry: 0, fetch: 0, reuse: 0, keep: 0, orphan: 0, skipped: 0, changes: 0, ...counts };
  s.changes = s.create + s.replace + s.resume + s.retry + s.fetch + s.reuse;
  return s;
}

const PLAN: Plan = {
  version: 1,
  actions: [
    { id: 'coastal-city', provider: 'heygen', action: 'create', reason: 'not in the lock' },
    { id: 'kept', provider: 'heygen', action: 'keep', reason: 'up to date' },
    {
      id: 'hero-shot',
      provider: 'hx',
      action: 'replace',
      reason: 'changed: prompt, options.seed',
      changes: [
        { field: 'prompt', from: 'a "calm" sea', to: 'a stormy sea' },
        { field: 'options.seed', from: 1, to: 2 },
        { field: 'size', to: '1280x720' },
      ],
    },
    { id: 'running', provider: 'heygen', action: 'resume', reason: 'job j1 was submitted: collect it, never submit again', job_id: 'j1' },
    { id: 'broken', provider: 'heygen', action: 'retry', reason: 'last attempt failed (X)' },
    { id: 'lost', provider: 'heygen', action: 'fetch', reason: 'output missing: download job j2 again if the provider still serves it, else regenerate', job_id: 'j2' },
    { id: 'old', action: 'orphan', reason: 'in the lock, not in the manifest: kept until `videogen prune`' },
  ],
  summary: summary({ create: 1, replace: 1, resume: 1, retry: 1, fetch: 1, keep: 37, orphan: 1 }),
};

describe('renderPlan', () => {
  it('renders one line per action, diffs under replaces, and a summary', () => {
    expect(renderPlan(PLAN, { color: false, manifestLabel: 'shots.yaml' })).toBe(
      [
        'Plan for shots.yaml:',
        '',
        '  + coastal-city (heygen): not in the lock',
        '  ~ hero-shot (hx): changed: prompt, options.seed',
        '      prompt: "a \\"calm\\" sea" → "a stormy sea"',
        '      options.seed: 1 → 2',
        '      size: (none) → "1280x720"',
        '  > running (heygen): job j1 was submitted: collect it, never submit again',
        '  ! broken (heygen): last attempt failed (X)',
        '  ↓ lost (heygen): output missing: download job j2 again if the provider still serves it, else regenerate',
        '  - old: in the lock, not in the manifest: kept until `videogen prune`',
        '',
        'Plan: 1 to create, 1 to replace, 1 to resume, 1 to retry, 1 to fetch, 0 to reuse, 37 unchanged, 1 orphaned.',
        '',
      ].join('\n'),
    );
  });

  it('opens a long plan with its counts by action, then lists every shot', () => {
    const actions = Array.from({ length: 100 }, (_, i) => ({ id: `shot-${i}`, provider: 'hg', action: 'create' as const, reason: 'not in the lock' }));
    actions[3] = { ...actions[3]!, action: 'resume' as never, reason: 'job j was submitted' };
    const text = renderPlan({ version: 1, actions, summary: summary({ create: 99, resume: 1, keep: 12_500 }) }, { color: false, manifestLabel: 'shots.yaml' });
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual(['Plan for shots.yaml:', '', '  + 99 to create', '  > 1 to resume', '  = 12500 unchanged', '']);
    expect(lines[6]).toBe('  + shot-0 (hg): not in the lock');
    expect(lines.filter((line) => line.startsWith('  + shot-'))).toHaveLength(99);
    expect(lines.at(-2)).toBe('Plan: 99 to create, 0 to replace, 1 to resume, 0 to retry, 0 to fetch, 0 to reuse, 12500 unchanged, 0 orphaned.');
  });

  it('lists kept shots only when asked', () => {
    expect(renderPlan(PLAN, { color: false })).not.toContain('= kept');
    expect(renderPlan(PLAN, { color: false, showKept: true })).toContain('  = kept (heygen): up to date\n');
  });

  it('says "No changes" when nothing would call a provider', () => {
    const plan: Plan = { version: 1, actions: [{ id: 'a', provider: 'heygen', action: 'keep', reason: 'up to date' }], summary: summary({ keep: 40 }) };
    expect(renderPlan(plan, { color: false })).toBe('No changes. 40 shots up to date.\n');
    const one: Plan = { ...plan, summary: summary({ keep: 1, orphan: 1, skipped: 3 }), actions: [{ id: 'o', action: 'orphan', reason: 'r' }] };
    expect(renderPlan(one, { color: false })).toBe('Plan:\n\n  - o: r\n\nNo changes. 1 shot up to date, 1 orphaned. 3 not selected by --only.\n');
  });

  it('colours only when asked, with plain ANSI codes', () => {
    const plain = renderPlan(PLAN, { color: false });
    const coloured = renderPlan(PLAN, { color: true });
    expect(plain).not.toMatch(/\x1b\[/);
    expect(coloured).toContain('\x1b[32m+ coastal-city\x1b[0m');
    expect(coloured).toContain('\x1b[33m~ hero-shot\x1b[0m');
    expect(coloured).toContain('\x1b[36m> running\x1b[0m');
    expect(coloured).toContain('\x1b[31m- old\x1b[0m');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('keeps long values readable: cut around the difference, or in the middle', () => {
    const base = 'Drone shot of a coastal city at golden hour, cinematic lighting, slow push-in, volumetric fog over the harbour';
    const line = formatChange({ field: 'prompt', from: base, to: base.replace('golden hour', 'blue hour') });
    expect(line).toContain('golden');
    expect(line).toContain('blue');
    expect(line.length).toBeLessThan(base.length * 2);
    expect(line).toMatch(/^prompt: "….*" → "….*"$/);
    expect(elideMiddle('x'.repeat(50) + 'y'.repeat(50), 21)).toBe(`${'x'.repeat(10)}…${'y'.repeat(10)}`);
    const object = formatChange({ field: 'options.camera', from: { path: 'p'.repeat(200) }, to: null });
    expect(object).toMatch(/^options\.camera: \{"path":"p+…p+"\} → null$/);
  });

  it('serialises the same object for --json', () => {
    expect(JSON.parse(planToJson(PLAN))).toEqual(PLAN);
    expect(planToJson(PLAN)).toBe(planToJson(structuredClone(PLAN)));
  });
});
