// Redis connections and key names, shared by every lib that keeps something in Redis.
export { createRedisConnection, isCluster, RedisConnection, CreateRedisOptions } from './redis.client-factory';
export { RedisConnections } from './redis.connections';
export { explainRedisError } from './redis.errors';
export { hashTag, RedisKeys, sameSlotGroups } from './redis.keys';
export { RedisModule } from './redis.module';
export { connectionOptionsFrom, REDIS_OPTIONS, RedisConnectionOptions } from './redis.options';
export { getValues, scanKeys } from './redis.scan';
export { RedisSettings } from './redis.settings';
export { describeTarget, RedisAddress, RedisAuth, RedisTarget, redisTarget, RedisTls } from './redis.target';
