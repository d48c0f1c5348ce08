import { Controller, Get, UseGuards } from '@nestjs/common';
import { UsersClient, UserView } from '@cleave/contracts/users/users.contract';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';

@Controller('users')
@UseGuards(JwtAuthGuard)
export class UsersController {
  constructor(private readonly users: UsersClient) {}

  @Get('me')
  me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return this.users.getUser({ id: user.id });
  }
}
