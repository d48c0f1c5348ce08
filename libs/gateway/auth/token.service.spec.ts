import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { UserView } from '@cleave/contracts/users/users.contract';
import { GatewaySettings } from '../gateway.settings';
import { TokenService } from './token.service';

const ADA: UserView = { id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', email: 'ada@example.com', name: 'Ada', role: 'admin', createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString() };

describe('TokenService', () => {
  const jwt = new JwtService({});
  const tokens = new TokenService(jwt, GatewaySettings.from({ JWT_SECRET: 'test-secret', JWT_EXPIRES_IN: '60' }));

  it('issues a token that verifies back to the user and role', async () => {
    const { accessToken, expiresIn } = await tokens.issue(ADA);
    expect(expiresIn).toBe(60);
    await expect(tokens.verify(accessToken)).resolves.toEqual({ id: ADA.id, role: 'admin' });
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await jwt.signAsync({ sub: ADA.id, role: 'admin' }, { secret: 'other-secret' });
    await expect(tokens.verify(forged)).rejects.toThrow(new UnauthorizedError('Invalid access token'));
  });

  it('says when a token has expired', async () => {
    const expired = await jwt.signAsync({ sub: ADA.id, role: 'admin', exp: Math.floor(Date.now() / 1000) - 10 }, { secret: 'test-secret' });
    await expect(tokens.verify(expired)).rejects.toThrow(new UnauthorizedError('Access token expired'));
  });

  it('refuses garbage and tokens without the expected claims', async () => {
    await expect(tokens.verify('not.a.token')).rejects.toBeInstanceOf(UnauthorizedError);
    const roleless = await jwt.signAsync({ sub: ADA.id }, { secret: 'test-secret' });
    await expect(tokens.verify(roleless)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('issues scoped tokens that only their audience accepts, and never as access tokens', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 30;
    const scoped = await tokens.issueScoped({ id: ADA.id, role: 'admin' }, 'cleave-dashboard', expiresAt);
    await expect(tokens.verifyScoped(scoped, 'cleave-dashboard')).resolves.toEqual({ user: { id: ADA.id, role: 'admin' }, expiresAt });
    await expect(tokens.verifyScoped(scoped, 'elsewhere')).rejects.toThrow(new UnauthorizedError('Invalid session'));
    await expect(tokens.verify(scoped)).rejects.toThrow(new UnauthorizedError('Invalid access token'));
    const { accessToken } = await tokens.issue(ADA);
    await expect(tokens.verifyScoped(accessToken, 'cleave-dashboard')).rejects.toThrow(new UnauthorizedError('Invalid session'));
    await expect(tokens.verifyWithExpiry(accessToken)).resolves.toMatchObject({ user: { id: ADA.id, role: 'admin' }, expiresAt: expect.any(Number) });
  });
});
