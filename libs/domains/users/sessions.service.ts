import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { NotFoundError, UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { Credentials, Session, TokenVersion } from '@cleave/contracts/users/users.contract';
import { WriteQueue } from '@cleave/platform/database';
import { RefreshToken } from './refresh-token.entity';
import { TokenVersions } from './token-versions';
import { User } from './user.entity';
import { toView, UsersService } from './users.service';
import { UsersSettings } from './users.settings';

const INVALID = 'Invalid refresh token';

type Refreshed = { session: Session } | { refused: string } | { reused: { userId: string; tokenVersion: number } };

/**
 * Sessions: a login opens a family of refresh tokens; each refresh spends its token and hands
 * out the next of the family. A spent token presented again means two parties hold the
 * family (a thief and the owner): the whole family is revoked, and so is every access token.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(RefreshToken, 'users') private readonly tokens: Repository<RefreshToken>,
    private readonly accounts: UsersService,
    private readonly versions: TokenVersions,
    private readonly writes: WriteQueue,
    private readonly settings: UsersSettings,
  ) {}

  async start(credentials: Credentials): Promise<Session> {
    const user = await this.accounts.authenticate(credentials);
    return this.writes.run(() => this.issue(this.tokens.manager, user, randomUUID()));
  }

  async refresh({ refreshToken }: { refreshToken: string }): Promise<Session> {
    if (typeof refreshToken !== 'string' || !refreshToken) throw new UnauthorizedError(INVALID);
    const tokenHash = digest(refreshToken);
    const outcome = await this.writes.run(() =>
      this.tokens.manager.transaction(async (manager): Promise<Refreshed> => {
        const token = await manager.findOneBy(RefreshToken, { tokenHash });
        if (!token || token.revokedAt) return { refused: INVALID };
        const now = new Date().toISOString();
        if (token.usedAt) return { reused: await this.revokeFamily(manager, token, now) };
        if (token.expiresAt <= now) return { refused: 'Refresh token expired' };
        // Spent only if nobody spent it meanwhile: of two racing refreshes, one is a reuse.
        const spent = await manager.createQueryBuilder().update(RefreshToken).set({ usedAt: now }).where('id = :id AND used_at IS NULL', { id: token.id }).execute();
        if (spent.affected !== 1) return { reused: await this.revokeFamily(manager, token, now) };
        const user = await manager.findOneBy(User, { id: token.userId });
        if (!user) return { refused: INVALID };
        return { session: await this.issue(manager, user, token.familyId) };
      }),
    );
    if ('session' in outcome) return outcome.session;
    if ('reused' in outcome) {
      await this.versions.announce(outcome.reused.userId, outcome.reused.tokenVersion);
      throw new UnauthorizedError('Refresh token already used: the session is revoked, sign in again');
    }
    throw new UnauthorizedError(outcome.refused);
  }

  /** Logout: this session's family (when its refresh token is given) and every access token of the user. */
  async end({ userId, refreshToken }: { userId: string; refreshToken?: string }): Promise<TokenVersion> {
    const tokenVersion = await this.writes.run(() =>
      this.tokens.manager.transaction(async (manager) => {
        if (!(await manager.existsBy(User, { id: userId }))) throw new NotFoundError(`User ${userId} not found`);
        if (typeof refreshToken === 'string' && refreshToken) {
          const token = await manager.findOneBy(RefreshToken, { tokenHash: digest(refreshToken), userId });
          if (token) await manager.update(RefreshToken, { familyId: token.familyId }, { revokedAt: new Date().toISOString() });
        }
        return this.versions.bump(manager, userId);
      }),
    );
    await this.versions.announce(userId, tokenVersion);
    return { userId, tokenVersion };
  }

  async tokenVersion({ id }: { id: string }): Promise<TokenVersion> {
    const user = typeof id === 'string' && id ? await this.tokens.manager.findOne(User, { where: { id }, select: { id: true, tokenVersion: true } }) : null;
    if (!user) throw new NotFoundError(`User ${id} not found`);
    return { userId: user.id, tokenVersion: user.tokenVersion };
  }

  private async issue(manager: EntityManager, user: User, familyId: string): Promise<Session> {
    const refreshToken = randomBytes(32).toString('base64url');
    const now = new Date();
    const expires = new Date(now.getTime() + this.settings.refreshTokenDays * 86_400_000);
    await manager.insert(RefreshToken, {
      id: randomUUID(),
      tokenHash: digest(refreshToken),
      familyId,
      userId: user.id,
      expiresAt: expires.toISOString(),
      usedAt: null,
      revokedAt: null,
      createdAt: now.toISOString(),
    });
    return { user: toView(user), tokenVersion: user.tokenVersion, refreshToken, refreshExpiresAt: Math.floor(expires.getTime() / 1000) };
  }

  private async revokeFamily(manager: EntityManager, token: RefreshToken, now: string): Promise<{ userId: string; tokenVersion: number }> {
    await manager.update(RefreshToken, { familyId: token.familyId }, { revokedAt: now });
    return { userId: token.userId, tokenVersion: await this.versions.bump(manager, token.userId) };
  }
}

/** Refresh tokens are 256 random bits: a plain SHA-256 is enough to keep the stored form useless. */
function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
