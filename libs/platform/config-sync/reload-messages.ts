import { Env, ReloadOutcome } from '@cleave/platform/config';

/** What `npm run config:reload` publishes to every process. */
export interface ReloadMessage {
  /** Names the request, so the answers can be told apart. */
  id: string;
  /** Live settings laid over each process's environment until it stops. */
  overrides?: Env;
  /** Drops the overrides earlier reloads carried. */
  reset?: boolean;
  /** Only the instances of this process (all when unset). */
  process?: string;
}

/** What each instance answers. */
export interface ReloadReply {
  id: string;
  instanceId: string;
  process: string;
  outcome: ReloadOutcome;
}

export function parseReloadMessage(raw: string): ReloadMessage | undefined {
  try {
    const message = JSON.parse(raw) as ReloadMessage;
    if (typeof message?.id !== 'string') return undefined;
    if (message.overrides !== undefined && (typeof message.overrides !== 'object' || Object.values(message.overrides).some((v) => typeof v !== 'string'))) return undefined;
    return message;
  } catch {
    return undefined;
  }
}
