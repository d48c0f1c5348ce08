import { defineSettings, setting } from '@cleave/platform/config';

/** The administrator made on first start. */
export class UsersSettings extends defineSettings(
  'users',
  'Users',
  {
    adminEmail: setting.optional('ADMIN_EMAIL', { defaultDoc: 'unset', doc: 'administrator created on first start (with `ADMIN_PASSWORD`)' }),
    adminPassword: setting.optional('ADMIN_PASSWORD', { secret: 'value', defaultDoc: 'unset', doc: "that administrator's password, 8 characters or more" }),
  },
  ({ adminEmail, adminPassword }) => {
    if (!adminEmail && !adminPassword) return [];
    if (!adminEmail || !adminPassword) {
      return [`ADMIN_EMAIL and ADMIN_PASSWORD must be set together (only ${adminEmail ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'} is set)`];
    }
    return adminPassword.length < 8 ? ['ADMIN_PASSWORD must be at least 8 characters long'] : [];
  },
) {
  /** The administrator to create at start when missing. */
  get admin(): { email: string; password: string } | undefined {
    return this.adminEmail && this.adminPassword ? { email: this.adminEmail, password: this.adminPassword } : undefined;
  }
}
