import type { LinkView, ProcessView } from '../dashboard.view';
import { layoutTopology } from './topology-layout';

const link = (from: string, to: string, kind: LinkView['kind'] = 'call'): LinkView => ({ from, to, kind, declared: true, rate: 0, errorRatio: null, p50: null, p99: null });
const LINKS = [link('gateway', 'cart'), link('gateway', 'users'), link('cart', 'orders'), link('orders', 'catalog'), link('orders', 'payments'), link('orders', 'notifications', 'event')];

function overlap(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('topology layout', () => {
  it('puts callers left of callees and packs one process per module into few bands', () => {
    const processes: ProcessView[] = [
      { name: 'gateway', modules: [], gateway: true, critical: true },
      ...['users', 'cart', 'orders', 'catalog', 'payments', 'notifications'].map((m) => ({ name: m, modules: [m], gateway: false, critical: true })),
    ];
    const layout = layoutTopology(processes, LINKS);
    const x = (m: string) => layout.nodes.find((n) => n.module === m)!.x;
    expect(x('gateway')).toBeLessThan(x('cart'));
    expect(x('cart')).toBeLessThan(x('orders'));
    expect(x('orders')).toBeLessThan(x('payments'));
    // Three modules share the last column: three bands, not seven.
    expect(new Set(layout.processes.map((p) => p.y)).size).toBe(3);
    for (const a of layout.processes) for (const b of layout.processes) if (a !== b) expect(overlap(a, b)).toBe(false);
    expect(layout.edges).toHaveLength(LINKS.length);
  });

  it('draws one process holding every module', () => {
    const layout = layoutTopology([{ name: 'monolith', modules: ['users', 'cart', 'orders', 'catalog', 'payments', 'notifications'], gateway: true, critical: true }], LINKS);
    expect(layout.processes).toHaveLength(1);
    expect(layout.nodes).toHaveLength(7);
    const box = layout.processes[0];
    for (const n of layout.nodes) expect(n.x >= box.x && n.y >= box.y && n.x < box.x + box.w && n.y < box.y + box.h).toBe(true);
  });
});
