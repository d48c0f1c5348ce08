import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Lets a fresh checkout run split without setup; public, so production beyond one process refuses it. */
export const DEVELOPMENT_SEAL_KEY = 'cleave-development-bus-seal-key-not-for-production';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed field as it travels: `{ "$sealed": "v1.<base64url of iv | ciphertext | tag>" }`. */
export interface SealedValue {
  $sealed: string;
}

/** A sealed field that cannot be opened: another key, or tampered with. */
export class UnsealError extends Error {}

/**
 * The fields a contract marks `sealed` (passwords, refresh tokens) cross Redis encrypted
 * with AES-256-GCM, so they never rest in clear in a queue list, the AOF or an RDB snapshot.
 *
 * Why fields, not whole envelopes: only a handful of requests carry secrets, so the cost is
 * paid by logins, not by every checkout; the rest of an envelope stays readable for
 * operators (dead letters, `redis-cli`). The field's place (pattern and name) is bound in as
 * associated data: a sealed password cannot be replayed into another request or field.
 */
export class Sealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    // Any length of configured secret gives a proper 256-bit key.
    this.key = Buffer.from(hkdfSync('sha256', secret, 'cleave-bus', 'field sealing v1', 32));
  }

  seal(value: string, place: string): SealedValue {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(place));
    const body = Buffer.concat([iv, cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { $sealed: `${VERSION}.${body.toString('base64url')}` };
  }

  open(sealed: SealedValue, place: string): string {
    const [version, encoded] = sealed.$sealed.split('.', 2);
    const body = version === VERSION && encoded ? Buffer.from(encoded, 'base64url') : Buffer.alloc(0);
    if (body.length < IV_BYTES + TAG_BYTES) throw new UnsealError(`${place} is sealed in an unknown format`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, body.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(place));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new UnsealError(`${place} could not be opened: CLEAVE_BUS_SEAL_KEY differs between the processes, or the message was altered`);
    }
  }

  /** A shallow copy of a request with those of `fields` that are strings sealed. */
  sealFields(data: unknown, fields: readonly string[], pattern: string): unknown {
    if (!data || typeof data !== 'object') return data;
    const copy: Record<string, unknown> = { ...(data as Record<string, unknown>) };
    for (const field of fields) if (typeof copy[field] === 'string') copy[field] = this.seal(copy[field] as string, `${pattern}:${field}`);
    return copy;
  }

  /** Opens every sealed top-level field of a request taken off the wire, in place. */
  openFields(data: unknown, pattern: string): unknown {
    if (!data || typeof data !== 'object') return data;
    const fields = data as Record<string, unknown>;
    for (const [field, value] of Object.entries(fields)) if (isSealed(value)) fields[field] = this.open(value, `${pattern}:${field}`);
    return data;
  }
}

function isSealed(value: unknown): value is SealedValue {
  return !!value && typeof value === 'object' && typeof (value as SealedValue).$sealed === 'string' && Object.keys(value).length === 1;
}
