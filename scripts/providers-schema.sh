#!/usr/bin/env bash
# go generate: writes the provider's schema, functions included, to
# .bin/providers-schema.json for tfplugindocs. Terraform 1.5 (.bin/terraform)
# leaves provider functions out of `providers schema -json`, so OpenTofu
# (.bin/tofu, built from the module proxy) reads it, offline, from a plugin
# directory under the address tfplugindocs looks up.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tofu="${TOFU:-$root/.bin/tofu}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
plugin="$work/plugins/registry.terraform.io/hashicorp/mtls/0.0.1/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$plugin"
(cd "$root" && go build -o "$plugin/terraform-provider-mtls" .)
cat >"$work/main.tf" <<'TF'
terraform {
  required_providers {
    mtls = { source = "registry.terraform.io/hashicorp/mtls" }
  }
}
TF
export TF_CLI_CONFIG_FILE="$root/.ci/terraformrc" CHECKPOINT_DISABLE=1
"$tofu" -chdir="$work" init -backend=false -plugin-dir="$work/plugins" >/dev/null
"$tofu" -chdir="$work" providers schema -json >"$root/.bin/providers-schema.json"
