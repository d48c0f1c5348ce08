import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '@cleave/contracts/kernel/errors';
import { Credentials, RegisterUser, Role, UserView } from '@cleave/contracts/users/users.contract';
import { User } from './user.entity';
import { hashPassword, verifyPassword } from './password-hasher';
import { isUniqueViolation } from '@cleave/platform/database/unique-violation';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;
const INVALID_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class UsersService {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private readonly decoyHash = hashPassword(randomUUID());

  constructor(@InjectRepository(User, 'users') private readonly users: Repository<User>) {}

  async register(request: RegisterUser): Promise<UserView> {
    return toView(await this.create(request, 'customer'));
  }

  async verifyCredentials({ email, password }: Credentials): Promise<UserView> {
    if (typeof email !== 'string' || typeof password !== 'string') throw new UnauthorizedError(INVALID_CREDENTIALS);
    const user = await this.users.findOneBy({ email: normalizeEmail(email) });
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !valid) throw new UnauthorizedError(INVALID_CREDENTIALS);
    return toView(user);
  }

  async getUser({ id }: { id: string }): Promise<UserView> {
    const user = typeof id === 'string' ? await this.users.findOneBy({ id }) : null;
    if (!user) throw new NotFoundError(`User ${id} not found`);
    return toView(user);
  }

  /** Creates the administrator unless the email exists already; true when it was created. */
  /** Creates the administrator unless the email is taken; says what it found. */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists' | 'taken-by-customer'> {
    const existing = await this.users.findOneBy({ email: normalizeEmail(email) });
    if (existing) return existing.role === 'admin' ? 'exists' : 'taken-by-customer';
    try {
      await this.create({ email, password }, 'admin');
      return 'created';
    } catch (error) {
      // Another instance seeded it first.
      if (error instanceof ConflictError) return 'exists';
      throw error;
    }
  }


  private async create({ email, password }: RegisterUser, role: Role): Promise<User> {
    if (typeof email !== 'string' || !EMAIL.test(email.trim()) || email.trim().length > 320) {
      throw new ValidationError('email must be a valid email address');
    }
    if (typeof password !== 'string' || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      throw new ValidationError(`password must be between ${MIN_PASSWORD} and ${MAX_PASSWORD} characters`);
    }
    const normalized = normalizeEmail(email);
    if (await this.users.existsBy({ email: normalized })) throw emailTaken();
    const user = this.users.create({
      id: randomUUID(),
      email: normalized,
      passwordHash: await hashPassword(password),
      role,
      createdAt: new Date().toISOString(),
    });
    try {
      // insert, not save: save opens a transaction, which on SQLite's shared connection would
      // swallow concurrent writes into it.
      await this.users.insert(user);
      return user;
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function emailTaken(): ConflictError {
  return new ConflictError('Email is already registered');
}

function toView(user: User): UserView {
  return { id: user.id, email: user.email, name: '', role: user.role, createdAt: user.createdAt, updatedAt: user.createdAt };
}
