#!/bin/sh
# Makes what Redis's TLS needs, for a deployment without a certificate manager (and for the
# tests): a CA, a certificate for Redis valid for the given names, and a client certificate.
# Clients check the name they connect to: on a Redis Cluster or behind Sentinel that is each
# node's IP address as the cluster or the sentinels announce it, so list those IPs too.
#
#   deploy/redis/make-certs.sh <dir> [name ...]     names default to: redis localhost 127.0.0.1
#
# Writes ca.crt ca.key redis.crt redis.key client.crt client.key into <dir>. Keep ca.key
# offline; give Redis redis.crt and redis.key, and every Cleave process ca.crt
# (REDIS_TLS_CA_FILE). Valid for DAYS days (825).
set -eu
dir="${1:?usage: make-certs.sh <dir> [name ...]}"
shift
[ $# -gt 0 ] || set -- redis localhost 127.0.0.1
days="${DAYS:-825}"
mkdir -p "$dir"
cd "$dir"
umask 077

names=""
for name in "$@"; do
  case "$name" in
    *:*) entry="IP:$name" ;;                             # IPv6
    *[!0-9.]*) entry="DNS:$name" ;;
    *.*.*.*) entry="IP:$name" ;;                         # IPv4
    *) entry="DNS:$name" ;;
  esac
  names="${names:+$names,}$entry"
done

openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=Cleave Redis CA" -keyout ca.key -out ca.crt 2>/dev/null
sign() {
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -out "$1.crt" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
sign redis "$1" "subjectAltName=$names
extendedKeyUsage=serverAuth"
sign client cleave-client "extendedKeyUsage=clientAuth"
rm -f ca.srl
# Readable by the containers' unprivileged users (the key files stay the owner's).
chmod 644 ca.crt redis.crt client.crt
echo "made ca.crt, redis.crt/.key and client.crt/.key in $dir for: $*"
