import { explainRedisError } from './redis.errors';

describe('explainRedisError', () => {
  it.each([
    ['WRONGPASS invalid username-password pair or user is disabled.', /^Redis refuses this process's credentials \(check REDIS_USERNAME and REDIS_PASSWORD/],
    ['NOAUTH Authentication required.', /^Redis refuses this process's credentials/],
    ["NOPERM this user has no permissions to run the 'xadd' command", /^Redis refuses a command to this process's user/],
    ['self-signed certificate in certificate chain', /^TLS to Redis fails \(check rediss:\/\/, REDIS_TLS and REDIS_TLS_CA_FILE\)/],
    ['connect ECONNREFUSED 127.0.0.1:6379', /^Redis does not answer: connect ECONNREFUSED/],
  ])('explains %s', (message, explained) => {
    expect(explainRedisError(new Error(message))).toMatch(explained);
  });
});
