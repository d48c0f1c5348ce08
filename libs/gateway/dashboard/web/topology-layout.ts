import type { LinkView, ProcessView } from '../dashboard.view';

export interface NodeBox {
  module: string;
  process: string;
  x: number;
  y: number;
}

export interface ProcessBox {
  process: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface EdgePath {
  link: LinkView;
  d: string;
  labelX: number;
  labelY: number;
}

export interface TopologyLayout {
  width: number;
  height: number;
  nodes: NodeBox[];
  processes: ProcessBox[];
  edges: EdgePath[];
}

export const NODE_W = 124;
export const NODE_H = 34;
const COL_W = 200;
const ROW_H = 52;
const PAD = 14;
const TITLE = 20;
const BAND_GAP = 26;

/**
 * Lays the modules out in columns by how far down the calls and events they are (the
 * gateway first), and each process as a box around its modules. Processes whose columns do
 * not overlap share a band, so a process per module lays out as compactly as one process
 * for all; boxes never overlap.
 */
export function layoutTopology(processes: readonly ProcessView[], links: readonly LinkView[]): TopologyLayout {
  const hostOf = new Map<string, string>();
  for (const p of processes) {
    if (p.gateway) hostOf.set('gateway', p.name);
    for (const m of p.modules) hostOf.set(m, p.name);
  }
  const modules = [...hostOf.keys()];
  const layer = layers(modules, links.filter((l) => hostOf.has(l.from) && hostOf.has(l.to)));

  // Each process spans the columns of its modules; stacks are its modules sharing a column.
  const spans = processes
    .map((p) => {
      const own = modules.filter((m) => hostOf.get(m) === p.name).sort((a, b) => layer.get(a)! - layer.get(b)! || a.localeCompare(b));
      const cols = own.map((m) => layer.get(m)!);
      const stack = Math.max(1, ...[...new Set(cols)].map((c) => cols.filter((x) => x === c).length));
      return { process: p.name, own, first: cols.length ? Math.min(...cols) : 0, last: cols.length ? Math.max(...cols) : 0, stack };
    })
    .sort((a, b) => a.first - b.first || a.process.localeCompare(b.process));

  const bands: { end: number; members: typeof spans }[] = [];
  for (const span of spans) {
    const band = bands.find((b) => b.end < span.first);
    if (band) {
      band.members.push(span);
      band.end = span.last;
    } else bands.push({ end: span.last, members: [span] });
  }

  const nodes: NodeBox[] = [];
  const boxes: ProcessBox[] = [];
  let top = PAD;
  for (const band of bands) {
    const height = Math.max(...band.members.map((m) => m.stack)) * ROW_H - (ROW_H - NODE_H) + TITLE + PAD * 2;
    for (const member of band.members) {
      const x = PAD + member.first * COL_W;
      boxes.push({ process: member.process, x, y: top, w: (member.last - member.first) * COL_W + NODE_W + PAD * 2, h: height });
      const used = new Map<number, number>();
      for (const module of member.own) {
        const col = layer.get(module)!;
        const row = used.get(col) ?? 0;
        used.set(col, row + 1);
        nodes.push({ module, process: member.process, x: PAD * 2 + col * COL_W, y: top + TITLE + PAD + row * ROW_H });
      }
    }
    top += height + BAND_GAP;
  }

  const at = new Map(nodes.map((n) => [n.module, n]));
  const edges = links.flatMap((link) => {
    const from = at.get(link.from);
    const to = at.get(link.to);
    return from && to && from !== to ? [edgePath(link, from, to)] : [];
  });
  const width = Math.max(...boxes.map((b) => b.x + b.w), 0) + PAD;
  return { width, height: top - BAND_GAP + PAD, nodes, processes: boxes, edges };
}

/** Longest path from a module nothing calls: callers left of callees, publishers left of subscribers. */
function layers(modules: readonly string[], links: readonly LinkView[]): Map<string, number> {
  const layer = new Map(modules.map((m) => [m, 0]));
  // Bellman-Ford style relaxation, bounded: a cycle cannot push a module further than n columns.
  for (let round = 0; round < modules.length; round++) {
    let moved = false;
    for (const { from, to } of links) {
      if (from === to || to === 'gateway') continue;
      const next = layer.get(from)! + 1;
      if (next > layer.get(to)! && next < modules.length) {
        layer.set(to, next);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return layer;
}

function edgePath(link: LinkView, from: NodeBox, to: NodeBox): EdgePath {
  if (to.x > from.x) {
    const [x1, y1, x2, y2] = [from.x + NODE_W, from.y + NODE_H / 2, to.x, to.y + NODE_H / 2];
    const bend = Math.max(30, (x2 - x1) / 2);
    return { link, d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, labelX: (x1 + x2) / 2, labelY: (y1 + y2) / 2 - 4 };
  }
  // Same column (modules stacked in one process) or backwards: a loop round the side.
  const [x1, y1, x2, y2] = [from.x + NODE_W, from.y + NODE_H / 2, to.x + NODE_W, to.y + NODE_H / 2];
  const out = 40 + Math.abs(y2 - y1) / 4;
  return { link, d: `M${x1},${y1} C${x1 + out},${y1} ${x2 + out},${y2} ${x2},${y2}`, labelX: Math.max(x1, x2) + out * 0.75, labelY: (y1 + y2) / 2 };
}
