import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  BreakerView,
  BulkheadView,
  ConsumerView,
  DashboardView,
  DeadLetterView,
  InstanceState,
  InstanceView,
  LinkView,
  OutboxView,
  Point,
  ProcessView,
  ResilienceView,
  SeriesView,
} from '../dashboard.view';

/*
 * What the dashboard's live feed carries (GET /dashboard/api/snapshot, and each event of
 * GET /dashboard/stream) as OpenAPI schemas. Each class implements the view the page is built
 * against, so the compiler keeps the document in step with it.
 */

const NULLABLE_NUMBER = { type: 'number', nullable: true } as const;

export class ProcessViewDto implements ProcessView {
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) modules!: string[];
  @ApiProperty() gateway!: boolean;
  @ApiProperty() critical!: boolean;
}

export class TopologyViewDto implements Pick<DashboardView['topology'], 'name' | 'processes'> {
  @ApiProperty() name!: string;
  @ApiProperty({ type: [ProcessViewDto] }) processes!: ProcessViewDto[];
}

export class InstanceViewDto implements InstanceView {
  @ApiProperty() instanceId!: string;
  @ApiProperty() process!: string;
  @ApiProperty() host!: string;
  @ApiProperty() pid!: number;
  @ApiProperty() version!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ description: 'its own readiness at its last heartbeat' }) ready!: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) failing?: Record<string, string>;
  @ApiProperty({ format: 'date-time' }) lastSeen!: string;
  @ApiProperty({ enum: ['live', 'late', 'gone'], description: 'live: heartbeating; late: a heartbeat overdue; gone: left the registry' }) state!: InstanceState;
  @ApiPropertyOptional({ description: 'share of one core used since the previous sample' }) cpu?: number;
  @ApiPropertyOptional() rssBytes?: number;
}

export class LinkViewDto implements LinkView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: ['call', 'event'] }) kind!: LinkView['kind'];
  @ApiPropertyOptional({ type: [String] }) events?: string[];
  @ApiProperty({ description: 'declared by the code (an @OnEvent subscription) rather than counted' }) declared!: boolean;
  @ApiProperty() rate!: number;
  @ApiProperty(NULLABLE_NUMBER) errorRatio!: number | null;
  @ApiProperty(NULLABLE_NUMBER) p50!: number | null;
  @ApiProperty(NULLABLE_NUMBER) p99!: number | null;
}

export class SeriesViewDto implements SeriesView {
  @ApiProperty({ example: 'http:POST /cart/checkout' }) id!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: NULLABLE_NUMBER, minItems: 5, maxItems: 5 },
    description: '`[epoch ms, requests per second, error ratio, p50 ms, p99 ms]` (null: no requests); in an update, only the newest',
  })
  points!: Point[];
}

export class BreakerViewDto implements BreakerView {
  @ApiProperty() process!: string;
  @ApiProperty() instanceId!: string;
  @ApiProperty() target!: string;
  @ApiProperty({ enum: ['closed', 'half-open', 'open'] }) state!: BreakerView['state'];
}

export class BulkheadViewDto implements BulkheadView {
  @ApiProperty() process!: string;
  @ApiProperty() instanceId!: string;
  @ApiProperty() target!: string;
  @ApiProperty() active!: number;
  @ApiProperty() queued!: number;
}

export class OutboxViewDto implements OutboxView {
  @ApiProperty() module!: string;
  @ApiProperty() backlog!: number;
  @ApiProperty() oldestAgeSeconds!: number;
  @ApiProperty({ description: 'events given up on and parked in the outbox (one process)' }) dead!: number;
}

export class ConsumerViewDto implements ConsumerView {
  @ApiProperty() subscriber!: string;
  @ApiProperty() event!: string;
  @ApiProperty() undelivered!: number;
  @ApiProperty() unacknowledged!: number;
}

export class DeadLetterCountDto implements DeadLetterView {
  @ApiProperty() event!: string;
  @ApiProperty() count!: number;
}

export class ResilienceViewDto implements ResilienceView {
  @ApiProperty({ type: [BreakerViewDto] }) breakers!: BreakerViewDto[];
  @ApiProperty({ type: [BulkheadViewDto] }) bulkheads!: BulkheadViewDto[];
  @ApiProperty({ type: [OutboxViewDto] }) outboxes!: OutboxViewDto[];
  @ApiProperty({ type: [ConsumerViewDto] }) consumers!: ConsumerViewDto[];
  @ApiProperty({ type: [DeadLetterCountDto] }) deadLetters!: DeadLetterCountDto[];
}

export class UnreadableInstanceDto {
  @ApiProperty() instanceId!: string;
  @ApiProperty() message!: string;
}

export class DashboardViewDto implements DashboardView {
  @ApiProperty({ description: 'when this sample was taken (epoch ms)' }) at!: number;
  @ApiProperty() intervalMs!: number;
  @ApiProperty() windowMs!: number;
  @ApiProperty({ type: TopologyViewDto }) topology!: TopologyViewDto;
  @ApiProperty({ enum: ['healthy', 'degraded', 'down'] }) status!: DashboardView['status'];
  @ApiProperty({ type: [InstanceViewDto] }) instances!: InstanceViewDto[];
  @ApiProperty({ type: [LinkViewDto] }) links!: LinkViewDto[];
  @ApiProperty({ type: [SeriesViewDto] }) series!: SeriesViewDto[];
  @ApiProperty({ type: ResilienceViewDto }) resilience!: ResilienceViewDto;
  @ApiProperty({ type: [UnreadableInstanceDto], description: 'instances whose metrics could not be read in this sample, and why' }) unreadable!: UnreadableInstanceDto[];
}
