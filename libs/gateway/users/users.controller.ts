import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query, UseGuards } from '@nestjs/common';
import { UserPage, UsersClient, UserView } from '@cleave/contracts/users/users.contract';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { ListUsersQueryDto, SetRoleDto, UpdateProfileDto } from './users.dto';

@Controller('users')
@UseGuards(JwtAuthGuard, RolesGuard)
export class UsersController {
  constructor(private readonly users: UsersClient) {}

  @Get('me')
  me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return this.users.getUser({ id: user.id });
  }

  @Patch('me')
  updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateProfileDto): Promise<UserView> {
    return this.users.updateProfile({ id: user.id, name: body.name, email: body.email, password: body.password, currentPassword: body.currentPassword });
  }

  @Get()
  @Roles('admin')
  list(@Query() query: ListUsersQueryDto): Promise<UserPage> {
    return this.users.listUsers({ limit: query.limit, offset: query.offset });
  }

  /** The user's current token keeps its old role until it expires; the new one applies at the next login. */
  @Patch(':id/role')
  @Roles('admin')
  setRole(@Param('id', ParseUUIDPipe) id: string, @Body() body: SetRoleDto): Promise<UserView> {
    return this.users.setRole({ id, role: body.role });
  }
}
