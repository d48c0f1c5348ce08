import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { ConfigSchema } from './config-schema';
import { ConfigSources } from './config-sources';
import { ConfigSettings } from './config.settings';
import { LiveConfig } from './live-config';
import { setting } from './setting';
import { applySettings, defineSettings, onSettingsChange, SettingsError } from './settings-group';
import { SettingsModule } from './settings.module';

class DemoSettings extends defineSettings(
  'demo',
  'Demo',
  {
    port: setting.int('DEMO_PORT', { default: 3000, max: 65_535, doc: 'a port' }),
    ratio: setting.number('DEMO_RATIO', { default: 0, min: 0, max: 1, live: true, doc: 'a share' }),
    level: setting.oneOf('DEMO_LEVEL', ['info', 'debug'], { default: 'info', caseInsensitive: true, live: true, doc: 'a level' }),
    flag: setting.boolean('DEMO_FLAG', { default: false, doc: 'a switch' }),
    url: setting.url('DEMO_URL', { default: 'redis://127.0.0.1:6379', protocols: ['redis:'], secret: 'url', doc: 'a server' }),
    name: setting.string('DEMO_NAME', { default: 'cleave', pattern: /^[a-z]+$/, expected: 'lower-case letters', doc: 'a name' }),
    password: setting.optional('DEMO_PASSWORD', { secret: 'value', doc: 'a secret' }),
    email: setting.custom('DEMO_EMAIL', z.email({ error: 'must be an email address' }).optional(), { doc: 'an address' }),
    urls: setting.family('DEMO_DB_', 'MODULE', z.string().startsWith('postgres://', { error: 'must be a postgres:// URL' }), { secret: 'url', doc: 'databases' }),
    policy: setting.jsonFile('policy', {
      file: 'policy.json',
      live: true,
      parse: (raw, file) => {
        const timeoutMs = (raw as { timeoutMs?: unknown }).timeoutMs;
        if (!Number.isInteger(timeoutMs)) throw new Error(`${file}: timeoutMs must be an integer, got ${JSON.stringify(timeoutMs)}`);
        return { timeoutMs: timeoutMs as number };
      },
      missing: () => ({ timeoutMs: 100 }),
      doc: 'a policy file',
    }),
  },
  (values) => (values.password && values.password.length < 8 ? ['DEMO_PASSWORD must be at least 8 characters long'] : []),
) {}

describe('a settings class', () => {
  it('reads defaults and typed values', () => {
    expect({ ...DemoSettings.from({}) }).toEqual({
      port: 3000,
      ratio: 0,
      level: 'info',
      flag: false,
      url: 'redis://127.0.0.1:6379',
      name: 'cleave',
      password: undefined,
      email: undefined,
      urls: {},
      policy: { timeoutMs: 100 },
    });
    const read = DemoSettings.from({ DEMO_PORT: ' 8080 ', DEMO_RATIO: '0.5', DEMO_LEVEL: 'DEBUG', DEMO_FLAG: 'true', DEMO_DB_ORDERS: 'postgres://x@h/o', DEMO_NAME: '' });
    expect(read).toMatchObject({ port: 8080, ratio: 0.5, level: 'debug', flag: true, urls: { orders: 'postgres://x@h/o' }, name: 'cleave' });
    expect(read).toBeInstanceOf(DemoSettings);
  });

  it.each([
    [{ DEMO_PORT: 'abc' }, 'DEMO_PORT must be an integer between 0 and 65535, got "abc"'],
    [{ DEMO_PORT: '70000' }, 'DEMO_PORT must be an integer between 0 and 65535, got "70000"'],
    [{ DEMO_PORT: '1.5' }, 'DEMO_PORT must be an integer between 0 and 65535, got "1.5"'],
    [{ DEMO_RATIO: '2' }, 'DEMO_RATIO must be a number between 0 and 1, got "2"'],
    [{ DEMO_LEVEL: 'loud' }, 'DEMO_LEVEL must be one of info, debug, got "loud"'],
    [{ DEMO_FLAG: 'yes' }, 'DEMO_FLAG must be true or false, got "yes"'],
    [{ DEMO_URL: 'http://x:secret@h' }, 'DEMO_URL must be a URL starting with redis://, got "http://x:****@h"'],
    [{ DEMO_NAME: 'Big' }, 'DEMO_NAME must be lower-case letters, got "Big"'],
    [{ DEMO_EMAIL: 'nobody' }, 'DEMO_EMAIL must be an email address'],
    [{ DEMO_DB_ORDERS: 'mysql://h' }, 'DEMO_DB_ORDERS must be a postgres:// URL'],
    [{ DEMO_PASSWORD: 'short' }, 'DEMO_PASSWORD must be at least 8 characters long'],
  ])('refuses %p: %s', (env, message) => {
    expect(() => DemoSettings.from(env)).toThrow(new SettingsError([message]));
  });

  it('lists every problem at once, each with its setting', () => {
    const error = catchError(() => DemoSettings.from({ DEMO_PORT: '-1', DEMO_LEVEL: 'x', DEMO_FLAG: 'maybe' }));
    expect(error.problems).toEqual([
      'DEMO_PORT must be an integer between 0 and 65535, got "-1"',
      'DEMO_LEVEL must be one of info, debug, got "x"',
      'DEMO_FLAG must be true or false, got "maybe"',
    ]);
    expect(error.message).toBe(`the configuration is invalid:\n  - ${error.problems.join('\n  - ')}`);
  });

  it('refuses a setting declared twice in one schema', () => {
    class Twice extends defineSettings('twice', 'Twice', { port: setting.int('DEMO_PORT', { default: 1, doc: 'again' }) }) {}
    expect(() => ConfigSchema.of([DemoSettings, Twice])).toThrow('setting DEMO_PORT is declared twice (by demo and twice)');
  });
});

