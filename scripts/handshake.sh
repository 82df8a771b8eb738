#!/usr/bin/env bash
# Live mTLS handshake on loopback with the demo's certificates: OpenSSL's
# s_server requires and verifies a client certificate; curl connects once
# with the client certificate (must succeed) and once without (must fail).
set -euo pipefail
pki=$1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18443)

echo "==> live handshake: openssl s_server -Verify on 127.0.0.1:$port"
openssl s_server -quiet -www -accept "127.0.0.1:$port" -Verify 2 -verify_return_error \
  -cert "$pki/server-fullchain.pem" -key "$pki/server.key" -cert_chain "$pki/server-fullchain.pem" \
  -CAfile "$pki/ca-bundle.pem" >"$pki/s_server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$pki/root.pem" \
  --cert "$pki/client.pem" --key "$pki/client.key" "https://localhost:$port/")
[ "$code" = 200 ] || { echo "FAIL: with the client certificate the server answered $code"; cat "$pki/s_server.log"; exit 1; }
echo "    with client certificate:    HTTP $code"

if curl -sS -o /dev/null --max-time 10 --cacert "$pki/root.pem" "https://localhost:$port/" 2>"$pki/curl-nocert.err"; then
  echo "FAIL: the server accepted a client without a certificate"; exit 1
fi
echo "    without client certificate: refused ($(head -c 100 "$pki/curl-nocert.err"))"
echo "==> demo passed"
