import type { ResilienceView } from '../dashboard.view';

/** Breakers and bulkheads per calling instance; what waits in outboxes, streams and dead-letter streams. */
export function Resilience({ resilience }: { resilience: ResilienceView }) {
  const { breakers, bulkheads, outboxes, consumers, deadLetters } = resilience;
  return (
    <div class="resilience">
      <section>
        <h3>Circuit breakers</h3>
        <div class="chips">
          {breakers.map((b) => (
            <span class={`chip breaker ${b.state}`} data-breaker={`${b.process}>${b.target}`} title={b.instanceId}>
              {b.process} → {b.target}: <b>{b.state}</b>
            </span>
          ))}
          {!breakers.length && <span class="muted small">No calls across processes yet.</span>}
        </div>
      </section>
      <section>
        <h3>Bulkheads</h3>
        <Table head={['caller', 'target', 'running', 'queued']} rows={bulkheads.map((b) => [b.process, b.target, b.active, b.queued])} empty="No bulkheads." attention={(row) => Number(row[3]) > 0} />
      </section>
      <section>
        <h3>Outbox backlog</h3>
        <Table
          head={['module', 'waiting', 'oldest', 'parked']}
          rows={outboxes.map((o) => [o.module, o.backlog, o.backlog ? `${o.oldestAgeSeconds} s` : '–', o.dead])}
          empty="No module keeps an outbox."
          attention={(row) => Number(row[1]) > 0 || Number(row[3]) > 0}
        />
      </section>
      <section>
        <h3>Consumer lag</h3>
        <Table
          head={['subscriber', 'event', 'undelivered', 'unacknowledged']}
          rows={consumers.map((c) => [c.subscriber, c.event, c.undelivered, c.unacknowledged])}
          empty="No event streams (one process delivers events directly)."
          attention={(row) => Number(row[2]) > 0}
        />
      </section>
      <section>
        <h3>Dead letters</h3>
        <Table
          head={['event', 'dead letters']}
          rows={deadLetters.map((d) => [d.event, d.count])}
          empty="No dead letters (in one process, events given up on are parked in their outbox). See them with npm run dlq or GET /dead-letters."
          attention={(row) => Number(row[1]) > 0}
        />
      </section>
    </div>
  );
}

function Table({ head, rows, empty, attention }: { head: string[]; rows: (string | number)[][]; empty: string; attention: (row: (string | number)[]) => boolean }) {
  if (!rows.length) return <p class="muted small">{empty}</p>;
  return (
    <div class="scroll">
      <table class="compact">
        <thead>
          <tr>{head.map((h) => <th>{h}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr class={attention(row) ? 'attention' : ''}>{row.map((cell) => <td class={typeof cell === 'number' ? 'num' : ''}>{cell}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
