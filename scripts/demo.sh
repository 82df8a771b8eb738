#!/usr/bin/env bash
# make demo: apply examples/quickstart with the locally built provider and
# Terraform, write the certificates under .demo/, check them with
# `openssl verify`, and prove a live mTLS handshake on loopback with the
# server configuration the provider rendered. It never installs packages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.bin"
work="$root/.demo"
pki="$work/pki"
tf="$bin/terraform"
[ -x "$tf" ] && [ -x "$bin/terraform-provider-mtls" ] || { echo "run 'make demo' (it builds .bin/terraform and the provider first)"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18443)

rm -rf "$work" && mkdir -p "$work/tf" "$pki"
cp "$root/examples/quickstart/main.tf" "$work/tf/"

# The page the server serves lives outside the checkout. A clone in a
# `mktemp -d` directory or under /root sits in a directory only its owner may
# enter (0700), and a server started as root reads pages as its unprivileged
# worker user (www-data or nobody), which could not reach them there: the page
# was a 403. /tmp is world-searchable, so a fresh directory in it (0755, page
# 0644) is readable by any worker; not $TMPDIR, which may be private too.
# The keys stay in .demo/pki, 0600: the server's master process reads them
# before it drops privileges.
www=$(mktemp -d /tmp/mtls-demo-www.XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$www"
}
trap cleanup EXIT
page="hello from a server that verified your client certificate"
echo "$page" >"$www/index.html"
chmod 0755 "$www"
chmod 0644 "$www/index.html"
# dev_overrides makes Terraform use the provider we just built, offline.
cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "mtlsforge/mtls" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
vars=(-var "pki_dir=$pki" -var "document_root=$www" -var "port=$port")

echo "==> terraform apply examples/quickstart"
"$tf" -chdir="$work/tf" apply -auto-approve -no-color "${vars[@]}" 2>&1 | grep -E "^(mtls_|data\.mtls_|Apply complete|Error|Warning)" || true
echo "==> second plan must be empty"
"$tf" -chdir="$work/tf" plan -detailed-exitcode -no-color "${vars[@]}" >"$work/plan.txt" 2>&1 || { cat "$work/plan.txt"; echo "FAIL: the plan after apply is not empty"; exit 1; }
echo "    no changes"

out() { "$tf" -chdir="$work/tf" output -raw "$1"; }
out root_cert_pem >"$pki/root.pem"
out ca_bundle_pem >"$pki/ca-bundle.pem"
out server_fullchain_pem >"$pki/server-fullchain.pem"
out client_cert_pem >"$pki/client.pem"
(umask 077; out server_key_pem >"$pki/server.key"; out client_key_pem >"$pki/client.key")

echo "==> what was made"
for f in server-fullchain client; do
  openssl x509 -in "$pki/$f.pem" -noout -subject -issuer -ext subjectAltName,extendedKeyUsage | sed 's/^/    /'
done

echo "==> openssl verify"
openssl verify -x509_strict -purpose sslserver -CAfile "$pki/root.pem" -untrusted "$pki/server-fullchain.pem" "$pki/server-fullchain.pem" | sed 's/^/    /'
openssl verify -x509_strict -purpose sslclient -CAfile "$pki/root.pem" -untrusted "$pki/client.pem" "$pki/client.pem" | sed 's/^/    /'

# The server: nginx or Apache with the rendered configuration, whichever is
# installed; OpenSSL's s_server with the same files otherwise.
# MTLS_DEMO_SERVER=nginx|apache2|openssl picks one.
export PATH="$PATH:/usr/sbin:/sbin"
want=${MTLS_DEMO_SERVER:-any}
case "$want" in any | nginx | apache2 | openssl) ;; *) echo "MTLS_DEMO_SERVER must be nginx, apache2 or openssl, not '$want'"; exit 1 ;; esac
has() { { [ "$want" = any ] || [ "$want" = "$1" ]; } && command -v "$1" >/dev/null; }
for s in nginx apache2; do
  [ "$want" = "$s" ] && ! command -v "$s" >/dev/null && { echo "MTLS_DEMO_SERVER=$s, but $s is not installed (apt-get install $s)"; exit 1; }
