import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { JwtAuthGuard } from './jwt-auth.guard';
import { RolesGuard } from './roles.guard';
import { TokenService } from './token.service';

/** Tokens and the guards that check them, for every part of the gateway that has routes. */
@Module({
  // The secret and lifetime come from GatewaySettings on each sign/verify (see TokenService).
  imports: [JwtModule.register({})],
  providers: [TokenService, JwtAuthGuard, RolesGuard],
  exports: [TokenService, JwtAuthGuard, RolesGuard],
})
export class AuthModule {}
