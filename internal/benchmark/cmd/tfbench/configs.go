package main

import (
	"fmt"
	"strings"
)

// subject is one provider under test: where its binary comes from, and the
// configuration of one root CA, one intermediate CA and n ECDSA P-256 client
// certificates named by CN, written for that provider.
type subject struct {
	name   string // as in the tables: floor, wide, mtls, tls
	source string // provider source address, the dev_overrides key
	typ    string // provider type: the binary is terraform-provider-<typ>
	config func(n int) string
	// instances is how many resource instances config(n) makes.
	instances func(n int) int
}

var subjects = []subject{
	{name: "floor", source: "mtlsforge/floor", typ: "floor", config: floorConfig, instances: func(n int) int { return n + 2 }},
	{name: "wide", source: "mtlsforge/floor", typ: "floor", config: wideConfig, instances: func(n int) int { return n + 2 }},
	{name: "mtls", source: "mtlsforge/mtls", typ: "mtls", config: mtlsConfig, instances: func(n int) int { return n + 2 }},
	{name: "tls", source: "hashicorp/tls", typ: "tls", config: tlsConfig, instances: func(n int) int { return 3*n + 5 }},
}

func requiredProvider(local, source string) string {
	return fmt.Sprintf("terraform {\n  required_providers {\n    %s = { source = %q }\n  }\n}\n\n", local, source)
}

// floorCAs are the floor's root and intermediate, in the graph of the
// others: the intermediate waits for the root.
const floorCAs = `resource "floor_cert" "root" {
  name = "Bench Root CA"
}

resource "floor_cert" "intermediate" {
  name       = "Bench Intermediate CA"
  depends_on = [floor_cert.root]
}
`

// floorConfig has the graph of the others: the leaves wait for the
// intermediate, which waits for the root.
func floorConfig(n int) string {
	var b strings.Builder
	b.WriteString(requiredProvider("floor", "mtlsforge/floor"))
	b.WriteString(floorCAs)
	fmt.Fprintf(&b, `
resource "floor_cert" "client" {
  count      = %d
  name       = "client-${count.index}"
  depends_on = [floor_cert.intermediate]
}
`, n)
	return b.String()
}

// wideConfig is the floor's CAs and leaves of floor_wide_cert, the floor
// behind mtls_client_cert's attributes, set as mtlsConfig sets them.
func wideConfig(n int) string {
	var b strings.Builder
	b.WriteString(requiredProvider("floor", "mtlsforge/floor"))
	b.WriteString(floorCAs)
	fmt.Fprintf(&b, `
resource "floor_wide_cert" "client" {
  count              = %d
  ca_cert_pem        = floor_cert.intermediate.cert_pem
  ca_private_key_pem = floor_cert.intermediate.private_key_pem
  subject            = { common_name = "client-${count.index}" }
  key_algorithm      = "ECDSA_P256"
}
`, n)
	return b.String()
}

func mtlsConfig(n int) string {
	var b strings.Builder
	b.WriteString(requiredProvider("mtls", "mtlsforge/mtls"))
	fmt.Fprintf(&b, `resource "mtls_root_ca" "root" {
  subject       = { common_name = "Bench Root CA" }
  key_algorithm = "ECDSA_P256"
}

resource "mtls_intermediate_ca" "intermediate" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Bench Intermediate CA" }
  key_algorithm      = "ECDSA_P256"
}

resource "mtls_client_cert" "client" {
  count              = %d
  ca_cert_pem        = mtls_intermediate_ca.intermediate.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.intermediate.private_key_pem
  subject            = { common_name = "client-${count.index}" }
  key_algorithm      = "ECDSA_P256"
}
`, n)
	return b.String()
}

// tlsConfig is the same PKI with hashicorp/tls: a key, a request and a
// signed certificate per client.
func tlsConfig(n int) string {
	var b strings.Builder
	b.WriteString(requiredProvider("tls", "hashicorp/tls"))
	fmt.Fprintf(&b, `resource "tls_private_key" "root" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_self_signed_cert" "root" {
  private_key_pem       = tls_private_key.root.private_key_pem
  subject { common_name = "Bench Root CA" }
  validity_period_hours = 87600
  is_ca_certificate     = true
  allowed_uses          = ["cert_signing", "crl_signing"]
}

resource "tls_private_key" "intermediate" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_cert_request" "intermediate" {
  private_key_pem = tls_private_key.intermediate.private_key_pem
  subject { common_name = "Bench Intermediate CA" }
}

resource "tls_locally_signed_cert" "intermediate" {
  cert_request_pem      = tls_cert_request.intermediate.cert_request_pem
  ca_private_key_pem    = tls_private_key.root.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.root.cert_pem
  validity_period_hours = 43800
  is_ca_certificate     = true
  allowed_uses          = ["cert_signing", "crl_signing"]
}

resource "tls_private_key" "client" {
  count       = %[1]d
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_cert_request" "client" {
  count           = %[1]d
  private_key_pem = tls_private_key.client[count.index].private_key_pem
  subject { common_name = "client-${count.index}" }
}

resource "tls_locally_signed_cert" "client" {
  count                 = %[1]d
  cert_request_pem      = tls_cert_request.client[count.index].cert_request_pem
  ca_private_key_pem    = tls_private_key.intermediate.private_key_pem
  ca_cert_pem           = tls_locally_signed_cert.intermediate.cert_pem
  validity_period_hours = 8760
  allowed_uses          = ["digital_signature", "client_auth"]
}
`, n)
	return b.String()
}

// cliConfig points every provider source at its binary's directory with
// dev_overrides, and has no installation method besides: nothing is
// downloaded, and no `init` is needed (dev_overrides skip it).
func cliConfig(pluginDirs map[string]string, sources []string) string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, src := range sources {
		fmt.Fprintf(&b, "    %q = %q\n", src, pluginDirs[src])
	}
	b.WriteString("  }\n}\n")
	return b.String()
}
