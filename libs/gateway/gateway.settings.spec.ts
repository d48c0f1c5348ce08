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

describe('the development JWT secret', () => {
  it('is refused when the gateway listens beyond loopback', () => {
    expect(() => readGatewaySettings({}, '0.0.0.0')).toThrow(/JWT_SECRET is required when the gateway listens on 0.0.0.0/);
    expect(readGatewaySettings({}, '127.0.0.1').usesDevelopmentSecret).toBe(true);
    expect(readGatewaySettings({ JWT_SECRET: 's3cret' }, '0.0.0.0')).toMatchObject({ jwtSecret: 's3cret', usesDevelopmentSecret: false });
  });
});
