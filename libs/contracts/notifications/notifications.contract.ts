import { broadcast, clientFor, defineContract, request } from '../kernel/contract';

export interface NotificationView {
  id: string;
  userId: string;
  kind: string;
  message: string;
  /** The id of the event that caused it; a notification is recorded once per event. */
  eventId: string;
  read: boolean;
  /** Increases with every notification recorded: what a live client resumes from. */
  seq: number;
  createdAt: string;
}

export interface ListNotifications {
  userId: string;
  unreadOnly?: boolean;
  /** Only those recorded after this seq, oldest first (a live client catching up). */
  afterSeq?: number;
  limit?: number;
}

export interface MarkRead {
  userId: string;
  /** Omitted: every notification of the user. */
  ids?: string[];
}

export const notificationsContract = defineContract('notifications', {
  requests: {
    /** Newest first, unless afterSeq is given. */
    listForUser: request<ListNotifications, NotificationView[]>({ idempotent: true }),
    markRead: request<MarkRead, { updated: number }>({ idempotent: true }),
  },
  broadcasts: {
    /** Every new notification, to every process listening (the gateway's live streams); not durable. */
    'notification.created': broadcast<NotificationView>(),
  },
});

export abstract class NotificationsClient extends clientFor(notificationsContract) {}
