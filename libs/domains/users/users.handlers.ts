import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@cleave/platform/bus/bus.decorators';
import { Credentials, RegisterUser, UserView, usersContract } from '@cleave/contracts/users/users.contract';
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
}
