import 'reflect-metadata';
import { randomBytes, scryptSync } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '@cleave/contracts/kernel/errors';
import { WriteQueue } from '@cleave/platform/database';
import { Outbox, OUTBOX_MIGRATIONS, OutboxMessage, OutboxRelay } from '@cleave/platform/outbox';
import { User } from './user.entity';
import { CreateUsers1767000000001 } from './migrations/1767000000001-create-users';
import { AddUserProfile1767000000011 } from './migrations/1767000000011-add-user-profile';
import { UsersService } from './users.service';
import { AdminSeeder } from './admin-seeder';
import { UsersSettings } from './users.settings';
import { PasswordHasher } from './password-hasher';
import { RefreshToken } from './refresh-token.entity';
import { AddSessions1767000000021 } from './migrations/1767000000021-add-sessions';
import { SessionsService } from './sessions.service';
import { TokenVersions } from './token-versions';
import { RegisterUser } from '@cleave/contracts/users/users.contract';
import { ServiceBus } from '@cleave/platform/bus';

describe('UsersService', () => {
  let dataSource: DataSource;
  let service: UsersService;
  let sessions: SessionsService;
  /** What the users module broadcast (token versions), in order. */
  let broadcasts: { name: string; payload: unknown }[];

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [User, RefreshToken, OutboxMessage],
      migrations: [CreateUsers1767000000001, AddUserProfile1767000000011, AddSessions1767000000021, ...OUTBOX_MIGRATIONS],
      migrationsRun: true,
    });
    await dataSource.initialize();
    const writes = new WriteQueue(dataSource);
    const relay = { kick: () => undefined } as unknown as OutboxRelay;
    broadcasts = [];
    const bus = { broadcast: async (_: unknown, name: string, payload: unknown) => void broadcasts.push({ name, payload }) } as unknown as ServiceBus;
    const versions = new TokenVersions(bus);
    service = new UsersService(dataSource.getRepository(User), new Outbox(dataSource, writes, relay), writes, new PasswordHasher({ memoryKiB: 1024, iterations: 1, parallelism: 1 }), versions);
    sessions = new SessionsService(dataSource.getRepository(RefreshToken), service, versions, writes, UsersSettings.from({}));
  });

  /** Registers, then signs in to get the account's view (registering answers the same for a taken email). */
  async function signUp(request: RegisterUser) {
    await service.register(request);
    return service.verifyCredentials({ email: request.email, password: request.password });
  }

  /** What the outbox holds for the relay: the events committed with the changes. */
  async function recorded(): Promise<{ event: string; payload: unknown }[]> {
    const rows = await dataSource.getRepository(OutboxMessage).find({ order: { seq: 'ASC' } });
    return rows.map((row) => ({ event: row.event, payload: JSON.parse(row.payload) }));
  }

  const register = (email: string, extra: { name?: string; password?: string } = {}) => signUp({ email, password: 'secret-password', ...extra });

  afterEach(() => dataSource.destroy());

  it('registers a customer and never returns the password hash', async () => {
    await expect(service.register({ email: 'Ada@Example.com', password: 'secret-password' })).resolves.toEqual({ email: 'ada@example.com', name: 'Ada' });
    const user = await service.verifyCredentials({ email: 'ada@example.com', password: 'secret-password' });
    expect(user).toEqual({ id: expect.any(String), email: 'ada@example.com', name: 'Ada', role: 'customer', createdAt: expect.any(String), updatedAt: user.createdAt });
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
    expect(JSON.stringify(user)).not.toMatch(/password|hash|scrypt/i);
    const stored = await dataSource.getRepository(User).findOneByOrFail({ id: user.id });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('answers a taken email, whatever its case, as a new one, makes no account and tells the owner', async () => {
    const fresh = await service.register({ email: 'ada@example.com', password: 'secret-password', name: 'Ada' });
    const ada = await service.verifyCredentials({ email: 'ada@example.com', password: 'secret-password' });
    await expect(service.register({ email: ' ADA@example.COM ', password: 'another-password', name: 'Ada' })).resolves.toEqual(fresh);
    await expect(service.verifyCredentials({ email: 'ada@example.com', password: 'another-password' })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(await dataSource.getRepository(User).count()).toBe(1);
    expect((await recorded()).filter((e) => e.event === 'user.address-claimed')).toEqual([{ event: 'user.address-claimed', payload: { userId: ada.id, attempt: 'registration' } }]);
  });

  it('rejects a malformed email or a short password', async () => {
    await expect(service.register({ email: 'not-an-email', password: 'secret-password' })).rejects.toBeInstanceOf(ValidationError);
    await expect(service.register({ email: 'ada@example.com', password: 'short' })).rejects.toMatchObject({ status: 422 });
  });

  it('verifies credentials case-insensitively on the email', async () => {
    const user = await signUp({ email: 'ada@example.com', password: 'secret-password' });
    await expect(service.verifyCredentials({ email: 'ADA@example.com', password: 'secret-password' })).resolves.toEqual(user);
  });

  it('upgrades a hash of the first version (scrypt) at the next login', async () => {
    const user = await signUp({ email: 'old@example.com', password: 'secret-password' });
    const salt = randomBytes(16);
    const legacy = ['scrypt', 16384, 8, 1, salt.toString('base64'), scryptSync('secret-password', salt, 64, { N: 16384, r: 8, p: 1 }).toString('base64')].join('$');
    await dataSource.getRepository(User).update({ id: user.id }, { passwordHash: legacy });
    await expect(service.verifyCredentials({ email: 'old@example.com', password: 'wrong-password' })).rejects.toBeInstanceOf(UnauthorizedError);
    expect((await dataSource.getRepository(User).findOneByOrFail({ id: user.id })).passwordHash).toBe(legacy);
    await expect(service.verifyCredentials({ email: 'old@example.com', password: 'secret-password' })).resolves.toMatchObject({ id: user.id });
    const upgraded = (await dataSource.getRepository(User).findOneByOrFail({ id: user.id })).passwordHash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    await expect(service.verifyCredentials({ email: 'old@example.com', password: 'secret-password' })).resolves.toMatchObject({ id: user.id });
  });

  it('answers a wrong password and an unknown email alike', async () => {
    await signUp({ email: 'ada@example.com', password: 'secret-password' });
    for (const credentials of [
      { email: 'ada@example.com', password: 'wrong-password' },
      { email: 'bob@example.com', password: 'secret-password' },
    ]) {
      const error = await service.verifyCredentials(credentials).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(error).toMatchObject({ status: 401, message: 'Invalid email or password' });
    }
  });

  it('gets a user by id, or not found', async () => {
    const user = await signUp({ email: 'ada@example.com', password: 'secret-password' });
    await expect(service.getUser({ id: user.id })).resolves.toEqual(user);
    await expect(service.getUser({ id: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(NotFoundError);
  });

  describe('registration', () => {
    it('announces the user in the same transaction, with the given or the default name', async () => {
      const ada = await register('ada@example.com', { name: '  Ada Lovelace ' });
      const bob = await register('Bob.Smith@example.com');
      expect(ada.name).toBe('Ada Lovelace');
      expect(bob.name).toBe('Bob.Smith');
      expect(await recorded()).toEqual([
        { event: 'user.registered', payload: { userId: ada.id, email: 'ada@example.com', name: 'Ada Lovelace' } },
        { event: 'user.registered', payload: { userId: bob.id, email: 'bob.smith@example.com', name: 'Bob.Smith' } },
      ]);
    });

    it('announces nothing when the email is taken, and refuses a blank or long name', async () => {
      await register('ada@example.com');
      await service.register({ email: 'ADA@example.com', password: 'other-password' });
      await expect(register('bob@example.com', { name: '   ' })).rejects.toBeInstanceOf(ValidationError);
      await expect(register('bob@example.com', { name: 'x'.repeat(101) })).rejects.toBeInstanceOf(ValidationError);
      expect((await recorded()).map((e) => e.event)).toEqual(['user.registered', 'user.address-claimed']);
    });

    it('does not announce the seeded administrator', async () => {
      await service.ensureAdmin('root@example.com', 'admin-password');
      expect(await recorded()).toEqual([]);
    });
  });

  describe('profile', () => {
    it('changes the name and email, normalised, and moves updatedAt', async () => {
      const ada = await register('ada@example.com');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const updated = await service.updateProfile({ id: ada.id, name: ' Ada L. ', email: ' ADA.L@Example.com ' });
      expect(updated).toMatchObject({ id: ada.id, name: 'Ada L.', email: 'ada.l@example.com', createdAt: ada.createdAt });
      expect(updated.updatedAt > ada.updatedAt).toBe(true);
      await expect(service.getUser({ id: ada.id })).resolves.toEqual(updated);
      await expect(service.verifyCredentials({ email: 'ada.l@example.com', password: 'secret-password' })).resolves.toEqual(updated);
    });

    it('changes nothing when nothing is given or the email is the same', async () => {
      const ada = await register('ada@example.com');
      await expect(service.updateProfile({ id: ada.id })).resolves.toEqual(ada);
      await expect(service.updateProfile({ id: ada.id, email: 'Ada@example.com' })).resolves.toEqual(ada);
    });

    it('answers an email taken by someone else as if changed, changes nothing and tells its owner', async () => {
      const ada = await register('ada@example.com');
      const bob = await register('bob@example.com');
      await expect(service.updateProfile({ id: ada.id, email: 'BOB@example.com' })).resolves.toMatchObject({ id: ada.id, email: 'bob@example.com' });
      expect((await recorded()).filter((e) => e.event === 'user.address-claimed')).toEqual([{ event: 'user.address-claimed', payload: { userId: bob.id, attempt: 'email-change' } }]);
      await expect(service.updateProfile({ id: ada.id, email: 'nope' })).rejects.toBeInstanceOf(ValidationError);
      await expect(service.updateProfile({ id: ada.id, name: '' })).rejects.toBeInstanceOf(ValidationError);
      await expect(service.getUser({ id: ada.id })).resolves.toMatchObject({ email: 'ada@example.com' });
    });

    it('sets a new password only with the right current one', async () => {
      const ada = await register('ada@example.com');
      await expect(service.updateProfile({ id: ada.id, password: 'new-password' })).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(service.updateProfile({ id: ada.id, password: 'new-password', currentPassword: 'wrong-password' })).rejects.toMatchObject({ status: 401 });
      await expect(service.updateProfile({ id: ada.id, password: 'short', currentPassword: 'secret-password' })).rejects.toBeInstanceOf(ValidationError);
      await service.updateProfile({ id: ada.id, password: 'new-password', currentPassword: 'secret-password' });
      await expect(service.verifyCredentials({ email: 'ada@example.com', password: 'secret-password' })).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(service.verifyCredentials({ email: 'ada@example.com', password: 'new-password' })).resolves.toMatchObject({ id: ada.id });
      const stored = await dataSource.getRepository(User).findOneByOrFail({ id: ada.id });
      expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    });

    it('is not found for an unknown user', async () => {
      await expect(service.updateProfile({ id: '00000000-0000-4000-8000-000000000000', name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('administration', () => {
    it('lists users oldest first, a page at a time', async () => {
      const users = [];
      for (const name of ['a', 'b', 'c']) {
        users.push(await register(`${name}@example.com`));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const page = await service.listUsers({ limit: 2, offset: 1 });
      expect(page).toEqual({ items: [users[1], users[2]], total: 3, limit: 2, offset: 1 });
      expect((await service.listUsers({})).items.map((u) => u.email)).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
      await expect(service.listUsers({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(service.listUsers({ limit: 101 })).rejects.toBeInstanceOf(ValidationError);
      await expect(service.listUsers({ offset: -1 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('promotes and demotes, but never the last administrator', async () => {
      await service.ensureAdmin('root@example.com', 'admin-password');
      const root = await service.verifyCredentials({ email: 'root@example.com', password: 'admin-password' });
      const ada = await register('ada@example.com');
      await expect(service.setRole({ id: root.id, role: 'customer' })).rejects.toBeInstanceOf(ConflictError);
      await expect(service.setRole({ id: ada.id, role: 'admin' })).resolves.toMatchObject({ id: ada.id, role: 'admin' });
      await expect(service.setRole({ id: ada.id, role: 'admin' })).resolves.toMatchObject({ role: 'admin' });
      await expect(service.setRole({ id: root.id, role: 'customer' })).resolves.toMatchObject({ role: 'customer' });
      await expect(service.setRole({ id: ada.id, role: 'customer' })).rejects.toMatchObject({ status: 409 });
    });

    it('lets only one of two racing demotions of the last two administrators through', async () => {
      await service.ensureAdmin('root@example.com', 'admin-password');
      const ada = await register('ada@example.com');
      await service.setRole({ id: ada.id, role: 'admin' });
      const admins = await dataSource.getRepository(User).findBy({ role: 'admin' });
      const outcomes = await Promise.allSettled(admins.map((a) => service.setRole({ id: a.id, role: 'customer' })));
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(await dataSource.getRepository(User).countBy({ role: 'admin' })).toBe(1);
    });

    it('refuses an unknown user or role', async () => {
      const ada = await register('ada@example.com');
      await expect(service.setRole({ id: '00000000-0000-4000-8000-000000000000', role: 'admin' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.setRole({ id: ada.id, role: 'root' as never })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('administrator seeding', () => {
    const seed = (env: Record<string, string>) => new AdminSeeder(UsersSettings.from(env), service).onApplicationBootstrap();

    it('creates the administrator once', async () => {
      await seed({ ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'admin-password' });
      await seed({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'admin-password' });
      const admins = await dataSource.getRepository(User).findBy({ role: 'admin' });
      expect(admins.map((u) => u.email)).toEqual(['root@example.com']);
      await expect(service.verifyCredentials({ email: 'root@example.com', password: 'admin-password' })).resolves.toMatchObject({ role: 'admin' });
    });

    it('leaves an existing user with that email alone', async () => {
      await signUp({ email: 'root@example.com', password: 'customer-password' });
      await seed({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'admin-password' });
      await expect(service.verifyCredentials({ email: 'root@example.com', password: 'customer-password' })).resolves.toMatchObject({ role: 'customer' });
    });

    it('does nothing without settings and refuses half of them', async () => {
      await seed({});
      expect(await dataSource.getRepository(User).count()).toBe(0);
      expect(() => UsersSettings.from({ ADMIN_EMAIL: 'root@example.com' })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD must be set together/);
      expect(() => UsersSettings.from({ ADMIN_PASSWORD: 'admin-password' })).toThrow(/only ADMIN_PASSWORD is set/);
      expect(() => UsersSettings.from({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'short' })).toThrow(/at least 8 characters/);
    });

    it('says whether it created, found or refused the administrator', async () => {
      expect(await service.ensureAdmin('root@example.com', 'admin-password')).toBe('created');
      expect(await service.ensureAdmin('ROOT@example.com', 'admin-password')).toBe('exists');
      await signUp({ email: 'taken@example.com', password: 'customer-password' });
      expect(await service.ensureAdmin('taken@example.com', 'admin-password')).toBe('taken-by-customer');
    });
  });
  describe('sessions', () => {
    const version = async (id: string) => (await sessions.tokenVersion({ id })).tokenVersion;

    it('opens a session with a refresh token that rotates once, and a reuse revokes the whole family', async () => {
      const ada = await register('ada@example.com');
      const first = await sessions.start({ email: 'ada@example.com', password: 'secret-password' });
      expect(first).toMatchObject({ user: ada, tokenVersion: 0, refreshToken: expect.stringMatching(/^[\w-]{43}$/), refreshExpiresAt: expect.any(Number) });
      const stored = await dataSource.getRepository(RefreshToken).find();
      expect(JSON.stringify(stored)).not.toContain(first.refreshToken);

      const second = await sessions.refresh({ refreshToken: first.refreshToken });
      expect(second).toMatchObject({ user: ada, tokenVersion: 0 });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      const third = await sessions.refresh({ refreshToken: second.refreshToken });
      const other = await sessions.start({ email: 'ada@example.com', password: 'secret-password' });

      // The first token again: stolen or replayed. Its family dies, access tokens too; another login's family lives.
      await expect(sessions.refresh({ refreshToken: first.refreshToken })).rejects.toThrow(new UnauthorizedError('Refresh token already used: the session is revoked, sign in again'));
      await expect(sessions.refresh({ refreshToken: third.refreshToken })).rejects.toThrow(new UnauthorizedError('Invalid refresh token'));
      expect(await version(ada.id)).toBe(1);
      expect(broadcasts).toEqual([{ name: 'user.tokens-revoked', payload: { userId: ada.id, tokenVersion: 1 } }]);
      await expect(sessions.refresh({ refreshToken: other.refreshToken })).resolves.toMatchObject({ tokenVersion: 1 });
    });

    it('refuses unknown, blank and expired refresh tokens, and wrong credentials', async () => {
      await register('ada@example.com');
      await expect(sessions.start({ email: 'ada@example.com', password: 'wrong-password' })).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(sessions.refresh({ refreshToken: 'nope' })).rejects.toThrow(new UnauthorizedError('Invalid refresh token'));
      await expect(sessions.refresh({ refreshToken: '' })).rejects.toBeInstanceOf(UnauthorizedError);
      const session = await sessions.start({ email: 'ada@example.com', password: 'secret-password' });
      await dataSource.query('UPDATE refresh_tokens SET expires_at = ?', [new Date(Date.now() - 1000).toISOString()]);
      await expect(sessions.refresh({ refreshToken: session.refreshToken })).rejects.toThrow(new UnauthorizedError('Refresh token expired'));
    });

    it('logs out: the family is revoked and the token version moves on', async () => {
      const ada = await register('ada@example.com');
      const session = await sessions.start({ email: 'ada@example.com', password: 'secret-password' });
      await expect(sessions.end({ userId: ada.id, refreshToken: session.refreshToken })).resolves.toEqual({ userId: ada.id, tokenVersion: 1 });
      await expect(sessions.refresh({ refreshToken: session.refreshToken })).rejects.toThrow(new UnauthorizedError('Invalid refresh token'));
      await expect(sessions.end({ userId: ada.id })).resolves.toEqual({ userId: ada.id, tokenVersion: 2 });
      await expect(sessions.tokenVersion({ id: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('revokes access tokens on a role change, and every session on a password change', async () => {
      await service.ensureAdmin('root@example.com', 'admin-password');
      const ada = await register('ada@example.com');
      const session = await sessions.start({ email: 'ada@example.com', password: 'secret-password' });
      await service.setRole({ id: ada.id, role: 'admin' });
      expect(await version(ada.id)).toBe(1);
      await service.setRole({ id: ada.id, role: 'admin' });
      expect(await version(ada.id)).toBe(1);
      await service.updateProfile({ id: ada.id, name: 'Ada' });
      expect(await version(ada.id)).toBe(1);
      await service.updateProfile({ id: ada.id, password: 'new-password', currentPassword: 'secret-password' });
      expect(await version(ada.id)).toBe(2);
      await expect(sessions.refresh({ refreshToken: session.refreshToken })).rejects.toBeInstanceOf(UnauthorizedError);
      expect(broadcasts.map((b) => b.payload)).toEqual([
        { userId: ada.id, tokenVersion: 1 },
        { userId: ada.id, tokenVersion: 2 },
      ]);
    });
  });
});
