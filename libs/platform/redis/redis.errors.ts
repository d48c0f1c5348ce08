/**
 * What a Redis error means for whoever operates this process: the server refusing its
 * credentials or a command, a TLS problem, or Redis being away. ioredis reports each as it
 * comes (an AUTH refused at connect, then NOAUTH for every command); said once, with the
 * settings to check, it is what readiness and the log show.
 */
export function explainRedisError(error: Error): string {
  const message = error.message;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) {
    return `Redis refuses this process's credentials (check REDIS_USERNAME and REDIS_PASSWORD, or the user in REDIS_URL): ${message}`;
  }
  if (/NOPERM/.test(message)) {
    return `Redis refuses a command to this process's user (no REDIS_USERNAME/REDIS_PASSWORD, so it is Redis's default user, or its ACL is too narrow for Cleave): ${message}`;
  }
  if (/certificate|self[- ]signed|\bSSL\b|\bTLS\b|wrong version number|EPROTO/i.test(message) || /^ERR_TLS|^ERR_SSL|CERT/.test((error as NodeJS.ErrnoException).code ?? '')) {
    return `TLS to Redis fails (check rediss://, REDIS_TLS and REDIS_TLS_CA_FILE): ${message}`;
  }
  return `Redis does not answer: ${message}`;
}
