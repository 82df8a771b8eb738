#!/usr/bin/env bash
# make demo-matrix: `make demo` must pass from any checkout path, as root and
# as an ordinary user, with nginx, Apache and the s_server fallback. This runs
# scripts/demo.sh in fresh clones of HEAD (commit first: a clone has only what
# is committed), each with MTLS_DEMO_SERVER=nginx, apache2 and openssl:
#   - in a `mktemp -d` directory (mode 0700), as the invoking user;
#   - as root, also in a directory under /root (mode 0700), and in a clone
#     owned by the ordinary user MTLS_DEMO_USER (e.g. one made with
#     `useradd -m demo`), run as that user.
# The clones get the provider and Terraform that this checkout built (make
# demo-matrix builds them first), so what is tested is the demo, not the Go
# toolchain. A missing server or user is skipped with the reason, except in CI
# (CI=true), where it fails.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$PATH:/usr/sbin:/sbin"
for f in terraform terraform-provider-mtls; do
  [ -x "$root/.bin/$f" ] || { echo "run 'make demo-matrix' (it builds .bin/$f first)"; exit 1; }
done
[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] ||
  echo "note: uncommitted changes are not in the clones; this tests HEAD"

passed=0 failed=0 skipped=0
skip() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $1 (CI must run every case)"; failed=$((failed + 1))
  else
    echo "SKIP: $1"; skipped=$((skipped + 1))
  fi
}

servers=(nginx apache2 openssl)
contexts=(mktemp)
if [ "$(id -u)" = 0 ]; then
  contexts+=(root-home)
  if [ -n "${MTLS_DEMO_USER:-}" ] && id -u "$MTLS_DEMO_USER" >/dev/null 2>&1 && [ "$(id -u "$MTLS_DEMO_USER")" != 0 ]; then
    contexts+=(user)
  else
    skip "as an ordinary user: set MTLS_DEMO_USER to one (useradd -m demo)"
  fi
else
  skip "as root and under /root: run as root for those"
fi

for context in "${contexts[@]}"; do
  case "$context" in
    mktemp) parent=$(mktemp -d) ;;
    root-home) parent=$(mktemp -d /root/mtls-demo-matrix.XXXXXX) ;;
    user)
      home=$(getent passwd "$MTLS_DEMO_USER" | cut -d: -f6)
      parent=$(mktemp -d "$home/mtls-demo-matrix.XXXXXX")
      ;;
  esac
  chmod 0700 "$parent"
  clone="$parent/terraform-provider-mtls"
  git clone -q "$root" "$clone" || { echo "FAIL: git clone into $parent"; failed=$((failed + 1)); continue; }
  mkdir -p "$clone/.bin"
  cp -L "$root/.bin/terraform" "$root/.bin/terraform-provider-mtls" "$clone/.bin/"
  [ "$context" = user ] && chown -R "$MTLS_DEMO_USER:" "$parent"
  for s in "${servers[@]}"; do
    name="$context/$s"
    if [ "$s" != openssl ] && ! command -v "$s" >/dev/null; then
      skip "$name: $s is not installed"
      continue
    fi
    log="$parent/demo-$s.log"
    who=$(id -un)
    [ "$context" = user ] && who=$MTLS_DEMO_USER
    echo "==> $name: scripts/demo.sh in $clone as $who"
    if [ "$context" = user ]; then
      runuser -u "$MTLS_DEMO_USER" -- env -i HOME="$home" PATH="/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 \
        MTLS_DEMO_SERVER="$s" "$clone/scripts/demo.sh" >"$log" 2>&1
    else
      MTLS_DEMO_SERVER="$s" "$clone/scripts/demo.sh" >"$log" 2>&1
    fi
    if [ $? = 0 ] && grep -q '^==> demo passed' "$log"; then
      grep -E '^==> live handshake|^    with(out)? client certificate' "$log"
      echo "PASS: $name"
      passed=$((passed + 1))
    else
      sed 's/^/    | /' "$log"
      echo "FAIL: $name"
      failed=$((failed + 1))
    fi
  done
  rm -rf "$parent"
done
echo "demo matrix: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
