package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"regexp"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

const ephemeralClientRoot = `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Ephemeral Client Root" }
}
`

// An ephemeral client certificate from a generated key, and one for a CSR,
// each a real certificate from the root in state: parsed and verified from
// what the echo resource received. The resource's defaults apply (extended
// key usage client_auth, backdate 5 minutes); the renewal attributes, which
// belong to a stored certificate, are not there.
func TestAccClientCertEphemeral_issues(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "batch", Organization: []string{"Example"}}, DNSNames: []string{"batch.example.test"},
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	csrPath := testtools.WriteFile(t, t.TempDir(), "batch.csr", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})))

	clientAuth := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	echo := func(name string) string {
		return fmt.Sprintf("\nprovider \"echo\" {\n  data = ephemeral.mtls_client_cert.%s\n}\n\nresource \"echo\" %q {}\n", name, name)
	}
	noRenewal := func(data map[string]any, _ *tfjson.State) error {
		for _, name := range ephemeralCertOmits {
			if _, ok := data[name]; ok {
				return fmt.Errorf("the ephemeral certificate has %s", name)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   ephemeralEngines,
		ProtoV6ProviderFactories: ephemeralFactories(),
		Steps: []resource.TestStep{{
			Config: ephemeralClientRoot + `
ephemeral "mtls_client_cert" "ci" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  key_algorithm         = "RSA_2048"
  subject               = { common_name = "ci-runner", organization = "Example" }
  uris                  = ["spiffe://example.test/ci"]
  validity_period_hours = 2
}
` + echo("ci"),
			ConfigStateChecks: []statecheck.StateCheck{
				echoed{"echo.ci", checkEphemeralCert(certWant{root: "mtls_root_ca.root", subject: "CN=ci-runner,O=Example",
					uris: []string{"spiffe://example.test/ci"}, usages: clientAuth, validity: 2*time.Hour + 5*time.Minute, generated: true, openssl: "sslclient", t: t})},
				echoed{"echo.ci", noRenewal},
				statecheck.ExpectKnownValue("echo.ci", tfjsonpath.New("data").AtMapKey("extended_key_usages"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("client_auth")})),
				statecheck.ExpectKnownValue("echo.ci", tfjsonpath.New("data").AtMapKey("key_algorithm"), knownvalue.StringExact("RSA_2048")),
				statecheck.ExpectKnownValue("echo.ci", tfjsonpath.New("data").AtMapKey("private_key_pem_pkcs1"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN RSA PRIVATE KEY-----\n`))),
				statecheck.ExpectKnownValue("echo.ci", tfjsonpath.New("data").AtMapKey("backdate_minutes"), knownvalue.Int64Exact(defaultBackdateMinutes)),
				// The control of the leak checks (pkcs12_ephemeral_resource_test.go):
				// given the ephemeral key, the echo resource stores it, and the
				// search finds it.
				secretsFoundInState{want: []string{"a PRIVATE KEY that is no CA's"}},
			},
		}, {
			Config: ephemeralClientRoot + `
ephemeral "mtls_client_cert" "batch" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  csr_pem            = file("` + csrPath + `")
}
` + echo("batch"),
			ConfigStateChecks: []statecheck.StateCheck{
				echoed{"echo.batch", checkEphemeralCert(certWant{root: "mtls_root_ca.root", subject: "CN=batch,O=Example",
					dnsNames: []string{"batch.example.test"}, usages: clientAuth, validity: 8760*time.Hour + 5*time.Minute})},
				statecheck.ExpectKnownValue("echo.batch", tfjsonpath.New("data").AtMapKey("key_algorithm"), knownvalue.StringExact("ECDSA_P384")),
			},
		}},
	})
}

// Bad input fails at plan as with the resource: when the CA is known
// (Terraform opens the ephemeral resource at plan), and when it is not yet
// (the CA is created in the same apply, so Terraform defers opening it; the
// checks that need no CA still run at plan). Errors found on open come
// without the attribute's line: Terraform shows none for them (1.11), so
// their detail names the attribute.
func TestAccClientCertEphemeral_planErrors(t *testing.T) {
	testEphemeralPlanErrors(t, map[string]ephemeralPlanErrorCase{
		"no name, CA known": {ephemeralClientRoot, ephemeralClientRoot + `
ephemeral "mtls_client_cert" "bad" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { organization = "Example" }
}`, wrapped("Client certificate without a name", "subject =", "Set subject.common_name", "or at least one of dns_names")},
		"bad country, CA not yet known": {"", ephemeralClientRoot + `
ephemeral "mtls_client_cert" "bad" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "ci", country = "Sweden" }
}`, wrapped("Invalid country code", `"Sweden" is not a two-letter ISO 3166 country code`)},
		"key of another CA": {ephemeralClientRoot + `
resource "mtls_root_ca" "other" {
  subject = { common_name = "Other Root" }
}`, ephemeralClientRoot + `
resource "mtls_root_ca" "other" {
  subject = { common_name = "Other Root" }
}

ephemeral "mtls_client_cert" "bad" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.other.private_key_pem
  subject            = { common_name = "ci" }
}`, wrapped("CA private key does not match the CA certificate", "The key in ca_private_key_pem belongs to another certificate")},
	})
}
