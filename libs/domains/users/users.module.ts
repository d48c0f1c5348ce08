import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database';
import { withOutbox } from '@cleave/platform/outbox';
import { User } from './user.entity';
import { USERS_MIGRATIONS } from './users.migrations';
import { RefreshToken } from './refresh-token.entity';
import { SessionsService } from './sessions.service';
import { TokenVersions } from './token-versions';
import { UsersService } from './users.service';
import { UsersHandlers } from './users.handlers';
import { AdminSeeder } from './admin-seeder';
import { PasswordHasher } from './password-hasher';
import { UsersSettings } from './users.settings';

@Module({
  imports: [
    DatabaseModule.forModule(withOutbox({ module: 'users', entities: [User, RefreshToken], migrations: USERS_MIGRATIONS })),
  ],
  controllers: [UsersHandlers],
  providers: [UsersService, SessionsService, TokenVersions, AdminSeeder, { provide: PasswordHasher, useFactory: (settings: UsersSettings) => new PasswordHasher(settings.hashCost), inject: [UsersSettings] }],
})
export class UsersModule {}
