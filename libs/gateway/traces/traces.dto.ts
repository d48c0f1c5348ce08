import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { StoredSpan, TraceSummary } from '@cleave/platform/tracing';

/*
 * The answers of GET /traces and GET /traces/:traceId as OpenAPI schemas. Each class
 * implements the span store's view, so the compiler keeps the document in step with what
 * the store returns.
 */

const SPAN_KINDS: StoredSpan['kind'][] = ['internal', 'server', 'client', 'producer', 'consumer'];
const SPAN_STATUSES: StoredSpan['status'][] = ['unset', 'ok', 'error'];

export class TraceSummaryDto implements TraceSummary {
  @ApiProperty({ pattern: '^[0-9a-f]{32}$' }) traceId!: string;
  @ApiProperty({ description: "the root span's name, else the earliest span's" }) name!: string;
  @ApiProperty({ format: 'date-time' }) startTime!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty() spanCount!: number;
  @ApiProperty({ type: [String], description: 'the processes that recorded its spans' }) processes!: string[];
  @ApiProperty({ description: 'spans that ended in error' }) errors!: number;
  @ApiPropertyOptional({ description: 'the HTTP status the root span answered' }) statusCode?: number;
}

export class TraceListDto {
  @ApiProperty({ type: [TraceSummaryDto] }) traces!: TraceSummaryDto[];
}

export class SpanLinkDto {
  @ApiProperty({ pattern: '^[0-9a-f]{32}$' }) traceId!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{16}$' }) spanId!: string;
}

export class StoredSpanDto implements StoredSpan {
  @ApiProperty({ pattern: '^[0-9a-f]{32}$' }) traceId!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{16}$' }) spanId!: string;
  @ApiPropertyOptional({ description: 'absent on the root span' }) parentSpanId?: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SPAN_KINDS }) kind!: StoredSpan['kind'];
  @ApiProperty({ description: 'the process of the topology that recorded it' }) process!: string;
  @ApiProperty({ description: 'the instance of that process' }) instance!: string;
  @ApiProperty({ description: 'epoch milliseconds' }) startTime!: number;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ enum: SPAN_STATUSES }) status!: StoredSpan['status'];
  @ApiPropertyOptional() statusMessage?: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) attributes!: Record<string, unknown>;
  @ApiPropertyOptional({ type: [SpanLinkDto], description: 'spans it is linked to without being their child' }) links?: SpanLinkDto[];
}

export class TraceDto {
  @ApiProperty({ pattern: '^[0-9a-f]{32}$' }) traceId!: string;
  @ApiProperty({ type: [StoredSpanDto], description: 'in start order' }) spans!: StoredSpanDto[];
}
