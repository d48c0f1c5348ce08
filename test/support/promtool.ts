import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Prometheus's promtool, for the tests that check alert rules and /metrics output with it.
 * .ci/run installs Debian's `prometheus` package, which provides it; PROMTOOL overrides.
 */
export function promtool(): string {
  const path = process.env.PROMTOOL ?? 'promtool';
  if (spawnSync(path, ['--version']).error) {
    throw new Error(`promtool is not installed (looked for "${path}"): install Debian's prometheus package (apt-get install -y prometheus; .ci/run does) or set PROMTOOL`);
  }
  return path;
}

/** Runs promtool; its output, or an error carrying everything it said. */
export function runPromtool(args: string[], options: { cwd?: string; input?: string } = {}): string {
  try {
    return execFileSync(promtool(), args, { cwd: options.cwd, input: options.input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    if (stdout === undefined && stderr === undefined) throw error;
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}
