import { readForScrape } from './scrape-timeout';

describe('readForScrape', () => {
  it('answers what the source read', async () => {
    await expect(readForScrape(async () => [1, 2], [])).resolves.toEqual([1, 2]);
  });

  it('answers the fallback when the source fails, or has not answered in time', async () => {
    await expect(readForScrape(() => Promise.reject(new Error('redis down')), [] as number[])).resolves.toEqual([]);
    const started = Date.now();
    await expect(readForScrape(() => new Promise<number[]>(() => undefined), [0], 30)).resolves.toEqual([0]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
