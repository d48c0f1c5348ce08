import { Global, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthSettings } from '@cleave/platform/health';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { RedisConnections } from '@cleave/platform/redis';
import { ConfigSync } from './config-sync.service';
import { ConfigViews, MemoryConfigViews, RedisConfigViews } from './config-views';

/** Expires after three missed heartbeats, as a registry entry does. */
const MISSED_BEATS = 3;

/**
 * The configuration of every process, for GET /config and `npm run config:reload`: each
 * instance's view in memory (one process) or Redis (split), and the reload listener. Needs
 * LiveConfig (SettingsModule), the process identity and, split, RedisModule.
 */
@Global()
@Module({
  providers: [
    ConfigSync,
    {
      provide: ConfigViews,
      inject: [PROCESS_IDENTITY, HealthSettings, ModuleRef],
      useFactory: (identity: ProcessIdentity, health: HealthSettings, refs: ModuleRef): ConfigViews => {
        if (identity.topology.isSingleProcess) return new MemoryConfigViews(() => refs.get(ConfigSync).view());
        const redis = refs.get(RedisConnections, { strict: false });
        return new RedisConfigViews(redis.command, redis.keys, health.heartbeatMs * MISSED_BEATS);
      },
    },
  ],
  exports: [ConfigViews],
})
export class ConfigSyncModule {}
