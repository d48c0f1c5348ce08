import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpuSeconds, runningPids } from './proc';

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  return (fields.slice(0, 8).reduce((a, b) => a + b, 0) - fields[3] - fields[4]) / 100;
}

function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export interface Interference {
  /** Mean share of the machine (all cores) used by processes outside the benchmark, percent. */
  meanPct: number;
  maxPct: number;
  /** Seconds during which outside work used more than a quarter of the machine. */
  secondsAbove25Pct: number;
  /** When (seconds into the run) and how much. */
  spikes: { atSec: number; pct: number }[];
}

/**
 * Watches for CPU use by anything that is not part of the run (the orchestrator, its
 * children, Redis, PostgreSQL): on a 2-core machine another job skews every figure, and the
 * report says so rather than passing the figures off as clean.
 */
export class InterferenceMonitor {
  private timer?: NodeJS.Timeout;
  private readonly samples: number[] = [];
  private readonly spikes: { atSec: number; pct: number }[] = [];
  private readonly started = performance.now();
  private last?: { at: number; machine: number; self: number; pids: Map<number, number> };

  constructor(private readonly servicePids: () => number[]) {}

  private snapshot() {
    const pids = new Map<number, number>();
    for (const pid of [...runningPids(), ...this.servicePids(), ...pidsNamed('postgres')]) {
      const used = cpuSeconds(pid);
      if (Number.isFinite(used)) pids.set(pid, used);
    }
    const self = process.cpuUsage();
    return { at: performance.now(), machine: machineBusySeconds(), self: (self.user + self.system) / 1e6, pids };
  }

  start(intervalMs = 1000): this {
    const sample = () => {
      try {
        const now = this.snapshot();
        if (this.last) {
          let ours = now.self - this.last.self;
          // Per process: a new one counts from zero; one gone since loses only its last interval.
          for (const [pid, used] of now.pids) ours += used - (this.last.pids.get(pid) ?? 0);
          const foreign = now.machine - this.last.machine - ours;
          const seconds = (now.at - this.last.at) / 1000;
          const share = Math.min(1, Math.max(0, foreign / (seconds * cpus().length)));
          this.samples.push(share);
          if (share > 0.25) this.spikes.push({ atSec: Math.round((now.at - this.started) / 1000), pct: Math.round(share * 100) });
        }
        this.last = now;
      } catch {
        // Not Linux: no figure.
      }
    };
    sample();
    this.timer = setInterval(sample, intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): Interference {
    clearInterval(this.timer);
    const n = this.samples.length || 1;
    return {
      meanPct: (this.samples.reduce((a, b) => a + b, 0) / n) * 100,
      maxPct: Math.max(0, ...this.samples) * 100,
      secondsAbove25Pct: this.samples.filter((s) => s > 0.25).length,
      spikes: this.spikes,
    };
  }
}
