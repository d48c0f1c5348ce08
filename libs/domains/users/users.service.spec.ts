import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '@cleave/contracts/kernel/errors';
import { User } from './user.entity';
import { CreateUsers1767000000001 } from './migrations/1767000000001-create-users';
import { UsersService } from './users.service';
import { AdminSeeder } from './admin-seeder';
import { readUsersSettings } from './users.settings';

describe('UsersService', () => {
  let dataSource: DataSource;
  let service: UsersService;

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [User],
      migrations: [CreateUsers1767000000001],
      migrationsRun: true,
    });
    await dataSource.initialize();
    service = new UsersService(dataSource.getRepository(User));
  });

  afterEach(() => dataSource.destroy());

  it('registers a customer and never returns the password hash', async () => {
    const user = await service.register({ email: 'Ada@Example.com', password: 'secret-password' });
    expect(user).toEqual({ id: expect.any(String), email: 'ada@example.com', role: 'customer', createdAt: expect.any(String) });
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
    const stored = await dataSource.getRepository(User).findOneByOrFail({ id: user.id });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
  });

  it('refuses a taken email, whatever its case', async () => {
    await service.register({ email: 'ada@example.com', password: 'secret-password' });
    await expect(service.register({ email: ' ADA@example.COM ', password: 'another-password' })).rejects.toBeInstanceOf(ConflictError);
    await expect(service.register({ email: 'ada@example.com', password: 'another-password' })).rejects.toMatchObject({ status: 409 });
  });

  it('rejects a malformed email or a short password', async () => {
    await expect(service.register({ email: 'not-an-email', password: 'secret-password' })).rejects.toBeInstanceOf(ValidationError);
    await expect(service.register({ email: 'ada@example.com', password: 'short' })).rejects.toMatchObject({ status: 422 });
  });

  it('verifies credentials case-insensitively on the email', async () => {
    const user = await service.register({ email: 'ada@example.com', password: 'secret-password' });
    await expect(service.verifyCredentials({ email: 'ADA@example.com', password: 'secret-password' })).resolves.toEqual(user);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    await service.register({ email: 'ada@example.com', password: 'secret-password' });
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
    const user = await service.register({ email: 'ada@example.com', password: 'secret-password' });
    await expect(service.getUser({ id: user.id })).resolves.toEqual(user);
    await expect(service.getUser({ id: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(NotFoundError);
  });

  describe('administrator seeding', () => {
    const seed = (env: Record<string, string>) => new AdminSeeder(readUsersSettings(env), service).onApplicationBootstrap();

    it('creates the administrator once', async () => {
      await seed({ ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'admin-password' });
      await seed({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'admin-password' });
      const admins = await dataSource.getRepository(User).findBy({ role: 'admin' });
      expect(admins.map((u) => u.email)).toEqual(['root@example.com']);
      await expect(service.verifyCredentials({ email: 'root@example.com', password: 'admin-password' })).resolves.toMatchObject({ role: 'admin' });
    });

    it('leaves an existing user with that email alone', async () => {
      await service.register({ email: 'root@example.com', password: 'customer-password' });
      await seed({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'admin-password' });
      await expect(service.verifyCredentials({ email: 'root@example.com', password: 'customer-password' })).resolves.toMatchObject({ role: 'customer' });
    });

    it('does nothing without settings and refuses half of them', async () => {
      await seed({});
      expect(await dataSource.getRepository(User).count()).toBe(0);
      expect(() => readUsersSettings({ ADMIN_EMAIL: 'root@example.com' })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD must be set together/);
      expect(() => readUsersSettings({ ADMIN_PASSWORD: 'admin-password' })).toThrow(/only ADMIN_PASSWORD is set/);
      expect(() => readUsersSettings({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'short' })).toThrow(/at least 8 characters/);
    });

    it('says whether it created, found or refused the administrator', async () => {
      expect(await service.ensureAdmin('root@example.com', 'admin-password')).toBe('created');
      expect(await service.ensureAdmin('ROOT@example.com', 'admin-password')).toBe('exists');
      await service.register({ email: 'taken@example.com', password: 'customer-password' });
      expect(await service.ensureAdmin('taken@example.com', 'admin-password')).toBe('taken-by-customer');
    });
  });
});
