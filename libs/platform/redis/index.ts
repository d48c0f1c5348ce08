// Redis connections and key names, shared by every lib that keeps something in Redis.
export { RedisConnections } from './redis.connections';
export { RedisKeys } from './redis.keys';
export { RedisModule } from './redis.module';
export { REDIS_OPTIONS, RedisConnectionOptions } from './redis.options';
export { RedisSettings } from './redis.settings';
