import type { InstanceInfo } from '@cleave/platform/health';
import type { InstanceView } from '../dashboard.view';

/** A heartbeat this much overdue (in beats) makes an instance late. */
const LATE_AFTER_BEATS = 2;

/**
 * Every instance the registry lists, plus those that left it within `goneMs`: an instance
 * that stops heartbeating turns late, then (once the registry drops it) gone, greyed out,
 * and is forgotten after a while; one that withdraws cleanly is gone at once.
 */
export class InstanceTracker {
  private readonly known = new Map<string, { info: InstanceInfo; goneAt?: number }>();

  constructor(
    private readonly heartbeatMs: number,
    private readonly goneMs: number,
  ) {}

  update(listed: readonly InstanceInfo[], now: number): InstanceView[] {
    const present = new Set(listed.map((i) => i.instanceId));
    for (const info of listed) this.known.set(info.instanceId, { info });
    for (const [id, entry] of this.known) {
      if (present.has(id)) continue;
      entry.goneAt ??= now;
      if (now - entry.goneAt >= this.goneMs) this.known.delete(id);
    }
    return [...this.known.values()]
      .map(({ info, goneAt }) => view(info, goneAt !== undefined ? 'gone' : now - Date.parse(info.lastSeen) > LATE_AFTER_BEATS * this.heartbeatMs ? 'late' : 'live'))
      .sort((a, b) => a.process.localeCompare(b.process) || a.startedAt.localeCompare(b.startedAt));
  }

  clear(): void {
    this.known.clear();
  }
}

function view(info: InstanceInfo, state: InstanceView['state']): InstanceView {
  const row: InstanceView = {
    instanceId: info.instanceId,
    process: info.process,
    host: info.host,
    pid: info.pid,
    version: info.version,
    startedAt: info.startedAt,
    ready: info.status === 'up',
    lastSeen: info.lastSeen,
    state,
  };
  if (info.failing) row.failing = info.failing;
  return row;
}