describe('secrets in production', () => {
  const production = (env: Record<string, string>) => () => DemoSettings.from({ NODE_ENV: 'production', ...env });

  it.each([
    [{ DEMO_PASSWORD: 'qwerty' }, 'DEMO_PASSWORD is a well-known value that anyone would try first: set a random one in production'],
    [{ DEMO_PASSWORD: 'k3#Pz9!q' }, 'DEMO_PASSWORD is too short for production: 8 bytes, at least 12 needed (e.g. openssl rand -base64 32)'],
    [{ DEMO_URL: 'redis://:redis@h:6379' }, 'the password in DEMO_URL is a well-known value that anyone would try first: set a random one in production'],
    [{ DEMO_URL: 'redis://tiny@h:6379' }, 'the password in DEMO_URL is too short for production: 4 bytes, at least 12 needed (e.g. openssl rand -base64 32)'],
    [{ DEMO_DB_ORDERS: 'postgres://cleave:cleave@h/o' }, 'the password in DEMO_DB_ORDERS is a well-known value that anyone would try first: set a random one in production'],
  ])('refuses %p naming the setting', (env, message) => {
    expect(production(env)).toThrow(new SettingsError([message]));
    // The same values are fine outside production (the length rule of the check aside).
    expect(() => DemoSettings.from({ ...env, DEMO_PASSWORD: 'long-enough' })).not.toThrow();
  });

  it('accepts strong secrets and URLs without a password', () => {
    expect(production({ DEMO_PASSWORD: 'Zq8-vN2#kL0p', DEMO_URL: 'redis://h:6380', DEMO_DB_ORDERS: 'postgres://app:Zq8-vN2%23kL0pX@h/o' })()).toMatchObject({ password: 'Zq8-vN2#kL0p' });
  });
});

