import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ConfigSchema, LoadedConfig } from './config-schema';
import { ConfigSources } from './config-sources';
import { ConfigSettings } from './config.settings';
import { ConfigWatcher } from './config-watcher';
import { LiveConfig } from './live-config';
import { Env } from './setting';

export interface LoadOptions {
  /** The settings classes of every lib this process hosts. */
  schema: ConfigSchema;
  sources: ConfigSources;
  /** Every settings class of the codebase (to tell a typo from another process's setting). */
  known?: ConfigSchema;
}

const WATCHING = Symbol('WATCHING');

/**
 * The configuration of a process through @nestjs/config: ConfigModule's `validate` runs the
 * assembled schema over every source (so a bad setting stops the process before anything
 * starts), ConfigService holds the validated settings instance of each lib under its group
 * name, and each lib's settings class is injectable as itself. LiveConfig is the same
 * configuration as it runs: reloaded by a watched file, SIGHUP, or `npm run config:reload`.
 */
@Global()
@Module({})
export class SettingsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private watcher?: ConfigWatcher;
  private readonly onHangup = () => void this.config.reload({ trigger: 'SIGHUP' });

  constructor(
    private readonly config: LiveConfig,
    @Inject(WATCHING) private readonly watching: boolean,
  ) {}

  /**
   * Validates every source; throws SettingsError listing every problem. Returns the live
   * configuration (read it before Nest starts: logger, port) and the module to import.
   */
  static async load(options: LoadOptions): Promise<{ live: LiveConfig; module: DynamicModule }> {
    let loaded: LoadedConfig | undefined;
    const configModule = await ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      // ConfigSources reads the env files, in the documented order, and again on each reload.
      ignoreEnvFile: true,
      validate: () => {
        const read = options.sources.read();
        loaded = options.schema.load(read);
        return { ...fromFiles(read.env, read.origins), ...Object.fromEntries([...loaded.groups].map(([group, values]) => [group.spec.name, values])) };
      },
    });
    const config = new LiveConfig(options.schema, options.sources, loaded!, options.known);
    const groups: Provider[] = options.schema.groups.map((group) => ({
      provide: group,
      useFactory: (service: ConfigService) => service.getOrThrow(group.spec.name),
      inject: [ConfigService],
    }));
    const watching = config.has(ConfigSettings) && config.get(ConfigSettings).watch;
    const module: DynamicModule = {
      module: SettingsModule,
      imports: [configModule],
      providers: [{ provide: LiveConfig, useValue: config }, { provide: WATCHING, useValue: watching }, ...groups],
      exports: [LiveConfig, ...options.schema.groups],
    };
    return { live: config, module };
  }

  onApplicationBootstrap(): void {
    if (this.watching) {
      this.watcher = new ConfigWatcher(this.config);
      this.watcher.start();
    }
    process.on('SIGHUP', this.onHangup);
  }

  onApplicationShutdown(): void {
    this.watcher?.stop();
    process.off('SIGHUP', this.onHangup);
  }
}

/**
 * What the env files set and the environment does not: @nestjs/config copies these into
 * process.env, as loading `.env` always did, for the libraries that read it themselves
 * (OpenTelemetry's exporter, say).
 */
function fromFiles(env: Env, origins: Record<string, string>): Env {
  const out: Env = {};
  for (const [name, origin] of Object.entries(origins)) if (origin !== 'environment' && origin !== 'reload override' && origin !== 'app default') out[name] = env[name];
  return out;
}
