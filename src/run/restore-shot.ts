/**
 * A shot whose video exists already: `&` reuse (the video of an earlier generation of the
 * same spec) or a `↓` fetch that restores the recorded output, from the local cache or the
 * store (DESIGN.md "Storage and reuse"). No provider is asked and no job is made; the bytes
 * are checked against their sha256 before they count.
 */
import { resolve } from 'node:path';
import { describeError, type ErrorInfo } from '../errors.js';
import type { LockReuse } from '../lock/types.js';
import type { Shot } from '../manifest/types.js';
import type { PlanAction, ReuseSource } from '../plan/types.js';
import type { ShotEvent } from '../report/types.js';
import { StorageCode } from '../storage/errors.js';
import { restoreOutput } from '../storage/outputs.js';
import { specIndexEntry } from '../storage/spec-index.js';
import { reusedEntry } from './lock-entries.js';
import { emit, isoNow, recordChange, type RunContext } from './run-context.js';
import type { ShotOutcome } from './shot-runner.js';

export async function restoreShot(ctx: RunContext, action: PlanAction, shot: Shot): Promise<ShotOutcome> {
  const source = action.reuse as ReuseSource;
  const report = (state: ShotEvent['state'], extra: Partial<ShotEvent> = {}) =>
    emit(ctx, { id: shot.id, action: action.action, provider: shot.providerName, state, ...extra });
  const fail = (error: ErrorInfo): ShotOutcome => {
    report('failed', { error });
    return { kind: 'failed', error };
  };
  const outputs = ctx.outputs;
  if (!outputs) return fail({ code: 'VIDEOGEN_INTERNAL', message: 'this run was started without an output cache, so it cannot reuse a video' });

  return ctx.downloads(async (): Promise<ShotOutcome> => {
    if (ctx.stop.aborted) return { kind: 'skipped' };
    const started = ctx.now();
    const note = source.from === 'cache' ? 'from the local cache' : `from ${outputs.store?.url ?? 'the store'}`;
    report('downloading', { bytes: 0, note });
    const dest = resolve(ctx.manifest.dir, shot.output);
    const output = { path: shot.output, sha256: source.sha256, bytes: source.bytes };
    let from: ReuseSource['from'];
    try {
      ({ from } = await restoreOutput(outputs, source, dest, { signal: ctx.stop, onProgress: (bytes) => report('downloading', { bytes, note }) }));
    } catch (error) {
      if (ctx.stop.aborted) return { kind: 'skipped' };
      const info = describeError(error);
      if (info.code !== StorageCode.corrupt && info.code !== StorageCode.missing) return fail(info);
      // Without a store the damaged cached copy is gone now (an output edited in place shares
      // its bytes with it), so the next plan no longer offers it. A store's copy stays until
      // someone replaces it, and would be offered again.
      const next = outputs.store
        ? `\`videogen apply --replace ${shot.id}\` generates it anew; or delete the damaged object and \`videogen push\` it from a machine that has it`
        : action.job_id
          ? `the next apply downloads job ${action.job_id} from the provider again`
          : 'the next plan shows what generating it anew costs';
      return fail({ ...info, hint: next });
    }

    const at = isoNow(ctx);
    if (action.action === 'reuse') {
      const entry = reusedEntry(shot, output, at, originOf(source, from));
      await recordChange(ctx, shot.id, () => entry);
      // A spec found in the store, this machine learns too (one found in the cache is there
      // already: another line would only grow its log). A cache is best effort.
      if (source.from !== 'cache') await outputs.cache.writeSpec(specIndexEntry(shot.id, entry)).catch(() => {});
    } else {
      // The lock entry stays what it was; only where the output lives may have changed.
      await recordChange(ctx, shot.id, (previous) => (previous ? { ...previous, output } : previous));
    }
    report('completed', { bytes: source.bytes, elapsedMs: ctx.now() - started, note: `restored ${note}, no job` });
    // No video was generated in this run.
    return { kind: 'completed', bytes: source.bytes, videoSeconds: 0 };
  });
}

function originOf(source: ReuseSource, from: ReuseSource['from']): LockReuse {
  return {
    source: from,
    ...(source.job_id ? { job_id: source.job_id } : {}),
    ...(source.provider ? { provider: source.provider } : {}),
    ...(source.shot ? { shot: source.shot } : {}),
    ...(source.generated_at ? { generated_at: source.generated_at } : {}),
  };
}
