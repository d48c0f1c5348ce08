import { z } from 'zod';

/** Raw settings by name, as the environment and the env files give them. */
export type Env = Record<string, string | undefined>;

/** What a default, a file path or a check may look at besides the setting itself. */
export interface SettingContext {
  /** Every source merged (app defaults, env files, environment, reload overrides). */
  readonly env: Env;
  /** Where the config files live (CLEAVE_CONFIG_DIR, default `config`). */
  readonly configDir: string;
  /** The domain modules the codebase has. */
  readonly modules: readonly string[];
}

/**
 * How a setting is shown: `value` hides it whole (a password), `url` hides the password of a
 * URL only (`postgres://user:****@host/db`).
 */
export type Secrecy = false | 'value' | 'url';

/** What every kind of setting says about itself: the docs, and whether it may change live. */
export interface SettingMeta {
  /** One line for `.env.example` and the README: what it does, in the operator's words. */
  doc: string;
  /** Safe to change while running: a reload applies it and tells the lib. Otherwise it waits for a restart. */
  live?: boolean;
  secret?: Secrecy;
  /** The default as the docs show it, when it is not a plain value (computed, or none). */
  defaultDoc?: string;
  /** A secret's shortest length production accepts, in bytes (default 12; see secret-strength.ts). */
  minSecretBytes?: number;
  /** Values of a secret that are published (a development default): refused in production. */
  publicValues?: readonly string[];
}

interface Described {
  readonly doc: string;
  readonly live: boolean;
  readonly secret: Secrecy;
  readonly defaultDoc?: string;
  readonly minSecretBytes?: number;
  readonly publicValues?: readonly string[];
}

/** One variable: `CLEAVE_CACHE_TTL_MS`. Its schema sees the trimmed value, or the default, or undefined. */
export interface EnvSetting<T> extends Described {
  readonly kind: 'env';
  readonly name: string;
  readonly default?: string | ((context: SettingContext) => string | undefined);
  readonly schema: z.ZodType<T, string | undefined>;
}

/** A variable per key: `DATABASE_URL_<MODULE>`, read as `{ orders: '...' }` (keys lower-cased). */
export interface FamilySetting<T> extends Described {
  readonly kind: 'family';
  readonly prefix: string;
  /** What the key stands for in the docs: `DATABASE_URL_<MODULE>`. */
  readonly placeholder: string;
  readonly schema: z.ZodType<T, string>;
}

/** A JSON file under the config dir (`config/resilience.json`), parsed and checked by its lib. */
export interface FileSetting<T> extends Described {
  readonly kind: 'file';
  /** How /config and the logs call it. */
  readonly name: string;
  /** The file as the docs name it: `config/resilience.json`. */
  readonly fileDoc: string;
  /** The file, relative to the config dir unless absolute. */
  readonly path: (context: SettingContext) => string;
  /** Throws an Error whose message says what is wrong (it is shown as is). */
  readonly parse: (raw: unknown, file: string, context: SettingContext) => T;
  /** The value when the file does not exist; without it a missing file is a problem. */
  readonly missing?: (file: string, context: SettingContext) => T;
}

export type Setting<T = unknown> = EnvSetting<T> | FamilySetting<T> | FileSetting<T>;
export type ValueOf<S> = S extends FamilySetting<infer T> ? Record<string, T> : S extends Setting<infer T> ? T : never;

function describe(meta: SettingMeta): Described {
  return { doc: meta.doc, live: meta.live ?? false, secret: meta.secret ?? false, defaultDoc: meta.defaultDoc, minSecretBytes: meta.minSecretBytes, publicValues: meta.publicValues };
}

const got = (input: unknown) => `got ${JSON.stringify(input)}`;

/**
 * An integer as text, checked against a range. One message for every way it can be wrong,
 * naming what was given, so the operator sees the fix at once.
 */
function integer(min: number, max: number) {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `between ${min} and ${max}`;
  const message = (input: unknown) => `must be an integer ${range}, ${got(input)}`;
  return z.string({ error: 'is required' }).transform((raw, ctx) => {
    const value = Number(raw);
    if (!/^[+-]?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: message(raw) });
      return z.NEVER;
    }
    return value;
  });
}

function decimal(min: number, max: number) {
  return z.string({ error: 'is required' }).transform((raw, ctx) => {
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value) || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `must be a number between ${min} and ${max}, ${got(raw)}` });
      return z.NEVER;
    }
    return value;
  });
}

type Default<T> = T | ((context: SettingContext) => T | undefined);

function rawDefault<T>(value: Default<T> | undefined, show: (v: T) => string = String): EnvSetting<unknown>['default'] {
  if (value === undefined) return undefined;
  if (typeof value === 'function') {
    const compute = value as (context: SettingContext) => T | undefined;
    return (context) => {
      const computed = compute(context);
      return computed === undefined ? undefined : show(computed);
    };
  }
  return show(value);
}

/**
 * The builders a lib declares its settings with. Each takes the variable's name, its
 * default and its docs; `live: true` marks it safe to change while running.
 */
