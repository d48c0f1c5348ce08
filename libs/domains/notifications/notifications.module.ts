import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database';
import { Notification } from './notification.entity';
import { NOTIFICATIONS_MIGRATIONS } from './notifications.migrations';
import { NotificationsHandlers } from './notifications.handlers';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [
    DatabaseModule.forModule({
      module: 'notifications',
      entities: [Notification],
      migrations: NOTIFICATIONS_MIGRATIONS,
    }),
  ],
  controllers: [NotificationsHandlers],
  providers: [NotificationsService],
})
export class NotificationsModule {}
