import { createSecretKey, KeyObject } from 'node:crypto';
import { z } from 'zod';
import { defineSettings, setting } from '@cleave/platform/config';
import { listenHost } from '@cleave/platform/process';

/**
 * Lets a fresh checkout run without setup. Anyone can read it here and mint tokens with it,
 * so it is refused in production and whenever the gateway listens beyond loopback.
 */
export const DEVELOPMENT_JWT_SECRET = 'cleave-development-secret-not-for-production';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `3600`, `90s`, `15m`, `1h`, `7d`, in seconds. */
const duration = z.string().transform((raw, ctx) => {
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's'] : 0;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    ctx.addIssue({ code: 'custom', message: `must be a positive duration such as 3600, 15m, 1h or 7d, got "${raw}"` });
    return z.NEVER;
  }
  return seconds;
});

/** How the gateway signs and checks access tokens. */
export class GatewaySettings extends defineSettings(
  'gateway',
  'Gateway and access tokens',
  {
    configuredSecret: setting.optional('JWT_SECRET', {
      secret: 'value',
      // HS256 keys shorter than the hash (32 bytes) are below what RFC 7518 requires.
      minSecretBytes: 32,
      publicValues: [DEVELOPMENT_JWT_SECRET],
      defaultDoc: 'a public development secret, accepted only on a loopback `HOST` outside production',
      doc: 'signs access tokens (HS256); required in production and beyond loopback, 32 bytes or more there (`openssl rand -base64 32`)',
    }),
    jwtExpiresInSeconds: setting.custom('JWT_EXPIRES_IN', duration, {
      default: '15m',
      doc: 'access token lifetime: seconds, or `15m`, `1h`, `7d`; short, as clients renew it with their refresh token (`POST /auth/refresh`)',
    }),
    jwtIssuer: setting.string('JWT_ISSUER', { default: 'cleave', doc: 'the `iss` of every token the gateway signs, and the only one it accepts' }),
    jwtAudience: setting.string('JWT_AUDIENCE', { default: 'cleave-api', doc: 'the `aud` of access tokens, and the only one the API accepts' }),
    tokenVersionCacheMs: setting.int('CLEAVE_TOKEN_VERSION_CACHE_MS', {
      default: 10_000,
      min: 0,
      max: 300_000,
      doc: "how long the gateway trusts a user's token version without asking users; revocations reach it sooner by broadcast",
    }),
  },
  (values, context) => {
    if (values.configuredSecret) return [];
    if (context.env.NODE_ENV === 'production') return ['JWT_SECRET is required in production'];
    const host = listenHost(context.env);
    if (!isLoopback(host)) return [`JWT_SECRET is required when the gateway listens on ${host}: the development secret is public`];
    return [];
  },
) {
  get jwtSecret(): string {
    return this.configuredSecret ?? DEVELOPMENT_JWT_SECRET;
  }

  get usesDevelopmentSecret(): boolean {
    return !this.configuredSecret;
  }

  /**
   * The secret as a key object, made once: given a string, the JWT library converts it on
   * every sign and verify (issue 16 measured that at 8% of the gateway's CPU).
   */
  get jwtKey(): KeyObject {
    let key = keys.get(this.jwtSecret);
    if (!key) keys.set(this.jwtSecret, (key = createSecretKey(Buffer.from(this.jwtSecret, 'utf8'))));
    return key;
  }
}

const keys = new Map<string, KeyObject>();

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
