import { DEVELOPMENT_JWT_SECRET, readGatewaySettings } from './gateway.settings';

describe('gateway settings', () => {
  it('reads the secret and lifetime', () => {
    expect(readGatewaySettings({ JWT_SECRET: 's3cret', JWT_EXPIRES_IN: '15m' })).toEqual({
      jwtSecret: 's3cret',
      jwtExpiresInSeconds: 900,
      usesDevelopmentSecret: false,
    });
    expect(readGatewaySettings({ JWT_SECRET: 's3cret', JWT_EXPIRES_IN: '120' }).jwtExpiresInSeconds).toBe(120);
  });

  it('defaults to a development secret and one hour outside production', () => {
    expect(readGatewaySettings({})).toEqual({ jwtSecret: DEVELOPMENT_JWT_SECRET, jwtExpiresInSeconds: 3600, usesDevelopmentSecret: true });
  });

  it('refuses to start in production without a secret, or with a bad lifetime', () => {
    expect(() => readGatewaySettings({ NODE_ENV: 'production' })).toThrow('JWT_SECRET is required in production');
    expect(() => readGatewaySettings({ JWT_EXPIRES_IN: 'soon' })).toThrow(/JWT_EXPIRES_IN/);
    expect(() => readGatewaySettings({ JWT_EXPIRES_IN: '0' })).toThrow(/JWT_EXPIRES_IN/);
  });
});
