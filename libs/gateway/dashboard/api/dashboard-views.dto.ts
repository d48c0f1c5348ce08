import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SessionView, TraceRow, WaterfallSpan } from '../dashboard.view';

/*
 * The answers of the dashboard's session and trace routes as OpenAPI schemas. Each class
 * implements the view the page is built against (dashboard.view.ts), so the compiler keeps
 * the document, the gateway and the page in step. The live feed's shape is in
 * dashboard-feed.dto.ts.
 */

export class SessionUserDto implements Pick<SessionView['user'], 'id' | 'role'> {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'admin' }) role!: string;
}

export class SessionViewDto implements SessionView {
  @ApiProperty({ type: SessionUserDto }) user!: SessionUserDto;
  @ApiProperty({ description: 'when the session ends (epoch ms): the access token it came from expires then' }) expiresAt!: number;
}

export class TraceRowDto implements TraceRow {
  @ApiProperty({ pattern: '^[0-9a-f]{32}$' }) traceId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date-time' }) startTime!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty() spanCount!: number;
  @ApiProperty({ type: [String] }) processes!: string[];
  @ApiProperty() errors!: number;
  @ApiPropertyOptional() statusCode?: number;
}

export class TraceRowListDto {
  @ApiProperty({ type: [TraceRowDto], description: 'newest first' }) traces!: TraceRowDto[];
}

export class WaterfallSpanDto implements WaterfallSpan {
  @ApiProperty({ pattern: '^[0-9a-f]{16}$' }) spanId!: string;
  @ApiPropertyOptional() parentSpanId?: string;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() process!: string;
  @ApiProperty() instance!: string;
  @ApiProperty({ description: 'the module that did the work' }) module!: string;
  @ApiProperty({ description: 'epoch milliseconds' }) startTime!: number;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ enum: ['unset', 'ok', 'error'] }) status!: WaterfallSpan['status'];
  @ApiPropertyOptional() statusMessage?: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) attributes!: Record<string, unknown>;
}

export class WaterfallDto {
  @ApiProperty({ pattern: '^[0-9a-f]{32}$' }) traceId!: string;
  @ApiProperty({ type: [WaterfallSpanDto], description: 'in start order' }) spans!: WaterfallSpanDto[];
}
