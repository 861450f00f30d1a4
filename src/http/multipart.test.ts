import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { encodeFormData } from './multipart.js';

describe('encodeFormData', () => {
  it('encodes fields and files so a standard parser reads them back, with an exact length', async () => {
    const form = new FormData();
    form.append('model', 'sora-2');
    form.append('prompt', 'a "quoted" prompt ✓');
    form.append('input_reference', new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])], { type: 'image/png' }), 'ref.png');
    const encoded = encodeFormData(form);
    const bytes = await buffer(encoded.body);
    expect(bytes.length).toBe(encoded.contentLength);

    const parsed = await new Response(bytes, { headers: { 'content-type': encoded.contentType } }).formData();
    expect(parsed.get('model')).toBe('sora-2');
    expect(parsed.get('prompt')).toBe('a "quoted" prompt ✓');
    const file = parsed.get('input_reference') as File;
    expect(file.name).toBe('ref.png');
    expect(file.type).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
  });

  it('gives a fresh stream each time, so a retried upload sends the whole body again', async () => {
    const form = new FormData();
    form.append('file', new Blob(['abc']), 'a.txt');
    const first = await buffer(encodeFormData(form).body);
    const second = await buffer(encodeFormData(form).body);
    expect(second.length).toBe(first.length);
  });
});
