import type { InstanceView } from '../dashboard.view';
import { ago, bytes, duration, percent } from './format';

/** Every instance the registry lists; a late one is dimmed, a gone one greyed out until it is dropped. */
export function Instances({ instances, now }: { instances: InstanceView[]; now: number }) {
  return (
    <div class="scroll">
      <table class="instances">
        <thead>
          <tr>
            <th>process</th>
            <th>instance</th>
            <th>host</th>
            <th>pid</th>
            <th>version</th>
            <th>uptime</th>
            <th>readiness</th>
            <th>last heartbeat</th>
            <th>cpu</th>
            <th>memory</th>
          </tr>
        </thead>
        <tbody>
          {instances.map((i) => (
            <tr class={`instance ${i.state}`} data-instance={i.instanceId} data-state={i.state} title={i.state === 'gone' ? 'stopped heartbeating: no longer in the registry' : i.state === 'late' ? 'heartbeat overdue' : undefined}>
              <td>{i.process}</td>
              <td class="mono">{i.instanceId}</td>
              <td>{i.host}</td>
              <td class="num">{i.pid}</td>
              <td>{i.version}</td>
              <td class="num">{duration(now - Date.parse(i.startedAt))}</td>
              <td>
                <span class={`pill ${i.state === 'gone' ? 'gone' : i.ready ? 'up' : 'down'}`} title={i.failing ? Object.entries(i.failing).map(([k, v]) => `${k}: ${v}`).join('\n') : undefined}>
                  {i.state === 'gone' ? 'gone' : i.ready ? 'ready' : 'not ready'}
                </span>
                {i.failing && <span class="muted small"> {Object.keys(i.failing).join(', ')}</span>}
              </td>
              <td class="num">{ago(i.lastSeen, now)}</td>
              <td class="num">{i.cpu === undefined ? '–' : percent(i.cpu)}</td>
              <td class="num">{bytes(i.rssBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
