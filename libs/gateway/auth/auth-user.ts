import { Role } from '@cleave/contracts/users/users.contract';

/** Who is calling, as proven by their access token. */
export interface AuthUser {
  id: string;
  role: Role;
}

/** The slice of an HTTP request the auth guards use; keeps them independent of the HTTP adapter. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
  user?: AuthUser;
}
