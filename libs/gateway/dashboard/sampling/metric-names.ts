/** The metrics the dashboard reads from every instance, and nothing else. */
export const METRICS = {
  http: 'cleave_http_request_duration_seconds',
  calls: 'cleave_bus_call_duration_seconds',
  events: 'cleave_event_handler_duration_seconds',
  breaker: 'cleave_breaker_state',
  bulkheadActive: 'cleave_bulkhead_active',
  bulkheadQueued: 'cleave_bulkhead_queued',
  outboxBacklog: 'cleave_outbox_backlog',
  outboxAge: 'cleave_outbox_oldest_age_seconds',
  outboxDead: 'cleave_outbox_dead',
  consumerLag: 'cleave_event_consumer_lag',
  deadLetters: 'cleave_event_dead_letters',
  cpu: 'process_cpu_seconds_total',
  rss: 'process_resident_memory_bytes',
} as const;

export const METRIC_NAMES: readonly string[] = Object.values(METRICS);
