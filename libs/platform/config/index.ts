// The configuration of a process: each lib's settings class, checked together at start
// (through @nestjs/config), and reloaded live where a setting is safe to change.
export { ConfigSchema, LoadedConfig, SettingEntry } from './config-schema';
export { ConfigSources, ReadSources } from './config-sources';
export { ConfigSettings } from './config.settings';
export { ConfigView, LiveConfig, ReloadOutcome, ReloadRequest, SettingView } from './live-config';
export { MASK } from './masking';
export { Env, maskUrlPassword, Setting, SettingContext, SettingMeta, setting } from './setting';
export { applySettings, defineSettings, onSettingsChange, SettingsClass, SettingsError } from './settings-group';
export { LoadOptions, SettingsModule } from './settings.module';
export { renderEnvExample, renderReference, replaceBetween } from './config-docs';
