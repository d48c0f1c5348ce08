import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@cleave/platform/bus';
import { Credentials, ListUsers, RegisterUser, Role, UpdateProfile, UserPage, UserView, usersContract } from '@cleave/contracts/users/users.contract';
import { UsersService } from './users.service';

@Controller()
export class UsersHandlers {
  constructor(private readonly users: UsersService) {}

  @Handles(usersContract, 'register')
  register(@Payload() request: RegisterUser): Promise<UserView> {
    return this.users.register(request);
  }

  @Handles(usersContract, 'verifyCredentials')
  verifyCredentials(@Payload() request: Credentials): Promise<UserView> {
    return this.users.verifyCredentials(request);
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
