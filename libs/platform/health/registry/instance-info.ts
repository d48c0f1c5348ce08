import type { Subscription } from '@cleave/platform/bus';

/** What an instance tells the registry about itself with every heartbeat. */
export interface InstanceInfo {
  instanceId: string;
  process: string;
  modules: string[];
  gateway: boolean;
  version: string;
  host: string;
  pid: number;
  startedAt: string;
  /** Its own readiness at its last heartbeat, and why not when it is not. */
  status: 'up' | 'down';
  failing?: Record<string, string>;
  lastSeen: string;
  /** Where its HTTP endpoints (health, metrics) answer. */
  url?: string;
  /**
   * The events its modules take, as their @OnEvent handlers declare, with each event's
   * publisher (the module of the contract declaring it): the event edges of the dashboard's
   * topology diagram, known before any event flows.
   */
  subscriptions?: Subscription[];
}
