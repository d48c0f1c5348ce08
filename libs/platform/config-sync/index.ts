// The configuration of the whole system: each instance's view (GET /config) and reloads over Redis.
export { ConfigSync } from './config-sync.service';
export { ConfigSyncModule } from './config-sync.module';
export { ConfigViews, InstanceConfigView, RedisConfigViews } from './config-views';
export { ReloadMessage, ReloadReply } from './reload-messages';
export { ReloadResult, requestReload } from './reload-request';
