import { SettingsError } from '@cleave/platform/config';
import { DEVELOPMENT_JWT_SECRET, GatewaySettings } from './gateway.settings';

describe('gateway settings', () => {
  it('reads the secret and lifetime', () => {
    const settings = GatewaySettings.from({ JWT_SECRET: 's3cret', JWT_EXPIRES_IN: '15m' });
    expect(settings).toMatchObject({ jwtSecret: 's3cret', jwtExpiresInSeconds: 900, usesDevelopmentSecret: false });
    expect(GatewaySettings.from({ JWT_SECRET: 's3cret', JWT_EXPIRES_IN: '120' }).jwtExpiresInSeconds).toBe(120);
  });

  it('defaults to a development secret and fifteen minutes outside production', () => {
    expect(GatewaySettings.from({})).toMatchObject({ jwtSecret: DEVELOPMENT_JWT_SECRET, jwtExpiresInSeconds: 900, usesDevelopmentSecret: true });
  });

  it('refuses to start in production without a secret, or with a bad lifetime', () => {
    expect(() => GatewaySettings.from({ NODE_ENV: 'production' })).toThrow('JWT_SECRET is required in production');
    expect(() => GatewaySettings.from({ JWT_EXPIRES_IN: 'soon' })).toThrow(/JWT_EXPIRES_IN must be a positive duration/);
    expect(() => GatewaySettings.from({ JWT_EXPIRES_IN: '0' })).toThrow(SettingsError);
  });
});

describe('the development JWT secret', () => {
  it('is refused when the gateway listens beyond loopback', () => {
    expect(() => GatewaySettings.from({ HOST: '0.0.0.0' })).toThrow(/JWT_SECRET is required when the gateway listens on 0.0.0.0/);
    expect(GatewaySettings.from({ HOST: '127.0.0.1' }).usesDevelopmentSecret).toBe(true);
    expect(GatewaySettings.from({ JWT_SECRET: 's3cret', HOST: '0.0.0.0' })).toMatchObject({ jwtSecret: 's3cret', usesDevelopmentSecret: false });
  });
});

describe('the JWT secret in production', () => {
  const production = (secret: string) => () => GatewaySettings.from({ NODE_ENV: 'production', JWT_SECRET: secret });

  it.each([
    ['x', 'JWT_SECRET is too short for production: 1 bytes, at least 32 needed (e.g. openssl rand -base64 32)'],
    ['short', 'JWT_SECRET is too short for production: 5 bytes, at least 32 needed (e.g. openssl rand -base64 32)'],
    ['0123456789abcdef0123456789abcde', 'JWT_SECRET is too short for production: 31 bytes, at least 32 needed (e.g. openssl rand -base64 32)'],
    [DEVELOPMENT_JWT_SECRET, 'JWT_SECRET is the published development value: set a secret of your own in production'],
    ['changeme', 'JWT_SECRET is a well-known value that anyone would try first: set a random one in production'],
    ['ab'.repeat(20), 'JWT_SECRET is too weak for production: fewer than 6 different characters'],
  ])('refuses %p', (secret, message) => {
    expect(production(secret)).toThrow(new SettingsError([message]));
  });

  it('accepts 32 random bytes, and anything outside production', () => {
    expect(production('0123456789abcdef0123456789abcdef')()).toMatchObject({ usesDevelopmentSecret: false });
    expect(GatewaySettings.from({ JWT_SECRET: 'short' }).jwtSecret).toBe('short');
  });
});
