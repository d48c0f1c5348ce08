import type { DashboardView, InstanceView } from '../dashboard.view';
import { colorOf, ms, rate } from './format';
import { layoutTopology, NODE_H, NODE_W } from './topology-layout';

/** Processes as boxes holding their modules; calls (solid) and events (dashed) between modules, with rate and p50. */
export function Topology({ view }: { view: DashboardView }) {
  const layout = layoutTopology(view.topology.processes, view.links);
  const byProcess = new Map<string, InstanceView[]>();
  for (const i of view.instances) if (i.state !== 'gone') byProcess.set(i.process, [...(byProcess.get(i.process) ?? []), i]);
  const maxRate = Math.max(1, ...view.links.map((l) => l.rate));
  return (
    <div class="topology scroll">
      <svg viewBox={`0 0 ${layout.width} ${layout.height}`} width={layout.width} height={layout.height} role="img" aria-label="Topology: processes, modules, and the calls and events between them">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
          </marker>
        </defs>
        {layout.processes.map((box) => {
          const instances = byProcess.get(box.process) ?? [];
          const ready = instances.filter((i) => i.ready && i.state === 'live').length;
          const health = !instances.length ? 'down' : ready === instances.length ? 'up' : ready ? 'partial' : 'down';
          return (
            <g class={`process ${health}`} data-process={box.process}>
              <rect x={box.x} y={box.y} width={box.w} height={box.h} rx="10" />
              <text x={box.x + 10} y={box.y + 16} class="process-name">
                {box.process} <tspan class="muted">×{instances.length}</tspan>
              </text>
            </g>
          );
        })}
        {layout.edges.map(({ link, d, labelX, labelY }) => {
          const active = link.rate > 0;
          const width = active ? 1.5 + (3 * Math.log1p(link.rate)) / Math.log1p(maxRate) : 1;
          return (
            <g class={`edge ${link.kind} ${active ? 'active' : 'idle'} ${link.errorRatio ? 'failing' : ''}`} data-link={`${link.from}>${link.to}`}>
              <title>{`${link.from} → ${link.to} (${link.kind}${link.events ? `: ${link.events.join(', ')}` : ''})`}</title>
              <path d={d} stroke-width={width} marker-end="url(#arrow)" />
              {active && (
                <text x={labelX} y={labelY} class="edge-label" text-anchor="middle">
                  {rate(link.rate)} · {ms(link.p50)}
                </text>
              )}
            </g>
          );
        })}
        {layout.nodes.map((node) => (
          <g class="module" data-module={node.module}>
            <rect x={node.x} y={node.y} width={NODE_W} height={NODE_H} rx="7" style={{ stroke: colorOf(node.module) }} />
            <circle cx={node.x + 14} cy={node.y + NODE_H / 2} r="5" style={{ fill: colorOf(node.module) }} />
            <text x={node.x + 26} y={node.y + NODE_H / 2 + 4}>
              {node.module}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