describe('the sources of a process', () => {
  let dir: string;
  const schema = ConfigSchema.of([ConfigSettings, DemoSettings]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cleave-config-spec-'));
    mkdirSync(join(dir, 'config'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sources = (environment: Record<string, string>, appDefaults = {}) => new ConfigSources({ environment, appDefaults, cwd: dir });
  const load = (s: ConfigSources) => schema.load(s.read());
  const demo = (s: ConfigSources) => load(s).groups.get(DemoSettings) as DemoSettings;
  const sourceOf = (s: ConfigSources, key: string) => load(s).entries.find((e) => e.key === key)?.source;

  it('lay defaults, app defaults, config/<NODE_ENV>.env, .env and the environment over each other, in that order', () => {
    writeFileSync(join(dir, 'config/development.env'), 'DEMO_PORT=1001\nDEMO_NAME=fromfile\nDEMO_LEVEL=debug\n');
    writeFileSync(join(dir, '.env'), 'DEMO_PORT=1002\nDEMO_NAME=dotenv\n');
    const s = sources({ DEMO_PORT: '1003' }, { DEMO_RATIO: '0.25' });
    expect(demo(s)).toMatchObject({ port: 1003, name: 'dotenv', level: 'debug', ratio: 0.25, flag: false });
    expect([sourceOf(s, 'DEMO_PORT'), sourceOf(s, 'DEMO_NAME'), sourceOf(s, 'DEMO_LEVEL'), sourceOf(s, 'DEMO_RATIO'), sourceOf(s, 'DEMO_FLAG')]).toEqual([
      'environment',
      '.env',
      'config/development.env',
      'app default',
      'default',
    ]);
  });

  it('pick the env file by NODE_ENV, from the environment or .env, and the config dir by CLEAVE_CONFIG_DIR', () => {
    writeFileSync(join(dir, 'config/development.env'), 'DEMO_PORT=1001\n');
    writeFileSync(join(dir, 'config/production.env'), 'DEMO_PORT=1010\n');
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere/staging.env'), 'DEMO_PORT=1020\n');
    expect(demo(sources({ NODE_ENV: 'production' })).port).toBe(1010);
    writeFileSync(join(dir, '.env'), 'NODE_ENV=production\n');
    expect(demo(sources({})).port).toBe(1010);
    expect(demo(sources({ NODE_ENV: 'staging', CLEAVE_CONFIG_DIR: join(dir, 'elsewhere') })).port).toBe(1020);
  });

  it('count an empty value as unset, so what is under it applies', () => {
    writeFileSync(join(dir, '.env'), 'DEMO_PORT=1002\n');
    expect(demo(sources({ DEMO_PORT: '' })).port).toBe(1002);
  });

  it('read JSON files under the config dir and refuse a broken one with its message', () => {
    expect(demo(sources({})).policy).toEqual({ timeoutMs: 100 });
    writeFileSync(join(dir, 'config/policy.json'), '{"timeoutMs": 250}');
    expect(demo(sources({})).policy).toEqual({ timeoutMs: 250 });
    writeFileSync(join(dir, 'config/policy.json'), '{"timeoutMs": "soon"}');
    expect(() => demo(sources({}))).toThrow(`${join(dir, 'config/policy.json')}: timeoutMs must be an integer, got "soon"`);
    writeFileSync(join(dir, 'config/policy.json'), '{nope');
    expect(() => demo(sources({}))).toThrow(/policy\.json is not valid JSON/);
  });

  describe('through @nestjs/config', () => {
    @Injectable()
    class UsesDemo {
      constructor(readonly settings: DemoSettings) {}
    }

    it('validates every source at start and serves each settings class, also in ConfigService', async () => {
      writeFileSync(join(dir, '.env'), 'DEMO_PORT=1002\nDEMO_UNRELATED=from-file\n');
      const { live, module } = await SettingsModule.load({ schema, sources: sources({ DEMO_LEVEL: 'debug', CLEAVE_CONFIG_WATCH: 'false' }) });
      @Module({ imports: [module], providers: [UsesDemo] })
      class AppModule {}
      const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
      const used = app.get(UsesDemo).settings;
      expect(used).toBe(live.get(DemoSettings));
      expect(used).toMatchObject({ port: 1002, level: 'debug' });
      expect(app.get(ConfigService).get('demo')).toBe(used);
      // What the files set reaches process.env for libraries that read it themselves, as .env always did.
      expect(process.env.DEMO_UNRELATED).toBe('from-file');
      delete process.env.DEMO_UNRELATED;
      await app.close();
    });

    it('stops with every problem', async () => {
      await expect(SettingsModule.load({ schema, sources: sources({ DEMO_PORT: 'x', DEMO_FLAG: 'x' }) })).rejects.toThrow(
        new SettingsError(['DEMO_PORT must be an integer between 0 and 65535, got "x"', 'DEMO_FLAG must be true or false, got "x"']),
      );
    });
  });

  describe('reloaded live', () => {
    const start = (environment: Record<string, string> = {}) => {
      const s = sources(environment);
      return new LiveConfig(schema, s, schema.load(s.read()));
    };

    beforeEach(() => {
      jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => jest.restoreAllMocks());

    it('applies a live change in place, tells the listeners and logs what changed', async () => {
      const config = start();
      const settings = config.get(DemoSettings);
      const seen: Array<[number, number]> = [];
      onSettingsChange(settings, (current, previous) => seen.push([previous.ratio, current.ratio]));
      writeFileSync(join(dir, '.env'), 'DEMO_RATIO=0.75\n');
      writeFileSync(join(dir, 'config/policy.json'), '{"timeoutMs": 300}');
      const outcome = await config.reload({ trigger: 'test' });
      expect(outcome).toMatchObject({ status: 'applied', changed: ['DEMO_RATIO: 0 → 0.75', 'policy.timeoutMs: 100 → 300'], needsRestart: [] });
      expect(settings).toMatchObject({ ratio: 0.75, policy: { timeoutMs: 300 } });
      expect(seen).toEqual([[0, 0.75]]);
      expect(Logger.prototype.log).toHaveBeenCalledWith('Configuration reloaded (test), applied: DEMO_RATIO: 0 → 0.75; policy.timeoutMs: 100 → 300');
      expect(config.view().settings.DEMO_RATIO).toEqual({ value: 0.75, source: '.env', live: true });
    });

    it('reports a change that needs a restart and applies none of it', async () => {
      const config = start();
      writeFileSync(join(dir, '.env'), 'DEMO_PORT=4000\nDEMO_PASSWORD=a-new-password\n');
      const outcome = await config.reload({ trigger: 'test' });
      expect(outcome).toMatchObject({ status: 'unchanged', changed: [], needsRestart: ['DEMO_PORT: 3000 → 4000', 'DEMO_PASSWORD: (unset) → "****"'] });
      expect(config.get(DemoSettings).port).toBe(3000);
      expect(config.view().settings.DEMO_PORT).toEqual({ value: 3000, source: 'default', live: false, pendingRestart: 4000 });
      expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('need a restart: DEMO_PORT: 3000 → 4000'));
    });

    it('refuses an invalid change whole, keeping what runs, and says so', async () => {
      const config = start();
      writeFileSync(join(dir, '.env'), 'DEMO_RATIO=0.5\nDEMO_LEVEL=loud\n');
      const outcome = await config.reload({ trigger: 'test' });
      expect(outcome).toMatchObject({ status: 'refused', problems: ['DEMO_LEVEL must be one of info, debug, got "loud"'] });
      expect(config.get(DemoSettings)).toMatchObject({ ratio: 0, level: 'info' });
      expect(Logger.prototype.warn).toHaveBeenCalledWith('Configuration change refused (test), keeping the current settings:\n  - DEMO_LEVEL must be one of info, debug, got "loud"');
      expect(config.view().lastReload).toMatchObject({ status: 'refused' });
    });

    it('lays overrides over the environment for live settings only, and drops them on reset', async () => {
      const config = start({ DEMO_RATIO: '0.1' });
      expect((await config.reload({ trigger: 'test', overrides: { DEMO_RATIO: '0.9' } })).status).toBe('applied');
      expect(config.get(DemoSettings).ratio).toBe(0.9);
      expect(config.view().settings.DEMO_RATIO.source).toBe('reload override');
      const refused = await config.reload({ trigger: 'test', overrides: { DEMO_PORT: '1', DEMO_TYPO: '1' } });
      expect(refused.problems).toEqual([
        'DEMO_PORT is read once at start: set it in the process\'s environment or files and restart it',
        'DEMO_TYPO is not a setting of Cleave',
      ]);
      expect(config.view().overrides).toEqual({ DEMO_RATIO: '0.9' });
      await config.reload({ trigger: 'test', resetOverrides: true });
      expect(config.get(DemoSettings).ratio).toBe(0.1);
    });

    it('names the variables with Cleave\'s prefix that no setting declares', () => {
      const config = start({ CLEAVE_CACHE_TTL: '5', CLEAVE_TOOL: '1', DEMO_PORT: '1' });
      expect(config.undeclared(['CLEAVE_TOOL'])).toEqual(['CLEAVE_CACHE_TTL']);
    });

    it('masks secrets in its view', async () => {
      const config = start({ DEMO_URL: 'redis://user:hunter22@redis:6379', DEMO_PASSWORD: 'hunter22-long', DEMO_DB_ORDERS: 'postgres://cleave:pw@pg/orders' });
      const view = JSON.stringify(config.view());
      expect(view).not.toContain('hunter22');
      expect(view).not.toContain(':pw@');
      expect(config.view().settings).toMatchObject({
        DEMO_URL: { value: 'redis://user:****@redis:6379' },
        DEMO_PASSWORD: { value: '****' },
        DEMO_DB_ORDERS: { value: 'postgres://cleave:****@pg/orders' },
      });
    });
  });
});

describe('applySettings', () => {
  it('is how a unit test makes a live change', () => {
    const settings = DemoSettings.from({});
    const listener = jest.fn();
    const stop = onSettingsChange(settings, listener);
    applySettings(settings, { ratio: 0.5 });
    expect(listener).toHaveBeenCalledWith(settings, expect.objectContaining({ ratio: 0 }));
    stop();
    applySettings(settings, { ratio: 0.6 });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

function catchError(run: () => unknown): SettingsError {
  try {
    run();
  } catch (error) {
    return error as SettingsError;
  }
  throw new Error('expected an error');
}
