import { Controller, Get, Inject, Optional, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { BadRequestError, NotFoundError } from '@cleave/contracts/kernel/errors';
import { SPAN_STORE, SpanStore, StoredSpan, TraceSummary } from '@cleave/platform/tracing';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { TraceDto, TraceListDto } from './traces.dto';

const TRACE_ID = /^[0-9a-f]{32}$/;
const MAX_LIMIT = 100;

/**
 * Follow a request without a tracing server: the spans every process recorded, read back
 * from the span store (memory in one process, Redis when split). Administrators only: spans
 * show internal routes, queries and instance names.
 */
@Controller('traces')
@UseGuards(JwtAuthGuard, RolesGuard)
@Roles('admin')
export class TracesController {
  constructor(@Optional() @Inject(SPAN_STORE) private readonly store: SpanStore | null) {}

  /** The most recent traces, newest first: `GET /traces?limit=20`. */
  @Get()
  @ApiOkResponse({ type: TraceListDto, description: 'The most recent traces, newest first' })
  async recent(@Query('limit') limit?: string): Promise<{ traces: TraceSummary[] }> {
    const count = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(count) || count < 1 || count > MAX_LIMIT) throw new BadRequestError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    return { traces: await this.spanStore().recent(count) };
  }

  /** Every span of one trace, in start order: `GET /traces/<32 hex digits>`. */
  @Get(':traceId')
  @ApiOkResponse({ type: TraceDto, description: 'The spans of the trace, in start order' })
  async trace(@Param('traceId') traceId: string): Promise<{ traceId: string; spans: StoredSpan[] }> {
    if (!TRACE_ID.test(traceId)) throw new BadRequestError('A trace id is 32 lower-case hex digits');
    const spans = await this.spanStore().trace(traceId);
    if (!spans.length) throw new NotFoundError(`No spans of trace ${traceId} are kept (unknown, or evicted)`);
    return { traceId, spans };
  }

  private spanStore(): SpanStore {
    if (!this.store) throw new NotFoundError('This system keeps no spans: they are exported over OTLP, or tracing is off (OTEL_SDK_DISABLED)');
    return this.store;
  }
}
