import { Logger } from '@nestjs/common';
import { Env, readOptional, readString, SettingsError } from '@cleave/platform/config';

export interface GatewaySettings {
  jwtSecret: string;
  /** Access token lifetime, in seconds. */
  jwtExpiresInSeconds: number;
}

export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');

/**
 * Lets a fresh checkout run without setup. Anyone can read it here and mint tokens with it,
 * so it is refused in production and whenever the gateway listens beyond loopback.
 */
export const DEVELOPMENT_JWT_SECRET = 'cleave-development-secret-not-for-production';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export function readGatewaySettings(env: Env, listenHost = '127.0.0.1'): GatewaySettings & { usesDevelopmentSecret: boolean } {
  const secret = readOptional(env, 'JWT_SECRET');
  if (!secret && env.NODE_ENV === 'production') throw new SettingsError('JWT_SECRET is required in production');
  if (!secret && !isLoopback(listenHost)) {
    throw new SettingsError(`JWT_SECRET is required when the gateway listens on ${listenHost}: the development secret is public`);
  }
  return {
    jwtSecret: secret ?? DEVELOPMENT_JWT_SECRET,
    jwtExpiresInSeconds: parseDuration(readString(env, 'JWT_EXPIRES_IN', '1h')),
    usesDevelopmentSecret: !secret,
  };
}

/** `3600`, `90s`, `15m`, `1h`, `7d`. */
function parseDuration(raw: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's'] : 0;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new SettingsError(`JWT_EXPIRES_IN must be a positive duration such as 3600, 15m, 1h or 7d, got "${raw}"`);
  }
  return seconds;
}

let warned = false;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function gatewaySettingsFromProcess(listenHost: string): GatewaySettings {
  const { usesDevelopmentSecret, ...settings } = readGatewaySettings(process.env, listenHost);
  if (usesDevelopmentSecret && !warned) {
    warned = true;
    new Logger('Gateway').warn('JWT_SECRET is not set: signing tokens with the public development secret (loopback only)');
  }
  return settings;
}
