import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DeadLetter, DeadLetterSummary, ReplayedDeadLetter } from '@cleave/platform/bus';

/*
 * The answers of /dead-letters as OpenAPI schemas. Each class implements the dead-letter
 * store's view, so the compiler keeps the document in step with what the store returns.
 */

const ID = { pattern: '^\\d+-\\d+$', example: '1767000000000-0' };

export class DeadLetterDto implements DeadLetter {
  @ApiProperty({ ...ID, description: "its id among the event's dead letters" }) id!: string;
  @ApiProperty({ example: 'order.confirmed' }) event!: string;
  @ApiProperty({ description: 'the subscribing module whose handler failed it' }) group!: string;
  @ApiProperty({ description: 'the id subscribers deduplicate on; a replay keeps it' }) eventId!: string;
  @ApiProperty({ description: 'its id in the event stream when it was given up' }) entry!: string;
  @ApiProperty() deliveries!: number;
  @ApiProperty({ format: 'date-time' }) deadAt!: string;
  @ApiProperty() firstError!: string;
  @ApiProperty() lastError!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "the event's payload" }) data!: unknown;
  @ApiPropertyOptional({ description: 'the W3C trace context it was published in' }) traceparent?: string;
}

export class DeadLetterListDto {
  @ApiProperty() event!: string;
  @ApiProperty({ type: [DeadLetterDto], description: 'oldest first' }) deadLetters!: DeadLetterDto[];
}

export class OldestDeadLetterDto implements Pick<DeadLetter, 'id' | 'deadAt' | 'group' | 'eventId' | 'firstError'> {
  @ApiProperty(ID) id!: string;
  @ApiProperty({ format: 'date-time' }) deadAt!: string;
  @ApiProperty() group!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() firstError!: string;
}

export class DeadLetterSummaryDto implements DeadLetterSummary {
  @ApiProperty() event!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'dead letters per subscribing module' }) groups!: Record<string, number>;
  @ApiProperty({ type: OldestDeadLetterDto }) oldest!: OldestDeadLetterDto;
  @ApiProperty({ format: 'date-time' }) newestAt!: string;
}

export class DeadLetterSummaryListDto {
  @ApiProperty({ type: [DeadLetterSummaryDto] }) events!: DeadLetterSummaryDto[];
}

export class ReplayedDeadLetterDto implements ReplayedDeadLetter {
  @ApiProperty(ID) id!: string;
  @ApiProperty() event!: string;
  @ApiProperty() group!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ description: 'its new entry in the event stream' }) replayedAs!: string;
}

export class ReplayedListDto {
  @ApiProperty({ type: [ReplayedDeadLetterDto] }) replayed!: ReplayedDeadLetterDto[];
}

export class DroppedCountDto {
  @ApiProperty({ description: 'how many were dropped (their content goes to the log)' }) dropped!: number;
}
