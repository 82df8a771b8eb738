#!/usr/bin/env bash
# make demo: apply examples/quickstart with the locally built provider and
# Terraform, write the certificates under .demo/, check them with
# `openssl verify`, and prove a live mTLS handshake on loopback.
# It never installs system packages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.bin"
work="$root/.demo"
tf="$bin/terraform"
[ -x "$tf" ] && [ -x "$bin/terraform-provider-mtls" ] || { echo "run 'make demo' (it builds .bin/terraform and the provider first)"; exit 1; }

rm -rf "$work" && mkdir -p "$work/tf" "$work/pki"
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

echo "==> terraform apply examples/quickstart"
"$tf" -chdir="$work/tf" apply -auto-approve -no-color 2>&1 | grep -E "^(mtls_|Apply complete)" || true
echo "==> second plan must be empty"
"$tf" -chdir="$work/tf" plan -detailed-exitcode -no-color >/dev/null 2>&1 || { echo "FAIL: the plan after apply is not empty"; exit 1; }
echo "    no changes"

out() { "$tf" -chdir="$work/tf" output -raw "$1"; }
pki="$work/pki"
out root_cert_pem > "$pki/root.pem"
out ca_bundle_pem > "$pki/ca-bundle.pem"
out server_fullchain_pem > "$pki/server-fullchain.pem"
out client_cert_pem > "$pki/client.pem"
(umask 077; out server_key_pem > "$pki/server.key"; out client_key_pem > "$pki/client.key")

echo "==> what was made"
for f in server-fullchain client; do
  openssl x509 -in "$pki/$f.pem" -noout -subject -issuer -ext subjectAltName,extendedKeyUsage | sed 's/^/    /'
done

echo "==> openssl verify"
openssl verify -x509_strict -purpose sslserver -CAfile "$pki/root.pem" -untrusted "$pki/server-fullchain.pem" "$pki/server-fullchain.pem" | sed 's/^/    /'
openssl verify -x509_strict -purpose sslclient -CAfile "$pki/root.pem" -untrusted "$pki/client.pem" "$pki/client.pem" | sed 's/^/    /'

"$root/scripts/handshake.sh" "$pki"
