import { Logger } from '@nestjs/common';
import { ConfigSchema, LoadedConfig, SettingEntry } from './config-schema';
import { ConfigSources } from './config-sources';
import { describeChange, fingerprint, plain, shown } from './masking';
import { Env } from './setting';
import { applySettings, SettingsClass, SettingsError } from './settings-group';

export interface ReloadRequest {
  /** What asked: `file config/resilience.json`, `redis`, `SIGHUP`... (for the logs). */
  trigger: string;
  /** Values laid over the environment until the process stops (live settings only). */
  overrides?: Env;
  /** Drops the overrides earlier reloads carried. */
  resetOverrides?: boolean;
}

export interface ReloadOutcome {
  trigger: string;
  at: string;
  /** `applied`: live settings changed; `unchanged`: nothing live changed; `refused`: nothing applied. */
  status: 'applied' | 'unchanged' | 'refused';
  /** Applied, one line per changed value (secrets masked). */
  changed: string[];
  /** Changed in the sources, not applied: these settings are read once at start. */
  needsRestart: string[];
  /** Why a refused change was refused. */
  problems: string[];
}

/** A setting as /config shows it. */
export interface SettingView {
  value: unknown;
  source: string;
  live: boolean;
  /** Changed in the sources since start, waiting for a restart (masked like `value`). */
  pendingRestart?: unknown;
}

export interface ConfigView {
  settings: Record<string, SettingView>;
  /** Reload overrides in force (`npm run config:reload -- NAME=value`), masked. */
  overrides: Record<string, unknown>;
  lastReload?: ReloadOutcome;
}

/**
 * The running configuration of a process: the validated settings instances the libs were
 * given, and the reload that re-reads every source, applies what is safe live (in place,
 * then each lib's `onSettingsChange` listeners), reports what needs a restart, and refuses
 * an invalid change whole, keeping what runs.
 */
export class LiveConfig {
  private readonly logger = new Logger('Config');
  private running: Map<string, SettingEntry>;
  private pending = new Map<string, SettingEntry>();
  private last?: ReloadOutcome;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly reloadListeners = new Set<(outcome: ReloadOutcome) => void>();

  constructor(
    readonly schema: ConfigSchema,
    readonly sources: ConfigSources,
    private loaded: LoadedConfig,
    /** Every setting of the codebase, hosted here or not: tells an override's typo from a setting of another process. */
    private readonly known: ConfigSchema = schema,
  ) {
    this.running = byKey(loaded.entries);
  }

  /** The settings instance of a group this process hosts. */
  get<T>(group: SettingsClass<T>): T {
    const settings = this.loaded.groups.get(group);
    if (!settings) throw new Error(`${group.spec.name} settings are not part of this process's configuration`);
    return settings as T;
  }

  has(group: SettingsClass): boolean {
    return this.loaded.groups.has(group);
  }

  /** The config files the settings come from: what a watcher watches. */
  files(): string[] {
    return [...new Set([...this.sources.read().envFiles, ...this.loaded.files])];
  }

  /**
   * Variables with Cleave's prefix that no lib declares: most likely a typo, which would
   * otherwise be ignored in silence. `tooling` names the ones scripts and tests read.
   */
  undeclared(tooling: readonly string[] = []): string[] {
    return Object.keys(this.sources.read().env).filter((name) => name.startsWith('CLEAVE_') && !this.known.declares(name) && !tooling.includes(name));
  }

  onReload(listener: (outcome: ReloadOutcome) => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }

