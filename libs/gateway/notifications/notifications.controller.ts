import { Controller, Get, UseGuards } from '@nestjs/common';
import { NotificationsClient, NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';

@Controller('notifications')
@UseGuards(JwtAuthGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsClient) {}

  @Get()
  list(@CurrentUser() user: AuthUser): Promise<NotificationView[]> {
    return this.notifications.listForUser({ userId: user.id });
  }
}
