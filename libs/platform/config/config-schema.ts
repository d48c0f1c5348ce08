import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { ReadSources } from './config-sources';
import { Env, Setting, SettingContext } from './setting';
import { weakSecretProblems } from './secret-strength';
import { setGroupReader, SettingsClass, SettingsError } from './settings-group';

/** One setting as loaded: where it is in its group, its value and where that came from. */
export interface SettingEntry {
  /** The variable (`LOG_LEVEL`), the family member (`DATABASE_URL_ORDERS`) or the file setting's name. */
  key: string;
  group: SettingsClass;
  field: string;
  setting: Setting;
  value: unknown;
  /** `default`, `app default`, `config/test.env`, `.env`, `environment`, `reload override`, or a file path. */
  source: string;
}

export interface LoadedConfig {
  groups: Map<SettingsClass, object>;
  entries: SettingEntry[];
  /** JSON files the settings were read from (existing or not), to watch them. */
  files: string[];
}

/**
 * The one configuration of a process: the settings classes of every lib it hosts, checked
 * together. The host assembles it; `load` validates every source at once and lists every
 * problem, each with its setting's name and the reason.
 */
export class ConfigSchema {
  private constructor(
    readonly groups: readonly SettingsClass[],
    readonly modules: readonly string[],
  ) {
    const names = new Map<string, string>();
    for (const group of groups) {
      for (const setting of Object.values(group.spec.shape)) {
        const key = keyOf(setting);
        const owner = names.get(key);
        if (owner) throw new Error(`setting ${key} is declared twice (by ${owner} and ${group.spec.name})`);
        names.set(key, group.spec.name);
      }
    }
  }

  static of(groups: readonly SettingsClass[], modules: readonly string[] = []): ConfigSchema {
    return new ConfigSchema([...new Set(groups)], modules);
  }

  /** Every setting name this schema reads (families as their prefix followed by `*`). */
  names(): string[] {
    return this.groups.flatMap((g) => Object.values(g.spec.shape).map(keyOf));
  }

  /** Every variable this schema reads (families as `DATABASE_URL_<MODULE>`), file settings aside. */
  variables(): string[] {
    return this.groups.flatMap((g) => Object.values(g.spec.shape).filter((s) => s.kind !== 'file').map(keyOf));
  }

  /** Whether a variable is one of this schema's settings. */
  declares(name: string): boolean {
    return this.groups.some((g) => Object.values(g.spec.shape).some((s) => matches(s, name)));
  }

  /** The setting a variable names, if any. */
  settingOf(name: string): Setting | undefined {
    for (const g of this.groups) for (const s of Object.values(g.spec.shape)) if (matches(s, name)) return s;
    return undefined;
  }

  load(sources: Pick<ReadSources, 'env' | 'origins' | 'configDir'>): LoadedConfig {
    const context: SettingContext = { env: sources.env, configDir: sources.configDir, modules: this.modules };
    const problems: string[] = [];
    const groups = new Map<SettingsClass, object>();
    const entries: SettingEntry[] = [];
    const files: string[] = [];
    const production = sources.env.NODE_ENV === 'production';
    for (const group of this.groups) {
      const values: Record<string, unknown> = {};
      let valid = true;
      for (const [field, setting] of Object.entries(group.spec.shape)) {
        const read = readSetting(setting, context, sources.origins);
        if (setting.kind === 'file') files.push(read.source);
        if (read.problems.length) {
          problems.push(...read.problems);
          valid = false;
          continue;
        }
        values[field] = read.value;
        // Production refuses a guessable secret here, for every lib at once, naming the setting.
        if (production) {
          const weak = weakSecretProblems(keyOf(setting), setting, read.value);
          if (weak.length) {
            problems.push(...weak);
            valid = false;
          }
        }
        for (const entry of read.entries) entries.push({ ...entry, group, field, setting });
      }
      if (valid && group.spec.check) problems.push(...group.spec.check(values, context));
      groups.set(group, Object.assign(new group(), values));
    }
    if (problems.length) throw new SettingsError(problems);
    return { groups, entries, files };
  }
}

interface ReadSetting {
  value?: unknown;
  problems: string[];
  entries: Array<{ key: string; value: unknown; source: string }>;
  source: string;
}

function readSetting(setting: Setting, context: SettingContext, origins: Record<string, string>): ReadSetting {
  if (setting.kind === 'env') {
    const given = context.env[setting.name];
    const raw = given ?? (typeof setting.default === 'function' ? setting.default(context) : setting.default);
    const source = given !== undefined ? (origins[setting.name] ?? 'environment') : 'default';
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) return { problems: issues(setting.name, parsed.error), entries: [], source };
    return { value: parsed.data, problems: [], entries: [{ key: setting.name, value: parsed.data, source }], source };
  }
  if (setting.kind === 'family') {
    const value: Record<string, unknown> = {};
    const problems: string[] = [];
    const entries: ReadSetting['entries'] = [];
    for (const [name, raw] of Object.entries(context.env)) {
      if (!name.startsWith(setting.prefix) || name.length === setting.prefix.length || raw === undefined) continue;
      const parsed = setting.schema.safeParse(raw);
      if (!parsed.success) problems.push(...issues(name, parsed.error));
      else {
        value[name.slice(setting.prefix.length).toLowerCase()] = parsed.data;
        entries.push({ key: name, value: parsed.data, source: origins[name] ?? 'environment' });
      }
    }
    return { value, problems, entries, source: 'environment' };
  }
  const path = setting.path(context);
  const file = isAbsolute(path) ? path : join(context.configDir, path);
  if (!existsSync(file)) {
    if (!setting.missing) return { problems: [`${setting.name}: no file ${file}`], entries: [], source: file };
    try {
      const value = setting.missing(file, context);
      return { value, problems: [], entries: [{ key: setting.name, value, source: `built-in (no ${file})` }], source: file };
    } catch (error) {
      return { problems: [(error as Error).message], entries: [], source: file };
    }
  }
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    const value = setting.parse(raw, file, context);
    return { value, problems: [], entries: [{ key: setting.name, value, source: file }], source: file };
  } catch (error) {
    return { problems: [(error as Error).message], entries: [], source: file };
  }
}

function issues(name: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${name} ${issue.message}`);
}

export function keyOf(setting: Setting): string {
  if (setting.kind === 'env') return setting.name;
  if (setting.kind === 'family') return `${setting.prefix}<${setting.placeholder}>`;
  return setting.name;
}

function matches(setting: Setting, name: string): boolean {
  if (setting.kind === 'env') return setting.name === name;
  if (setting.kind === 'family') return name.startsWith(setting.prefix) && name.length > setting.prefix.length;
  return false;
}

setGroupReader(<T>(group: SettingsClass<T>, env: Env, modules: readonly string[]) => {
  // As the sources give values: trimmed, and empty as unset.
  const given: Env = {};
  for (const [name, value] of Object.entries(env)) if (value?.trim()) given[name] = value.trim();
  return ConfigSchema.of([group], modules).load({ env: given, origins: {}, configDir: 'config' }).groups.get(group) as T;
});
