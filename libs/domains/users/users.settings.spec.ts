import { SettingsError } from '@cleave/platform/config';
import { UsersSettings } from './users.settings';

describe('the administrator password in production', () => {
  const production = (password: string) => () => UsersSettings.from({ NODE_ENV: 'production', ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: password });

  it.each([
    ['admin-password', 'ADMIN_PASSWORD is a well-known value that anyone would try first: set a random one in production'],
    ['Password123!', 'ADMIN_PASSWORD is a well-known value that anyone would try first: set a random one in production'],
    ['changeme', 'ADMIN_PASSWORD is a well-known value that anyone would try first: set a random one in production'],
    ['x7#kP2qa', 'ADMIN_PASSWORD is too short for production: 8 bytes, at least 12 needed (e.g. openssl rand -base64 32)'],
    ['aaaaaaaaaaaaaaaa', 'ADMIN_PASSWORD is too weak for production: fewer than 6 different characters'],
  ])('refuses %p', (password, message) => {
    expect(production(password)).toThrow(new SettingsError([message]));
  });

  it('accepts a long random one in production, and the development rules elsewhere', () => {
    expect(production('u8-Vq3!zLx0#pW')().admin).toEqual({ email: 'root@example.com', password: 'u8-Vq3!zLx0#pW' });
    expect(UsersSettings.from({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'admin-password' }).admin?.password).toBe('admin-password');
  });
});

describe('the password hashing cost', () => {
  it("defaults to OWASP's argon2id minimum and refuses less in production only", () => {
    expect(UsersSettings.from({ NODE_ENV: 'production' }).hashCost).toEqual({ memoryKiB: 19_456, iterations: 2, parallelism: 1 });
    expect(UsersSettings.from({ CLEAVE_PASSWORD_HASH_MEMORY_KIB: '1024', CLEAVE_PASSWORD_HASH_ITERATIONS: '1' }).hashCost).toEqual({ memoryKiB: 1024, iterations: 1, parallelism: 1 });
    expect(() => UsersSettings.from({ NODE_ENV: 'production', CLEAVE_PASSWORD_HASH_MEMORY_KIB: '1024', CLEAVE_PASSWORD_HASH_ITERATIONS: '1' })).toThrow(
      new SettingsError([
        "CLEAVE_PASSWORD_HASH_MEMORY_KIB=1024 with CLEAVE_PASSWORD_HASH_ITERATIONS=1 is below OWASP's argon2id minimum for production (19456 KiB with 2 passes, 47104 with 1, 12288 with 3, 9216 with 4, 7168 with 5)",
      ]),
    );
    expect(UsersSettings.from({ NODE_ENV: 'production', CLEAVE_PASSWORD_HASH_MEMORY_KIB: '47104', CLEAVE_PASSWORD_HASH_ITERATIONS: '1' }).hashCost.memoryKiB).toBe(47_104);
  });
});
