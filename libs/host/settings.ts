import { LifecycleSettings, ProcessSpec, ProcessSettings } from '@cleave/platform/process';
import { BusSettings } from '@cleave/platform/bus';
import { CacheSettings } from '@cleave/platform/cache';
import { ConfigSchema, ConfigSettings, SettingsClass } from '@cleave/platform/config';
import { DatabaseSettings } from '@cleave/platform/database';
import { HealthSettings } from '@cleave/platform/health';
import { HttpSettings } from '@cleave/platform/http';
import { LoggingSettings } from '@cleave/platform/logging';
import { OutboxSettings } from '@cleave/platform/outbox';
import { RedisSettings } from '@cleave/platform/redis';
import { ResilienceSettings } from '@cleave/platform/resilience';
import { TracingSettings } from '@cleave/platform/tracing';
import { GatewaySettings } from '@cleave/gateway/gateway.settings';
import { DashboardSettings } from '@cleave/gateway/dashboard/dashboard.settings';
import { RateLimitSettings } from '@cleave/gateway/rate-limit/rate-limit.settings';
import { DOMAIN_MODULES, MODULE_NAMES } from './domain-modules';

/** What every process reads, whatever it hosts, in the order the docs list them. */
export const PLATFORM_SETTINGS: readonly SettingsClass[] = [
  ConfigSettings,
  ProcessSettings,
  LifecycleSettings,
  RedisSettings,
  DatabaseSettings,
  BusSettings,
  ResilienceSettings,
  OutboxSettings,
  HealthSettings,
  HttpSettings,
  LoggingSettings,
  TracingSettings,
  CacheSettings,
];

/** What the process serving the gateway reads besides. */
const GATEWAY_SETTINGS: readonly SettingsClass[] = [GatewaySettings, RateLimitSettings, DashboardSettings];

/** The schema of one process: the platform's settings, the gateway's if it serves it, its modules'. */
export function processSchema(spec: ProcessSpec): ConfigSchema {
  return ConfigSchema.of([...PLATFORM_SETTINGS, ...(spec.gateway ? GATEWAY_SETTINGS : []), ...spec.modules.flatMap((m) => DOMAIN_MODULES[m].settings)], MODULE_NAMES);
}

/** Every setting of the codebase: the docs, and a reload override naming a setting no process here hosts. */
export const ALL_SETTINGS = ConfigSchema.of([...PLATFORM_SETTINGS, ...GATEWAY_SETTINGS, ...MODULE_NAMES.flatMap((m) => DOMAIN_MODULES[m].settings)], MODULE_NAMES);
