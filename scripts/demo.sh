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

rm -rf "$work" && mkdir -p "$work/tf" "$pki/www"
cp "$root/examples/quickstart/main.tf" "$work/tf/"
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
vars=(-var "pki_dir=$pki" -var "port=$port")

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
echo "hello from a server that verified your client certificate" >"$pki/www/index.html"
chmod -R a+rX "$pki/www"

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
has() { { [ "$want" = any ] || [ "$want" = "$1" ]; } && command -v "$1" >/dev/null; }
srv="$work/server"
mkdir -p "$srv"
if has nginx; then
  kind=nginx
  { printf 'pid %s/nginx.pid;\nerror_log %s/error.log info;\nworker_processes 1;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n' "$srv" "$srv"
    for t in client_body proxy fastcgi uwsgi scgi; do printf '  %s_temp_path %s/%s;\n' "$t" "$srv" "$t"; done
    out nginx_server_block
    printf '}\n'; } >"$srv/nginx.conf"
  start=(nginx -p "$srv" -c "$srv/nginx.conf" -g 'daemon off;')
  nginx -t -p "$srv" -c "$srv/nginx.conf" -g 'daemon off;' 2>&1 | sed 's/^/    /'
elif has apache2; then
  kind=apache2
  { printf 'ServerRoot %s\nDefaultRuntimeDir %s\nPidFile %s/apache.pid\nErrorLog %s/error.log\n' "$srv" "$srv" "$srv" "$srv"
    for m in mpm_event authz_core headers proxy proxy_http ssl; do printf 'LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so\n' "$m" "$m"; done
    printf 'Listen 127.0.0.1:%s\nServerName localhost\n' "$port"
    [ "$(id -u)" = 0 ] && printf 'User www-data\nGroup www-data\n'
    out apache_virtual_host; } >"$srv/httpd.conf"
  start=(apache2 -DFOREGROUND -f "$srv/httpd.conf")
  apache2 -t -f "$srv/httpd.conf" 2>&1 | sed 's/^/    /'
else
  kind="openssl s_server (no nginx or apache2 chosen or installed; apt-get install nginx or apache2 to see the rendered configuration serve)"
  start=(openssl s_server -quiet -WWW -accept "127.0.0.1:$port" -Verify 2 -verify_return_error
    -cert "$pki/server-fullchain.pem" -key "$pki/server.key" -cert_chain "$pki/server-fullchain.pem" -CAfile "$pki/ca-bundle.pem")
  cp "$pki/www/index.html" "$srv/index.html"
fi
echo "==> live handshake: $kind on 127.0.0.1:$port"
(cd "$srv" && exec "${start[@]}") >"$srv/stdout.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

body=$(curl -sS --fail --max-time 10 --cacert "$pki/root.pem" --cert "$pki/client.pem" --key "$pki/client.key" "https://localhost:$port/index.html") ||
  { echo "FAIL: the request with the client certificate was refused"; cat "$srv"/*.log; exit 1; }
echo "    with client certificate:    $body"
if code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$pki/root.pem" "https://localhost:$port/index.html" 2>"$srv/nocert.err") && [ "$code" = 200 ]; then
  echo "FAIL: the server accepted a client without a certificate"; exit 1
fi
echo "    without client certificate: refused (${code:-}$(head -c 120 "$srv/nocert.err"))"
echo "==> demo passed"
