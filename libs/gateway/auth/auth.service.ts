import { Injectable } from '@nestjs/common';
import { UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { Session, UsersClient, UserView } from '@cleave/contracts/users/users.contract';
import { LoginAttempts } from '../rate-limit/login-attempts';
import { LoginDto } from './auth.dto';
import { TokenService } from './token.service';
import { TokenVersionCache } from './token-version.cache';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Single use: `POST /auth/refresh` spends it for a new pair. */
  refreshToken: string;
  /** Seconds until the refresh token expires unused. */
  refreshExpiresIn: number;
  user: UserView;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersClient,
    private readonly tokens: TokenService,
    private readonly versions: TokenVersionCache,
    private readonly attempts: LoginAttempts,
  ) {}

  async login({ email, password }: LoginDto): Promise<LoginResult> {
    await this.attempts.refuseWhileBlocked(email);
    let session: Session;
    try {
      session = await this.users.startSession({ email, password });
    } catch (error) {
      if (error instanceof UnauthorizedError) await this.attempts.failed(email);
      throw error;
    }
    await this.attempts.succeeded(email);
    return this.answer(session);
  }

  async refresh(refreshToken: string): Promise<LoginResult> {
    return this.answer(await this.users.refreshSession({ refreshToken }));
  }

  /** Revokes the session's refresh family and the user's access tokens, effective on this gateway at once. */
  async logout(userId: string, refreshToken?: string): Promise<void> {
    const { tokenVersion } = await this.users.endSession({ userId, refreshToken });
    this.versions.learn(userId, tokenVersion);
  }

  private async answer(session: Session): Promise<LoginResult> {
    const { accessToken, expiresIn } = await this.tokens.issue(session.user, session.tokenVersion);
    const refreshExpiresIn = Math.max(0, session.refreshExpiresAt - Math.floor(Date.now() / 1000));
    return { accessToken, tokenType: 'Bearer', expiresIn, refreshToken: session.refreshToken, refreshExpiresIn, user: session.user };
  }
}
