/**
 * Small readers for environment variables that fail with the variable's name and what was
 * expected, so a typo stops the process at start rather than misbehaving later.
 */
export type Env = Record<string, string | undefined>;

export class SettingsError extends Error {}

export function readString(env: Env, name: string, fallback?: string): string {
  const value = env[name]?.trim();
  if (value) return value;
  if (fallback !== undefined) return fallback;
  throw new SettingsError(`${name} is required`);
}

export function readOptional(env: Env, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

export function readInt(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}
