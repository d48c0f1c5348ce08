import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query, UseGuards } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { UserPage, UsersClient, UserView } from '@cleave/contracts/users/users.contract';
import { UserPageDto, UserViewDto } from '../http/openapi/views.dto';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { TokenVersionCache } from '../auth/token-version.cache';
import { ListUsersQueryDto, SetRoleDto, UpdateProfileDto } from './users.dto';

@Controller('users')
@UseGuards(JwtAuthGuard, RolesGuard)
export class UsersController {
  constructor(
    private readonly users: UsersClient,
    private readonly versions: TokenVersionCache,
  ) {}

  @Get('me')
  @ApiResponse({ status: 200, type: UserViewDto, description: "The caller's account" })
  me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return this.users.getUser({ id: user.id });
  }

  @Patch('me')
  /** A new password signs the user out everywhere, this token included. */
  @ApiResponse({ status: 200, type: UserViewDto, description: 'The account, updated' })
  async updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateProfileDto): Promise<UserView> {
    const updated = await this.users.updateProfile({ id: user.id, name: body.name, email: body.email, password: body.password, currentPassword: body.currentPassword });
    if (body.password !== undefined) this.versions.forget(user.id);
    return updated;
  }

  @Get()
  @Roles('admin')
  @ApiResponse({ status: 200, type: UserPageDto, description: 'A page of users' })
  list(@Query() query: ListUsersQueryDto): Promise<UserPage> {
    return this.users.listUsers({ limit: query.limit, offset: query.offset });
  }

  /** The user's tokens of the old role are refused from their next request; a refresh or login carries the new one. */
  @Patch(':id/role')
  @Roles('admin')
  @ApiResponse({ status: 200, type: UserViewDto, description: 'The user, with the new role' })
  async setRole(@Param('id', ParseUUIDPipe) id: string, @Body() body: SetRoleDto): Promise<UserView> {
    const updated = await this.users.setRole({ id, role: body.role });
    this.versions.forget(id);
    return updated;
  }
}
