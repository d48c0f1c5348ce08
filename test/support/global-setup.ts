import { execFileSync } from 'node:child_process';
import { ensureRedis } from './redis';

/**
 * Once per test run: build the apps exactly as production does (the e2e suites run the
 * built processes) and make sure a Redis answers for the split topology.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.CLEAVE_E2E_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { stdio: 'inherit' });
  }
  const redis = await ensureRedis();
  process.env.REDIS_URL = redis.url;
  if (redis.pid) process.env.CLEAVE_TEST_REDIS_PID = String(redis.pid);
}
