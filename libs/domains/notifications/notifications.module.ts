import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database';
import { Notification } from './notification.entity';
import { CreateNotifications1767000000004 } from './migrations/1767000000004-create-notifications';
import { AddNotificationReadSeq1767000000014 } from './migrations/1767000000014-add-notification-read-seq';
import { NotificationsHandlers } from './notifications.handlers';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [
    DatabaseModule.forModule({
      module: 'notifications',
      entities: [Notification],
      migrations: [CreateNotifications1767000000004, AddNotificationReadSeq1767000000014],
    }),
  ],
  controllers: [NotificationsHandlers],
  providers: [NotificationsService],
})
export class NotificationsModule {}
