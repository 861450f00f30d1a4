/**
 * The shape of `shots.lock.yaml`. The JSON Schema in schemas/lock.schema.json is generated
 * from this, so every field carries a description. Objects are strict: a key this version
 * does not know is an error, never silently dropped on the next write. Spec values are only
 * checked for type: the lock records what was sent, the manifest rules judge what may be.
 */
import { z } from 'zod';
// Shot ids exactly as the manifest allows them (`..` is refused because ids name output files).
import { SHOT_ID_MAX_LENGTH, SHOT_ID_PATTERN } from '../manifest/schema.js';

const SHOT_ID_MESSAGE =
  'a shot id is lowercase letters, digits, ".", "_" and "-", starts with a letter or digit, and never contains ".."';

export const ShotIdSchema = z.string().max(SHOT_ID_MAX_LENGTH).regex(SHOT_ID_PATTERN, SHOT_ID_MESSAGE).describe('Shot id, as in the manifest.');

const SpecHashSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" followed by 64 lowercase hex digits')
  .describe('sha256 of the canonical JSON of `spec`: "sha256:<64 hex>".');

const IsoTimeSchema = z.iso.datetime({ offset: true });

// Relative to the manifest's directory; it may climb out of it (`../renders/a.mp4`),
// but an absolute path or a NUL byte would make the lock machine-specific or unsafe.
const OUTPUT_PATH_PATTERN = /^(?![/\\])(?![A-Za-z]:)[^\0]+$/;

export const SpecSchema = z
  .strictObject({
    // Any registered provider type: the registry is open (a test registers a toy module), and the
    // lock records what was sent; the manifest rules judge what may be sent.
    provider: z.string().min(1).describe('Provider type the shot was generated with (heygen, openai-videos, openrouter, …).'),
    endpoint: z.string().describe('Endpoint the shot was sent to (https://api.heygen.com), or "emulator".'),
    model: z.string().describe('Model name as sent to the provider.'),
    prompt: z.string().describe('The prompt, exactly as sent.'),
    aspect_ratio: z.string().optional().describe('Aspect ratio such as "16:9".'),
    duration: z.number().optional().describe('Duration in seconds.'),
    size: z.string().optional().describe('Frame size "WxH".'),
    reference_image: z
      .string()
      .optional()
      .describe('"sha256:<hex>" of a local reference image, or its URL as written.'),
    tail_image: z.string().optional().describe('"sha256:<hex>" of a local tail image, or its URL as written.'),
    options: z.record(z.string(), z.json()).optional().describe('Provider-specific options passed through as given.'),
  })
  // Each provider module adds the fields its API takes (resolution, seed, take, …): JSON values,
  // written after the fields above in ordinal order.
  .catchall(z.json())
  .describe('The normalised fields that determine the video; kept so `plan` can show field-level diffs.');

const OutputSchema = z
  .strictObject({
    path: z
      .string()
      .regex(OUTPUT_PATH_PATTERN, 'expected a path relative to the manifest directory (not absolute, no NUL)')
      .describe("Path of the video, relative to the manifest's directory, with forward slashes."),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')
      .describe("sha256 of the file's bytes, lowercase hex."),
    bytes: z.number().int().nonnegative().describe('File size in bytes.'),
  })
  .describe('The downloaded video, as verified when it was written.');

const RemoteSchema = z
  .strictObject({
    video_id: z.string().optional().describe("The provider's video id, when it differs from the job id."),
    asset_id: z.string().optional().describe("The provider's asset id for the video."),
  })
  // Provider modules keep whatever finds the job again (fal's status_url, Vertex's operation name).
  .catchall(z.string())
  .describe('Ids and URLs the provider handed back that find the job or its video again.');

const ReusedFromSchema = z
  .strictObject({
    source: z.enum(['cache', 'store']).describe("cache: this machine's .videogen/cache/; store: the manifest's storage."),
    job_id: z.string().min(1).optional().describe('The job that generated the video.'),
    provider: z.string().min(1).optional().describe('The provider entry that job ran at.'),
    shot: z.string().min(1).optional().describe('The shot id it was generated for.'),
    generated_at: IsoTimeSchema.optional().describe('When it was generated (ISO 8601).'),
  })
  .describe('Set when no job was submitted for this entry: the output of an earlier generation of the same spec was reused.');

export const FAILURE_CLASSES = ['transient', 'quota', 'moderation', 'invalid', 'failed'] as const;

const CostSchema = z
  .strictObject({
    estimated: z.number().nonnegative().optional().describe('What the price table said the job would cost; absent when the price is unknown.'),
    reported: z.number().nonnegative().optional().describe('What the provider reported it cost (OpenRouter usage.cost).'),
    currency: z.literal('USD').describe('Currency of both figures.'),
  })
  .describe('What this execution cost.');

const ErrorSchema = z
  .strictObject({
    code: z.string().describe('Stable error code.'),
    class: z
      .enum(FAILURE_CLASSES)
      .optional()
      .describe('transient, quota, moderation (never retried until the spec changes), invalid (fix the manifest) or failed.'),
    message: z.string().describe('What went wrong, in words.'),
  })
  .describe('Why the last attempt failed (state failed only).');

export const LockEntrySchema = z
  .strictObject({
    spec_hash: SpecHashSchema,
    spec: SpecSchema,
    state: z
      .enum(['submitted', 'completed', 'failed'])
      .describe('submitted: a job exists and is being generated; completed: the video is on disk; failed: the job failed.'),
    job_id: z.string().min(1).optional().describe('Job id the provider returned; recorded the moment it answered.'),
    idempotency_key: z
      .string()
      .min(1)
      .optional()
      .describe('Idempotency key sent with the submission (APIs that take one): recorded with the intent, replayed after a crash.'),
    provider: z.string().optional().describe('Name of the manifest provider entry the job was submitted to.'),
    submitted_at: IsoTimeSchema.optional().describe('When the job was submitted (ISO 8601).'),
    completed_at: IsoTimeSchema.optional().describe('When the job completed or failed (ISO 8601).'),
    output: OutputSchema.optional(),
    reused_from: ReusedFromSchema.optional(),
    remote: RemoteSchema.optional(),
    cost: CostSchema.optional(),
    error: ErrorSchema.optional(),
  })
  .describe('The last execution of one shot.');

export const LockSchema = z
  .strictObject({
    version: z.literal(1).describe('Lockfile format version.'),
    shots: z.record(ShotIdSchema, LockEntrySchema).describe('One entry per shot, keyed by shot id, sorted by id.'),
  })
  .describe('videogen lockfile (shots.lock.yaml): what was generated for each shot. Generated; commit it.');

/** Keys each kind of lock object may hold, in the order the serializer writes them. */
export const LOCK_KEYS = {
  root: ['version', 'shots'],
  entry: [
    'spec_hash',
    'spec',
    'state',
    'job_id',
    'idempotency_key',
    'provider',
    'submitted_at',
    'completed_at',
    'output',
    'reused_from',
    'remote',
    'cost',
    'error',
  ],
  spec: [
    'provider',
    'endpoint',
    'model',
    'prompt',
    'aspect_ratio',
    'duration',
    'size',
    'reference_image',
    'tail_image',
    'options',
  ],
  output: ['path', 'sha256', 'bytes'],
  reused_from: ['source', 'job_id', 'provider', 'shot', 'generated_at'],
  remote: ['video_id', 'asset_id'],
  cost: ['estimated', 'reported', 'currency'],
  error: ['code', 'class', 'message'],
} as const;
