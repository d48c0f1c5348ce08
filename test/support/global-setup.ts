import { execFileSync } from 'node:child_process';
import { ensureRedis } from './redis';

/**
 * Once per test run: build the apps and the dashboard page exactly as `npm run build` does
 * (the e2e suites run the built processes) and make sure a Redis answers for the split topology.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.CLEAVE_E2E_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { stdio: 'inherit' });
    execFileSync(process.execPath, ['scripts/build-dashboard.js'], { stdio: 'inherit' });
  }
  const redis = await ensureRedis();
  process.env.REDIS_URL = redis.url;
  if (redis.pid) process.env.CLEAVE_TEST_REDIS_PID = String(redis.pid);
}
