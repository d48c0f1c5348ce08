import { SetMetadata } from '@nestjs/common';
import { Role } from '@cleave/contracts/users/users.contract';

export const ROLES_KEY = 'cleave:roles';

/** The roles allowed to call a route; enforced by RolesGuard after JwtAuthGuard. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
