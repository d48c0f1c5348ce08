import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database';
import { withOutbox } from '@cleave/platform/outbox';
import { User } from './user.entity';
import { CreateUsers1767000000001 } from './migrations/1767000000001-create-users';
import { AddUserProfile1767000000011 } from './migrations/1767000000011-add-user-profile';
import { AddSessions1767000000021 } from './migrations/1767000000021-add-sessions';
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
    DatabaseModule.forModule(withOutbox({ module: 'users', entities: [User, RefreshToken], migrations: [CreateUsers1767000000001, AddUserProfile1767000000011, AddSessions1767000000021] })),
  ],
  controllers: [UsersHandlers],
  providers: [UsersService, SessionsService, TokenVersions, AdminSeeder, { provide: PasswordHasher, useFactory: (settings: UsersSettings) => new PasswordHasher(settings.hashCost), inject: [UsersSettings] }],
})
export class UsersModule {}
