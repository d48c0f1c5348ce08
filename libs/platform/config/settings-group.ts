import { Env, Setting, SettingContext, ValueOf } from './setting';

export type SettingsShape = Record<string, Setting<any>>;
export type SettingsValues<S extends SettingsShape> = { -readonly [K in keyof S]: ValueOf<S[K]> };

export interface GroupSpec<V = any> {
  /** Unique; the key of the group in @nestjs/config's validated config. */
  readonly name: string;
  /** Heading of the group in `.env.example` and the README. */
  readonly title: string;
  readonly shape: SettingsShape;
  /** Problems no single setting shows (two that must be set together...), each naming its settings. */
  readonly check?: (values: any, context: SettingContext) => string[];
}

/** A lib's settings class: inject it as a class (`constructor(settings: CacheSettings)`). */
export interface SettingsClass<V = any> {
  new (): V;
  readonly spec: GroupSpec<V>;
  /** Reads the group from a plain environment (defaults for the rest), as tests do; throws SettingsError. */
  from<T>(this: new () => T, env?: Env, modules?: readonly string[]): T;
}

/** A wrong or missing setting: every problem, each naming its setting and why. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0] : `the configuration is invalid:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Declares a lib's settings next to its code:
 *
 *   export class CacheSettings extends defineSettings('cache', 'Read cache', {
 *     ttlMs: setting.int('CLEAVE_CACHE_TTL_MS', { default: 30_000, live: true, doc: '...' }),
 *   }) {}
 *
 * The host assembles every hosted lib's class into the process's one configuration; Nest
 * injects the validated instance. Live settings change in place on a reload (read them at
 * use, or subscribe with `onSettingsChange`); the others never change while running.
 */
export function defineSettings<S extends SettingsShape>(
  name: string,
  title: string,
  shape: S,
  check?: (values: SettingsValues<S>, context: SettingContext) => string[],
): SettingsClass<Readonly<SettingsValues<S>>> {
  const spec: GroupSpec = { name, title, shape, check };
  class Settings {
    static readonly spec = spec;
    static from<T>(this: new () => T, env: Env = {}, modules: readonly string[] = []): T {
      return readGroup(this as unknown as SettingsClass<T>, env, modules);
    }
  }
  return Settings as unknown as SettingsClass<Readonly<SettingsValues<S>>>;
}

/** Set by config-schema.ts: reading one group alone (`Settings.from`) goes through the same code. */
let readGroup: <T>(group: SettingsClass<T>, env: Env, modules: readonly string[]) => T = () => {
  throw new Error('config-schema.ts is not loaded');
};

export function setGroupReader(reader: typeof readGroup): void {
  readGroup = reader;
}

type Listener<T> = (current: T, previous: T) => void;
const listeners = new WeakMap<object, Set<Listener<any>>>();

/**
 * Calls `listener` after each reload that changed a live setting of `settings` (the injected
 * instance), with the instance (already updated) and a copy of what it was. Returns the
 * unsubscribe function. A listener must not throw: the change is already validated.
 */
export function onSettingsChange<T extends object>(settings: T, listener: Listener<T>): () => void {
  let set = listeners.get(settings);
  if (!set) listeners.set(settings, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Changes live values of a settings instance in place and tells its listeners; how a reload
 * applies a change, and how a unit test makes one. Returns the listeners' failures.
 */
export function applySettings<T extends object>(settings: T, changes: Partial<T>): Error[] {
  const previous = Object.assign(Object.create(Object.getPrototypeOf(settings)) as T, settings);
  Object.assign(settings, changes);
  const failures: Error[] = [];
  for (const listener of listeners.get(settings) ?? []) {
    try {
      listener(settings, previous);
    } catch (error) {
      failures.push(error as Error);
    }
  }
  return failures;
}
