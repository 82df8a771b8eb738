package provider

import (
	"encoding/asn1"
	"fmt"
	"os/exec"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

const clientTestChain = `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Client Test Root" }
}

resource "mtls_intermediate_ca" "inter" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Client Test Issuing CA" }
}
`

// checkNoSubjectAltNames fails unless the certificate has no
// subjectAltName extension at all (an empty one breaks RFC 5280).
func checkNoSubjectAltNames(name string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		certs, err := stateCerts(s, name, "cert_pem")
		if err != nil {
			return err
		}
		for _, ext := range certs[0].Extensions {
			if ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 17}) {
				return fmt.Errorf("%s carries a subjectAltName extension", name)
			}
		}
		return nil
	}
}

// A client named by its subject alone, as PostgreSQL, Apache's
// SSL_CLIENT_S_DN_CN and MySQL's REQUIRE SUBJECT expect: from a generated
// key, from an `openssl req -subj /CN=...` CSR, and as a fleet named by CN.
func TestAccClientCert_subjectOnly(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	csrPath := dir + "/client.csr"
	if out, err := exec.Command(openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", dir+"/client.key", "-out", csrPath, "-subj", "/CN=pgapp").CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clientTestChain + `
resource "mtls_client_cert" "generated" {
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  subject            = { common_name = "app_user" }
}

resource "mtls_client_cert" "from_csr" {
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  csr_pem            = file("` + csrPath + `")
}

resource "mtls_client_cert" "fleet" {
  count              = 2
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  subject            = { common_name = "node-${count.index}" }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("mtls_client_cert.generated", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=app_user")),
				statecheck.ExpectKnownValue("mtls_client_cert.from_csr", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=pgapp")),
				statecheck.ExpectKnownValue("mtls_client_cert.from_csr", tfjsonpath.New("private_key_pem"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue("mtls_client_cert.fleet[1]", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=node-1")),
			},
			Check: resource.ComposeTestCheckFunc(
				checkNoSubjectAltNames("mtls_client_cert.generated"),
				checkNoSubjectAltNames("mtls_client_cert.from_csr"),
				checkChainVerifies("mtls_client_cert.generated", "mtls_root_ca.root", "client"),
				checkChainVerifies("mtls_client_cert.from_csr", "mtls_root_ca.root", "client"),
				checkOpenSSLVerify(t, "mtls_client_cert.generated", "sslclient"),
				checkOpenSSLVerify(t, "mtls_client_cert.from_csr", "sslclient"),
				checkOpenSSLVerify(t, "mtls_client_cert.fleet.0", "sslclient"),
			),
		}},
	})
}

// A client certificate needs a common name or a SAN; one that also serves
// TLS (server_auth) needs a DNS name or IP address. Terraform quotes the
// attribute at fault from the configuration when it is set there.
func TestAccClientCert_nameRules(t *testing.T) {
	root := `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Root" }
}
`
	client := func(body string) string {
		return root + `
resource "mtls_client_cert" "bad" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  ` + body + `
}`
	}
	testPlanErrors(t, root, map[string]planErrorCase{
		"no name at all": {client(`subject = { organization = "Example" }`),
			wrapped("Client certificate without a name", "subject =", "Set subject.common_name", "or at least one of dns_names")},
		"peer named by CN only": {client(`subject = { common_name = "node-1" }` + "\n" + `extended_key_usages = ["server_auth", "client_auth"]`),
			wrapped("Peer certificate without DNS or IP names", "includes server_auth", "Set dns_names and/or ip_addresses, or remove server_auth")},
		"peer with a URI only": {client(`uris = ["spiffe://example.org/node"]` + "\n" + `extended_key_usages = ["client_auth", "server_auth"]`),
			`(?s)Peer certificate without DNS or IP names`},
	})
}
