import { CreateNotifications1767000000004 } from './migrations/1767000000004-create-notifications';
import { AddNotificationReadSeq1767000000014 } from './migrations/1767000000014-add-notification-read-seq';

/** The notifications' schema, in order. */
export const NOTIFICATIONS_MIGRATIONS = [CreateNotifications1767000000004, AddNotificationReadSeq1767000000014];
