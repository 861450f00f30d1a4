/**
 * The APIs the emulator speaks, listed once (DESIGN.md "Emulator"): adding one is its route
 * module and a line here. The server (server.ts) is generic over this table.
 */
import { FAL_APIS } from './fal/index.js';
import { heygenApi } from './heygen/workflow.js';
import { heygenV3Api } from './heygen-v3/videos.js';
import { openaiApi } from './openai/videos.js';
import { openRouterApi } from './openrouter/videos.js';
import { REPLICATE_APIS } from './replicate/index.js';
import type { EmulatedApi } from './router.js';
import { runwayApi } from './runway/tasks.js';
import { storageApi } from './storage/api.js';
import { vertexEmulatedApis } from './vertex/apis.js';

export const EMULATED_APIS: readonly EmulatedApi[] = [
  heygenApi,
  openaiApi,
  heygenV3Api,
  openRouterApi,
  storageApi,
  ...vertexEmulatedApis,
  ...FAL_APIS,
  ...REPLICATE_APIS,
  runwayApi,
];
