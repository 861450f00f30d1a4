/**
 * Jobs in flight at one endpoint (a provider's `concurrency`) and overall (`--concurrency`):
 * enough for campaigns of 100,000 shots. Here, not in the manifest schema, so the CLI can
 * check its flag without loading zod at startup.
 */
export const MAX_CONCURRENCY = 1000;
