import { Injectable } from '@nestjs/common';
import { UsersClient, UserView } from '@cleave/contracts/users/users.contract';
import { LoginDto } from './auth.dto';
import { TokenService } from './token.service';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: UserView;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersClient,
    private readonly tokens: TokenService,
  ) {}

  async login({ email, password }: LoginDto): Promise<LoginResult> {
    const user = await this.users.verifyCredentials({ email, password });
    const { accessToken, expiresIn } = await this.tokens.issue(user);
    return { accessToken, tokenType: 'Bearer', expiresIn, user };
  }
}
