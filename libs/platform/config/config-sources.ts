import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse } from 'dotenv';
import { Env } from './setting';

/** Where a value came from, lowest first: the order in which sources override each other. */
export const SOURCE_ORDER = ['default', 'app default', 'env file', '.env', 'environment', 'reload override'] as const;

export interface ReadSources {
  /** Every source merged, each over the ones before it; empty values count as unset. */
  env: Env;
  /** For each name set somewhere: the source its value came from (`config/test.env`, `.env`, ...). */
  origins: Record<string, string>;
  configDir: string;
  /** The env files this read looked at, existing or not (to watch them). */
  envFiles: string[];
}

export interface SourceOptions {
  /** The process's environment at start (it cannot change while the process runs). */
  environment: Env;
  /** The app's own defaults, e.g. CLEAVE_TOPOLOGY=split for a service app. */
  appDefaults?: Env;
  /** Where `.env` is and relative paths start; the process's working directory by default. */
  cwd?: string;
}

/**
 * The sources of a process's settings, in order: the schema's defaults, the app's defaults,
 * `<CLEAVE_CONFIG_DIR>/<NODE_ENV>.env`, `.env`, the environment, and the overrides a reload
 * carried (`npm run config:reload -- NAME=value`). Read again on every reload, so an edited
 * file takes effect; the environment is the one the process started with.
 */
export class ConfigSources {
  private overrides: Env = {};
  readonly cwd: string;

  constructor(private readonly options: SourceOptions) {
    this.cwd = options.cwd ?? process.cwd();
  }

  /** The environment of this process, copied before anything (such as @nestjs/config) adds to it. */
  static fromProcess(appDefaults: Env = {}): ConfigSources {
    return new ConfigSources({ environment: { ...process.env }, appDefaults });
  }

  get environment(): Env {
    return this.options.environment;
  }

  get currentOverrides(): Env {
    return { ...this.overrides };
  }

  /** Replaces the reload overrides; returns the previous ones (to put back if a reload is refused). */
  setOverrides(overrides: Env): Env {
    const previous = this.overrides;
    this.overrides = { ...overrides };
    return previous;
  }

  read(): ReadSources {
    const dotenvFile = resolve(this.cwd, '.env');
    const dotenv = readEnvFile(dotenvFile);
    const environment = this.options.environment;
    // The env file to read depends on two settings that can only come from above it.
    const pick = (name: string) => nonEmpty(environment[name]) ?? nonEmpty(dotenv[name]) ?? nonEmpty(this.options.appDefaults?.[name]);
    const configDir = resolve(this.cwd, pick('CLEAVE_CONFIG_DIR') ?? 'config');
    const nodeEnv = pick('NODE_ENV') ?? 'development';
    const envFile = join(configDir, `${safeName(nodeEnv)}.env`);
    const layers: Array<[string, Env]> = [
      ['app default', this.options.appDefaults ?? {}],
      [this.display(envFile), readEnvFile(envFile)],
      ['.env', dotenv],
      ['environment', environment],
      ['reload override', this.overrides],
    ];
    const env: Env = {};
    const origins: Record<string, string> = {};
    for (const [label, values] of layers) {
      for (const [name, value] of Object.entries(values)) {
        const set = nonEmpty(value);
        if (set === undefined) continue;
        env[name] = set;
        origins[name] = label;
      }
    }
    return { env, origins, configDir, envFiles: [envFile, dotenvFile] };
  }

  /** A path as the operator reads it: relative to the working directory when inside it. */
  display(file: string): string {
    const path = relative(this.cwd, file);
    return path && !path.startsWith('..') && !isAbsolute(path) ? path : file;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** NODE_ENV names a file: a value with a slash must not reach outside the config dir. */
function safeName(nodeEnv: string): string {
  return nodeEnv.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function readEnvFile(file: string): Env {
  if (!existsSync(file)) return {};
  // dotenv's parser, as @nestjs/config reads env files.
  return parse(readFileSync(file));
}
