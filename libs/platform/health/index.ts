// Liveness, readiness, metrics endpoints and the service registry of every process.
export { HealthModule } from './health.module';
export { Readiness } from './readiness.service';
export { Heartbeat } from './registry/heartbeat.service';
export { InstanceInfo } from './registry/instance-info';
export { ServiceRegistry } from './registry/service-registry';
export { HealthSettings } from './health.settings';
export { RedisRegistry } from './registry/redis.registry';
