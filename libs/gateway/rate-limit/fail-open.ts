import { Logger } from '@nestjs/common';

/** How long a counter in Redis may take before the request goes on uncounted. */
export const COUNTER_DEADLINE_MS = 250;

const logger = new Logger('RateLimit');
let lastWarning = 0;

/**
 * A rate-limit counter that cannot be reached within its deadline (Redis down or slow) lets
 * the request through, uncounted, rather than failing or holding it: the limits protect the
 * system, and without Redis what is still up must keep serving (the checkouts of a process
 * hosting the shop, say). One warning per few seconds says so.
 */
export async function orUncounted<T>(counter: Promise<T>, uncounted: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), COUNTER_DEADLINE_MS)));
  try {
    const result = await Promise.race([counter, deadline]);
    if (result !== 'late') return result;
    warn(`no answer within ${COUNTER_DEADLINE_MS} ms`);
  } catch (error) {
    warn((error as Error).message);
  } finally {
    clearTimeout(timer);
  }
  counter.catch(() => undefined);
  return uncounted;
}

function warn(reason: string): void {
  if (Date.now() - lastWarning < 5000) return;
  lastWarning = Date.now();
  logger.warn(`Rate-limit counters unreachable (${reason}): requests go on uncounted`);
}
