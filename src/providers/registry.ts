import { VideogenError } from '../errors.js';
import type { ProviderConfig, ProviderType } from '../manifest/types.js';
import { createHeygenProvider } from './heygen.js';
import { createOpenAiVideosProvider } from './openai-videos.js';
import type { Provider, ProviderDeps, ProviderFactory } from './types.js';

/** One line per API: adding one means a new file beside this one and an entry here. */
const FACTORIES: Record<ProviderType, ProviderFactory> = {
  heygen: createHeygenProvider,
  'openai-videos': createOpenAiVideosProvider,
};

export const PROVIDER_TYPES: readonly ProviderType[] = Object.freeze(Object.keys(FACTORIES) as ProviderType[]);

export function createProvider(config: ProviderConfig, deps: ProviderDeps): Provider {
  const factory = Object.hasOwn(FACTORIES, config.type) ? FACTORIES[config.type] : undefined;
  if (!factory) {
    throw new VideogenError('VIDEOGEN_PROVIDER_UNKNOWN', `provider ${config.name}: unknown type "${String(config.type)}"`, {
      hint: `use one of: ${PROVIDER_TYPES.join(', ')}`,
    });
  }
  return factory(config, deps);
}
