import { DynamicModule, Global, Module } from '@nestjs/common';
import { PLATFORM_SETTINGS, PlatformSettings } from './platform.settings';

/** Makes the settings read at start injectable everywhere as PLATFORM_SETTINGS. */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: PlatformSettings): DynamicModule {
    const provider = { provide: PLATFORM_SETTINGS, useValue: settings };
    return { module: SettingsModule, providers: [provider], exports: [provider] };
  }
}
