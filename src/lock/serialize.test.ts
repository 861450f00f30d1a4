import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { assembleLock, LOCK_HEADER, lockByteLength, serializeEntry, serializeLock } from './serialize.js';
import { parseLockText } from './read.js';
import { emptyLock, type Lock } from './types.js';
import { completedEntryFor, failedEntryFor, makeShot, submittedEntryFor } from '../../test/lock-helpers.js';

const TRICKY_PROMPTS = [
  'Drone shot of a coastal city at golden hour, cinematic lighting',
  'Café au lait — 東京の夜景, «guillemets», emoji 🎬👩‍🚀',
  'She said "cut!" and it\'s done',
  'key: value inside a prompt',
  'ends with a colon:',
  '# starts like a comment',
  'has a # hash mid-sentence',
  '  leading spaces',
  'trailing spaces   ',
  'line one\nline two\n\n  indented line three\n',
  'tab\tseparated\rcarriage',
  '- looks like a list item',
  '{ looks: like flow }',
  '[also, flow]',
  '&anchor *alias !tag |literal >folded %directive @at `tick`',
  'yes',
  'no',
  'on',
  'null',
  '~',
  '16:9',
  '1e5',
  '0x1F',
  '012',
  '.inf',
  '2026-11-21T10:00:00Z',
  '<<',
  '=',
  '',
  ' ',
  'control \u0001 \u007f \u0085 \u2028 \ufeff chars',
  'a'.repeat(5000),
];

function trickyLock(): Lock {
  const shots: Lock['shots'] = {};
  TRICKY_PROMPTS.forEach((prompt, index) => {
    const shot = makeShot(`p${index}`, { prompt });
    shots[shot.id] = completedEntryFor(shot);
  });
  const withOptions = makeShot('opts', {
    options: {
      seed: 42,
      ratio: 0.5,
      big: 1e21,
      negative: -3,
      flag: false,
      nothing: null,
      camera: { move: 'dolly, slow', speed: 0.25, path: [{ x: 1 }, { x: 'two: 2' }], empty: {}, none: [] },
      'weird key: with colon': 'v',
      '123': 'numeric-looking key',
      'yes': 'bool-looking key',
      zeta: ['a', 'b,c', '[d]', '{e}', 'yes', '', 7],
      alpha: 'first',
    },
    reference_image: 'sha256:' + 'c'.repeat(64),
    tail_image: 'https://example.com/tail.png?x=1&y=2',
    duration: 4,
    size: '1280x720',
  });
  shots[withOptions.id] = { ...completedEntryFor(withOptions), remote: { video_id: 'vid: 1', asset_id: 'asset-xyz789' } };
  // Ids whose order differs between ordinal comparison and localeCompare.
  for (const id of ['a-b', 'a.b', 'a_b', 'a10', 'a9', 'ab', 'a0']) shots[id] = submittedEntryFor(makeShot(id));
  // Valid ids that YAML would read as numbers or booleans unless quoted.
  for (const id of ['123', '1e5', '0x1f', '1.5', 'yes', 'no', 'on', 'null', '2026-01-01']) shots[id] = submittedEntryFor(makeShot(id));
  const failed = makeShot('failed-one');
  shots[failed.id] = failedEntryFor(failed);
  // No job of its own: the output of an earlier generation of the same spec.
  const reused = makeShot('renamed');
  const { job_id: _jobId, submitted_at: _submittedAt, ...generated } = completedEntryFor(reused);
  shots[reused.id] = {
    ...generated,
    reused_from: { source: 'store', job_id: 'job: 7', provider: 'or', shot: 'old-name', generated_at: '2026-11-20T09:00:00Z' },
  };
  return { version: 1, shots };
}

