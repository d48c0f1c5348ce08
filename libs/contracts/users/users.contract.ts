import { clientFor, defineContract, request } from '../kernel/contract';

export type Role = 'customer' | 'admin';

export interface UserView {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
}

export interface RegisterUser {
  email: string;
  password: string;
}

export interface Credentials {
  email: string;
  password: string;
}

export const usersContract = defineContract('users', {
  requests: {
    /** Conflict (409) when the email is taken. */
    register: request<RegisterUser, UserView>(),
    /** Unauthorized (401) when the email or password is wrong; never says which. */
    verifyCredentials: request<Credentials, UserView>({ idempotent: true }),
    /** Not found (404) for an unknown id. */
    getUser: request<{ id: string }, UserView>({ idempotent: true }),
  },
});

export abstract class UsersClient extends clientFor(usersContract) {}
