import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { usersContract } from '@cleave/contracts/users/users.contract';
import { ServiceBus } from '@cleave/platform/bus';
import { RefreshToken } from './refresh-token.entity';
import { User } from './user.entity';

/**
 * Revocation: each user has a token version, carried by their access tokens. Raising it
 * revokes every access token issued before; gateways learn it from the `user.tokens-revoked`
 * broadcast (and, should one be missed, when their short cache of versions expires).
 */
@Injectable()
export class TokenVersions {
  private readonly logger = new Logger('Users');

  constructor(private readonly bus: ServiceBus) {}

  /** Raises the version inside the caller's transaction; returns the new one. */
  async bump(manager: EntityManager, userId: string): Promise<number> {
    await manager.increment(User, { id: userId }, 'tokenVersion', 1);
    const { tokenVersion } = await manager.findOneByOrFail(User, { id: userId });
    return tokenVersion;
  }

  /** Also spends every refresh token of the user: nothing signed in before survives. */
  async revokeSessions(manager: EntityManager, userId: string, now: string): Promise<void> {
    await manager.createQueryBuilder().update(RefreshToken).set({ revokedAt: now }).where('user_id = :userId AND revoked_at IS NULL', { userId }).execute();
  }

  /** After commit: tell every gateway. At most once; the gateways' cache expiry covers a miss. */
  async announce(userId: string, tokenVersion: number): Promise<void> {
    try {
      await this.bus.broadcast(usersContract, 'user.tokens-revoked', { userId, tokenVersion });
    } catch (error) {
      this.logger.warn(`Token version ${tokenVersion} of user ${userId} was not broadcast (gateways see it when their cache expires): ${(error as Error)?.message ?? String(error)}`);
    }
  }
}
