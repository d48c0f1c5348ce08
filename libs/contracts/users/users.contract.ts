import { broadcast, clientFor, defineContract, event, request } from '../kernel/contract';

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

/** What registering answers, whether or not the address already had an account. */
export interface Registration {
  email: string;
  name: string;
}

/**
 * A signed-in session: the user, their token version (access tokens carry it; once it moves
 * on they are refused) and a refresh token, single use, rotated at each refresh.
 */
export interface Session {
  user: UserView;
  tokenVersion: number;
  refreshToken: string;
  /** Epoch seconds. */
  refreshExpiresAt: number;
}

/** A user's current token version: access tokens with a lower one are revoked. */
export interface TokenVersion {
  userId: string;
  tokenVersion: number;
}

/** Someone tried to register, or to move their account to, an address that already has an account. */
export interface AddressClaimed {
  /** The account that owns the address. */
  userId: string;
  attempt: 'registration' | 'email-change';
}

export interface UserRegistered {
  userId: string;
  email: string;
  name: string;
}

export const usersContract = defineContract('users', {
  requests: {
    /**
     * The same answer whether or not the email is taken (so nobody can probe for accounts);
     * a taken one gets its owner an `user.address-claimed` notification instead of an account.
     */
    register: request<RegisterUser, Registration>({ sealed: ['password'] }),
    /** Unauthorized (401) when the email or password is wrong; never says which. */
    startSession: request<Credentials, Session>({ sealed: ['password'] }),
    /**
     * A new session for a refresh token, which is then spent. Unauthorized (401) for an unknown,
     * expired or revoked one; a spent one revokes its whole family (it was stolen, or replayed).
     */
    refreshSession: request<{ refreshToken: string }, Session>({ sealed: ['refreshToken'] }),
    /** Logout: revokes the refresh token's family (when given) and every access token of the user. */
    endSession: request<{ userId: string; refreshToken?: string }, TokenVersion>({ idempotent: true, sealed: ['refreshToken'] }),
    /** Not found (404) for an unknown id. */
    tokenVersion: request<{ id: string }, TokenVersion>({ idempotent: true }),
    /** Not found (404) for an unknown id. */
    getUser: request<{ id: string }, UserView>({ idempotent: true }),
    /**
     * Unauthorized (401) for a wrong current password. An email taken by someone else is not
     * applied, but answered as if it were (see register); its owner is told.
     */
    updateProfile: request<UpdateProfile, UserView>({ idempotent: true, sealed: ['password', 'currentPassword'] }),
    /** Admin: every user, oldest first. */
    listUsers: request<ListUsers, UserPage>({ idempotent: true }),
    /** Admin: not found (404) for an unknown id. */
    setRole: request<{ id: string; role: Role }, UserView>({ idempotent: true }),
  },
  events: {
    'user.registered': event<UserRegistered>(),
    'user.address-claimed': event<AddressClaimed>(),
  },
  broadcasts: {
    /** A user's token version moved on (role or password change, logout, a reused refresh token). */
    'user.tokens-revoked': broadcast<TokenVersion>(),
  },
});

export abstract class UsersClient extends clientFor(usersContract) {}
