import { Body, Controller, Header, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiResponse } from '@nestjs/swagger';
import { Registration, UsersClient } from '@cleave/contracts/users/users.contract';
import { LoginResultDto, RegistrationDto } from '../http/openapi/views.dto';
import { LimitedBy } from '../rate-limit/rate-limit.guards';
import { AuthUser } from './auth-user';
import { LoginDto, LogoutDto, RefreshDto, RegisterDto } from './auth.dto';
import { AuthService, LoginResult } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { JwtAuthGuard } from './jwt-auth.guard';

/** Tokens and accounts: never kept by a cache on the way (`Cache-Control: no-store`). */
@Controller('auth')
@LimitedBy('auth')
export class AuthController {
  constructor(
    private readonly users: UsersClient,
    private readonly auth: AuthService,
  ) {}

  @Post('register')
  @Header('Cache-Control', 'no-store')
  @ApiResponse({ status: 201, type: RegistrationDto, description: 'Registered, or the email already has an account (its owner is told by email)' })
  /** The same answer whether or not the email has an account (its owner is notified instead). */
  register(@Body() body: RegisterDto): Promise<Registration> {
    return this.users.register({ email: body.email, password: body.password, name: body.name });
  }

  @Post('login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  @ApiResponse({ status: 200, type: LoginResultDto, description: 'Signed in' })
  login(@Body() body: LoginDto): Promise<LoginResult> {
    return this.auth.login(body);
  }

  /** Spends a refresh token for a new access and refresh token; a spent one revokes its session. */
  @Post('refresh')
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  @ApiResponse({ status: 200, type: LoginResultDto, description: 'New tokens; the refresh token sent is spent' })
  refresh(@Body() body: RefreshDto): Promise<LoginResult> {
    return this.auth.refresh(body.refreshToken);
  }

  /** Ends the session: its refresh token (when sent) and every access token of the user stop working. */
  @Post('logout')
  @UseGuards(JwtAuthGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Signed out: no body' })
  logout(@CurrentUser() user: AuthUser, @Body() body: LogoutDto): Promise<void> {
    return this.auth.logout(user.id, body?.refreshToken);
  }
}
