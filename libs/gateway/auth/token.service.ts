import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { Role, UserView } from '@cleave/contracts/users/users.contract';
import { GatewaySettings } from '../gateway.settings';
import { AuthUser } from './auth-user';

interface TokenClaims {
  sub: string;
  role: Role;
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
    let claims: Partial<TokenClaims>;
    try {
      // Pinning the algorithm refuses tokens that choose their own (e.g. "none").
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { secret: this.settings.jwtSecret, algorithms: [ALGORITHM] });
    } catch (error) {
      throw new UnauthorizedError((error as Error)?.name === 'TokenExpiredError' ? 'Access token expired' : 'Invalid access token');
    }
    if (typeof claims.sub !== 'string' || !claims.role || !ROLES.includes(claims.role)) throw new UnauthorizedError('Invalid access token');
    return { id: claims.sub, role: claims.role };
  }
}
