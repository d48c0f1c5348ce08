import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '@cleave/contracts/kernel/errors';
import { Credentials, ListUsers, RegisterUser, Registration, Role, UpdateProfile, UserPage, UserView, usersContract } from '@cleave/contracts/users/users.contract';
import { isUniqueViolation, WriteQueue } from '@cleave/platform/database';
import { Outbox } from '@cleave/platform/outbox';
import { User } from './user.entity';
import { PasswordHasher } from './password-hasher';
import { TokenVersions } from './token-versions';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL = 320;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;
const MAX_NAME = 100;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 100;
const ROLES: readonly Role[] = ['customer', 'admin'];
const INVALID_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class UsersService {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private readonly decoyHash: Promise<string>;

  constructor(
    @InjectRepository(User, 'users') private readonly users: Repository<User>,
    private readonly outbox: Outbox,
    private readonly writes: WriteQueue,
    private readonly hasher: PasswordHasher,
    private readonly versions: TokenVersions,
  ) {
    this.decoyHash = hasher.hash(randomUUID());
  }

  /**
   * Writes the user and `user.registered` in one transaction: no welcome without a user, and
   * none lost. A taken email answers the same (and costs the same hash), so the answer tells
   * nobody which addresses have accounts; the owner is told someone tried (`user.address-claimed`).
   */
  async register(request: RegisterUser): Promise<Registration> {
    try {
      const user = await this.create(request, 'customer', true);
      return { email: user.email, name: user.name };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const email = normalizeEmail(request.email);
      const owner = await this.users.findOneBy({ email });
      if (owner) await this.outbox.transaction(async (tx) => tx.publish(usersContract, 'user.address-claimed', { userId: owner.id, attempt: 'registration' }));
      return { email, name: request.name === undefined ? defaultName(request.email) : checkName(request.name) };
    }
  }

  async verifyCredentials(credentials: Credentials): Promise<UserView> {
    return toView(await this.authenticate(credentials));
  }

  /** The user those credentials prove, or Unauthorized (401) without saying which part is wrong. */
  async authenticate({ email, password }: Credentials): Promise<User> {
    if (typeof email !== 'string' || typeof password !== 'string') throw new UnauthorizedError(INVALID_CREDENTIALS);
    const user = await this.users.findOneBy({ email: normalizeEmail(email) });
    const { valid, needsRehash } = await this.hasher.verify(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !valid) throw new UnauthorizedError(INVALID_CREDENTIALS);
    // The one moment the password is known: upgrade a hash of older or weaker parameters.
    if (needsRehash) {
      const passwordHash = await this.hasher.hash(password);
      await this.writes.run(() => this.users.update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash }));
    }
    return user;
  }

  async getUser({ id }: { id: string }): Promise<UserView> {
    return toView(await this.find(id));
  }

  /**
   * Only the fields given change; a new password needs the current one, and revokes every
   * session and access token of the user. An email taken by someone else is answered as if
   * applied but not applied (see register), and its owner is told.
   */
  async updateProfile({ id, name, email, password, currentPassword }: UpdateProfile): Promise<UserView> {
    const user = await this.find(id);
    const changes: Partial<User> = {};
    let claimedFrom: string | undefined;
    let shownEmail = user.email;
    if (name !== undefined) changes.name = checkName(name);
    if (email !== undefined) {
      const normalized = checkEmail(email);
      if (normalized !== user.email) {
        shownEmail = normalized;
        const owner = await this.users.findOneBy({ email: normalized });
        if (owner) claimedFrom = owner.id;
        else changes.email = normalized;
      }
    }
    if (password !== undefined) {
      checkPassword(password);
      if (typeof currentPassword !== 'string' || !currentPassword) throw new UnauthorizedError('The current password is required to set a new one');
      if (!(await this.hasher.verify(currentPassword, user.passwordHash)).valid) throw new UnauthorizedError('The current password is wrong');
      changes.passwordHash = await this.hasher.hash(password);
    }
    if (Object.keys(changes).length === 0 && !claimedFrom) return toView(user);
    const updatedAt = new Date().toISOString();
    if (Object.keys(changes).length) changes.updatedAt = updatedAt;
    let revokedTo: number | undefined;
    try {
      // The outbox's transaction takes its turn in the write queue itself.
      await this.outbox.transaction(async (tx) => {
        if (Object.keys(changes).length) await tx.manager.update(User, { id }, changes);
        if (changes.passwordHash) {
          await this.versions.revokeSessions(tx.manager, id, updatedAt);
          revokedTo = await this.versions.bump(tx.manager, id);
        }
        if (claimedFrom) tx.publish(usersContract, 'user.address-claimed', { userId: claimedFrom, attempt: 'email-change' });
      });
    } catch (error) {
      // Someone took the email between the check and the update: answered like any taken one.
      if (isUniqueViolation(error)) return toView({ ...user, email: shownEmail, updatedAt });
      throw error;
    }
    if (revokedTo !== undefined) await this.versions.announce(id, revokedTo);
    return toView({ ...user, ...changes, email: shownEmail, updatedAt: changes.updatedAt ?? updatedAt });
  }

  /** Oldest first, so pages stay put while users register. */
  async listUsers({ limit = DEFAULT_PAGE, offset = 0 }: ListUsers): Promise<UserPage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new ValidationError(`limit must be an integer between 1 and ${MAX_PAGE}`);
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('offset must be a non-negative integer');
    const [rows, total] = await this.users.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
    return { items: rows.map(toView), total, limit, offset };
  }

  /** Conflict (409) when it would leave the shop without an administrator. */
  async setRole({ id, role }: { id: string; role: Role }): Promise<UserView> {
    if (!ROLES.includes(role)) throw new ValidationError(`role must be one of ${ROLES.join(', ')}`);
    return this.writes.run(() =>
      this.users.manager.transaction(async (manager): Promise<UserView | { view: UserView; tokenVersion: number }> => {
        const user = await this.find(id, manager);
        if (user.role === role) return toView(user);
        if (user.role === 'admin') {
          // The admin rows stay locked until commit on PostgreSQL, so two demotions at once
          // cannot both see the other admin; SQLite runs one write at a time anyway.
          const admins = await lockAdmins(manager);
          if (!admins.some((a) => a.id !== id)) throw new ConflictError('Cannot demote the last administrator');
        }
        const updatedAt = new Date().toISOString();
        await manager.update(User, { id }, { role, updatedAt });
        // The old role's tokens are refused from the next request on.
        const tokenVersion = await this.versions.bump(manager, id);
        return { view: toView({ ...user, role, updatedAt }), tokenVersion };
      }),
    ).then(async (outcome) => {
      if ('tokenVersion' in outcome) await this.versions.announce(id, outcome.tokenVersion);
      return 'view' in outcome ? outcome.view : outcome;
    });
  }

  /** Creates the administrator unless the email is taken; says what it found. */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists' | 'taken-by-customer'> {
    const existing = await this.users.findOneBy({ email: normalizeEmail(email) });
    if (existing) return existing.role === 'admin' ? 'exists' : 'taken-by-customer';
    try {
      await this.create({ email, password }, 'admin', false);
      return 'created';
    } catch (error) {
      // Another instance seeded it first.
      if (error instanceof ConflictError) return 'exists';
      throw error;
    }
  }

  private async find(id: string, manager: EntityManager = this.users.manager): Promise<User> {
    const user = typeof id === 'string' && id ? await manager.findOneBy(User, { id }) : null;
    if (!user) throw new NotFoundError(`User ${id} not found`);
    return user;
  }

  private async create({ email, password, name }: RegisterUser, role: Role, announce: boolean): Promise<User> {
    const normalized = checkEmail(email);
    checkPassword(password);
    const displayName = name === undefined ? defaultName(email) : checkName(name);
    if (await this.users.existsBy({ email: normalized })) {
      // The same work as a new account, so a taken email takes as long to answer.
      await this.hasher.hash(password);
      throw emailTaken();
    }
    const now = new Date().toISOString();
    const user: User = { id: randomUUID(), email: normalized, name: displayName, passwordHash: await this.hasher.hash(password), role, tokenVersion: 0, createdAt: now, updatedAt: now };
    try {
      await this.outbox.transaction(async (tx) => {
        await tx.manager.insert(User, user);
        if (announce) tx.publish(usersContract, 'user.registered', { userId: user.id, email: user.email, name: user.name });
      });
      return user;
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }
}

async function lockAdmins(manager: EntityManager): Promise<User[]> {
  const query = manager.createQueryBuilder(User, 'u').where('u.role = :role', { role: 'admin' });
  if (manager.connection.options.type === 'postgres') query.setLock('pessimistic_write');
  return query.getMany();
}

function checkEmail(email: unknown): string {
  if (typeof email !== 'string' || !EMAIL.test(email.trim()) || email.trim().length > MAX_EMAIL) {
    throw new ValidationError('email must be a valid email address');
  }
  return normalizeEmail(email);
}

function checkPassword(password: unknown): void {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new ValidationError(`password must be between ${MIN_PASSWORD} and ${MAX_PASSWORD} characters`);
  }
}

function checkName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed || trimmed.length > MAX_NAME) throw new ValidationError(`name must be between 1 and ${MAX_NAME} characters`);
  return trimmed;
}

function defaultName(email: string): string {
  return email.trim().split('@')[0].slice(0, MAX_NAME);
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function emailTaken(): ConflictError {
  return new ConflictError('Email is already registered');
}

export function toView(user: User): UserView {
  return { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.createdAt, updatedAt: user.updatedAt };
}