describe('serializeLock', () => {
  it('round-trips to an equal object and identical bytes', () => {
    const lock = trickyLock();
    const text = serializeLock(lock);
    const back = parseLockText(text, 'shots.lock.yaml');
    expect(back).toEqual(lock);
    expect(serializeLock(back)).toBe(text);
    expect(serializeLock(lock)).toBe(text);
  });

  it('knows the byte length of a lock without building its text (non-ASCII prompts, no entries)', () => {
    const lock = trickyLock();
    const blocks = Object.keys(lock.shots)
      .sort()
      .map((id) => serializeEntry(id, lock.shots[id]!));
    expect(lockByteLength(blocks)).toBe(Buffer.byteLength(assembleLock(blocks)));
    expect(lockByteLength([])).toBe(Buffer.byteLength(assembleLock([])));
  });

  it('writes YAML the yaml library reads back as the same data', () => {
    const lock = trickyLock();
    const viaLibrary = parseYaml(serializeLock(lock), { version: '1.2' }) as unknown;
    expect(viaLibrary).toEqual(JSON.parse(JSON.stringify(lock)));
  });

  it('quotes strings a YAML 1.1 reader would take for something else', () => {
    const lock = trickyLock();
    const viaYaml11 = parseYaml(serializeLock(lock), { version: '1.1' }) as Lock;
    for (const [id, entry] of Object.entries(lock.shots)) {
      expect(viaYaml11.shots[id]?.spec.prompt).toBe(entry.spec.prompt);
      expect(viaYaml11.shots[id]?.spec.aspect_ratio).toBe(entry.spec.aspect_ratio);
      expect(viaYaml11.shots[id]?.submitted_at).toBe(entry.submitted_at);
    }
  });

  it('sorts shots ordinally, never by locale', () => {
    const lock = trickyLock();
    const ids = [...serializeLock(lock).matchAll(/^ {2}(\S.*):$/gm)].map((match) =>
      match[1]!.startsWith('"') ? (JSON.parse(match[1]!) as string) : match[1]!,
    );
    expect(ids).toContain('yes');
    const ordinal = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(ids).toEqual(ordinal);
    expect(ids.indexOf('a-b')).toBeLessThan(ids.indexOf('a.b'));
    expect(ids.indexOf('a10')).toBeLessThan(ids.indexOf('a9'));
    expect(ids.indexOf('a9')).toBeLessThan(ids.indexOf('a_b'));
  });

  it('writes the header, fixed key order, and omits undefined fields', () => {
    const shot = makeShot('coastal-city', { options: { seed: 7, alpha: 1 } });
    const entry = { ...completedEntryFor(shot), remote: { video_id: 'abc123', asset_id: undefined }, error: undefined };
    const text = serializeLock({ version: 1, shots: { 'coastal-city': entry } });
    expect(text).toBe(
      [
        LOCK_HEADER,
        'version: 1',
        'shots:',
        '  coastal-city:',
        `    spec_hash: ${shot.specHash}`,
        '    spec:',
        '      provider: heygen',
        '      endpoint: https://api.heygen.com',
        '      model: veo_3_1',
        '      prompt: prompt for coastal-city',
        '      aspect_ratio: "16:9"',
        '      options:',
        '        alpha: 1',
        '        seed: 7',
        '    state: completed',
        '    job_id: job-coastal-city',
        '    provider: heygen',
        '    submitted_at: "2026-11-21T10:00:00.000Z"',
        '    completed_at: "2026-11-21T10:03:12.000Z"',
        `    output: { path: out/coastal-city.mp4, sha256: ${entry.output!.sha256}, bytes: ${entry.output!.bytes} }`,
        '    remote: { video_id: abc123 }',
        '',
      ].join('\n'),
    );
  });

  it('writes an empty lock', () => {
    const text = serializeLock(emptyLock());
    expect(text).toBe(`${LOCK_HEADER}\nversion: 1\nshots: {}\n`);
    expect(parseLockText(text, 'x')).toEqual(emptyLock());
  });

  it('is independent of the insertion order of shots and options', () => {
    const a = makeShot('a', { options: { x: 1, y: { q: 1, p: 2 } } });
    const b = makeShot('b');
    const one = serializeLock({ version: 1, shots: { a: completedEntryFor(a), b: completedEntryFor(b) } });
    const reordered = { ...completedEntryFor(a), spec: { ...a.spec, options: { y: { p: 2, q: 1 }, x: 1 } } };
    const two = serializeLock({ version: 1, shots: { b: completedEntryFor(b), a: reordered } });
    expect(two).toBe(one);
  });

  it('refuses values JSON cannot hold rather than writing something unreadable', () => {
    const shot = makeShot('nan', { options: { seed: Number.NaN } });
    expect(() => serializeLock({ version: 1, shots: { nan: completedEntryFor(shot) } })).toThrow(/finite/);
  });
});
