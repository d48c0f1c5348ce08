import { z } from 'zod';
import { defineSettings, setting } from '@cleave/platform/config';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)\s*(ms|s|m|h)?$/.exec(raw.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 's'] : NaN;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/** `20/1m`: at most 20 requests per minute; the window as `500ms`, `10s`, `1m` or `1h`. */
export interface Rate {
  limit: number;
  windowMs: number;
}

const rate = z.string().transform((raw, ctx): Rate => {
  const [count, window] = raw.split('/');
  const limit = Number(count);
  const windowMs = window === undefined ? undefined : parseDuration(window);
  if (!/^\d+$/.test(count?.trim() ?? '') || !Number.isSafeInteger(limit) || limit < 1 || windowMs === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be requests per window such as 20/1m or 600/10s, got "${raw}"` });
    return z.NEVER;
  }
  return { limit, windowMs };
});

const duration = z.string().transform((raw, ctx) => {
  const ms = parseDuration(raw);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be a duration such as 500ms, 1s, 15m, got "${raw}"` });
    return z.NEVER;
  }
  return ms;
});

/**
 * How fast one client may call the gateway; all live, so a limit can be raised during an
 * incident without a restart. Counted per gateway process in one process, and in Redis,
 * shared by every gateway instance, when split.
 */
export class RateLimitSettings extends defineSettings('rate-limit', 'Rate limits', {
  general: setting.custom('CLEAVE_RATE_LIMIT', rate, {
    default: '600/1m',
    live: true,
    doc: 'requests per window one client (address) may make to one route; beyond it 429 with `Retry-After`',
  }),
  auth: setting.custom('CLEAVE_RATE_LIMIT_AUTH', rate, {
    default: '20/1m',
    live: true,
    doc: 'registrations, and logins, per window from one client address',
  }),
  checkout: setting.custom('CLEAVE_RATE_LIMIT_CHECKOUT', rate, {
    default: '20/1m',
    live: true,
    doc: 'checkouts (`POST /cart/checkout`, `POST /orders`) per window by one user',
  }),
  loginFreeFailures: setting.int('CLEAVE_LOGIN_FREE_FAILURES', {
    default: 5,
    min: 1,
    max: 1000,
    live: true,
    doc: 'failed logins for one email before each further one makes it wait (whether or not the account exists)',
  }),
  loginBackoffMs: setting.custom('CLEAVE_LOGIN_BACKOFF', duration, {
    default: '1s',
    live: true,
    doc: 'the first wait after the free failures; it doubles with each further failure',
  }),
  loginBackoffMaxMs: setting.custom('CLEAVE_LOGIN_BACKOFF_MAX', duration, {
    default: '15m',
    live: true,
    doc: 'the longest wait, and how long failures are remembered; a successful login forgets them',
  }),
}) {}
