import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { Role, UserView } from '@cleave/contracts/users/users.contract';
import { GatewaySettings } from '../gateway.settings';
import { AuthUser } from './auth-user';

interface TokenClaims {
  sub: string;
  role: Role;
  /** Set on scoped tokens only (see issueScoped): never accepted as an access token. */
  aud?: string;
  exp?: number;
}

const ALGORITHM = 'HS256';
const ROLES: readonly Role[] = ['customer', 'admin'];

let warned = false;

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly settings: GatewaySettings,
  ) {
    if (settings.usesDevelopmentSecret && !warned) {
      warned = true;
      new Logger('Gateway').warn('JWT_SECRET is not set: signing tokens with the public development secret (loopback only)');
    }
  }

  async issue(user: UserView): Promise<{ accessToken: string; expiresIn: number }> {
    const claims: TokenClaims = { sub: user.id, role: user.role };
    const expiresIn = this.settings.jwtExpiresInSeconds;
    const accessToken = await this.jwt.signAsync(claims, { secret: this.settings.jwtSecret, expiresIn, algorithm: ALGORITHM });
    return { accessToken, expiresIn };
  }

  async verify(token: string): Promise<AuthUser> {
    return (await this.verifyWithExpiry(token)).user;
  }

  /** An access token's user and when it expires (epoch seconds). */
  async verifyWithExpiry(token: string): Promise<{ user: AuthUser; expiresAt: number }> {
    const claims = await this.claims(token, 'Access token');
    if (claims.aud !== undefined) throw new UnauthorizedError('Invalid access token');
    return { user: { id: claims.sub, role: claims.role }, expiresAt: claims.exp };
  }

  /**
   * A token good for one `audience` only (the dashboard's session cookie), expiring at
   * `expiresAt` (epoch seconds): never later than the access token it was exchanged for.
   * `verify` refuses it, so it cannot be replayed as a bearer token elsewhere.
   */
  issueScoped(user: AuthUser, audience: string, expiresAt: number): Promise<string> {
    const claims: TokenClaims = { sub: user.id, role: user.role, aud: audience, exp: expiresAt };
    return this.jwt.signAsync(claims, { secret: this.settings.jwtSecret, algorithm: ALGORITHM });
  }

  async verifyScoped(token: string, audience: string): Promise<{ user: AuthUser; expiresAt: number }> {
    const claims = await this.claims(token, 'Session');
    if (claims.aud !== audience) throw new UnauthorizedError('Invalid session');
    return { user: { id: claims.sub, role: claims.role }, expiresAt: claims.exp };
  }

  private async claims(token: string, what: string): Promise<TokenClaims & { exp: number }> {
    let claims: Partial<TokenClaims>;
    try {
      // Pinning the algorithm refuses tokens that choose their own (e.g. "none").
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { secret: this.settings.jwtSecret, algorithms: [ALGORITHM] });
    } catch (error) {
      throw new UnauthorizedError((error as Error)?.name === 'TokenExpiredError' ? `${what} expired` : `Invalid ${what.toLowerCase()}`);
    }
    if (typeof claims.sub !== 'string' || !claims.role || !ROLES.includes(claims.role) || typeof claims.exp !== 'number') {
      throw new UnauthorizedError(`Invalid ${what.toLowerCase()}`);
    }
    return claims as TokenClaims & { exp: number };
  }
}
