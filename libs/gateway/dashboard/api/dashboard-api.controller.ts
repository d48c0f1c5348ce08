import { Controller, Get, MessageEvent, Param, Query, Req, Sse, UseGuards } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { BadRequestError } from '@cleave/contracts/kernel/errors';
import { onSettingsChange } from '@cleave/platform/config';
import { ApiEventStream } from '../../http/openapi/media';
import { DashboardSampler } from '../dashboard-sampler';
import { DashboardSettings } from '../dashboard.settings';
import type { DashboardView, TraceRow, WaterfallSpan } from '../dashboard.view';
import { DashboardRequest } from '../session/dashboard-session';
import { DashboardGuard } from '../session/dashboard.guard';
import { DashboardViewDto } from './dashboard-feed.dto';
import { TraceRowListDto, WaterfallDto } from './dashboard-views.dto';
import { TraceListQuery } from './dashboard.dto';
import { DashboardTraces } from './dashboard-traces';

const TRACE_ID = /^[0-9a-f]{32}$/;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The dashboard's data, for administrators: the live feed, a snapshot of it, and the traces. */
@Controller('dashboard')
@UseGuards(DashboardGuard)
export class DashboardApiController {
  constructor(
    private readonly sampler: DashboardSampler,
    private readonly traces: DashboardTraces,
    private readonly settings: DashboardSettings,
  ) {}

  /**
   * Server-Sent Events: first `snapshot` (everything, with each chart's history), then an
   * `update` per sample (every CLEAVE_DASHBOARD_INTERVAL_MS) carrying only the newest point
   * of each series. Sampling runs only while a stream is open. The stream ends when the
   * session does (the page then asks the administrator to sign in again), and when the
   * dashboard is turned off (CLEAVE_DASHBOARD=false, reloaded live).
   */
  @Sse('stream')
  @ApiEventStream('`event: snapshot` first (everything, with history), then an `update` per sample (only the newest point of each series)', DashboardViewDto)
  stream(@Req() request: DashboardRequest): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      let stop: (() => void) | undefined;
      let closed = false;
      this.sampler.snapshot().then(
        (view) => {
          if (closed) return;
          subscriber.next({ type: 'snapshot', data: view });
          stop = this.sampler.watch((update) => subscriber.next({ type: 'update', data: update }));
        },
        (error: unknown) => subscriber.error(error),
      );
      // Capped: a timer longer than 2^31 ms fires at once (the page reconnects after that long anyway).
      const ends = setTimeout(() => subscriber.complete(), Math.min(MAX_TIMER_MS, Math.max(0, (request.dashboardSessionEnds ?? 0) - Date.now())));
      const unsubscribe = onSettingsChange(this.settings, ({ enabled }) => enabled || subscriber.complete());
      return () => {
        closed = true;
        clearTimeout(ends);
        unsubscribe();
        stop?.();
      };
    });
  }

  /** What the stream's first event holds, for a one-off look (curl, scripts). */
  @Get('api/snapshot')
  @ApiOkResponse({ type: DashboardViewDto, description: "The stream's first event: the whole picture" })
  snapshot(): Promise<DashboardView> {
    return this.sampler.snapshot();
  }

  /** The newest traces, newest first, filtered by route, status and duration. */
  @Get('api/traces')
  @ApiOkResponse({ type: TraceRowListDto, description: 'The newest traces that match, newest first' })
  async list(@Query() query: TraceListQuery): Promise<{ traces: TraceRow[] }> {
    return { traces: await this.traces.list({ route: query.route, status: query.status, minDurationMs: query.minDurationMs, limit: query.limit ?? 50 }) };
  }

  /** Every span of one trace, in start order, with the module of each. */
  @Get('api/traces/:traceId')
  @ApiOkResponse({ type: WaterfallDto, description: 'Every span of the trace, in start order, with the module of each' })
  async trace(@Param('traceId') traceId: string): Promise<{ traceId: string; spans: WaterfallSpan[] }> {
    if (!TRACE_ID.test(traceId)) throw new BadRequestError('A trace id is 32 lower-case hex digits');
    return { traceId, spans: await this.traces.waterfall(traceId) };
  }
}
