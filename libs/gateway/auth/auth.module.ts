import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { UsersClient } from '@cleave/contracts/users/users.contract';
import { BusModule } from '@cleave/platform/bus';
import { TokenVersionCache } from './token-version.cache';
import { JwtAuthGuard } from './jwt-auth.guard';
import { RolesGuard } from './roles.guard';
import { TokenService } from './token.service';

/** Tokens and the guards that check them, for every part of the gateway that has routes. */
@Module({
  // The secret and lifetime come from GatewaySettings on each sign/verify (see TokenService).
  imports: [JwtModule.register({}), BusModule.forClients(UsersClient)],
  providers: [TokenService, TokenVersionCache, JwtAuthGuard, RolesGuard],
  exports: [TokenService, TokenVersionCache, JwtAuthGuard, RolesGuard],
})
export class AuthModule {}
