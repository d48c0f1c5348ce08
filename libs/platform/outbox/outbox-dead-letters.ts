import { Injectable } from '@nestjs/common';
import { Actor, DeadLetter, DeadLetterStore, DeadLetterSummary, ReplayedDeadLetter } from '@cleave/platform/bus';
import { ParkedEvents, parkedEventSources } from './parked-events';

/** Rows read per module outbox for a summary: plenty for an operator's view. */
const SUMMARY_ROWS = 10_000;

/**
 * The dead letters of a one-process system: no streams there; an event its subscribers keep
 * failing is parked in its module's outbox. A replay puts it back for the relay, which
 * hands it to every subscriber of the process again under the same event id (they
 * deduplicate on it); a drop deletes the row and logs it.
 */
@Injectable()
export class OutboxDeadLetters extends DeadLetterStore {
  async summary(): Promise<DeadLetterSummary[]> {
    const byEvent = new Map<string, DeadLetter[]>();
    for (const source of parkedEventSources) {
      for (const letter of await source.list(undefined, SUMMARY_ROWS)) byEvent.set(letter.event, [...(byEvent.get(letter.event) ?? []), letter]);
    }
    return [...byEvent.entries()]
      .map(([event, letters]) => {
        const sorted = letters.sort((a, b) => a.deadAt.localeCompare(b.deadAt));
        const groups: Record<string, number> = {};
        for (const l of sorted) groups[l.group] = (groups[l.group] ?? 0) + 1;
        const [oldest] = sorted;
        return {
          event,
          count: sorted.length,
          groups,
          oldest: { id: oldest.id, deadAt: oldest.deadAt, group: oldest.group, eventId: oldest.eventId, firstError: oldest.firstError },
          newestAt: sorted[sorted.length - 1].deadAt,
        };
      })
      .sort((a, b) => a.event.localeCompare(b.event));
  }

  async list(event: string, { limit, after }: { limit: number; after?: string }): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for (const source of parkedEventSources) letters.push(...(await source.list(event, limit, after ? seqOf(after) : 0)));
    return letters.sort((a, b) => Number(a.entry) - Number(b.entry)).slice(0, limit);
  }

  async get(event: string, id: string): Promise<DeadLetter | undefined> {
    return (await this.find(event, id))?.letter;
  }

  async replay(event: string, id: string, actor: Actor): Promise<ReplayedDeadLetter | undefined> {
    const found = await this.find(event, id);
    if (!found || !(await found.source.replay(found.letter, seqOf(id), actor))) return undefined;
    return { id, event, group: found.letter.group, eventId: found.letter.eventId, replayedAs: found.letter.entry };
  }

  async replayAll(event: string, actor: Actor): Promise<ReplayedDeadLetter[]> {
    const replayed: ReplayedDeadLetter[] = [];
    for (const letter of await this.list(event, { limit: SUMMARY_ROWS })) {
      const done = await this.replay(event, letter.id, actor);
      if (done) replayed.push(done);
    }
    return replayed;
  }

  async drop(event: string, id: string, actor: Actor): Promise<DeadLetter | undefined> {
    const found = await this.find(event, id);
    if (!found || !(await found.source.drop(found.letter, seqOf(id), actor))) return undefined;
    return found.letter;
  }

  async dropAll(event: string, actor: Actor): Promise<DeadLetter[]> {
    const dropped: DeadLetter[] = [];
    for (const letter of await this.list(event, { limit: SUMMARY_ROWS })) {
      const done = await this.drop(event, letter.id, actor);
      if (done) dropped.push(done);
    }
    return dropped;
  }

  /** An event is published by one module: the outbox holding that seq for that event has it. */
  private async find(event: string, id: string): Promise<{ source: ParkedEvents; letter: DeadLetter } | undefined> {
    for (const source of parkedEventSources) {
      const letter = await source.get(event, seqOf(id));
      if (letter && letter.id === id) return { source, letter };
    }
    return undefined;
  }
}

function seqOf(id: string): number {
  return Number(id.slice(id.indexOf('-') + 1));
}
