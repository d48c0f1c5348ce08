import { clientFor, defineContract, event, request } from '../kernel/contract';

export type Role = 'customer' | 'admin';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export interface RegisterUser {
  email: string;
  password: string;
  name?: string;
}

export interface Credentials {
  email: string;
  password: string;
}

/** A user's own changes; a new password needs the current one. */
export interface UpdateProfile {
  id: string;
  name?: string;
  email?: string;
  password?: string;
  currentPassword?: string;
}

export interface ListUsers {
  limit?: number;
  offset?: number;
}

export interface UserPage {
  items: UserView[];
  total: number;
  limit: number;
  offset: number;
}

export interface UserRegistered {
  userId: string;
  email: string;
  name: string;
}

export const usersContract = defineContract('users', {
  requests: {
    /** Conflict (409) when the email is taken. */
    register: request<RegisterUser, UserView>(),
    /** Unauthorized (401) when the email or password is wrong; never says which. */
    verifyCredentials: request<Credentials, UserView>({ idempotent: true }),
    /** Not found (404) for an unknown id. */
    getUser: request<{ id: string }, UserView>({ idempotent: true }),
    /** Conflict (409) for an email taken by someone else; unauthorized (401) for a wrong current password. */
    updateProfile: request<UpdateProfile, UserView>({ idempotent: true }),
    /** Admin: every user, oldest first. */
    listUsers: request<ListUsers, UserPage>({ idempotent: true }),
    /** Admin: not found (404) for an unknown id. */
    setRole: request<{ id: string; role: Role }, UserView>({ idempotent: true }),
  },
  events: {
    'user.registered': event<UserRegistered>(),
  },
});

export abstract class UsersClient extends clientFor(usersContract) {}
