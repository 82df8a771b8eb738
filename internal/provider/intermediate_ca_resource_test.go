package provider

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// chainConfig is a root, an intermediate and one server and one client cert.
// rootCN lets a step rotate the root.
func chainConfig(rootCN string) string {
	return fmt.Sprintf(`
resource "mtls_root_ca" "root" {
  subject = { common_name = %q }
}

resource "mtls_intermediate_ca" "inter" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  max_path_length    = 0
  subject            = { common_name = "Issuing CA" }
}

resource "mtls_server_cert" "web" {
  ca_cert_pem        = "${mtls_intermediate_ca.inter.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  subject            = { common_name = "localhost" }
  dns_names          = ["localhost"]
  ip_addresses       = ["127.0.0.1", "::1"]
}

resource "mtls_client_cert" "alice" {
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  key_algorithm      = "RSA_2048"
  subject            = { common_name = "alice" }
  email_addresses    = ["alice@example.com"]
  uris               = ["spiffe://example.org/user/alice"]
}

# Signed by another root, so it must not churn when the first root rotates.
resource "mtls_root_ca" "other" {
  subject = { common_name = "Other Root" }
}

resource "mtls_client_cert" "bob" {
  ca_cert_pem        = mtls_root_ca.other.cert_pem
  ca_private_key_pem = mtls_root_ca.other.private_key_pem
  dns_names          = ["bob.example.com"]
}
`, rootCN)
}

func TestAccChain_rotationCascade(t *testing.T) {
	var firstRootSerial string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: chainConfig("Root G1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_intermediate_ca.inter", tfjsonpath.New("root_cert_pem"), knownvalue.StringRegexp(regexp.MustCompile(`BEGIN CERTIFICATE`))),
					statecheck.ExpectKnownValue("mtls_client_cert.alice", tfjsonpath.New("root_cert_pem"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("mtls_client_cert.alice", tfjsonpath.New("extended_key_usages"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("client_auth")})),
					statecheck.ExpectKnownValue("mtls_server_cert.web", tfjsonpath.New("extended_key_usages"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("server_auth")})),
					statecheck.ExpectKnownValue("mtls_client_cert.alice", tfjsonpath.New("private_key_pem_pkcs1"), knownvalue.StringRegexp(regexp.MustCompile(`BEGIN RSA PRIVATE KEY`))),
				},
				Check: resource.ComposeTestCheckFunc(
					checkChainVerifies("mtls_server_cert.web", "mtls_root_ca.root", "server"),
					checkChainVerifies("mtls_client_cert.alice", "mtls_root_ca.root", "client"),
					checkChainVerifies("mtls_client_cert.bob", "mtls_root_ca.other", "client"),
					checkOpenSSLVerify(t, "mtls_server_cert.web", "sslserver"),
					checkOpenSSLVerify(t, "mtls_client_cert.alice", "sslclient"),
					checkFullchain("mtls_server_cert.web", 2),
					func(s *terraform.State) error {
						firstRootSerial = stateAttr(s, "mtls_root_ca.root", "serial_number")
						if c := stateAttr(s, "mtls_server_cert.web", "ca_chain_pem"); c != stateAttr(s, "mtls_intermediate_ca.inter", "chain_pem")+stateAttr(s, "mtls_root_ca.root", "cert_pem") {
							return fmt.Errorf("ca_chain_pem is not the issuing chain as supplied")
						}
						return nil
					},
				),
			},
			{
				Config: chainConfig("Root G2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_root_ca.root", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_intermediate_ca.inter", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_server_cert.web", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_client_cert.alice", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_root_ca.other", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("mtls_client_cert.bob", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkChainVerifies("mtls_server_cert.web", "mtls_root_ca.root", "server"),
					func(s *terraform.State) error {
						if stateAttr(s, "mtls_root_ca.root", "serial_number") == firstRootSerial {
							return fmt.Errorf("root was not replaced")
						}
						return nil
					},
				),
			},
		},
	})
}

