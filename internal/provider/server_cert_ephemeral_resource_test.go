package provider

import (
	"crypto/x509"
	"fmt"
	"net"
	"regexp"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

const ephemeralServerChain = `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Ephemeral Server Root" }
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Ephemeral Server Issuing CA" }
}
`

// An ephemeral server certificate from an intermediate: the resource's
// defaults (serverAuth, one year and the backdate, ECDSA P-256), its names,
// and a chain that verifies with crypto/x509 and openssl -x509_strict. It is
// made at the provider's clock, here 30 days ahead, which the ephemeral
// resource gets at Configure as the resources do.
func TestAccServerCertEphemeral_issues(t *testing.T) {
	clock := newTestClock()
	clock.Advance(30 * 24 * time.Hour)
	factories := ephemeralFactories()
	factories["mtls"] = factoriesWithClock(clock)["mtls"]
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   ephemeralEngines,
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: ephemeralServerChain + `
ephemeral "mtls_server_cert" "web" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "web" }
  dns_names          = ["web.example.test", "*.web.example.test"]
  ip_addresses       = ["127.0.0.1"]
}

provider "echo" {
  data = ephemeral.mtls_server_cert.web
}

resource "echo" "web" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				echoed{"echo.web", checkEphemeralCert(certWant{root: "mtls_root_ca.root", issuer: "mtls_intermediate_ca.issuing", subject: "CN=web",
					dnsNames: []string{"web.example.test", "*.web.example.test"}, usages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
					validity: 8760*time.Hour + 5*time.Minute, generated: true, openssl: "sslserver", t: t, at: clock.Now()})},
				echoed{"echo.web", func(data map[string]any, state *tfjson.State) error {
					certs, err := pki.ParseCertificatesPEM(fmt.Sprint(data["fullchain_pem"]))
					if err != nil {
						return err
					}
					if len(certs) != 2 || !certs[0].IPAddresses[0].Equal(net.ParseIP("127.0.0.1")) {
						return fmt.Errorf("fullchain_pem: %d certificates (want the leaf and the intermediate), IPs %v", len(certs), certs[0].IPAddresses)
					}
					if data["ca_chain_pem"] != stateResourceValues(state, "mtls_intermediate_ca.issuing")["chain_pem"] {
						return fmt.Errorf("ca_chain_pem is not the issuing chain given")
					}
					return nil
				}},
				statecheck.ExpectKnownValue("echo.web", tfjsonpath.New("data").AtMapKey("key_algorithm"), knownvalue.StringExact("ECDSA_P256")),
				statecheck.ExpectKnownValue("echo.web", tfjsonpath.New("data").AtMapKey("validity_period_hours"), knownvalue.Int64Exact(8760)),
				statecheck.ExpectKnownValue("echo.web", tfjsonpath.New("data").AtMapKey("private_key_pem_sec1"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN EC PRIVATE KEY-----\n`))),
			},
		}},
	})
}

// A server certificate without a DNS name or IP address fails at plan, as
// the resource does.
func TestAccServerCertEphemeral_planErrors(t *testing.T) {
	testEphemeralPlanErrors(t, map[string]ephemeralPlanErrorCase{
		"no DNS or IP name": {ephemeralServerChain, ephemeralServerChain + `
ephemeral "mtls_server_cert" "bad" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "web.example.test" }
}`, wrapped("Server certificate without DNS or IP names", "Set dns_names and/or ip_addresses")},
	})
}
