/**
 * Replicate's models as videogen knows them (reference/replicate-and-runway.md, "Replicate"):
 * how the manifest's `model` names one, and which `input` field each shot field becomes.
 * Pure data; the module (index.ts) checks shots against it and the client builds requests
 * from it.
 */
import type { ModelInfo, ShotField } from '../module.js';

/**
 * What `model` names, and so where a prediction is created:
 * - `owner/name`: an official model, `POST /models/{owner}/{name}/predictions`;
 * - `owner/name:<version>`: one version of any model, `POST /predictions` with `version`;
 * - a bare version id (64 hex digits, as Replicate prints them): the same.
 */
export type ReplicateTarget =
  | { kind: 'model'; owner: string; name: string }
  | { kind: 'version'; version: string; owner?: string; name?: string };

const NAME = '[A-Za-z0-9][A-Za-z0-9._-]*';
const OFFICIAL = new RegExp(`^(${NAME})/(${NAME})$`);
const VERSIONED = new RegExp(`^(${NAME})/(${NAME}):([A-Za-z0-9]+)$`);
const BARE_VERSION = /^[0-9a-f]{64}$/;

/** The target `model` names, or undefined when it is none of the three forms. */
export function parseReplicateModel(model: string): ReplicateTarget | undefined {
  const official = OFFICIAL.exec(model);
  if (official) return { kind: 'model', owner: official[1]!, name: official[2]! };
  const versioned = VERSIONED.exec(model);
  if (versioned) return { kind: 'version', owner: versioned[1]!, name: versioned[2]!, version: versioned[3]! };
  if (BARE_VERSION.test(model)) return { kind: 'version', version: model };
  return undefined;
}

/** Shot fields a model's `input` can take, and the input field each becomes. */
export type InputField = Extract<ShotField, 'duration' | 'aspect_ratio' | 'resolution' | 'audio' | 'seed' | 'reference_image' | 'tail_image'>;
export type InputNames = Readonly<Partial<Record<InputField, string>>>;

/**
 * What videogen writes when a known model's shot leaves a field out (the duration is the
 * model's `defaultDuration`). Sent explicitly, so the
 * video never depends on a default Replicate may change, and writing the value out hashes like
 * leaving it out.
 */
export type InputDefaults = Readonly<{ aspect_ratio?: string; resolution?: string; audio?: boolean }>;

export interface ReplicateModel {
  info: ModelInfo;
  input: InputNames;
  defaults: InputDefaults;
}

/**
 * Input names for a model videogen has no table for: the names Replicate's official video
 * models use (google/veo-3.1's, as the reference shows them). A last frame has no common name,
 * so `tail_image` is refused there; `options` carries any other input under its own name.
 */
export const GENERIC_INPUT: InputNames = {
  duration: 'duration',
  aspect_ratio: 'aspect_ratio',
  resolution: 'resolution',
  audio: 'generate_audio',
  seed: 'seed',
  reference_image: 'image',
};

/**
 * Known models. google/veo-3.1 takes what the reference's example sends (`prompt`, `image`,
 * `duration`, `aspect_ratio`, `resolution`, `generate_audio`); its lists are Veo 3.1's own
 * (4, 6 or 8 s; 16:9 or 9:16; 720p or 1080p: reference/vertex-veo.md), and `last_frame` is the
 * name Replicate's model page gives Veo 3.1's last-frame input (not in the reference: [?]).
 * Its defaults are the values of the reference's example request.
 */
export const REPLICATE_MODELS: readonly ReplicateModel[] = [
  {
    info: {
      id: 'google/veo-3.1',
      durations: [4, 6, 8],
      defaultDuration: 8,
      aspectRatios: ['16:9', '9:16'],
      resolutions: ['720p', '1080p'],
      referenceImage: true,
      tailImage: true,
      audio: true,
      note: 'output: one URI; deleted by Replicate an hour after the prediction',
    },
    input: { ...GENERIC_INPUT, tail_image: 'last_frame' },
    defaults: { aspect_ratio: '16:9', resolution: '1080p', audio: true },
  },
];

export const DEFAULT_REPLICATE_MODEL = 'google/veo-3.1';

export function knownReplicateModel(model: string): ReplicateModel | undefined {
  return REPLICATE_MODELS.find((entry) => entry.info.id === model);
}

/** The input names a model's shots map to: its table's, else the generic ones. */
export function inputNamesOf(model: string): InputNames {
  return knownReplicateModel(model)?.input ?? GENERIC_INPUT;
}