// With the clock moved into the early-renewal window, refresh flips
// ready_for_renewal and the plan replaces the leaf, and only the leaf.
func TestAccChain_renewal(t *testing.T) {
	clock := newTestClock()
	config := `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Root" }
}

resource "mtls_server_cert" "web" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  dns_names             = ["web.example.com"]
  validity_period_hours = 2160
  early_renewal_hours   = 720
}`
	var firstSerial string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					firstSerial = stateAttr(s, "mtls_server_cert.web", "serial_number")
					return nil
				},
			},
			{
				// 59 days on: 31 days remain, outside the 30-day window.
				PreConfig: func() { clock.Advance(59 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_server_cert.web", plancheck.ResourceActionNoop),
				}},
			},
			{
				PreConfig: func() { clock.Advance(2 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_server_cert.web", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_root_ca.root", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_server_cert.web", tfjsonpath.New("ready_for_renewal"), knownvalue.Bool(false)),
				},
				Check: func(s *terraform.State) error {
					if stateAttr(s, "mtls_server_cert.web", "serial_number") == firstSerial {
						return fmt.Errorf("certificate was not renewed")
					}
					return nil
				},
			},
			{
				// Refresh-only sees the flag without replacing anything.
				PreConfig:          func() { clock.Advance(70 * 24 * time.Hour) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr("mtls_server_cert.web", "ready_for_renewal", "true"),
			},
		},
	})
}

func TestAccIntermediateCA_pathLength(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
resource "mtls_root_ca" "root" {
  max_path_length = 0
  subject         = { common_name = "Leaves-only Root" }
}`,
			},
			{
				Config: `
resource "mtls_root_ca" "root" {
  max_path_length = 0
  subject         = { common_name = "Leaves-only Root" }
}

resource "mtls_intermediate_ca" "sub" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Forbidden" }
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Issuer may not sign CA certificates.*max_path_length`),
			},
			{
				Config: `
resource "mtls_root_ca" "root" {
  max_path_length = 0
  subject         = { common_name = "Leaves-only Root" }
}

resource "mtls_root_ca" "one" {
  max_path_length = 1
  subject         = { common_name = "One-level Root" }
}

resource "mtls_intermediate_ca" "sub" {
  ca_cert_pem        = mtls_root_ca.one.cert_pem
  ca_private_key_pem = mtls_root_ca.one.private_key_pem
  max_path_length    = 1
  subject            = { common_name = "Too deep" }
}`,
				ExpectError: regexp.MustCompile(`(?s)Path length exceeds the issuer's.*max_path_length to 0`),
			},
		},
	})
}

// constrainedRootConfig is a root that permits example.internal and one CA
// below it, and an intermediate that sets no constraints of its own.
const constrainedRootConfig = `
resource "mtls_root_ca" "root" {
  subject               = { common_name = "Constrained Root" }
  permitted_dns_domains = ["example.internal"]
  max_path_length       = 1
}

resource "mtls_intermediate_ca" "inter" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Unconstrained Intermediate" }
}
`

// The root's name constraints and path length hold through the
// intermediate's chain_pem, which leaves the root out: the intermediate
// carries them, so what could never verify fails at plan.
func TestAccIntermediateCA_constraintsHoldThroughChainPEM(t *testing.T) {
	good := constrainedRootConfig + `
resource "mtls_server_cert" "good" {
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  dns_names          = ["web.example.internal"]
}`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: good,
			Check: resource.ComposeTestCheckFunc(
				checkOpenSSLVerify(t, "mtls_server_cert.good", "sslserver"),
				func(s *terraform.State) error {
					inter, err := stateCerts(s, "mtls_intermediate_ca.inter", "cert_pem")
					if err != nil {
						return err
					}
					if c := inter[0]; strings.Join(c.PermittedDNSDomains, ",") != "example.internal" || !c.PermittedDNSDomainsCritical || c.MaxPathLen != 0 || !c.MaxPathLenZero {
						return fmt.Errorf("intermediate carries permitted %v (critical %v), path length %d (zero %v); want the root's example.internal and 0",
							c.PermittedDNSDomains, c.PermittedDNSDomainsCritical, c.MaxPathLen, c.MaxPathLenZero)
					}
					return nil
				},
			),
		}},
	})
	testPlanErrors(t, constrainedRootConfig, map[string]planErrorCase{
		"leaf outside the root's domains": {constrainedRootConfig + `
resource "mtls_server_cert" "evil" {
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  dns_names          = ["evil.com"]
}`, wrapped(`DNS name outside the CA's name constraints`, `dns_names =`, `"evil.com" is not permitted by CA "CN=Unconstrained Intermediate"`)},
		"second-level intermediate": {constrainedRootConfig + `
resource "mtls_intermediate_ca" "second" {
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  subject            = { common_name = "Second Level" }
}`, wrapped("Issuer may not sign CA certificates", "ca_cert_pem =", "allow no further CA")},
		"intermediate wider than the root": {constrainedRootConfig + `
resource "mtls_intermediate_ca" "wide" {
  ca_cert_pem         = mtls_root_ca.root.cert_pem
  ca_private_key_pem  = mtls_root_ca.root.private_key_pem
  subject             = { common_name = "Wide" }
  permitted_ip_ranges = ["10.0.0.0/8"]
  permitted_dns_domains = ["example.com"]
}`, wrapped("Permitted domain wider than the issuer allows", "permitted_dns_domains =", `"example.com" lies outside what CA "CN=Constrained Root" permits`)},
	})
}

