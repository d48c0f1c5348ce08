import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  let now: number;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('counts hits in a fixed window per key and name, and starts afresh when it ends', async () => {
    const storage = new MemoryThrottlerStorage();
    for (let i = 1; i <= 3; i++) expect(await storage.increment('1.2.3.4', 10_000, 5, 10_000, 'default')).toMatchObject({ totalHits: i, isBlocked: false, timeToExpire: 10 });
    expect(await storage.increment('1.2.3.4', 10_000, 5, 10_000, 'auth')).toMatchObject({ totalHits: 1 });
    expect(await storage.increment('5.6.7.8', 10_000, 5, 10_000, 'default')).toMatchObject({ totalHits: 1 });
    now += 4_000;
    expect(await storage.increment('1.2.3.4', 10_000, 5, 10_000, 'default')).toMatchObject({ totalHits: 4, timeToExpire: 6 });
    now += 6_000;
    expect(await storage.increment('1.2.3.4', 10_000, 5, 10_000, 'default')).toMatchObject({ totalHits: 1, timeToExpire: 10 });
  });

  it('blocks past the limit for the block time, which outlives the window', async () => {
    const storage = new MemoryThrottlerStorage();
    for (let i = 0; i < 2; i++) await storage.increment('k', 1_000, 2, 5_000, 'default');
    expect(await storage.increment('k', 1_000, 2, 5_000, 'default')).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 5 });
    now += 2_000;
    expect(await storage.increment('k', 1_000, 2, 5_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: true, timeToBlockExpire: 3 });
    now += 3_000;
    expect(await storage.increment('k', 1_000, 2, 5_000, 'default')).toMatchObject({ isBlocked: false, timeToBlockExpire: 0 });
  });

  it('holds one counter per key however many hits, and drops the ones that are over', async () => {
    const storage = new MemoryThrottlerStorage();
    for (let i = 0; i < 100_000; i++) await storage.increment('busy', 60_000, 1_000_000, 60_000, 'default');
    for (let i = 0; i < 50; i++) await storage.increment(`once-${i}`, 1_000, 10, 1_000, 'default');
    expect(storage.size).toBe(51);
    now += 61_000;
    await storage.increment('busy', 60_000, 1_000_000, 60_000, 'default');
    expect(storage.size).toBe(1);
  });
});
