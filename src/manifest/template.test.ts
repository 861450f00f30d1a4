import { describe, expect, it } from 'vitest';
import type { Problem } from './problems.js';
import { compileTemplate, fillTemplate } from './template.js';

const compile = (entry: Record<string, unknown>) => {
  const problems: Problem[] = [];
  const template = compileTemplate(entry, ['shots', 0], problems);
  return { template, problems };
};
const row = (values: Record<string, unknown>) => (field: string) => (Object.hasOwn(values, field) ? values[field] : undefined);

describe('templates', () => {
  it('finds placeholders in nested strings, and shares what holds none', () => {
    const shared = { camera: 'dolly' };
    const { template, problems } = compile({ id: 'a-{{slug}}', options: { style: '{{ style }}', fixed: shared }, tags: ['t', '{{ tag }}'] });
    expect(problems).toEqual([]);
    expect(template.slots.map((slot) => slot.path)).toEqual([['id'], ['options', 'style'], ['tags', 1]]);
    const { shot, failures } = fillTemplate(template, row({ slug: 'x', style: 'noir', tag: 'q4' }), false);
    expect(failures).toEqual([]);
    expect(shot).toEqual({ id: 'a-x', options: { style: 'noir', fixed: shared }, tags: ['t', 'q4'] });
    expect((shot.options as Record<string, unknown>).fixed).toBe(shared);
    // The template itself is untouched by filling it.
    expect(template.entry).toEqual({ id: 'a-{{slug}}', options: { style: '{{ style }}', fixed: shared }, tags: ['t', '{{ tag }}'] });
  });

  it('reads CSV text as a number or true/false only where the field takes one, and only as the whole value', () => {
    const { template } = compile({ seed: '{{ n }}', audio: '{{ b }}', duration: '{{ n }}', prompt: 'n={{ n }}', options: { n: '{{ n }}' } });
    expect(fillTemplate(template, row({ n: '42', b: 'TRUE' }), true).shot).toEqual({ seed: 42, audio: true, duration: '42', prompt: 'n=42', options: { n: '42' } });
    expect(fillTemplate(template, row({ n: '4x', b: 'yes' }), true).shot).toMatchObject({ seed: '4x', audio: 'yes' });
    // From JSONL or rows: the value as it is.
    expect(fillTemplate(template, row({ n: 42, b: false }), false).shot).toEqual({ seed: 42, audio: false, duration: 42, prompt: 'n=42', options: { n: 42 } });
  });

  it('says which field of which slot a row cannot fill, and why', () => {
    const { template } = compile({ id: '{{ a }}', prompt: 'x {{ b }}', options: { o: 'y {{ c }}' } });
    const { failures } = fillTemplate(template, row({ b: '  ', c: [1] }), false);
    expect(failures.map((f) => [f.slot.path.join('.'), f.field, f.reason])).toEqual([
      ['id', 'a', 'missing'],
      ['prompt', 'b', 'empty'],
      ['options.o', 'c', 'structured'],
    ]);
  });

  it('refuses an unclosed or empty placeholder at its string', () => {
    const { problems } = compile({ prompt: 'Hello {{ name', id: '{{}}' });
    expect(problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['shots.0.prompt', 'a `{{` without its `}}` (or the other way round)'],
      ['shots.0.id', 'empty placeholder `{{ }}`'],
    ]);
  });
});
