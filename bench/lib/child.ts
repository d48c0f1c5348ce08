/**
 * The child side of the orchestrator's control channel (Node IPC). A peer process calls
 * `serve` once it is set up: it announces itself ready and then answers commands. It exits
 * when the orchestrator goes away, so no peer outlives a run, however the run ended.
 */
export type Commands = Record<string, (args: any) => unknown>;

interface Command {
  id: number;
  cmd: string;
  args: unknown;
}

export function leashToParent(): void {
  if (!process.send) throw new Error('bench peers are started by bench/run.ts (they need its IPC channel)');
  process.on('disconnect', () => process.exit(0));
  // A clean exit on SIGTERM, so that --cpu-prof (BENCH_NODE_ARGS) writes its profile.
  process.on('SIGTERM', () => process.exit(0));
}

export function serve(commands: Commands, info: Record<string, unknown> = {}): void {
  leashToParent();
  const all: Commands = { exit: () => setTimeout(() => process.exit(0), 10), ...commands };
  process.on('message', (message: Command) => {
    const handler = all[message.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.cmd}`);
        return handler(message.args);
      })
      .then(
        (result) => process.send!({ id: message.id, result }),
        (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
      );
  });
  process.send!({ type: 'ready', ...info });
}

/** Reports a setup failure to the orchestrator and exits. */
export function fail(error: unknown): never {
  const text = error instanceof Error ? error.stack ?? error.message : String(error);
  console.error(text);
  process.send?.({ type: 'failed', error: text });
  process.exit(1);
}

export function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}