export const setting = {
  int(name: string, options: SettingMeta & { default: Default<number>; min?: number; max?: number }): EnvSetting<number> {
    return { kind: 'env', name, default: rawDefault(options.default), schema: integer(options.min ?? 0, options.max ?? Number.MAX_SAFE_INTEGER), ...describe(options) };
  },

  number(name: string, options: SettingMeta & { default: Default<number>; min: number; max: number }): EnvSetting<number> {
    return { kind: 'env', name, default: rawDefault(options.default), schema: decimal(options.min, options.max), ...describe(options) };
  },

  /** A string; required when it has no default. */
  string(name: string, options: SettingMeta & { default?: Default<string>; pattern?: RegExp; expected?: string }): EnvSetting<string> {
    let schema = z.string({ error: 'is required' });
    if (options.pattern) {
      const pattern = options.pattern;
      schema = schema.refine((v) => pattern.test(v), { error: (iss) => `must be ${options.expected ?? `like ${pattern}`}, ${got(iss.input)}` });
    }
    return { kind: 'env', name, default: rawDefault(options.default), schema, ...describe(options) };
  },

  /** A string that may be unset (undefined). */
  optional(name: string, options: SettingMeta): EnvSetting<string | undefined> {
    return { kind: 'env', name, schema: z.string().optional(), ...describe(options) };
  },

  oneOf<const V extends string>(name: string, values: readonly V[], options: SettingMeta & { default: Default<V>; caseInsensitive?: boolean }): EnvSetting<V> {
    const schema = z.string({ error: 'is required' }).transform((raw, ctx) => {
      const value = (options.caseInsensitive ? raw.toLowerCase() : raw) as V;
      if (values.includes(value)) return value;
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}, ${got(raw)}` });
      return z.NEVER;
    });
    return { kind: 'env', name, default: rawDefault(options.default), schema, ...describe(options) };
  },

  boolean(name: string, options: SettingMeta & { default: Default<boolean> }): EnvSetting<boolean> {
    const schema = z.string({ error: 'is required' }).transform((raw, ctx) => {
      const value = raw.toLowerCase();
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, ${got(raw)}` });
      return z.NEVER;
    });
    return { kind: 'env', name, default: rawDefault(options.default), schema, ...describe(options) };
  },

  /**
   * A URL with one of the given schemes (`redis:`, `postgres:`...). Give `secret: 'url'` when
   * it may carry a password.
   */
  url(name: string, options: SettingMeta & { default?: Default<string>; protocols: readonly string[] }): EnvSetting<string> {
    const schema = z.string({ error: 'is required' }).refine((raw) => hasProtocol(raw, options.protocols), {
      error: (iss) => `must be a URL starting with ${options.protocols.map((p) => `${p}//`).join(' or ')}, got ${JSON.stringify(maskUrlPassword(String(iss.input)))}`,
    });
    return { kind: 'env', name, default: rawDefault(options.default), schema, ...describe(options) };
  },

  /**
   * Anything else: a zod schema from the raw text (undefined when unset and without default)
   * to the value. Its issues' messages are shown after the setting's name.
   */
  custom<T>(name: string, schema: z.ZodType<T, string | undefined>, options: SettingMeta & { default?: string }): EnvSetting<T> {
    return { kind: 'env', name, default: options.default, schema, ...describe(options) };
  },

  /** `DATABASE_URL_<MODULE>`: every set variable with the prefix, by lower-cased key. */
  family<T>(prefix: string, placeholder: string, schema: z.ZodType<T, string>, options: SettingMeta): FamilySetting<T> {
    return { kind: 'family', prefix, placeholder, schema, ...describe(options) };
  },

  /** A JSON file of the config dir, e.g. `resilience.json`. */
  jsonFile<T>(
    name: string,
    options: SettingMeta & {
      file: string | ((context: SettingContext) => string);
      /** The file as the docs name it, when `file` is computed. */
      fileDoc?: string;
      parse: FileSetting<T>['parse'];
      missing?: FileSetting<T>['missing'];
    },
  ): FileSetting<T> {
    const file = options.file;
    return {
      kind: 'file',
      name,
      path: typeof file === 'string' ? () => file : file,
      fileDoc: options.fileDoc ?? `config/${typeof file === 'string' ? file : name}`,
      parse: options.parse,
      missing: options.missing,
      ...describe(options),
    };
  },
};

function hasProtocol(raw: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(raw).protocol);
  } catch {
    return false;
  }
}

/** `redis://user:secret@host` → `redis://user:****@host`; anything else as is. */
export function maskUrlPassword(raw: string): string {
  // Up to the last `@` of the authority: a password may hold an unencoded `@` (`u:p@ss@host`).
  const masked = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    if (colon >= 0) return `${scheme}${userinfo.slice(0, colon)}:****@`;
    // `redis://secret@host`: a lone userinfo may be a password (redis-cli reads it so).
    return scheme.startsWith('redis') ? `${scheme}****@` : match;
  });
  // ioredis also takes `?password=`.
  return masked.replace(/([?&]password=)[^&#]*/gi, '$1****');
}
