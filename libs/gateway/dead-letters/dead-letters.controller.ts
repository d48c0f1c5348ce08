import { Controller, Delete, Get, HttpCode, Inject, Optional, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { BadRequestError, ConflictError, NotFoundError } from '@cleave/contracts/kernel/errors';
import { DeadLetter, DeadLetterStore, DeadLetterSummary, isDeadLetterId, isEventName, ReplayedDeadLetter } from '@cleave/platform/bus';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { DeadLetterDto, DeadLetterListDto, DeadLetterSummaryListDto, DroppedCountDto, ReplayedDeadLetterDto, ReplayedListDto } from './dead-letters.dto';

const MAX_LIMIT = 100;

/**
 * The dead letters, for administrators (streams when split, parked outbox rows in one
 * process): what waits per event and why,
 * each one in full, replayed to the module that failed it once the cause is fixed, or
 * dropped (its content goes to the gateway's log). The same as `npm run dlq`.
 */
@Controller('dead-letters')
@UseGuards(JwtAuthGuard, RolesGuard)
@Roles('admin')
export class DeadLettersController {
  constructor(@Optional() @Inject(DeadLetterStore) private readonly store: DeadLetterStore | null) {}

  /** Per event: how many, for which modules, the oldest and its first error. */
  @Get()
  @ApiOkResponse({ type: DeadLetterSummaryListDto, description: 'Per event with dead letters: how many, for which modules, the oldest' })
  async summary(): Promise<{ events: DeadLetterSummary[] }> {
    return { events: await this.deadLetters().summary() };
  }

  /** One event's dead letters, oldest first: `?limit=20&after=<id>` pages on. */
  @Get(':event')
  @ApiOkResponse({ type: DeadLetterListDto, description: "A page of the event's dead letters, oldest first" })
  async list(@Param('event') event: string, @Query('limit') limit?: string, @Query('after') after?: string): Promise<{ event: string; deadLetters: DeadLetter[] }> {
    const count = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(count) || count < 1 || count > MAX_LIMIT) throw new BadRequestError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    if (after !== undefined) checkId(after);
    return { event: checkEvent(event), deadLetters: await this.deadLetters().list(event, { limit: count, after }) };
  }

  @Get(':event/:id')
  @ApiOkResponse({ type: DeadLetterDto, description: 'The dead letter in full' })
  async show(@Param('event') event: string, @Param('id') id: string): Promise<DeadLetter> {
    return found(await this.deadLetters().get(checkEvent(event), checkId(id)), event, id);
  }

  /** Every dead letter of the event, back to its module. */
  @Post(':event/replay')
  @HttpCode(200)
  @ApiOkResponse({ type: ReplayedListDto, description: 'What was replayed, each with its new stream entry' })
  async replayAll(@Param('event') event: string, @CurrentUser() user: AuthUser): Promise<{ replayed: ReplayedDeadLetter[] }> {
    return { replayed: await this.deadLetters().replayAll(checkEvent(event), actor(user)) };
  }

  @Post(':event/:id/replay')
  @HttpCode(200)
  @ApiOkResponse({ type: ReplayedDeadLetterDto, description: 'Replayed to the module that failed it' })
  async replay(@Param('event') event: string, @Param('id') id: string, @CurrentUser() user: AuthUser): Promise<ReplayedDeadLetter> {
    return found(await this.deadLetters().replay(checkEvent(event), checkId(id), actor(user)), event, id);
  }

  @Delete(':event')
  @ApiOkResponse({ type: DroppedCountDto, description: "All the event's dead letters dropped (logged first)" })
  async dropAll(@Param('event') event: string, @CurrentUser() user: AuthUser): Promise<{ dropped: number }> {
    return { dropped: (await this.deadLetters().dropAll(checkEvent(event), actor(user))).length };
  }

  @Delete(':event/:id')
  @ApiOkResponse({ type: DeadLetterDto, description: 'Dropped (logged first): what it was' })
  async drop(@Param('event') event: string, @Param('id') id: string, @CurrentUser() user: AuthUser): Promise<DeadLetter> {
    return found(await this.deadLetters().drop(checkEvent(event), checkId(id), actor(user)), event, id);
  }

  private deadLetters(): DeadLetterStore {
    if (!this.store) {
      throw new ConflictError(
        'One process keeps no dead-letter streams: an event its subscribers keep failing is parked in its module outbox (cleave_outbox_dead), see README "Dead letters"',
      );
    }
    return this.store;
  }
}

function checkEvent(event: string): string {
  if (!isEventName(event)) throw new BadRequestError(`"${event.slice(0, 100)}" is not an event name (like order.confirmed)`);
  return event;
}

function checkId(id: string): string {
  if (!isDeadLetterId(id)) throw new BadRequestError(`"${id.slice(0, 40)}" is not a dead-letter id (like 1767000000000-0)`);
  return id;
}

function found<T>(value: T | undefined, event: string, id: string): T {
  if (value === undefined) throw new NotFoundError(`No dead letter ${id} of ${event}`);
  return value;
}

function actor(user: AuthUser): { by: string } {
  return { by: `admin ${user.id}` };
}
