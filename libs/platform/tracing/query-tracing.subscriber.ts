import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AfterQueryEvent, EntitySubscriberInterface, EventSubscriber } from 'typeorm';
import { cleaveTracer } from './trace-context';

/** Longest query text kept on a span; statements are parameterised, so no values leak. */
const MAX_QUERY_TEXT = 1000;

/**
 * A CLIENT span per TypeORM query, made when the query has finished (TypeORM reports its
 * duration), as a child of whatever span is active: the bus handler or HTTP request that ran
 * it. Queries outside any trace (migrations, start-up) make no span at all.
 */
@EventSubscriber()
export class QueryTracingSubscriber implements EntitySubscriberInterface {
  afterQuery(event: AfterQueryEvent<unknown>): void {
    const parent = context.active();
    const parentSpan = trace.getSpan(parent);
    if (!parentSpan || !parentSpan.isRecording()) return;
    const end = Date.now();
    const query = event.query;
    const space = query.indexOf(' ');
    const operation = (space < 0 ? query : query.slice(0, space)).toUpperCase();
    const database = event.connection.name;
    const span = cleaveTracer().startSpan(
      `${operation} ${database}`,
      {
        kind: SpanKind.CLIENT,
        startTime: end - (event.executionTime ?? 0),
        attributes: {
          'db.system.name': event.connection.options.type === 'postgres' ? 'postgresql' : 'sqlite',
          'db.namespace': database,
          'db.operation.name': operation,
          'db.query.text': query.length > MAX_QUERY_TEXT ? query.slice(0, MAX_QUERY_TEXT) : query,
        },
      },
      parent,
    );
    if (!event.success) span.setStatus({ code: SpanStatusCode.ERROR, message: (event.error as Error | undefined)?.message });
    span.end(end);
  }
}
