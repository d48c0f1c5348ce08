import { NotFoundError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { parseResilienceConfig, ResilienceConfig } from './resilience.config';
import { TargetPolicies } from './target-policies';

/** Fault injection: attempts that fail, hang or succeed on demand, recording when they ran. */
function faulty(script: Array<'fail' | 'ok' | 'hang' | 'missing' | number>) {
  const starts: number[] = [];
  const budgets: number[] = [];
  const attempt = (left: number): Promise<string> => {
    starts.push(Date.now());
    budgets.push(left);
    const step = script[Math.min(starts.length - 1, script.length - 1)];
    if (step === 'ok') return Promise.resolve('ok');
    if (step === 'missing') return Promise.reject(new NotFoundError('no such thing'));
    if (step === 'fail') return Promise.reject(new ServiceUnavailableError('target down'));
    const ms = step === 'hang' ? left : step;
    return new Promise((resolve, reject) => setTimeout(() => (step === 'hang' ? reject(new ServiceUnavailableError('timed out')) : resolve('slow ok')), ms));
  };
  return { attempt, starts, budgets };
}

function policies(targets: ResilienceConfig['targets'], defaults: ResilienceConfig['defaults'] = {}): TargetPolicies {
  return new TargetPolicies(parseResilienceConfig({ defaults, targets }));
}

describe('TargetPolicies', () => {
  describe('timeout', () => {
    it('gives the attempt the whole budget and does not retry once it is spent', async () => {
      const p = policies({ t: { retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 10 } } });
      const { attempt, starts, budgets } = faulty(['hang']);
      const started = Date.now();
      await expect(p.forCall('t', 'read', true).execute(attempt, 120)).rejects.toBeInstanceOf(ServiceUnavailableError);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(115);
      expect(elapsed).toBeLessThan(120 + 60);
      expect(starts).toHaveLength(1);
      expect(budgets[0]).toBeLessThanOrEqual(120);
    });

    it('takes the timeout of the most specific level', () => {
      const p = policies({ t: { timeoutMs: 900, patterns: { slow: { timeoutMs: 5000 } } } }, { timeoutMs: 100 });
      expect(p.forCall('t', 'slow', true).timeoutMs).toBe(5000);
      expect(p.forCall('t', 'fast', true).timeoutMs).toBe(900);
      expect(p.forCall('other', 'x', true).timeoutMs).toBe(100);
    });
  });

  describe('retry', () => {
    const retrying = { retry: { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 1000 } } as const;

    it('retries an idempotent call after target failures, waiting longer each time', async () => {
      const { attempt, starts, budgets } = faulty(['fail', 'fail', 'fail', 'ok']);
      await expect(policies({ t: retrying }).forCall('t', 'read', true).execute(attempt, 5000)).resolves.toBe('ok');
      expect(starts).toHaveLength(4);
      const waits = starts.slice(1).map((at, i) => at - starts[i]);
      expect(waits[0]).toBeGreaterThanOrEqual(9);
      expect(waits[1]).toBeGreaterThan(waits[0]);
      expect(waits[2]).toBeGreaterThan(waits[1]);
      // Every attempt gets only what is left of the one budget.
      expect(budgets[3]).toBeLessThan(budgets[0]);
    });

    it('never retries a call the contract does not declare idempotent', async () => {
      const { attempt, starts } = faulty(['fail', 'ok']);
      await expect(policies({ t: retrying }).forCall('t', 'write', false).execute(attempt, 5000)).rejects.toThrow('target down');
      expect(starts).toHaveLength(1);
    });

    it('never retries an answer, such as a 404', async () => {
      const { attempt, starts } = faulty(['missing', 'ok']);
      await expect(policies({ t: retrying }).forCall('t', 'read', true).execute(attempt, 5000)).rejects.toBeInstanceOf(NotFoundError);
      expect(starts).toHaveLength(1);
    });
  });

  describe('circuit breaker', () => {
    it('opens after consecutive failures, fails fast, half-opens after the cooldown and closes on success', async () => {
      const p = policies({ t: { retry: false, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 100 } } });
      const call = p.forCall('t', 'read', true);
      const failing = faulty(['fail']);
      for (let i = 0; i < 3; i++) await expect(call.execute(failing.attempt, 1000)).rejects.toThrow('target down');
      expect(p.breakerStates()).toEqual({ t: 'open' });

      const started = Date.now();
      const open = await call.execute(failing.attempt, 1000).catch((e) => e);
      expect(open).toBeInstanceOf(ServiceUnavailableError);
      expect(open.message).toMatch(/t is failing: its circuit breaker is open/);
      expect(Date.now() - started).toBeLessThan(20);
      expect(failing.starts).toHaveLength(3);

      // Business answers neither open nor feed the breaker.
      await new Promise((resolve) => setTimeout(resolve, 110));
      const healthy = faulty(['ok']);
      await expect(call.execute(healthy.attempt, 1000)).resolves.toBe('ok');
      expect(p.breakerStates()).toEqual({ t: 'closed' });
    });

    it('is shared by every pattern of a target, and one target per breaker', async () => {
      const p = policies({ t: { retry: false, breaker: { consecutiveFailures: 1, halfOpenAfterMs: 60_000 } } });
      await expect(p.forCall('t', 'a', true).execute(faulty(['fail']).attempt, 1000)).rejects.toThrow('target down');
      await expect(p.forCall('t', 'b', true).execute(faulty(['ok']).attempt, 1000)).rejects.toThrow(/circuit breaker is open/);
      await expect(p.forCall('u', 'b', true).execute(faulty(['ok']).attempt, 1000)).resolves.toBe('ok');
    });
  });

  describe('bulkhead', () => {
    it('runs up to its limit, queues a few, refuses the overflow at once, and leaves other targets alone', async () => {
      const p = policies({ busy: { bulkhead: { maxConcurrent: 2, maxQueue: 1 } }, calm: { bulkhead: { maxConcurrent: 2, maxQueue: 1 } } });
      const slow = faulty([80]);
      const running = [1, 2, 3].map(() => p.forCall('busy', 'read', true).execute(slow.attempt, 1000));
      expect(slow.starts).toHaveLength(2);

      const started = Date.now();
      const refused = await p.forCall('busy', 'read', true).execute(slow.attempt, 1000).catch((e) => e);
      expect(refused).toBeInstanceOf(ServiceUnavailableError);
      expect(refused.message).toMatch(/Too many calls to busy in flight/);
      expect(Date.now() - started).toBeLessThan(20);

      await expect(p.forCall('calm', 'read', true).execute(faulty(['ok']).attempt, 1000)).resolves.toBe('ok');
      await expect(Promise.all(running)).resolves.toEqual(['slow ok', 'slow ok', 'slow ok']);
      expect(slow.starts).toHaveLength(3);
    });
  });
});

