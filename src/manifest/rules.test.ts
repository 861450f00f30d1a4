import { describe, expect, it } from 'vitest';
import type { Problem } from './problems.js';
import { checkIdsAndOutputs, checkOptionValues, checkOutputPath, isWindowsDeviceName } from './rules.js';

describe('isWindowsDeviceName', () => {
  it('matches the reserved device names with or without an extension, in any case', () => {
    for (const name of ['con', 'PRN', 'aux', 'nul', 'nul.mp4', 'com1', 'COM9.final.mp4', 'lpt0', 'con .mp4']) {
      expect(isWindowsDeviceName(name), name).toBe(true);
    }
    for (const name of ['console', 'null', 'com10', 'lpt', 'a.nul', 'nul-shot', 'shot-nul.mp4']) {
      expect(isWindowsDeviceName(name), name).toBe(false);
    }
  });
});

describe('checkOutputPath', () => {
  it('refuses names no Windows file system can hold', () => {
    expect(checkOutputPath('a.mp4:evil.mp4')).toMatchObject({ message: expect.stringMatching(/< > : " \| \? \*/) });
    expect(checkOutputPath('what?.mp4')).toMatchObject({ message: expect.any(String) });
    expect(checkOutputPath('tab\there.mp4')).toMatchObject({ message: expect.stringMatching(/control characters/) });
    expect(checkOutputPath('social/aux.mp4')).toMatchObject({ message: expect.stringMatching(/Windows device/) });
    expect(checkOutputPath('nul/a.mp4')).toMatchObject({ message: expect.stringMatching(/Windows device/) });
  });

  it('still accepts ordinary nested paths', () => {
    expect(checkOutputPath('social/./cafe-vertical.mp4')).toBe('social/cafe-vertical.mp4');
    expect(checkOutputPath('null.mp4')).toBe('null.mp4');
  });
});

describe('checkIdsAndOutputs', () => {
  it('refuses an id that names a Windows device, and suggests one that does not', () => {
    const problems: Problem[] = [];
    const outputs = checkIdsAndOutputs([{ id: 'nul' }, { id: 'com1.final' }, { id: 'ok' }], problems);
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['VIDEOGEN_MANIFEST_BAD_ID', 'shots.0.id'],
      ['VIDEOGEN_MANIFEST_BAD_ID', 'shots.1.id'],
    ]);
    expect(problems[1]!.hint).toBe('choose another id, such as `shot-com1.final`');
    expect([...outputs.values()]).toEqual(['ok.mp4']);
  });
});

describe('checkOptionValues', () => {
  it('refuses values only YAML tags produce, which JSON would turn into {} or a string', () => {
    const problems: Problem[] = [];
    const options = { blob: new Uint8Array([1, 2]), set: new Set(['x']), map: new Map([['x', 1]]), at: new Date(0), fine: { n: [1, 'two', null] } };
    checkOptionValues(options, ['shots', 0, 'options'], { left: 100 }, problems);
    expect(problems.map((p) => [p.code, p.path.join('.'), p.message.replace(/.*got /, '')])).toEqual([
      ['VIDEOGEN_MANIFEST_VALUE', 'shots.0.options.blob', 'binary data (!!binary)'],
      ['VIDEOGEN_MANIFEST_VALUE', 'shots.0.options.set', 'a set (!!set)'],
      ['VIDEOGEN_MANIFEST_VALUE', 'shots.0.options.map', 'an ordered map (!!omap)'],
      ['VIDEOGEN_MANIFEST_VALUE', 'shots.0.options.at', 'a timestamp (!!timestamp)'],
    ]);
  });
});
