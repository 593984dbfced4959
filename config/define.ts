import type { TollgateConfig } from './schema';

/** Typed identity: gives `tollgate.config.ts` completion and type errors; validation runs at load. */
export function defineConfig(config: TollgateConfig): TollgateConfig {
  return config;
}
