/**
 * `videogen models [type]`: each provider module's model table, as the module declares it
 * (capabilities, retirements), so a user can see what a type takes without reading code.
 */
import { describePrice } from '../cost/price.js';
import { UsageError, ExitCode } from '../errors.js';
import type { ModelInfo, ProviderModule } from '../providers/module.js';
import { findProviderModule, providerModules, providerTypes } from '../providers/registry.js';
import type { CommandIO } from './options.js';

export async function runModels(type: string | undefined, options: { json?: boolean }, io: CommandIO): Promise<number> {
  const modules = type === undefined ? providerModules() : [moduleOrUsage(type)];
  if (options.json) {
    io.stdout.write(`${JSON.stringify(modules.map(describeModule), null, 2)}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(modules.map(renderModule).join(''));
  return ExitCode.ok;
}

function moduleOrUsage(type: string): ProviderModule {
  const module = findProviderModule(type);
  if (!module) throw new UsageError(`unknown provider type "${type}"`, `one of: ${providerTypes().join(', ')}`);
  return module;
}

/** What --json prints: the module's public facts, nothing executable. */
function describeModule(module: ProviderModule) {
  const { defaults } = module;
  return {
    type: module.type,
    title: module.title,
    base_url: defaults.baseUrl ?? null,
    api_key_env: defaults.apiKeyEnv,
    auth: module.auth.kind === 'oauth' ? 'OAuth access token' : module.auth.header + (module.auth.scheme ? ` ${module.auth.scheme}` : ''),
    default_model: defaults.model ?? null,
    idempotency: module.idempotency !== undefined,
    image_types: module.imageTypes,
    models: module.models,
  };
}

function renderModule(module: ProviderModule): string {
  const facts = describeModule(module);
  const lines = [
    `${module.type}: ${module.title}`,
    `  base_url ${facts.base_url ?? '(none: required)'} · key $${facts.api_key_env} (${facts.auth}) · default model ${facts.default_model ?? '(none: required)'}`,
  ];
  const rows = module.models.map((model) => [model.id, ...capabilityCells(model)]);
  const header = ['model', 'durations', 'aspect ratios', 'resolutions / sizes', 'images', 'audio', 'price (USD)', 'status'];
  lines.push(...table([header, ...rows]).map((line) => `  ${line}`), '');
  return `${lines.join('\n')}\n`;
}

function capabilityCells(model: ModelInfo): string[] {
  const images = [model.referenceImage ? 'first' : '', model.tailImage ? 'last' : ''].filter(Boolean).join('+');
  const status = model.retired ? `retired ${model.retired.since}${model.retired.replacement ? ` → ${model.retired.replacement}` : ''}` : (model.note ?? '');
  return [
    model.durations ? `${model.durations.join(', ')} s` : '-',
    model.aspectRatios?.join(' ') ?? '-',
    (model.resolutions ?? model.sizes)?.join(' ') ?? '-',
    images || '-',
    model.audio === undefined ? '-' : model.audio ? 'yes' : 'no',
    model.price ? describePrice(model.price) : 'unknown',
    status,
  ];
}

/** Columns padded to their widest cell; the last column is never padded. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
}
