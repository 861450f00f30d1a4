/**
 * Turns the manifest's provider entries into live providers for one apply: reads each
 * key from its environment variable (checking all of them before anything is submitted),
 * starts the in-process emulator when an entry says `emulate: true`, and opens one HTTP
 * client for the whole run.
 */
import { ExitCode, VideogenError } from '../errors.js';
import { HttpClient } from '../http/client.js';
import type { Manifest, ProviderConfig } from '../manifest/types.js';
import { callsProvider, type Plan } from '../plan/types.js';
import { createProvider, providerModule } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';

/** The emulator accepts any non-empty key; this one is not a secret. */
const EMULATOR_KEY = 'videogen-emulator';

export interface ProviderConnection {
  providers: Map<string, Provider>;
  close(): Promise<void>;
}

/**
 * The key of every provider the plan will call, read before anything is confirmed or sent,
 * so a missing variable is reported up front (and a provider with only kept shots needs none).
 */
export function readApiKeys(manifest: Manifest, plan: Plan, env: NodeJS.ProcessEnv): Map<string, string> {
  // A reused or restored video needs no provider, so no key either.
  const used = new Set(plan.actions.flatMap((action) => (callsProvider(action) && action.provider ? [action.provider] : [])));
  const keys = new Map<string, string>();
  const missing: string[] = [];
  for (const config of manifest.providers.values()) {
    if (!used.has(config.name)) continue;
    const key = config.emulate ? EMULATOR_KEY : env[config.apiKeyEnv]?.trim();
    if (key) keys.set(config.name, key);
    // OAuth modules find credentials of their own (Google's application default credentials) when no token is given.
    else if (providerModule(config.type).auth.kind === 'oauth') keys.set(config.name, '');
    else missing.push(`${config.apiKeyEnv} (provider "${config.name}")`);
  }
  if (missing.length > 0) {
    throw new VideogenError('VIDEOGEN_API_KEY_MISSING', `no API key in ${missing.join(', ')}`, {
      exitCode: ExitCode.invalid,
      hint: 'export the variable, or put it in a .env file beside the manifest (never in the manifest itself)',
    });
  }
  return keys;
}

/** Live providers for the entries in `keys` (from readApiKeys). */
export async function connectProviders(manifest: Manifest, keys: ReadonlyMap<string, string>): Promise<ProviderConnection> {
  const configs = [...manifest.providers.values()].filter((config) => keys.has(config.name));
  const emulator = configs.some((config) => config.emulate)
    ? await (await import('../emulator/server.js')).startEmulator({ latencyMs: [1000, 3000] })
    : undefined;
  // Each provider registers its own key with the client for redaction.
  const http = new HttpClient();
  const providers = new Map<string, Provider>();
  for (const config of configs) {
    const live: ProviderConfig = config.emulate && emulator ? emulatedConfig(config, emulator.url) : config;
    providers.set(config.name, await createProvider(live, { http, apiKey: keys.get(config.name) ?? '' }));
  }
  return {
    providers,
    async close() {
      await http.close();
      await emulator?.close();
    },
  };
}

/** An emulated entry's endpoint, and its module's other hosts, at the emulator. */
function emulatedConfig(config: ProviderConfig, emulatorUrl: string): ProviderConfig {
  const module = providerModule(config.type);
  const hosts = Object.entries(module.emulatorSettings ?? {}).map(([setting, path]) => [setting, emulatorUrl + path]);
  return { ...config, baseUrl: emulatorUrl + module.emulatorPath, settings: { ...config.settings, ...Object.fromEntries(hosts) } };
}
