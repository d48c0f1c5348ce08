import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { Role, UserView } from '@cleave/contracts/users/users.contract';
import { GatewaySettings } from '../gateway.settings';
import { AuthUser } from './auth-user';
import { TokenVersionCache } from './token-version.cache';

interface TokenClaims {
  sub: string;
  role: Role;
  /** The user's token version at issue: a higher current one revokes the token. */
  ver: number;
  iss?: string;
  /** JWT_AUDIENCE for access tokens; a scoped token's own audience (see issueScoped). */
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
    private readonly versions: TokenVersionCache,
  ) {
    if (settings.usesDevelopmentSecret && !warned) {
      warned = true;
      new Logger('Gateway').warn('JWT_SECRET is not set: signing tokens with the public development secret (loopback only)');
    }
  }

  async issue(user: UserView, tokenVersion: number): Promise<{ accessToken: string; expiresIn: number }> {
    const expiresIn = this.settings.jwtExpiresInSeconds;
    const claims: TokenClaims = { sub: user.id, role: user.role, ver: tokenVersion };
    const accessToken = await this.sign(claims, this.settings.jwtAudience, { expiresIn });
    this.versions.learn(user.id, tokenVersion);
    return { accessToken, expiresIn };
  }

  async verify(token: string): Promise<AuthUser> {
    return (await this.verifyWithExpiry(token)).user;
  }

  /** An access token's user and when it expires (epoch seconds); refused once revoked. */
  async verifyWithExpiry(token: string): Promise<{ user: AuthUser; expiresAt: number }> {
    const claims = await this.claims(token, 'Access token', this.settings.jwtAudience);
    return { user: { id: claims.sub, role: claims.role, tokenVersion: claims.ver }, expiresAt: claims.exp };
  }

  /**
   * A token good for one `audience` only (the dashboard's session cookie), expiring at
   * `expiresAt` (epoch seconds): never later than the access token it was exchanged for, and
   * revoked with it. `verify` refuses it, so it cannot be replayed as a bearer token elsewhere.
   */
  issueScoped(user: AuthUser, audience: string, expiresAt: number): Promise<string> {
    return this.sign({ sub: user.id, role: user.role, ver: user.tokenVersion ?? 0, exp: expiresAt }, audience, {});
  }

  async verifyScoped(token: string, audience: string): Promise<{ user: AuthUser; expiresAt: number }> {
    const claims = await this.claims(token, 'Session', audience);
    return { user: { id: claims.sub, role: claims.role, tokenVersion: claims.ver }, expiresAt: claims.exp };
  }

  private sign(claims: TokenClaims, audience: string, options: { expiresIn?: number }): Promise<string> {
    // A KeyObject, made once (see GatewaySettings.jwtKey); the JWT library takes it as a secret.
    return this.jwt.signAsync({ ...claims, aud: audience, iss: this.settings.jwtIssuer }, { secret: this.settings.jwtKey as never, algorithm: ALGORITHM, ...options });
  }

  private async claims(token: string, what: string, audience: string): Promise<TokenClaims & { exp: number }> {
    let claims: Partial<TokenClaims>;
    try {
      // Pinning the algorithm refuses tokens that choose their own (e.g. "none").
      claims = await this.jwt.verifyAsync<TokenClaims>(token, {
        secret: this.settings.jwtKey as never,
        algorithms: [ALGORITHM],
        issuer: this.settings.jwtIssuer,
        audience,
      });
    } catch (error) {
      throw new UnauthorizedError((error as Error)?.name === 'TokenExpiredError' ? `${what} expired` : `Invalid ${what.toLowerCase()}`);
    }
    if (typeof claims.sub !== 'string' || !claims.role || !ROLES.includes(claims.role) || typeof claims.exp !== 'number' || !Number.isInteger(claims.ver)) {
      throw new UnauthorizedError(`Invalid ${what.toLowerCase()}`);
    }
    await this.versions.check(claims.sub, claims.ver as number);
    return claims as TokenClaims & { exp: number };
  }
}