  /** One reload at a time, in the order asked. */
  reload(request: ReloadRequest): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.reloadNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  view(): ConfigView {
    const settings: Record<string, SettingView> = {};
    for (const [key, entry] of this.running) {
      const view: SettingView = { value: shown(entry.setting, entry.value), source: entry.source, live: entry.setting.live };
      const pending = this.pending.get(key);
      if (pending) view.pendingRestart = shown(pending.setting, pending.value);
      settings[key] = view;
    }
    for (const [key, pending] of this.pending) {
      if (!this.running.has(key)) settings[key] = { value: null, source: 'default', live: false, pendingRestart: shown(pending.setting, pending.value) };
    }
    const overrides: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this.sources.currentOverrides)) {
      const setting = this.schema.settingOf(name);
      overrides[name] = setting ? shown(setting, value) : value;
    }
    return { settings, overrides, ...(this.last ? { lastReload: this.last } : {}) };
  }

  private async reloadNow(request: ReloadRequest): Promise<ReloadOutcome> {
    const problems: string[] = [];
    let previousOverrides: Env | undefined;
    if (request.overrides || request.resetOverrides) {
      const checked = this.checkOverrides(request.overrides ?? {}, problems);
      if (!problems.length) previousOverrides = this.sources.setOverrides({ ...(request.resetOverrides ? {} : this.sources.currentOverrides), ...checked });
    }
    let next: LoadedConfig | undefined;
    if (!problems.length) {
      try {
        next = this.schema.load(this.sources.read());
      } catch (error) {
        problems.push(...(error instanceof SettingsError ? error.problems : [(error as Error).message]));
      }
    }
    if (!next) {
      if (previousOverrides) this.sources.setOverrides(previousOverrides);
      return this.finish({ trigger: request.trigger, status: 'refused', changed: [], needsRestart: [], problems });
    }

    const changed: string[] = [];
    const needsRestart: string[] = [];
    const apply = new Map<SettingsClass, Record<string, unknown>>();
    const nextEntries = byKey(next.entries);
    this.pending.clear();
    for (const key of new Set([...this.running.keys(), ...nextEntries.keys()])) {
      const before = this.running.get(key);
      const after = nextEntries.get(key);
      const entry = (after ?? before)!;
      if (fingerprint(before?.value) === fingerprint(after?.value)) {
        if (before && after && entry.setting.live) this.running.set(key, after);
        continue;
      }
      const lines = describeChange(key, before && shown(before.setting, before.value), after && shown(after.setting, after.value));
      if (entry.setting.live && after) {
        changed.push(...lines);
        this.running.set(key, after);
        const fields = apply.get(entry.group) ?? {};
        fields[entry.field] = (next.groups.get(entry.group) as Record<string, unknown>)[entry.field];
        apply.set(entry.group, fields);
      } else {
        needsRestart.push(...lines);
        this.pending.set(key, after ?? { ...entry, value: undefined });
      }
    }
    for (const [group, fields] of apply) {
      for (const failure of applySettings(this.loaded.groups.get(group)!, fields)) {
        this.logger.error(`Applying ${group.spec.name} settings failed in a listener: ${failure.message}`, failure.stack);
      }
    }
    this.loaded = { ...this.loaded, files: next.files };
    return this.finish({ trigger: request.trigger, status: changed.length ? 'applied' : 'unchanged', changed, needsRestart, problems: [] });
  }

  /** Overrides name settings this codebase has and that may change live; the others are refused. */
  private checkOverrides(overrides: Env, problems: string[]): Env {
    const checked: Env = {};
    for (const [name, value] of Object.entries(overrides)) {
      const setting = this.known.settingOf(name);
      if (!setting) problems.push(`${name} is not a setting of Cleave`);
      else if (!setting.live) problems.push(`${name} is read once at start: set it in the process's environment or files and restart it`);
      else if (this.schema.declares(name)) checked[name] = value;
    }
    return checked;
  }

  private finish(result: Omit<ReloadOutcome, 'at'>): ReloadOutcome {
    const outcome: ReloadOutcome = { ...result, at: new Date().toISOString() };
    this.last = outcome;
    const trigger = `(${outcome.trigger})`;
    if (outcome.status === 'refused') {
      this.logger.warn(`Configuration change refused ${trigger}, keeping the current settings:\n  - ${outcome.problems.join('\n  - ')}`);
    } else if (outcome.changed.length) {
      this.logger.log(`Configuration reloaded ${trigger}, applied: ${outcome.changed.join('; ')}`);
    } else if (!outcome.needsRestart.length) {
      this.logger.log(`Configuration reloaded ${trigger}: nothing changed`);
    }
    if (outcome.needsRestart.length) {
      this.logger.warn(`Configuration changed ${trigger} but not applied, these settings need a restart: ${outcome.needsRestart.join('; ')}`);
    }
    for (const listener of this.reloadListeners) listener(plain(outcome) as ReloadOutcome);
    return outcome;
  }
}

function byKey(entries: readonly SettingEntry[]): Map<string, SettingEntry> {
  return new Map(entries.map((e) => [e.key, e]));
}
