import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { NotFoundError, UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { usersContract, UsersClient } from '@cleave/contracts/users/users.contract';
import { ServiceBus } from '@cleave/platform/bus';
import { GatewaySettings } from '../gateway.settings';

/** Users whose version one gateway keeps at most; beyond, the least recently seen are asked again. */
const MAX_USERS = 100_000;

/**
 * Each user's current token version, as users keeps it, for the check on every
 * authenticated request. Kept for CLEAVE_TOKEN_VERSION_CACHE_MS; a `user.tokens-revoked`
 * broadcast replaces it at once on every gateway, and this gateway learns its own
 * revocations (logout, role and password changes it forwarded) from the answers.
 */
@Injectable()
export class TokenVersionCache implements OnModuleInit, OnModuleDestroy {
  private readonly versions: LRUCache<string, number>;
  private readonly asking = new Map<string, Promise<number>>();
  private stop?: () => void;

  constructor(
    private readonly users: UsersClient,
    private readonly bus: ServiceBus,
    settings: GatewaySettings,
  ) {
    this.versions = new LRUCache<string, number>({ max: MAX_USERS, ttl: Math.max(1, settings.tokenVersionCacheMs) });
  }

  onModuleInit(): void {
    this.stop = this.bus.onBroadcast(usersContract, 'user.tokens-revoked', (event) => {
      if (event && typeof event.userId === 'string' && Number.isInteger(event.tokenVersion)) this.learn(event.userId, event.tokenVersion);
    });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  /** Refuses a token issued before the user's current version. */
  async check(userId: string, tokenVersion: number): Promise<void> {
    if (tokenVersion < (await this.current(userId))) throw new UnauthorizedError('Access token revoked: sign in again or refresh');
  }

  /** Versions only move up: an older answer arriving late never undoes a revocation. */
  learn(userId: string, tokenVersion: number): void {
    if (tokenVersion >= (this.versions.get(userId) ?? -1)) this.versions.set(userId, tokenVersion);
  }

  /** After a change whose new version this gateway does not know: ask again on next use. */
  forget(userId: string): void {
    this.versions.delete(userId);
    // An answer already on its way may predate the change: it must not be cached.
    this.asking.delete(userId);
  }

  private async current(userId: string): Promise<number> {
    const known = this.versions.get(userId);
    if (known !== undefined) return known;
    let pending = this.asking.get(userId);
    if (!pending) {
      const asked: Promise<number> = this.users
        .tokenVersion({ id: userId })
        .then(({ tokenVersion }) => {
          if (this.asking.get(userId) === asked) this.learn(userId, tokenVersion);
          return Math.max(tokenVersion, this.versions.get(userId) ?? -1);
        })
        .catch((error: unknown) => {
          // A deleted account's tokens are as good as revoked.
          if (error instanceof NotFoundError || (error as { status?: number })?.status === 404) throw new UnauthorizedError('Access token revoked');
          throw error;
        })
        .finally(() => {
          if (this.asking.get(userId) === asked) this.asking.delete(userId);
        });
      this.asking.set(userId, (pending = asked));
    }
    return pending;
  }
}
