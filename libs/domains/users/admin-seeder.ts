import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { USERS_SETTINGS, UsersSettings } from './users.settings';
import { UsersService } from './users.service';

/** Without a seeded administrator nobody could ever create a product. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    @Inject(USERS_SETTINGS) private readonly settings: UsersSettings,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.settings.admin;
    if (!admin) return;
    if (await this.users.ensureAdmin(admin.email, admin.password)) this.logger.log(`Created administrator ${admin.email.toLowerCase()}`);
  }
}
