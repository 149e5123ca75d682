#!/usr/bin/env bash
# Stops a cluster started by scripts/tools/pg-start.sh.
#
# Usage: scripts/tools/pg-stop.sh DATA_DIR [--rm]
#   --rm   also delete DATA_DIR afterwards
# Succeeds (quietly) when nothing is running there.
set -euo pipefail

die() {
  echo "pg-stop.sh: $*" >&2
  exit 1
}

[[ $# -ge 1 && $# -le 2 ]] || die "usage: pg-stop.sh DATA_DIR [--rm]"
DATA_DIR="$1"
REMOVE=0
if [[ $# == 2 ]]; then
  [[ "$2" == --rm ]] || die "unknown option '$2'"
  REMOVE=1
fi

CACHE_ROOT="${KINDLING_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kindling}"
PG_CTL="${KINDLING_PG_CTL_BIN:-}"
if [[ -z "$PG_CTL" ]]; then
  for candidate in "$CACHE_ROOT/tools/bin/pg_ctl" "$(command -v pg_ctl 2>/dev/null || true)" \
    $(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n1); do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      PG_CTL="$candidate"
      break
    fi
  done
fi
[[ -n "$PG_CTL" ]] || die "pg_ctl not found: run scripts/tools/install.sh --only postgresql"
PG_CTL="$(readlink -f "$PG_CTL")"

if [[ -f "$DATA_DIR/postmaster.pid" ]]; then
  as_owner=()
  if [[ "$(id -u)" == 0 ]]; then
    owner="$(stat -c %U "$DATA_DIR")"
    [[ "$owner" == root ]] || as_owner=(runuser -u "$owner" --)
  fi
  "${as_owner[@]}" "$PG_CTL" -D "$DATA_DIR" -m fast -w -t 60 stop >&2 || {
    # A stale pid file (server already gone) is fine; anything else is not.
    if "${as_owner[@]}" "$PG_CTL" -D "$DATA_DIR" status >/dev/null 2>&1; then
      die "could not stop the server on $DATA_DIR"
    fi
  }
fi

if ((REMOVE)); then rm -rf "$DATA_DIR"; fi
