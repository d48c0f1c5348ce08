import { Body, Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { UsersClient, UserView } from '@cleave/contracts/users/users.contract';
import { LoginDto, RegisterDto } from './auth.dto';
import { AuthService, LoginResult } from './auth.service';

/** Tokens and accounts: never kept by a cache on the way (`Cache-Control: no-store`). */
@Controller('auth')
export class AuthController {
  constructor(
    private readonly users: UsersClient,
    private readonly auth: AuthService,
  ) {}

  @Post('register')
  @Header('Cache-Control', 'no-store')
  register(@Body() body: RegisterDto): Promise<UserView> {
    return this.users.register({ email: body.email, password: body.password, name: body.name });
  }

  @Post('login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  login(@Body() body: LoginDto): Promise<LoginResult> {
    return this.auth.login(body);
  }
}