// Every certificate with an issuer carries the issuer's key identifier as
// AKI, also below a CA made by OpenSSL without an SKI; and an intermediate
// named like a CA above it is refused at plan, naming both.
func TestAccIntermediateCA_authorityKeyIdentifier(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	if out, err := exec.Command(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", dir+"/ca.key", "-out", dir+"/ca.pem", "-subj", "/CN=OpenSSL Root Without SKI", "-days", "30",
		"-addext", "subjectKeyIdentifier=none", "-addext", "authorityKeyIdentifier=none",
		"-addext", "keyUsage=critical,keyCertSign,cRLSign").CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	config := clientTestChain + `
resource "mtls_server_cert" "web" {
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  dns_names          = ["web.example.internal"]
}

resource "mtls_client_cert" "below_openssl" {
  ca_cert_pem        = file("` + dir + `/ca.pem")
  ca_private_key_pem = file("` + dir + `/ca.key")
  subject               = { common_name = "legacy" }
  validity_period_hours = 24
}`
	akiOf := func(s *terraform.State, child, parent string) error {
		c, err := stateCerts(s, child, "cert_pem")
		if err != nil {
			return err
		}
		p, err := stateCerts(s, parent, "cert_pem")
		if err != nil {
			return err
		}
		if len(c[0].AuthorityKeyId) == 0 || !bytes.Equal(c[0].AuthorityKeyId, p[0].SubjectKeyId) {
			return fmt.Errorf("%s: AKI %x, issuer SKI %x", child, c[0].AuthorityKeyId, p[0].SubjectKeyId)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				func(s *terraform.State) error { return akiOf(s, "mtls_intermediate_ca.inter", "mtls_root_ca.root") },
				func(s *terraform.State) error { return akiOf(s, "mtls_server_cert.web", "mtls_intermediate_ca.inter") },
				func(s *terraform.State) error {
					// RFC 5280 method 1: SHA-1 of the issuer's subjectPublicKey bits.
					ca, err := stateCerts(s, "mtls_client_cert.below_openssl", "ca_chain_pem")
					if err != nil {
						return err
					}
					var spki struct {
						Algorithm pkix.AlgorithmIdentifier
						PublicKey asn1.BitString
					}
					if _, err := asn1.Unmarshal(ca[0].RawSubjectPublicKeyInfo, &spki); err != nil {
						return err
					}
					want := sha1.Sum(spki.PublicKey.Bytes)
					leaf, _ := stateCerts(s, "mtls_client_cert.below_openssl", "cert_pem")
					if len(ca[0].SubjectKeyId) != 0 || !bytes.Equal(leaf[0].AuthorityKeyId, want[:]) {
						return fmt.Errorf("below a CA without SKI: AKI %x, want %x", leaf[0].AuthorityKeyId, want)
					}
					return nil
				},
			),
		}},
	})
	testPlanErrors(t, clientTestChain, map[string]planErrorCase{
		"named like its issuer": {clientTestChain + `
resource "mtls_intermediate_ca" "same" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Client Test Root" }
}`, wrapped("Intermediate CA has the subject of a CA above it", "subject =", `The subject "CN=Client Test Root" is the distinguished name of CA "CN=Client Test Root" in ca_cert_pem`)},
		"named like the root, below the intermediate": {clientTestChain + `
resource "mtls_intermediate_ca" "same" {
  ca_cert_pem        = "${mtls_intermediate_ca.inter.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  subject               = { common_name = "client test root" }
  validity_period_hours = 100
}`, wrapped("Intermediate CA has the subject of a CA above it", "subject =", `The subject "CN=client test root" is the distinguished name of CA "CN=Client Test Root"`)},
	})
}
