import { Module } from '@nestjs/common';
import { ExecutionContext } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { RedisConnections } from '@cleave/platform/redis';
import { LoginAttempts } from './login-attempts';
import { limitedBy, UserRateLimitGuard } from './rate-limit.guards';
import { RateLimitSettings } from './rate-limit.settings';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * The gateway's rate limits (@nestjs/throttler): a general one per client and route, one per
 * client on register and login, one per user on checkout, each read from RateLimitSettings at
 * every request (they are live). Counters in memory in one process, in Redis when split, by
 * the same fixed-window rule.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [RateLimitSettings, { token: RedisConnections, optional: true }],
      useFactory: (settings: RateLimitSettings, redis?: RedisConnections) => ({
        storage: redis ? new RedisThrottlerStorage(redis) : new MemoryThrottlerStorage(),
        throttlers: [
          { name: 'default', limit: () => settings.general.limit, ttl: () => settings.general.windowMs },
          { name: 'auth', limit: () => settings.auth.limit, ttl: () => settings.auth.windowMs, skipIf: (context: ExecutionContext) => !limitedBy(context, 'auth') },
          { name: 'checkout', limit: () => settings.checkout.limit, ttl: () => settings.checkout.windowMs, skipIf: (context: ExecutionContext) => !limitedBy(context, 'checkout') },
        ],
      }),
    }),
  ],
  providers: [LoginAttempts, UserRateLimitGuard],
  exports: [ThrottlerModule, LoginAttempts, UserRateLimitGuard],
})
export class RateLimitModule {}
