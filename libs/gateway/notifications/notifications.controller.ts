import { Body, Controller, Get, Headers, HttpCode, HttpStatus, MessageEvent, Post, Query, Sse, UseGuards } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ApiEventStream } from '../http/openapi/media';
import { NotificationViewDto, UpdatedCountDto } from '../http/openapi/views.dto';
import { Observable } from 'rxjs';
import { BadRequestError } from '@cleave/contracts/kernel/errors';
import { NotificationsClient, NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard, TokenInQuery } from '../auth/jwt-auth.guard';
import { ListNotificationsQueryDto, MarkReadDto, StreamQueryDto } from './notifications.dto';
import { NotificationStreams } from './notification-streams';

@Controller('notifications')
@UseGuards(JwtAuthGuard)
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsClient,
    private readonly streams: NotificationStreams,
  ) {}

  /** Newest first. */
  @Get()
  @ApiResponse({ status: 200, type: [NotificationViewDto], description: "The caller's notifications, newest first" })
  list(@CurrentUser() user: AuthUser, @Query() query: ListNotificationsQueryDto): Promise<NotificationView[]> {
    return this.notifications.listForUser({ userId: user.id, unreadOnly: query.unread, limit: query.limit });
  }

  /** The given notifications of the caller (others' ids are ignored), or all of them. */
  @Post('read')
  @HttpCode(HttpStatus.OK)
  @ApiResponse({ status: 200, type: UpdatedCountDto, description: 'How many were marked read' })
  markRead(@CurrentUser() user: AuthUser, @Body() body: MarkReadDto): Promise<{ updated: number }> {
    return this.notifications.markRead({ userId: user.id, ids: body.ids });
  }

  /**
   * Server-Sent Events: `event: notification`, `id: <seq>`, `data: <NotificationView>`. First
   * what was recorded after `Last-Event-ID` (or `?after=`), then each new one. Errors before
   * the first event (401, 503...) are plain JSON answers.
   */
  @Sse('stream')
  @TokenInQuery()
  @ApiEventStream('`event: notification`, `id: <seq>`: what was recorded after `Last-Event-ID` (or `?after=`), then each new one', NotificationViewDto)
  stream(@CurrentUser() user: AuthUser, @Query() query: StreamQueryDto, @Headers('last-event-id') lastEventId?: string): Promise<Observable<MessageEvent>> {
    return this.streams.openStream(user.id, resumeAfter(lastEventId, query.after));
  }
}

function resumeAfter(lastEventId: string | undefined, after: number | undefined): number | undefined {
  if (lastEventId === undefined || lastEventId.trim() === '') return after;
  const seq = Number(lastEventId);
  if (!/^\d+$/.test(lastEventId.trim()) || !Number.isSafeInteger(seq)) throw new BadRequestError('Last-Event-ID must be the seq of a notification');
  return seq;
}
