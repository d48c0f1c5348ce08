import { defineSettings, setting } from '@cleave/platform/config';
import { HashCost, meetsOwasp } from './password-hasher';

/** The administrator made on first start, and what hashing a password costs. */
export class UsersSettings extends defineSettings(
  'users',
  'Users',
  {
    adminEmail: setting.optional('ADMIN_EMAIL', { defaultDoc: 'unset', doc: 'administrator created on first start (with `ADMIN_PASSWORD`)' }),
    adminPassword: setting.optional('ADMIN_PASSWORD', {
      secret: 'value',
      defaultDoc: 'unset',
      doc: "that administrator's password, 8 characters or more; in production 12 or more and not a well-known one",
    }),
    hashMemoryKiB: setting.int('CLEAVE_PASSWORD_HASH_MEMORY_KIB', {
      default: 19_456,
      min: 1024,
      max: 1024 * 1024,
      doc: "argon2id memory per password hash, KiB; production refuses less than OWASP's minimum (19456 with 2 passes, or an equivalent pair)",
    }),
    hashIterations: setting.int('CLEAVE_PASSWORD_HASH_ITERATIONS', { default: 2, min: 1, max: 64, doc: 'argon2id passes over that memory' }),
    refreshTokenDays: setting.int('CLEAVE_REFRESH_TOKEN_DAYS', { default: 14, min: 1, max: 365, doc: 'how long an unused refresh token stays good; each refresh hands out a new one' }),
  },
  ({ adminEmail, adminPassword, hashMemoryKiB, hashIterations }, context) => {
    const problems: string[] = [];
    if (context.env.NODE_ENV === 'production' && !meetsOwasp({ memoryKiB: hashMemoryKiB, iterations: hashIterations, parallelism: 1 })) {
      problems.push(
        `CLEAVE_PASSWORD_HASH_MEMORY_KIB=${hashMemoryKiB} with CLEAVE_PASSWORD_HASH_ITERATIONS=${hashIterations} is below OWASP's argon2id minimum for production (19456 KiB with 2 passes, 47104 with 1, 12288 with 3, 9216 with 4, 7168 with 5)`,
      );
    }
    if (!adminEmail && !adminPassword) return problems;
    if (!adminEmail || !adminPassword) {
      return [...problems, `ADMIN_EMAIL and ADMIN_PASSWORD must be set together (only ${adminEmail ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'} is set)`];
    }
    return adminPassword.length < 8 ? [...problems, 'ADMIN_PASSWORD must be at least 8 characters long'] : problems;
  },
) {
  /** The administrator to create at start when missing. */
  get admin(): { email: string; password: string } | undefined {
    return this.adminEmail && this.adminPassword ? { email: this.adminEmail, password: this.adminPassword } : undefined;
  }

  get hashCost(): HashCost {
    return { memoryKiB: this.hashMemoryKiB, iterations: this.hashIterations, parallelism: 1 };
  }
}