done
srv="$work/server"
mkdir -p "$srv"
# Started as root, nginx and Apache serve from worker processes that run as
# an unprivileged user; name it, and check that it can read the page.
worker= group=
if [ "$(id -u)" = 0 ]; then
  for u in www-data nobody; do id -u "$u" >/dev/null 2>&1 && { worker=$u; break; }; done
  [ -n "$worker" ] || { echo "FAIL: neither www-data nor nobody exists to run the server's workers"; exit 1; }
  group=$(id -gn "$worker")
fi
if has nginx; then
  kind=nginx
  { printf 'pid %s/nginx.pid;\nerror_log %s/error.log info;\nworker_processes 1;\n' "$srv" "$srv"
    [ -n "$worker" ] && printf 'user %s %s;\n' "$worker" "$group"
    printf 'events { worker_connections 64; }\nhttp {\n  access_log off;\n'
    for t in client_body proxy fastcgi uwsgi scgi; do printf '  %s_temp_path %s/%s;\n' "$t" "$srv" "$t"; done
    out nginx_server_block
    printf '}\n'; } >"$srv/nginx.conf"
  # -e: nginx opens its error log before reading the configuration, and the
  # compiled-in one under /var/log is not writable for an ordinary user.
  start=(nginx -e "$srv/error.log" -p "$srv" -c "$srv/nginx.conf" -g 'daemon off;')
  nginx -t -e "$srv/error.log" -p "$srv" -c "$srv/nginx.conf" -g 'daemon off;' 2>&1 | sed 's/^/    /'
elif has apache2; then
  kind=apache2
  { printf 'ServerRoot %s\nDefaultRuntimeDir %s\nPidFile %s/apache.pid\nErrorLog %s/error.log\n' "$srv" "$srv" "$srv" "$srv"
    for m in mpm_event authz_core headers proxy proxy_http ssl; do printf 'LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so\n' "$m" "$m"; done
    printf 'Listen 127.0.0.1:%s\nServerName localhost\n' "$port"
    # Apache refuses to serve as root; an ordinary user's Apache stays that user.
    [ -n "$worker" ] && printf 'User %s\nGroup %s\n' "$worker" "$group"
    out apache_virtual_host; } >"$srv/httpd.conf"
  start=(apache2 -DFOREGROUND -f "$srv/httpd.conf")
  apache2 -t -f "$srv/httpd.conf" 2>&1 | sed 's/^/    /'
else
  kind="openssl s_server"
  [ "$want" = openssl ] || kind="$kind (no nginx or apache2 installed; apt-get install nginx or apache2 to see the rendered configuration serve)"
  worker=
  # -WWW serves files relative to the working directory, as the invoking user.
  start=(openssl s_server -quiet -WWW -accept "127.0.0.1:$port" -Verify 2 -verify_return_error
    -cert "$pki/server-fullchain.pem" -key "$pki/server.key" -cert_chain "$pki/server-fullchain.pem" -CAfile "$pki/ca-bundle.pem")
fi
if [ -n "$worker" ] && command -v runuser >/dev/null && ! runuser -u "$worker" -- test -r "$www/index.html"; then
  echo "FAIL: the server's worker user $worker cannot read $www/index.html"; exit 1
fi
echo "==> live handshake: $kind on 127.0.0.1:$port${worker:+ (workers run as $worker)}"
(cd "$www" && exec "${start[@]}") >"$srv/stdout.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

body=$(curl -sS --fail --max-time 10 --cacert "$pki/root.pem" --cert "$pki/client.pem" --key "$pki/client.key" "https://localhost:$port/index.html") ||
  { echo "FAIL: the request with the client certificate was refused"; cat "$srv"/*.log; exit 1; }
[ "$body" = "$page" ] || { echo "FAIL: the server answered '$body', not the page"; cat "$srv"/*.log; exit 1; }
echo "    with client certificate:    $body"
if code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$pki/root.pem" "https://localhost:$port/index.html" 2>"$srv/nocert.err") && [ "$code" = 200 ]; then
  echo "FAIL: the server accepted a client without a certificate"; exit 1
fi
echo "    without client certificate: refused (${code:-}$(head -c 120 "$srv/nocert.err"))"
echo "==> demo passed"