describe('parseResilienceConfig', () => {
  it('says what is wrong with a bad file', () => {
    expect(() =>
      parseResilienceConfig({
        defaults: { retry: { maxAttempts: 0, initialDelayMs: 1, maxDelayMs: 1 }, timeout: 5 },
        targets: { t: { breaker: { halfOpenAfterMs: 10 }, patterns: { p: { bulkhead: { maxConcurrent: 1, maxQueue: 0 } } } } },
      }),
    ).toThrow(/unknown setting "timeout"[\s\S]*defaults.retry.maxAttempts must be a positive integer[\s\S]*needs exactly one of consecutiveFailures or failureRatio[\s\S]*breaker and bulkhead are per target/);
  });
});

describe('TargetPolicies and spent budgets', () => {
  it('does not hold calls that were never sent against the target', async () => {
    const p = new TargetPolicies(parseResilienceConfig({ targets: { t: { bulkhead: { maxConcurrent: 1, maxQueue: 10 }, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } } } }));
    const call = p.forCall('t', 'read', true);
    const slow = faulty([120]);
    // One call holds the only slot; the queued ones run out of budget before they are sent.
    const calls = [call.execute(slow.attempt, 1000), call.execute(slow.attempt, 40), call.execute(slow.attempt, 40), call.execute(slow.attempt, 40)];
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(slow.starts).toHaveLength(1);
    expect(p.breakerStates()).toEqual({ t: 'closed' });
    await expect(call.execute(faulty(['ok']).attempt, 100)).resolves.toBe('ok');
  });

  it('stops retrying when the budget cannot hold another attempt', async () => {
    const p = new TargetPolicies(parseResilienceConfig({ targets: { t: { retry: { maxAttempts: 5, initialDelayMs: 30, maxDelayMs: 200 } } } }));
    const started = Date.now();
    await expect(p.forCall('t', 'read', true).execute(async (left) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 80)));
      throw new ServiceUnavailableError('down');
    }, 100)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(Date.now() - started).toBeLessThan(100 + 60);
  });
});

describe('TargetPolicies reconfigured while running', () => {
  it('gives the next calls the new timeout and retries, keeping a breaker whose settings did not change', async () => {
    const breaker = { consecutiveFailures: 1, halfOpenAfterMs: 60_000 };
    const p = policies({ t: { timeoutMs: 100, retry: false, breaker } });
    const call = p.forCall('t', 'read', true);
    await expect(call.execute(faulty(['fail']).attempt, 100)).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(p.breakerStates()).toEqual({ t: 'open' });

    p.reconfigure(parseResilienceConfig({ targets: { t: { timeoutMs: 2000, retry: false, breaker } } }));
    expect(call.timeoutMs).toBe(2000);
    expect(p.breakerStates()).toEqual({ t: 'open' });

    // A breaker whose settings change starts afresh.
    p.reconfigure(parseResilienceConfig({ targets: { t: { timeoutMs: 2000, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 }, breaker: { ...breaker, consecutiveFailures: 3 } } } }));
    const { attempt, starts } = faulty(['fail', 'ok']);
    await expect(call.execute(attempt, 1000)).resolves.toBe('ok');
    expect(starts).toHaveLength(2);
    expect(p.breakerStates()).toEqual({ t: 'closed' });
  });
});
