import { Injectable } from '@nestjs/common';

/** Where a process is in its life: it serves only between start-up and the drain. */
export type LifecyclePhase = 'starting' | 'serving' | 'draining';

/**
 * The process's phase, for whoever must answer differently outside `serving`: readiness
 * (503 while starting or draining), the HTTP edge (`Connection: close` while draining).
 * The host moves it; nothing else does.
 */
@Injectable()
export class ProcessLifecycle {
  private current: LifecyclePhase = 'starting';
  private readonly listeners: Array<(phase: LifecyclePhase) => void> = [];

  get phase(): LifecyclePhase {
    return this.current;
  }

  get draining(): boolean {
    return this.current === 'draining';
  }

  /** Fully initialized and consuming: ready from now on. */
  serving(): void {
    if (this.current === 'starting') this.move('serving');
  }

  /** Stopping: not ready any more, and never again. */
  drain(): void {
    this.move('draining');
  }

  onChange(listener: (phase: LifecyclePhase) => void): void {
    this.listeners.push(listener);
  }

  private move(phase: LifecyclePhase): void {
    if (this.current === phase) return;
    this.current = phase;
    for (const listener of this.listeners) listener(phase);
  }
}
