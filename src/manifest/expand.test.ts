import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { compileSelector } from '../plan/selectors.js';
import { MAX_DATA_BYTES } from './data-file.js';
import { parseManifestText } from './load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'videogen-expand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'refs'));
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('pixels')]);
writeFileSync(path.join(dir, 'refs/a.png'), png);
writeFileSync(path.join(dir, 'refs/b.png'), Buffer.concat([png, Buffer.from('other pixels')]));

const HEAD = 'version: 1\nproviders:\n  local: { type: heygen-v3, emulate: true }\nshots:\n';
const load = (shots: string) => parseManifestText(HEAD + shots, 'shots.yaml', dir);
const data = (name: string, text: string | Buffer) => writeFileSync(path.join(dir, name), text);

async function diagnosticsOf(shots: string) {
  const error = await load(shots).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).diagnostics;
}

describe('rows from a CSV file', () => {
  it('makes one shot per row, filling every string of the entry, a CSV number read as one where the field takes a number', async () => {
    data('leads.csv', 'slug,name,seed,image\nacme,Ada,7,refs/a.png\nbeta,"Bob, the builder",8,refs/b.png\n');
    const manifest = await load(`  - id: "hello-{{ slug }}"
    from: leads.csv
    prompt: "Hello {{ name }}, seed {{ seed }}"
    seed: "{{ seed }}"
    reference_image: "{{ image }}"
    options: { greeting: "{{ name }}", fixed: 1 }
    tags: [outreach, "lead-{{ slug }}"]
`);
    expect(manifest.shots.map((s) => s.id)).toEqual(['hello-acme', 'hello-beta']);
    const [acme, beta] = manifest.shots;
    expect(acme!.spec).toMatchObject({ prompt: 'Hello Ada, seed 7', seed: 7, options: { greeting: 'Ada', fixed: 1 } });
    expect(beta!.spec).toMatchObject({ prompt: 'Hello Bob, the builder, seed 8', seed: 8, options: { greeting: 'Bob, the builder', fixed: 1 } });
    // Each row brings its own image, hashed by its bytes.
    expect(acme!.spec.reference_image).not.toBe(beta!.spec.reference_image);
    expect(acme!.tags).toEqual(['outreach', 'lead-acme']);
    expect(acme!.template).toBe('hello-{{ slug }}');
    expect(manifest.expanded).toEqual([{ index: 0, id: 'hello-{{ slug }}', from: 'leads.csv', rows: 2, shots: 2 }]);
  });

  it('keeps CSV text that is no number as text, for the shape check to refuse at its cell', async () => {
    data('seeds.csv', 'slug,seed\nacme,7\nbeta,seven\n');
    const [d] = await diagnosticsOf('  - id: "s-{{ slug }}"\n    from: seeds.csv\n    prompt: A shot\n    seed: "{{ seed }}"\n');
    expect(d).toMatchObject({ code: 'VIDEOGEN_MANIFEST_TYPE', file: 'seeds.csv', line: 3, col: 6, path: 'shots[0].seed' });
    expect(d!.message).toBe('expected a number, got "seven" (template shots.yaml:8:11)');
  });

  it('locates values after quoted line breaks, past a byte-order mark, with CRLF line ends and wide characters', async () => {
    data('tricky.csv', '\ufeffslug,note,name\r\nacme,"two\r\nlines",Ada\r\nbéta,"é€",\r\n');
    const [d] = await diagnosticsOf('  - id: "t-{{ slug }}"\n    from: tricky.csv\n    prompt: "{{ note }} {{ name }}"\n');
    // The empty name of the row starting on line 4: `béta,"é€",` puts it in column 11.
    expect(d).toMatchObject({ code: 'VIDEOGEN_DATA_EMPTY_VALUE', file: 'tricky.csv', line: 4, col: 11 });
  });

  it('reads the first column by its name when a spreadsheet wrote a byte-order mark', async () => {
    data('bom.csv', '\ufeffslug,name\nacme,Ada\n');
    const manifest = await load('  - id: "b-{{ slug }}"\n    from: bom.csv\n    prompt: "Hi {{ name }}"\n');
    expect(manifest.shots.map((s) => s.id)).toEqual(['b-acme']);
  });

  it('never takes a field from Object.prototype', async () => {
    data('proto.csv', 'slug\nacme\n');
    const [d] = await diagnosticsOf('  - id: "p-{{ slug }}"\n    from: proto.csv\n    prompt: "{{ constructor }}"\n');
    expect(d).toMatchObject({ code: 'VIDEOGEN_DATA_UNKNOWN_FIELD', path: 'shots[0].prompt' });
  });

  it('names both rows of a duplicate id, and says so once per duplicate', async () => {
    data('dupes.csv', 'slug\nacme\nbeta\nacme\nacme\n');
    const diagnostics = await diagnosticsOf('  - id: "d-{{ slug }}"\n    from: dupes.csv\n    prompt: A shot\n');
    expect(diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual([
      'dupes.csv:4: duplicate id `d-acme` (also dupes.csv:2) (template shots.yaml:5:9)',
      'dupes.csv:5: duplicate id `d-acme` (also dupes.csv:2) (template shots.yaml:5:9)',
    ]);
  });

  it('reports a problem of the template itself once, at the template, however many rows share it', async () => {
    data('many.csv', `slug\n${Array.from({ length: 500 }, (_, i) => `row-${i}`).join('\n')}\n`);
    const diagnostics = await diagnosticsOf('  - id: "m-{{ slug }}"\n    from: many.csv\n    prompt: A shot\n    duration: 99\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'VIDEOGEN_MANIFEST_UNSUPPORTED_FIELD', file: 'shots.yaml', line: 8, col: 15, path: 'shots[0].duration' });
  });
});

describe('rows from JSONL and from rows:', () => {
  it('keeps JSON and YAML types where a placeholder is the whole value', async () => {
    data('typed.jsonl', '{"slug": "acme", "seed": 42, "extra": {"camera": "dolly", "steps": [1, 2]}}\n');
    const manifest = await load(`  - id: "j-{{ slug }}"
    from: typed.jsonl
    prompt: "Seed {{ seed }}"
    seed: "{{ seed }}"
    options: "{{ extra }}"
  - id: "r-{{ n }}"
    rows: [{ n: 1 }]
    prompt: "Row {{ n }}"
    seed: "{{ n }}"
`);
    expect(manifest.shots[0]!.spec).toMatchObject({ prompt: 'Seed 42', seed: 42, options: { camera: 'dolly', steps: [1, 2] } });
    expect(manifest.shots[1]).toMatchObject({ id: 'r-1', spec: { prompt: 'Row 1', seed: 1 } });
  });

  it('refuses a list or mapping inside text, at the row under rows:', async () => {
    const [d] = await diagnosticsOf('  - id: "x-{{ n }}"\n    rows:\n      - { n: a, list: [1, 2] }\n    prompt: "List {{ list }}"\n');
    expect(d).toMatchObject({ code: 'VIDEOGEN_MANIFEST_TYPE', file: 'shots.yaml', line: 7, col: 23, path: 'shots[0].prompt' });
  });

  it('reports a field no row has once, at the template, with the field meant', async () => {
    data('names.jsonl', '{"slug": "a", "name": "Ada"}\n{"slug": "b", "name": "Bob"}\n');
    const diagnostics = await diagnosticsOf('  - id: "n-{{ slug }}"\n    from: names.jsonl\n    prompt: "Hi {{ nmae }}"\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'VIDEOGEN_DATA_UNKNOWN_FIELD', file: 'shots.yaml', line: 7, col: 13, hint: 'did you mean `name`?' });
  });
});

describe('takes', () => {
  it('makes <id>.1 … <id>.N, each its own spec: the take number enters it, and only where takes are given', async () => {
    const manifest = await load('  - id: hero\n    prompt: The hero shot\n    takes: 3\n    output: heroes/hero.mp4\n  - id: plain\n    prompt: The hero shot\n');
    const [one, two, three, plain] = manifest.shots;
    expect([one, two, three].map((s) => [s!.id, s!.output, s!.spec.take, s!.takeOf])).toEqual([
      ['hero.1', 'out/heroes/hero.1.mp4', 1, 'hero'],
      ['hero.2', 'out/heroes/hero.2.mp4', 2, 'hero'],
      ['hero.3', 'out/heroes/hero.3.mp4', 3, 'hero'],
    ]);
    expect(new Set(manifest.shots.map((s) => s.specHash)).size).toBe(4);
    expect(plain!.spec).not.toHaveProperty('take');
    expect(plain!.spec).toEqual({ ...one!.spec, take: undefined });
  });

  it('multiply the rows of a data-driven entry', async () => {
    const manifest = await load('  - id: "t-{{ n }}"\n    rows: [{ n: a }, { n: b }]\n    prompt: "Shot {{ n }}"\n    takes: 2\n');
    expect(manifest.shots.map((s) => s.id)).toEqual(['t-a.1', 't-a.2', 't-b.1', 't-b.2']);
    expect(manifest.expanded).toEqual([{ index: 0, id: 't-{{ n }}', rows: 2, takes: 2, shots: 4 }]);
  });

  it('are selected by the id they are takes of, and data-driven shots by their template', async () => {
    const manifest = await load('  - id: "t-{{ n }}"\n    rows: [{ n: a }, { n: b }]\n    prompt: "Shot {{ n }}"\n    takes: 2\n  - id: t-a\n    prompt: Not a take\n');
    const ids = (pattern: string) => manifest.shots.filter((shot) => compileSelector(pattern).matchesShot(shot)).map((shot) => shot.id);
    expect(ids('t-a')).toEqual(['t-a.1', 't-a.2', 't-a']);
    expect(ids('t-{{ n }}')).toEqual(['t-a.1', 't-a.2', 't-b.1', 't-b.2']);
    expect(ids('t-b.*')).toEqual(['t-b.1', 't-b.2']);
    expect(ids('t-a.2')).toEqual(['t-a.2']);
  });
});

describe('limits', () => {
  it('refuses a data file over the size limit before reading it', async () => {
    writeFileSync(path.join(dir, 'huge.csv'), '');
    truncateSync(path.join(dir, 'huge.csv'), MAX_DATA_BYTES + 1);
    const [d] = await diagnosticsOf('  - id: "h-{{ slug }}"\n    from: huge.csv\n    prompt: A shot\n');
    expect(d).toMatchObject({ code: 'VIDEOGEN_DATA_TOO_LARGE', line: 6, col: 11, path: 'shots[0].from' });
  });

  it('bounds all data files together, not only each', async () => {
    for (const name of ['forty-a.csv', 'forty-b.csv']) {
      writeFileSync(path.join(dir, name), '');
      truncateSync(path.join(dir, name), 40 * 1024 * 1024);
    }
    const diagnostics = await diagnosticsOf('  - id: "a-{{ slug }}"\n    from: forty-a.csv\n    prompt: A\n  - id: "b-{{ slug }}"\n    from: forty-b.csv\n    prompt: B\n');
    expect(diagnostics.map((d) => d.code)).toEqual(['VIDEOGEN_DATA_TOO_LARGE', 'VIDEOGEN_DATA_SYNTAX']);
    expect(diagnostics[0]!.message).toBe("`forty-b.csv` is 40.0 MB and the data files before it 40.0 MB; a manifest's data files may hold 64.0 MB together");
  });

  it('refuses rows × takes past the most shots a manifest may hold, naming the entry', async () => {
    data('thousand.csv', `slug\n${Array.from({ length: 1001 }, (_, i) => `r${i}`).join('\n')}\n`);
    const [d] = await diagnosticsOf('  - id: "k-{{ slug }}"\n    from: thousand.csv\n    prompt: A shot\n    takes: 100\n');
    expect(d).toMatchObject({ code: 'VIDEOGEN_MANIFEST_TOO_MANY_SHOTS', path: 'shots[0].takes' });
    expect(d!.message).toContain('100,100 shots');
  });
});

describe('data files that cannot be used', () => {
  const entry = (from: string) => `  - id: "f-{{ slug }}"\n    from: ${from}\n    prompt: A shot\n`;

  it('refuses a symlink to a file outside the manifest\'s folder, as for images', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'videogen-outside-'));
    try {
      writeFileSync(path.join(outside, 'leads.csv'), 'slug\nacme\n');
      symlinkSync(path.join(outside, 'leads.csv'), path.join(dir, 'linked.csv'));
      const [d] = await diagnosticsOf(entry('linked.csv'));
      expect(d).toMatchObject({ code: 'VIDEOGEN_MANIFEST_FILE_OUTSIDE', file: 'shots.yaml', line: 6, col: 11 });
      expect(d!.message).toContain("outside the manifest's directory");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a directory, binary data, and text that is not UTF-8, each at its position', async () => {
    mkdirSync(path.join(dir, 'folder.csv'));
    expect((await diagnosticsOf(entry('folder.csv')))[0]).toMatchObject({ code: 'VIDEOGEN_MANIFEST_FILE_NOT_FOUND', message: '`folder.csv` is a directory, expected a data file' });
    data('binary.csv', Buffer.from('slug\nac\u0000me\n'));
    expect((await diagnosticsOf(entry('binary.csv')))[0]).toMatchObject({ code: 'VIDEOGEN_DATA_SYNTAX', file: 'binary.csv', line: 2, col: 3 });
    data('latin1.csv', Buffer.concat([Buffer.from('slug\nacme\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect((await diagnosticsOf(entry('latin1.csv')))[0]).toMatchObject({ code: 'VIDEOGEN_DATA_SYNTAX', file: 'latin1.csv', line: 3, col: 4 });
  });

  it('trims the column names of a header typed by hand, and names the columns it has', async () => {
    data('spaced.csv', 'slug, first name\nacme, Ada\n');
    const manifest = await load('  - id: "s-{{ slug }}"\n    from: spaced.csv\n    prompt: "Hi{{ first name }}"\n');
    expect(manifest.shots[0]!.spec.prompt).toBe('Hi Ada');
    const [d] = await diagnosticsOf('  - id: "s-{{ slug }}"\n    from: spaced.csv\n    prompt: "Hi {{ firstname }}"\n');
    expect(d!.hint).toBe('did you mean `first name`? The header has `slug`, `first name`');
  });

  it('refuses rows: that are not a list of mappings, and takes that are not a count', async () => {
    const diagnostics = await diagnosticsOf('  - id: "r-{{ n }}"\n    rows: []\n    prompt: A shot\n  - id: t\n    prompt: A shot\n    takes: 0\n');
    expect(diagnostics.map((d) => [d.path, d.message])).toEqual([
      ['shots[0].rows', 'expected at least one row, got an empty list'],
      ['shots[1].takes', 'expected from 1 to 100 takes, got 0'],
    ]);
  });
});

describe('template problems', () => {
  it('refuses an empty placeholder', async () => {
    const [d] = await diagnosticsOf('  - id: "e-{{ }}"\n    rows: [{ n: a }]\n    prompt: A shot\n');
    expect(d).toMatchObject({ code: 'VIDEOGEN_MANIFEST_VALUE', path: 'shots[0].id', message: 'empty placeholder `{{ }}`' });
  });

  it('leaves braces alone in a shot that is not data-driven', async () => {
    const manifest = await load('  - id: braces\n    prompt: "A sign that reads {{ hello }}"\n    takes: 1\n');
    expect(manifest.shots[0]!.spec.prompt).toBe('A sign that reads {{ hello }}');
  });

  it('refuses a URL as a data file', async () => {
    const [d] = await diagnosticsOf('  - id: "u-{{ n }}"\n    from: https://example.com/leads.csv\n    prompt: A shot\n');
    expect(d).toMatchObject({ code: 'VIDEOGEN_MANIFEST_VALUE', message: 'expected a data file beside the manifest, not a URL' });
  });
});
