#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster listening on 127.0.0.1 only.
#
# Usage: scripts/tools/pg-start.sh DATA_DIR PORT [DBNAME]
#
# - DATA_DIR is created (and initdb'd) if it has no cluster yet; an existing one is reused.
# - Trust authentication on loopback, superuser "postgres", no Unix socket,
#   fsync off: for tests only, never for data you care about.
# - As root, the server runs as the "postgres" user (initdb/postgres refuse
#   root): DATA_DIR is chowned to it, and every parent directory of DATA_DIR
#   must be searchable by it. Parents inside ${TMPDIR:-/tmp} (e.g. mkdtemp
#   dirs, mode 0700) get o+x added; elsewhere (e.g. under /root) it fails.
# - On success prints ONE line on stdout, the connection URL:
#     postgres://postgres@127.0.0.1:PORT/DBNAME?sslmode=disable
#   Logs go to stderr and DATA_DIR/server.log.
# Stop it with scripts/tools/pg-stop.sh DATA_DIR.
set -euo pipefail

die() {
  echo "pg-start.sh: $*" >&2
  exit 1
}

[[ $# -ge 2 && $# -le 3 ]] || die "usage: pg-start.sh DATA_DIR PORT [DBNAME]"
DATA_DIR="$1"
PORT="$2"
DBNAME="${3:-postgres}"
[[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT > 0 && PORT < 65536)) || die "PORT must be a number between 1 and 65535, got '$PORT'"
[[ "$DBNAME" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "DBNAME must be a plain identifier, got '$DBNAME'"

# Find the server binaries: override, tool cache, PATH, Debian's versioned dir.
CACHE_ROOT="${KINDLING_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kindling}"
find_pg_bin() {
  local name="$1" var="KINDLING_${1^^}_BIN" candidate
  if [[ -n "${!var:-}" ]]; then
    echo "${!var}"
    return
  fi
  for candidate in "$CACHE_ROOT/tools/bin/$name" "$(command -v "$name" 2>/dev/null || true)" \
    $(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n1); do
    [[ -n "$candidate" && -x "$candidate" ]] && {
      echo "$candidate"
      return
    }
  done
  die "$name not found: run scripts/tools/install.sh --only postgresql"
}
# Resolved to real paths: the tool cache (under root's home) may not be
# reachable by the postgres user, and initdb finds postgres next to itself.
INITDB="$(readlink -f "$(find_pg_bin initdb)")"
PG_CTL="$(readlink -f "$(find_pg_bin pg_ctl)")"
PSQL="$(find_pg_bin psql)"

# Run as a non-root user when we are root.
as_owner=()
if [[ "$(id -u)" == 0 ]]; then
  PG_USER="${KINDLING_PG_OS_USER:-postgres}"
  id "$PG_USER" >/dev/null 2>&1 || die "running as root but user '$PG_USER' does not exist (install the postgresql package, or set KINDLING_PG_OS_USER)"
  as_owner=(runuser -u "$PG_USER" --)
fi

mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
if ((${#as_owner[@]})); then
  chown "$PG_USER" "$DATA_DIR"
  chmod 0700 "$DATA_DIR"
  # mkdtemp-style parents (mode 0700) inside the temp dir: let the server user
  # pass through them (search bit only, no listing). Elsewhere we touch nothing.
  TMP_ROOT="$(cd "${TMPDIR:-/tmp}" && pwd)"
  dir="$(dirname "$DATA_DIR")"
  while [[ "$dir" == "$TMP_ROOT"/* ]]; do
    if ! "${as_owner[@]}" test -x "$dir"; then chmod o+x "$dir"; fi
    dir="$(dirname "$dir")"
  done
  "${as_owner[@]}" test -w "$DATA_DIR" ||
    die "user '$PG_USER' cannot reach $DATA_DIR (a parent directory is not searchable by it); use a directory under /tmp"
fi

if [[ ! -f "$DATA_DIR/PG_VERSION" ]]; then
  [[ -z "$(ls -A "$DATA_DIR")" ]] || die "$DATA_DIR is neither empty nor a PostgreSQL data directory"
  echo "pg-start.sh: initdb $DATA_DIR" >&2
  initdb_log="$(mktemp)"
  "${as_owner[@]}" "$INITDB" -D "$DATA_DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$initdb_log" 2>&1 ||
    {
      cat "$initdb_log" >&2
      rm -f "$initdb_log"
      die "initdb failed"
    }
  rm -f "$initdb_log"
fi

if "${as_owner[@]}" "$PG_CTL" -D "$DATA_DIR" status >/dev/null 2>&1; then
  die "a server is already running on $DATA_DIR (stop it with scripts/tools/pg-stop.sh $DATA_DIR)"
fi

opts="-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
echo "pg-start.sh: starting on 127.0.0.1:$PORT" >&2
"${as_owner[@]}" "$PG_CTL" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -o "$opts" -w -t 60 start >&2 ||
  {
    tail -n 20 "$DATA_DIR/server.log" >&2 || true
    die "the server did not start (is port $PORT already in use?)"
  }

if [[ "$DBNAME" != postgres ]]; then
  if [[ "$("$PSQL" "postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable" -XAtc "select 1 from pg_database where datname='$DBNAME'")" != 1 ]]; then
    "$PSQL" "postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable" -Xqc "create database \"$DBNAME\"" >&2
  fi
fi

echo "postgres://postgres@127.0.0.1:$PORT/$DBNAME?sslmode=disable"
