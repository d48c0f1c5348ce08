#!/bin/sh
# Redis for Cleave, as compose and Kubernetes run it (and test/redis-auth.e2e-spec.ts):
# an ACL user per service, each with its own password from the environment (a Secret), and
# TLS when a certificate is given. Arguments after the script go to redis-server as they are.
#
#   REDIS_PASSWORD_<SERVICE>   one per service below, 16+ characters, no spaces (required)
#   CLEAVE_REDIS_PREFIX        the prefix the services' keys and channels live under (cleave)
#   REDIS_PORT                 the port Redis listens on, TLS or not (6379)
#   REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE, REDIS_TLS_CA_FILE
#                              with these, TLS only (no plain port); clients may present a
#                              certificate (REDIS_TLS_AUTH_CLIENTS: optional, yes or no)
#   REDIS_PASSWORD_ADMIN       optional: an `admin` user with every command and key, for a
#                              person at redis-cli (CLIENT LIST, ACL LOG, SLOWLOG)
#   REDIS_ACL_FILE             where the ACL file is written (/tmp/cleave-users.acl)
set -eu

services="gateway users catalog cart orders payments notifications operator"
prefix="${CLEAVE_REDIS_PREFIX:-cleave}"
acl="${REDIS_ACL_FILE:-/tmp/cleave-users.acl}"
port="${REDIS_PORT:-6379}"

umask 077
{
  # Anonymous connections may PING (the health check) and nothing else.
  printf '%s\n' "user default on nopass -@all +ping"
  for service in $services; do
    variable="REDIS_PASSWORD_$(echo "$service" | tr 'a-z' 'A-Z')"
    eval "password=\${$variable:-}"
    case "$password" in
      *[[:space:]]*) echo "redis: $variable contains white space, which an ACL password cannot" >&2; exit 1 ;;
    esac
    if [ "${#password}" -lt 16 ]; then
      echo "redis: $variable must be set, 16 characters or more (each service has its own Redis password)" >&2
      exit 1
    fi
    # Every key and channel under the prefix (the bus, registry, caches and span store are
    # shared by all services); no administrative or dangerous command (FLUSHALL, CONFIG,
    # KEYS, DEBUG, ...), but INFO, which ioredis's ready check sends.
    # printf, not echo: some shells' echo would read a backslash in a password as an escape.
    printf 'user %s on >%s ~%s:* &%s:* +@all -@dangerous +info\n' "$service" "$password" "$prefix" "$prefix"
  done
  if [ -n "${REDIS_PASSWORD_ADMIN:-}" ]; then
    case "$REDIS_PASSWORD_ADMIN" in
      *[[:space:]]*) echo "redis: REDIS_PASSWORD_ADMIN contains white space, which an ACL password cannot" >&2; exit 1 ;;
    esac
    if [ "${#REDIS_PASSWORD_ADMIN}" -lt 16 ]; then echo "redis: REDIS_PASSWORD_ADMIN must be 16 characters or more" >&2; exit 1; fi
    printf 'user admin on >%s ~* &* +@all\n' "$REDIS_PASSWORD_ADMIN"
  fi
} > "$acl"

if [ -n "${REDIS_TLS_CERT_FILE:-}" ]; then
  set -- --port 0 --tls-port "$port" \
    --tls-cert-file "$REDIS_TLS_CERT_FILE" --tls-key-file "${REDIS_TLS_KEY_FILE:?REDIS_TLS_KEY_FILE goes with REDIS_TLS_CERT_FILE}" \
    --tls-ca-cert-file "${REDIS_TLS_CA_FILE:?REDIS_TLS_CA_FILE goes with REDIS_TLS_CERT_FILE}" \
    --tls-auth-clients "${REDIS_TLS_AUTH_CLIENTS:-optional}" "$@"
else
  set -- --port "$port" "$@"
fi
exec redis-server --aclfile "$acl" "$@"
