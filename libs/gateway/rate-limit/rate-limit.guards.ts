import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { RateLimitedError } from '@cleave/contracts/kernel/errors';
import { AuthUser } from '../auth/auth-user';

/** The throttlers, as ThrottlerModule knows them. */
export const CLIENT_LIMITS = ['default', 'auth'] as const;
export const USER_LIMITS = ['checkout'] as const;

export const LIMITED_BY = 'cleave:rate-limit';

/** Puts a route under a named limit besides the general one (`auth`: per client; `checkout`: per user). */
export const LimitedBy = (name: 'auth' | 'checkout') => SetMetadata(LIMITED_BY, name);

/** Whether the route handling `context` is under the named limit. */
export function limitedBy(context: ExecutionContext, name: string): boolean {
  const handler = Reflect.getMetadata(LIMITED_BY, context.getHandler()) as string | undefined;
  const controller = Reflect.getMetadata(LIMITED_BY, context.getClass()) as string | undefined;
  return (handler ?? controller) === name;
}

/**
 * @nestjs/throttler's guard, answering like every other error of the gateway (429
 * RATE_LIMITED with `Retry-After`) and sending the IETF draft's `RateLimit-*` headers.
 */
abstract class CleaveThrottlerGuard extends ThrottlerGuard {
  protected abstract readonly names: readonly string[];

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.headerPrefix = 'RateLimit';
    this.throttlers = this.throttlers.filter((throttler) => this.names.includes(throttler.name!));
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, detail.timeToBlockExpire);
    throw new RateLimitedError(`Too many requests: at most ${detail.limit} per ${detail.ttl / 1000} s; try again in ${retryAfterSeconds} s`, { retryAfterSeconds, limit: detail.limit, windowSeconds: detail.ttl / 1000 });
  }
}

/** Every route, before authentication: counted per client address (see CLEAVE_TRUSTED_PROXIES). */
@Injectable()
export class ClientRateLimitGuard extends CleaveThrottlerGuard {
  protected readonly names = CLIENT_LIMITS;
}

/** After authentication, on the routes marked `@LimitedBy('checkout')`: counted per user. */
@Injectable()
export class UserRateLimitGuard extends CleaveThrottlerGuard {
  protected readonly names = USER_LIMITS;

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const user = request.user as AuthUser | undefined;
    return Promise.resolve(user ? `user:${user.id}` : `ip:${String(request.ip)}`);
  }
}
