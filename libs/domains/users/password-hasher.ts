import { scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import * as argon2 from 'argon2';

/** argon2id's cost: memory in KiB, passes over it, lanes. */
export interface HashCost {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/**
 * OWASP's argon2id configurations (Password Storage Cheat Sheet): each pair of memory and
 * passes is as strong as the others. Production refuses a cost below all of them.
 */
export const OWASP_ARGON2ID: readonly Pick<HashCost, 'memoryKiB' | 'iterations'>[] = [
  { memoryKiB: 47_104, iterations: 1 },
  { memoryKiB: 19_456, iterations: 2 },
  { memoryKiB: 12_288, iterations: 3 },
  { memoryKiB: 9_216, iterations: 4 },
  { memoryKiB: 7_168, iterations: 5 },
];

export function meetsOwasp(cost: HashCost): boolean {
  return OWASP_ARGON2ID.some((minimum) => cost.memoryKiB >= minimum.memoryKiB && cost.iterations >= minimum.iterations);
}

/** A stored hash whose parameters would make one verification exhaust memory or CPU is refused, not run. */
const MAX_ARGON2_MEMORY_KIB = 1024 * 1024;
const MAX_ARGON2_ITERATIONS = 64;
const MAX_SCRYPT_N = 2 ** 20;

export interface Verification {
  valid: boolean;
  /** Made with older or weaker parameters than today's: hash the password again now that it is known. */
  needsRehash: boolean;
}

/**
 * Passwords as argon2id PHC strings (`$argon2id$v=19$m=19456,p=1,t=2$salt$hash`): the
 * parameters travel with each hash, so the cost can rise without breaking stored ones.
 *
 * Why argon2id over scrypt at N=2^17: the same resistance to GPUs (OWASP's first choice) for
 * a sixth of the memory per login (19 MiB against 128 MiB), which keeps concurrent logins
 * inside the users pod's memory limit. The `argon2` package ships prebuilt binaries (and
 * builds with node-gyp elsewhere); Node 20 has no argon2 of its own.
 *
 * Hashes of the first version (`scrypt$N$r$p$salt$hash`) still verify, and are reported as
 * needing a rehash, so each is upgraded at its owner's next login.
 */
export class PasswordHasher {
  constructor(private readonly cost: HashCost) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password.normalize('NFKC'), {
      type: argon2.argon2id,
      memoryCost: this.cost.memoryKiB,
      timeCost: this.cost.iterations,
      parallelism: this.cost.parallelism,
    });
  }

  async verify(password: string, stored: string): Promise<Verification> {
    if (typeof stored !== 'string') return { valid: false, needsRehash: false };
    if (stored.startsWith('$argon2id$')) {
      const params = argon2Params(stored);
      if (!params || params.memoryKiB > MAX_ARGON2_MEMORY_KIB || params.iterations > MAX_ARGON2_ITERATIONS) return { valid: false, needsRehash: false };
      let valid: boolean;
      try {
        valid = await argon2.verify(stored, password.normalize('NFKC'));
      } catch {
        return { valid: false, needsRehash: false };
      }
      const weaker = params.memoryKiB < this.cost.memoryKiB || params.iterations < this.cost.iterations || params.parallelism !== this.cost.parallelism;
      return { valid, needsRehash: valid && weaker };
    }
    if (stored.startsWith('scrypt$')) {
      const valid = await verifyScrypt(password, stored);
      return { valid, needsRehash: valid };
    }
    return { valid: false, needsRehash: false };
  }
}

/** The parameters of `$argon2id$v=19$m=19456,p=1,t=2$…` (in any order). */
function argon2Params(stored: string): HashCost | undefined {
  const fields = stored.split('$')[3];
  if (!fields) return undefined;
  const params = Object.fromEntries(fields.split(',').map((pair) => pair.split('=')));
  const [memoryKiB, iterations, parallelism] = [params.m, params.t, params.p].map((v) => (/^\d+$/.test(v ?? '') ? Number(v) : NaN));
  if (![memoryKiB, iterations, parallelism].every(Number.isSafeInteger)) return undefined;
  return { memoryKiB, iterations, parallelism };
}

/** The first version's hashes: `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6) return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (![n, r, p].every((v) => Number.isSafeInteger(v) && v > 0) || n > MAX_SCRYPT_N || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (expected.length === 0) return false;
  // scrypt needs 128·N·r bytes; maxmem sized for the hash's own parameters (Node's default 32 MiB refuses N=2^17).
  const options: ScryptOptions = { N: n, r, p, maxmem: 129 * n * r + 1024 * 1024 };
  try {
    const actual = await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.normalize('NFKC'), salt, expected.length, options, (error, key) => (error ? reject(error) : resolve(key))),
    );
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
