import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runPromtool } from '../test/support/promtool';

/**
 * The alert rules (deploy/prometheus/alerts.yml) checked by Prometheus's own promtool: the
 * rules are valid, and each alert has a unit test (alerts.test.yml) that makes it fire.
 * .ci/run installs Debian's `prometheus` package, which provides promtool.
 */
const dir = join(__dirname, 'prometheus');
const rules = parse(readFileSync(join(dir, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
const tests = parse(readFileSync(join(dir, 'alerts.test.yml'), 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };

function run(...args: string[]): string {
  return runPromtool(args, { cwd: dir });
}

describe('alert rules (deploy/prometheus/alerts.yml)', () => {
  const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert).filter((a): a is string => !!a));

  it('cover what an operator must know', () => {
    expect(alerts).toEqual(
      expect.arrayContaining([
        'CleaveBreakerOpen',
        'CleaveOutboxBacklogGrowing',
        'CleaveOutboxEventsOld',
        'CleaveConsumerLag',
        'CleaveDeadLetters',
        'CleaveHighErrorRatio',
        'CleaveHighLatencyP99',
        'CleaveInstanceDown',
        'CleaveProcessMissing',
        'CleaveOrderStuckPending',
      ]),
    );
  });

  it('pass promtool check rules', () => {
    expect(run('check', 'rules', 'alerts.yml')).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it('each have a promtool unit test that makes them fire', () => {
    const fired = new Set(tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    expect(alerts.filter((a) => !fired.has(a))).toEqual([]);
    expect(run('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });
});
