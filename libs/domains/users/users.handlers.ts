import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@cleave/platform/bus';
import { Credentials, ListUsers, RegisterUser, Registration, Role, Session, TokenVersion, UpdateProfile, UserPage, UserView, usersContract } from '@cleave/contracts/users/users.contract';
import { SessionsService } from './sessions.service';
import { UsersService } from './users.service';

@Controller()
export class UsersHandlers {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  @Handles(usersContract, 'register')
  register(@Payload() request: RegisterUser): Promise<Registration> {
    return this.users.register(request);
  }

  @Handles(usersContract, 'startSession')
  startSession(@Payload() request: Credentials): Promise<Session> {
    return this.sessions.start(request);
  }

  @Handles(usersContract, 'refreshSession')
  refreshSession(@Payload() request: { refreshToken: string }): Promise<Session> {
    return this.sessions.refresh(request ?? { refreshToken: '' });
  }

  @Handles(usersContract, 'endSession')
  endSession(@Payload() request: { userId: string; refreshToken?: string }): Promise<TokenVersion> {
    return this.sessions.end(request);
  }

  @Handles(usersContract, 'tokenVersion')
  tokenVersion(@Payload() request: { id: string }): Promise<TokenVersion> {
    return this.sessions.tokenVersion(request);
  }

  @Handles(usersContract, 'getUser')
  getUser(@Payload() request: { id: string }): Promise<UserView> {
    return this.users.getUser(request);
  }

  @Handles(usersContract, 'updateProfile')
  updateProfile(@Payload() request: UpdateProfile): Promise<UserView> {
    return this.users.updateProfile(request);
  }

  @Handles(usersContract, 'listUsers')
  listUsers(@Payload() request: ListUsers): Promise<UserPage> {
    return this.users.listUsers(request ?? {});
  }

  @Handles(usersContract, 'setRole')
  setRole(@Payload() request: { id: string; role: Role }): Promise<UserView> {
    return this.users.setRole(request);
  }
}
