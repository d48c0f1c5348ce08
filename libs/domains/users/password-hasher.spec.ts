import { randomBytes, scryptSync } from 'node:crypto';
import { meetsOwasp, PasswordHasher } from './password-hasher';

/** A cheap cost for unit tests; production's is checked by UsersSettings. */
const TEST_COST = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

/** A hash as the first version stored it. */
function scryptHash(password: string, N = 16384): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
  return ['scrypt', N, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

describe('password hasher', () => {
  const hasher = new PasswordHasher(TEST_COST);

  it('stores argon2id with its parameters, salt and hash (PHC)', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(hash).not.toContain('correct horse');
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hasher.hash('correct horse');
    await expect(hasher.verify('correct horse', hash)).resolves.toEqual({ valid: true, needsRehash: false });
    await expect(hasher.verify('correct horsE', hash)).resolves.toEqual({ valid: false, needsRehash: false });
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('verifies hashes of older parameters and asks for a rehash: scrypt of the first version, weaker argon2id', async () => {
    const legacy = scryptHash('old password');
    await expect(hasher.verify('old password', legacy)).resolves.toEqual({ valid: true, needsRehash: true });
    await expect(hasher.verify('wrong password', legacy)).resolves.toEqual({ valid: false, needsRehash: false });
    // OWASP's scrypt minimum (N=2^17) needs 128 MiB, more than Node's default maxmem: sized per hash.
    await expect(hasher.verify('old password', scryptHash('old password', 2 ** 17))).resolves.toEqual({ valid: true, needsRehash: true });
    const stronger = new PasswordHasher({ ...TEST_COST, iterations: 2 });
    await expect(stronger.verify('correct horse', await hasher.hash('correct horse'))).resolves.toEqual({ valid: true, needsRehash: true });
    await expect(hasher.verify('correct horse', await stronger.hash('correct horse'))).resolves.toEqual({ valid: true, needsRehash: false });
  });

  it('rejects malformed or outrageous stored hashes instead of throwing or running them', async () => {
    for (const stored of ['plain', 'scrypt$a$b$c$d$e', 'scrypt$16384$8$1$c2FsdA==$', `scrypt$${2 ** 24}$8$1$c2FsdA==$aGFzaA==`, '$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA', '$argon2id$garbage']) {
      await expect(hasher.verify('x', stored)).resolves.toEqual({ valid: false, needsRehash: false });
    }
  });

  it("knows OWASP's argon2id minimum", () => {
    expect(meetsOwasp({ memoryKiB: 19_456, iterations: 2, parallelism: 1 })).toBe(true);
    expect(meetsOwasp({ memoryKiB: 47_104, iterations: 1, parallelism: 1 })).toBe(true);
    expect(meetsOwasp({ memoryKiB: 19_456, iterations: 1, parallelism: 1 })).toBe(false);
    expect(meetsOwasp({ memoryKiB: 4_096, iterations: 10, parallelism: 1 })).toBe(false);
  });
});
