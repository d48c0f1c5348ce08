import { CreateUsers1767000000001 } from './migrations/1767000000001-create-users';
import { AddUserProfile1767000000011 } from './migrations/1767000000011-add-user-profile';
import { AddSessions1767000000021 } from './migrations/1767000000021-add-sessions';

/** The users' schema, in order (the outbox's comes with withOutbox). */
export const USERS_MIGRATIONS = [CreateUsers1767000000001, AddUserProfile1767000000011, AddSessions1767000000021];
