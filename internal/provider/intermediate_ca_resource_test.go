package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
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
					checkOpenSSLVerify(t, "mtls_server_cert.web", "mtls_root_ca.root", "sslserver"),
					checkOpenSSLVerify(t, "mtls_client_cert.alice", "mtls_root_ca.root", "sslclient"),
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
