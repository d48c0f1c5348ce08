// Settings read once at start and checked: the readers and the platform's own settings.
export { Env, readInt, readOptional, readString, SettingsError } from './env';
export { PLATFORM_SETTINGS, PlatformSettings, readPlatformSettings } from './platform.settings';
export { SettingsModule } from './settings.module';
