import { RateLimitedError } from '@cleave/contracts/kernel/errors';
import { LoginAttempts } from './login-attempts';
import { RateLimitSettings } from './rate-limit.settings';

describe('LoginAttempts in memory', () => {
  const settings = RateLimitSettings.from({ CLEAVE_LOGIN_FREE_FAILURES: '2', CLEAVE_LOGIN_BACKOFF: '1s', CLEAVE_LOGIN_BACKOFF_MAX: '3s' });

  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('lets the free failures pass, then makes the email wait twice as long each time, up to the maximum', async () => {
    const attempts = new LoginAttempts(settings);
    const waitOf = async () => attempts.refuseWhileBlocked('Ann@Example.com').then(() => 0, (error: RateLimitedError) => (error.details as { retryAfterSeconds: number }).retryAfterSeconds);
    await attempts.failed('ann@example.com');
    await attempts.failed('ann@example.com');
    expect(await waitOf()).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await attempts.failed('ANN@example.com');
      waits.push(await waitOf());
      jest.advanceTimersByTime(waits[i] * 1000);
    }
    expect(waits).toEqual([1, 2, 3]);
    expect(await waitOf()).toBe(0);
  });

  it('forgets the failures on a success, and counts an email without an account the same way', async () => {
    const attempts = new LoginAttempts(settings);
    for (let i = 0; i < 3; i++) await attempts.failed('nobody@example.com');
    await expect(attempts.refuseWhileBlocked('nobody@example.com')).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    await attempts.succeeded('nobody@example.com');
    await expect(attempts.refuseWhileBlocked('nobody@example.com')).resolves.toBeUndefined();
  });
});

describe('RateLimitSettings', () => {
  it('reads requests per window', () => {
    expect(RateLimitSettings.from({ CLEAVE_RATE_LIMIT: '20/10s', CLEAVE_RATE_LIMIT_AUTH: '5/1m' })).toMatchObject({ general: { limit: 20, windowMs: 10_000 }, auth: { limit: 5, windowMs: 60_000 } });
  });

  it('refuses a rate that is not one', () => {
    expect(() => RateLimitSettings.from({ CLEAVE_RATE_LIMIT: 'fast' })).toThrow(/CLEAVE_RATE_LIMIT.*requests per window such as 20\/1m/);
    expect(() => RateLimitSettings.from({ CLEAVE_RATE_LIMIT_CHECKOUT: '0/1m' })).toThrow(/CLEAVE_RATE_LIMIT_CHECKOUT/);
  });
});
