import { SettingsError } from '@cleave/platform/config';
import { DEVELOPMENT_JWT_SECRET, GatewaySettings } from './gateway.settings';

describe('gateway settings', () => {
  it('reads the secret and lifetime', () => {
    const settings = GatewaySettings.from({ JWT_SECRET: 's3cret', JWT_EXPIRES_IN: '15m' });
    expect(settings).toMatchObject({ jwtSecret: 's3cret', jwtExpiresInSeconds: 900, usesDevelopmentSecret: false });
    expect(GatewaySettings.from({ JWT_SECRET: 's3cret', JWT_EXPIRES_IN: '120' }).jwtExpiresInSeconds).toBe(120);
  });

  it('defaults to a development secret and one hour outside production', () => {
    expect(GatewaySettings.from({})).toMatchObject({ jwtSecret: DEVELOPMENT_JWT_SECRET, jwtExpiresInSeconds: 3600, usesDevelopmentSecret: true });
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
