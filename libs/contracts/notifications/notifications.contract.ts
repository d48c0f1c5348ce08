import { clientFor, defineContract, request } from '../kernel/contract';

export interface NotificationView {
  id: string;
  userId: string;
  kind: string;
  message: string;
  /** The id of the event that caused it; a notification is recorded once per event. */
  eventId: string;
  createdAt: string;
}

export const notificationsContract = defineContract('notifications', {
  requests: {
    listForUser: request<{ userId: string }, NotificationView[]>({ idempotent: true }),
  },
});

export abstract class NotificationsClient extends clientFor(notificationsContract) {}
