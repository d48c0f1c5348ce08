import { JwtService } from '@nestjs/jwt';
import { NotFoundError, UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { UsersClient, UserView } from '@cleave/contracts/users/users.contract';
import { ServiceBus } from '@cleave/platform/bus';
import { GatewaySettings } from '../gateway.settings';
import { TokenService } from './token.service';
import { TokenVersionCache } from './token-version.cache';

const ADA: UserView = { id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', email: 'ada@example.com', name: 'Ada', role: 'admin', createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString() };
const SECRET = 'test-secret-test-secret-test-secret';

describe('TokenService', () => {
  const jwt = new JwtService({});
  const settings = GatewaySettings.from({ JWT_SECRET: SECRET, JWT_EXPIRES_IN: '60' });
  /** What users would answer for each user's version; what was asked. */
  let current: Map<string, number>;
  let asked: string[];
  let revoked: ((event: { userId: string; tokenVersion: number }) => void) | undefined;
  let versions: TokenVersionCache;
  let tokens: TokenService;

  beforeEach(() => {
    current = new Map([[ADA.id, 0]]);
    asked = [];
    const users = {
      tokenVersion: async ({ id }: { id: string }) => {
        asked.push(id);
        if (!current.has(id)) throw new NotFoundError(`User ${id} not found`);
        return { userId: id, tokenVersion: current.get(id)! };
      },
    } as unknown as UsersClient;
    const bus = { onBroadcast: (_: unknown, __: string, listener: typeof revoked) => ((revoked = listener), () => undefined) } as unknown as ServiceBus;
    versions = new TokenVersionCache(users, bus, settings);
    versions.onModuleInit();
    tokens = new TokenService(jwt, settings, versions);
  });

  const sign = (claims: object, secret = SECRET) => jwt.signAsync({ sub: ADA.id, role: 'admin', ver: 0, iss: 'cleave', aud: 'cleave-api', ...claims }, { secret, expiresIn: 60 });

  it('issues a token with iss, aud and the version that verifies back to the user and role', async () => {
    const { accessToken, expiresIn } = await tokens.issue(ADA, 0);
    expect(expiresIn).toBe(60);
    expect(jwt.decode(accessToken)).toMatchObject({ sub: ADA.id, role: 'admin', ver: 0, iss: 'cleave', aud: 'cleave-api' });
    await expect(tokens.verify(accessToken)).resolves.toEqual({ id: ADA.id, role: 'admin', tokenVersion: 0 });
  });

  it('refuses a token signed with another secret, for another audience or issuer, or expired', async () => {
    await expect(tokens.verify(await sign({}, 'other-secret'))).rejects.toThrow(new UnauthorizedError('Invalid access token'));
    await expect(tokens.verify(await sign({ aud: 'elsewhere' }))).rejects.toThrow(new UnauthorizedError('Invalid access token'));
    await expect(tokens.verify(await sign({ iss: 'someone-else' }))).rejects.toThrow(new UnauthorizedError('Invalid access token'));
    const expired = await jwt.signAsync({ sub: ADA.id, role: 'admin', ver: 0, iss: 'cleave', aud: 'cleave-api', exp: Math.floor(Date.now() / 1000) - 10 }, { secret: SECRET });
    await expect(tokens.verify(expired)).rejects.toThrow(new UnauthorizedError('Access token expired'));
    await expect(tokens.verify(await sign({}))).resolves.toMatchObject({ id: ADA.id });
  });

  it('refuses garbage and tokens without the expected claims', async () => {
    await expect(tokens.verify('not.a.token')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(tokens.verify(await sign({ role: undefined }))).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(tokens.verify(await sign({ ver: undefined }))).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a token once the user’s version moved on: by broadcast, after forgetting, or for a deleted user', async () => {
    const { accessToken } = await tokens.issue(ADA, 0);
    await tokens.verify(accessToken);
    expect(asked).toEqual([]); // issuing taught the cache the version
    revoked!({ userId: ADA.id, tokenVersion: 1 });
    await expect(tokens.verify(accessToken)).rejects.toThrow(new UnauthorizedError('Access token revoked: sign in again or refresh'));
    // A late, older answer never undoes a revocation.
    versions.learn(ADA.id, 0);
    await expect(tokens.verify(accessToken)).rejects.toBeInstanceOf(UnauthorizedError);
    const renewed = (await tokens.issue(ADA, 1)).accessToken;
    await expect(tokens.verify(renewed)).resolves.toMatchObject({ tokenVersion: 1 });

    current.set(ADA.id, 2);
    versions.forget(ADA.id);
    await expect(tokens.verify(renewed)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(asked).toEqual([ADA.id]);

    current.delete(ADA.id);
    versions.forget(ADA.id);
    await expect(tokens.verify(renewed)).rejects.toThrow(new UnauthorizedError('Access token revoked'));
  });

  it('issues scoped tokens that only their audience accepts, and never as access tokens', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 30;
    const scoped = await tokens.issueScoped({ id: ADA.id, role: 'admin', tokenVersion: 0 }, 'cleave-dashboard', expiresAt);
    await expect(tokens.verifyScoped(scoped, 'cleave-dashboard')).resolves.toEqual({ user: { id: ADA.id, role: 'admin', tokenVersion: 0 }, expiresAt });
    await expect(tokens.verifyScoped(scoped, 'elsewhere')).rejects.toThrow(new UnauthorizedError('Invalid session'));
    await expect(tokens.verify(scoped)).rejects.toThrow(new UnauthorizedError('Invalid access token'));
    const { accessToken } = await tokens.issue(ADA, 0);
    await expect(tokens.verifyScoped(accessToken, 'cleave-dashboard')).rejects.toThrow(new UnauthorizedError('Invalid session'));
    await expect(tokens.verifyWithExpiry(accessToken)).resolves.toMatchObject({ user: { id: ADA.id, role: 'admin' }, expiresAt: expect.any(Number) });
    revoked!({ userId: ADA.id, tokenVersion: 1 });
    await expect(tokens.verifyScoped(scoped, 'cleave-dashboard')).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
