import { Env, readOptional, SettingsError } from '@cleave/platform/config';

export interface UsersSettings {
  /** The administrator to create at start when missing; both or neither must be set. */
  admin?: { email: string; password: string };
}

export const USERS_SETTINGS = Symbol('USERS_SETTINGS');

export function readUsersSettings(env: Env): UsersSettings {
  const email = readOptional(env, 'ADMIN_EMAIL');
  const password = readOptional(env, 'ADMIN_PASSWORD');
  if (!email && !password) return {};
  if (!email || !password) {
    throw new SettingsError(`ADMIN_EMAIL and ADMIN_PASSWORD must be set together (only ${email ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'} is set)`);
  }
  if (password.length < 8) throw new SettingsError('ADMIN_PASSWORD must be at least 8 characters long');
  return { admin: { email, password } };
}
