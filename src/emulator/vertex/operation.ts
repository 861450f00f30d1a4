import { Readable } from 'node:stream';
import { jsonResponse, type EmulatorResponse } from '../http-io.js';
import { jobStatusAt, type JobRecord } from '../jobs.js';
import { emulatorVideoFor, type EmulatorVideo } from '../mp4.js';
import type { RouteContext } from '../router.js';
import type { JobKind } from '../job-id.js';
import { googleError } from './errors.js';

/**
 * A Veo operation as `fetchPredictOperation` answers it (reference/vertex-veo.md "Polling"):
 * no `done` while it runs; then `done` with an `error`, a filtered `response` (not an error),
 * or `response.videos`, in Cloud Storage when the request named a storageUri and inline as
 * base64 otherwise. An inline answer is streamed: padded videos (`videoBytes`) run to hundreds
 * of MB of base64.
 */

/** Real operation ids are long numbers; the emulator's carry the job's facts (job-id.ts). */
export const VERTEX_JOBS: JobKind = { api: 'vertex', prefix: 'veo' };

const RESPONSE_TYPE = 'type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse';
/** The shape of the real message (image-router#41); the support code is made up. */
const FILTERED_REASON =
  "Your request was blocked by Vertex AI's responsible AI filters (emulated). You will not be charged for blocked videos. Support codes: 42237218";

/** What the operation's job keeps in its id (job-id.ts `extra`). */
export interface OperationExtra {
  /** The storageUri of the request, with a trailing slash; absent for inline videos. */
  storage?: string;
  samples: number;
}

export function operationExtra(job: JobRecord): OperationExtra {
  const { storage, samples } = job.facts.extra ?? {};
  return { ...(typeof storage === 'string' ? { storage } : {}), samples: typeof samples === 'number' ? samples : 1 };
}

/** Where sample `index` of a job is written under its storageUri (Vertex adds a folder per operation). */
export function sampleUri(storage: string, jobId: string, index: number): string {
  return `${storage}${jobId}/sample_${index}.mp4`;
}

export function operationAnswer(ctx: RouteContext, job: JobRecord, name: string): EmulatorResponse {
  const status = jobStatusAt(job.facts, ctx.now);
  // How long a finished operation stays fetchable is not documented; the emulator keeps it contentTtlMs.
  if (status.remainingMs === 0 && ctx.now >= status.endsAt + ctx.env.options.contentTtlMs) {
    return googleError(404, 'NOT_FOUND', `Operation ${name} not found (it expired).`);
  }
  if (status.state === 'queued' || status.state === 'running') return jsonResponse(200, { name });
  if (status.state === 'failed') {
    if (job.facts.moderated) {
      return jsonResponse(200, { name, done: true, response: { '@type': RESPONSE_TYPE, raiMediaFilteredCount: 1, raiMediaFilteredReasons: [FILTERED_REASON] } });
    }
    return jsonResponse(200, { name, done: true, error: { code: 13, message: 'Video generation failed (emulated failure).' } });
  }
  const { storage, samples } = operationExtra(job);
  const indexes = Array.from({ length: samples }, (_, index) => index);
  if (storage !== undefined) {
    const videos = indexes.map((index) => ({ gcsUri: sampleUri(storage, job.id, index), mimeType: 'video/mp4' }));
    return jsonResponse(200, { name, done: true, response: { '@type': RESPONSE_TYPE, videos } });
  }
  const videos = indexes.map((index) => emulatorVideoFor(job.facts.aspectRatio, `${job.id}/${index}`, ctx.env.options.videoBytes));
  return inlineAnswer(name, videos);
}

/** `{"name","done":true,"response":{"videos":[{"bytesBase64Encoded":"…","mimeType":"video/mp4"},…]}}`, base64 written as it is read. */
function inlineAnswer(name: string, videos: EmulatorVideo[]): EmulatorResponse {
  const head = Buffer.from(`{"name":${JSON.stringify(name)},"done":true,"response":{"@type":"${RESPONSE_TYPE}","videos":[`);
  const open = Buffer.from('{"bytesBase64Encoded":"');
  const close = Buffer.from('","mimeType":"video/mp4"}');
  const tail = Buffer.from(']}}');
  const size =
    head.length + tail.length + videos.reduce((sum, video, i) => sum + (i > 0 ? 1 : 0) + open.length + close.length + 4 * Math.ceil(video.size / 3), 0);
  async function* chunks(): AsyncGenerator<Buffer> {
    yield head;
    for (const [i, video] of videos.entries()) {
      yield i > 0 ? Buffer.concat([Buffer.from(','), open]) : open;
      let carry = Buffer.alloc(0);
      for await (const chunk of video.stream()) {
        const bytes = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
        const whole = bytes.length - (bytes.length % 3);
        carry = Buffer.from(bytes.subarray(whole));
        if (whole > 0) yield Buffer.from(bytes.subarray(0, whole).toString('base64'), 'latin1');
      }
      if (carry.length > 0) yield Buffer.from(carry.toString('base64'), 'latin1');
      yield close;
    }
    yield tail;
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: { size, open: () => Readable.from(chunks(), { objectMode: false }) },
  };
}
