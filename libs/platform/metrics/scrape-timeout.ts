/** How long a gauge read at scrape time waits for its source (Redis, a database) to answer. */
export const SCRAPE_SOURCE_TIMEOUT_MS = 1000;

/**
 * A gauge's source, bounded: `/metrics` must answer while Redis or a database is away (that
 * is when it matters most), so a source that has not answered in time is skipped, as one
 * that failed.
 */
export function readForScrape<T>(read: () => Promise<T>, fallback: T, ms = SCRAPE_SOURCE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([read().catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}
