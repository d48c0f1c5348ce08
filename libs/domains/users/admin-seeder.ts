import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UsersSettings } from './users.settings';
import { UsersService } from './users.service';

/** Without a seeded administrator nobody could ever create a product. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly settings: UsersSettings,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.settings.admin;
    if (!admin) {
      this.logger.log('No ADMIN_EMAIL/ADMIN_PASSWORD set: no administrator is created');
      return;
    }
    const outcome = await this.users.ensureAdmin(admin.email, admin.password);
    if (outcome === 'created') this.logger.log(`Created administrator ${admin.email.toLowerCase()}`);
    // Never promote an existing account: whoever registered that email first would become admin.
    if (outcome === 'taken-by-customer') this.logger.warn(`ADMIN_EMAIL ${admin.email.toLowerCase()} belongs to a customer account; it was not made an administrator`);
  }
}
