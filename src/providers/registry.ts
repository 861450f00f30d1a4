/**
 * The provider modules, listed once. Everything that depends on which APIs exist (the
 * manifest schema and rules, specs, the lock, auth, the emulator's base paths, `videogen
 * models`, the README's table) reads this list.
 */
import { VideogenError } from '../errors.js';
import type { ProviderConfig } from '../manifest/types.js';
import { falModule } from './fal/index.js';
import { heygenModule } from './heygen/index.js';
import { heygenV3Module } from './heygen-v3/index.js';
import type { ProviderModule } from './module.js';
import { openAiVideosModule } from './openai-videos/index.js';
import { openRouterModule } from './openrouter/index.js';
import { replicateModule } from './replicate/index.js';
import { runwayModule } from './runway/index.js';
import type { Provider, ProviderDeps } from './types.js';
import { vertexVeoModule } from './vertex-veo/index.js';

const modules = new Map<string, ProviderModule>();
/** Bumped on every registration, so schemas assembled from the registry know when to rebuild. */
let generation = 0;

/**
 * Adds an API. The built-in ones are registered below; tests and embedders register their
 * own (test/provider-module-toy.test.ts runs a whole campaign through one).
 */
export function registerProviderModule(module: ProviderModule): void {
  if (modules.has(module.type)) throw new Error(`provider type "${module.type}" is already registered`);
  modules.set(module.type, module);
  generation += 1;
}

const BUILT_IN = [heygenModule, openAiVideosModule, heygenV3Module, openRouterModule, falModule, vertexVeoModule, replicateModule, runwayModule];
for (const module of BUILT_IN) registerProviderModule(module);

export function providerModules(): readonly ProviderModule[] {
  return [...modules.values()];
}

export function providerTypes(): string[] {
  return [...modules.keys()];
}

export function registryGeneration(): number {
  return generation;
}

export function findProviderModule(type: string): ProviderModule | undefined {
  return modules.get(type);
}

export function providerModule(type: string): ProviderModule {
  const module = modules.get(type);
  if (!module) {
    throw new VideogenError('VIDEOGEN_PROVIDER_UNKNOWN', `unknown provider type "${type}"`, { hint: `use one of: ${providerTypes().join(', ')}` });
  }
  return module;
}

/** The live client of one provider entry; its module's HTTP code is imported on first use. */
export async function createProvider(config: ProviderConfig, deps: ProviderDeps): Promise<Provider> {
  let module: ProviderModule;
  try {
    module = providerModule(config.type);
  } catch (error) {
    throw new VideogenError('VIDEOGEN_PROVIDER_UNKNOWN', `provider ${config.name}: unknown type "${String(config.type)}"`, {
      hint: (error as VideogenError).hint,
    });
  }
  const factory = await module.loadClient();
  return factory(config, deps);
}
