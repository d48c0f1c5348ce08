import { Role } from '@cleave/contracts/users/users.contract';

/** Who is calling, as proven by their access token. */
export interface AuthUser {
  id: string;
  role: Role;
  /** The user's token version the token was issued at (see TokenVersionCache). */
  tokenVersion?: number;
}

/** Whose records the caller may reach: a customer their own (the user id to filter by), an admin anyone's (no filter). */
export function ownerScope(user: AuthUser): string | undefined {
  return user.role === 'admin' ? undefined : user.id;
}

/** The slice of an HTTP request the auth guards use; keeps them independent of the HTTP adapter. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
  user?: AuthUser;
}
