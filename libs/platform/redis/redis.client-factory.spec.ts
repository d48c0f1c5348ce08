import type Redis from 'ioredis';
import { createRedisConnection } from './redis.client-factory';

/** The options ioredis will connect with (lazily: no socket is opened). */
function optionsOf(url: string, auth: { username?: string; password?: string } = {}) {
  const connection = createRedisConnection({ mode: 'single', url, ...auth }, { lazyConnect: true }) as Redis;
  const { host, port, db, username, password, tls } = connection.options;
  connection.disconnect();
  return { host, port, db, username, password, tls };
}

describe('createRedisConnection: credentials of one server', () => {
  it('takes the user and password from the URL first', () => {
    expect(optionsOf('redis://orders:url-pw@redis:6380/2', { username: 'other', password: 'env-pw' })).toMatchObject({ host: 'redis', port: 6380, db: 2, username: 'orders', password: 'url-pw' });
  });

  it('fills a password the URL leaves out from REDIS_PASSWORD', () => {
    expect(optionsOf('redis://orders@redis:6379', { password: 'env-pw' })).toMatchObject({ username: 'orders', password: 'env-pw' });
  });

  it('fills a user the URL leaves out from REDIS_USERNAME', () => {
    expect(optionsOf('redis://:url-pw@redis:6379', { username: 'orders' })).toMatchObject({ username: 'orders', password: 'url-pw' });
  });

  it('decodes percent-encoded credentials, and keeps TLS from rediss://', () => {
    expect(optionsOf('rediss://orders:p%40ss@redis:6379')).toMatchObject({ username: 'orders', password: 'p@ss', tls: expect.anything() });
  });

  it('uses both settings for a URL without credentials', () => {
    expect(optionsOf('redis://redis:6379', { username: 'orders', password: 'env-pw' })).toMatchObject({ username: 'orders', password: 'env-pw' });
  });
});
