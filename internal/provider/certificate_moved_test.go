package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// tlsProviderVersion is the version `make tls-provider` files hashicorp/tls
// under in its filesystem mirror (TLS_PROVIDER_VERSION in GNUmakefile).
const tlsProviderVersion = "4.3.0"

// movedVersion: moved blocks between resource types of different providers
// came with Terraform 1.8.
var movedVersion = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

var tlsExternalProvider = map[string]resource.ExternalProvider{
	"tls": {Source: "hashicorp/tls", VersionConstraint: tlsProviderVersion},
}

// useTLSProviderMirror points the CLI at a configuration whose only provider
// installation is the filesystem mirror `make tls-provider` builds, so that
// init finds hashicorp/tls there and never downloads. Missing, it fails the
// test in CI and skips it elsewhere. It sets the environment, so the test
// cannot run in parallel.
func useTLSProviderMirror(t *testing.T) {
	t.Helper()
	mirror := os.Getenv("MTLS_TLS_PROVIDER_MIRROR")
	if mirror == "" {
		mirror, _ = filepath.Abs("../../.bin/tls-mirror")
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io/hashicorp/tls", tlsProviderVersion)); err != nil {
		reason := fmt.Sprintf("hashicorp/tls %s is not built in %s: run `make tls-provider`", tlsProviderVersion, mirror)
		if os.Getenv("CI") == "true" {
			t.Fatal(reason)
		}
		t.Skip("skipping: " + reason)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", testtools.WriteFile(t, t.TempDir(), "terraformrc", fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/hashicorp/tls", "registry.opentofu.org/hashicorp/tls"]
  }
}
`, mirror)))
}

// tlsPKIConfig is a PKI made with hashicorp/tls: a root, an intermediate, a
// server and a client certificate, each key in a tls_private_key.
const tlsPKIConfig = `
resource "tls_private_key" "root" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P384"
}

resource "tls_private_key" "issuing" {
  algorithm = "RSA"
  rsa_bits  = 2048
}

resource "tls_private_key" "web" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_private_key" "app" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_cert_request" "issuing" {
  private_key_pem = tls_private_key.issuing.private_key_pem
  subject {
    common_name  = "Example Issuing CA"
    organization = "Example"
  }
}

resource "tls_cert_request" "web" {
  private_key_pem = tls_private_key.web.private_key_pem
  dns_names       = ["web.example.com", "www.example.com"]
  ip_addresses    = ["10.0.0.10"]
  subject {
    common_name = "web.example.com"
  }
}

resource "tls_cert_request" "app" {
  private_key_pem = tls_private_key.app.private_key_pem
  uris            = ["spiffe://example.com/app"]
  subject {
    common_name  = "app"
    organization = "Example"
  }
}
`

// tlsCertsConfig are the certificates before the move.
const tlsCertsConfig = tlsPKIConfig + `
resource "tls_self_signed_cert" "root" {
  private_key_pem       = tls_private_key.root.private_key_pem
  is_ca_certificate     = true
  validity_period_hours = 87600
  early_renewal_hours   = 720
  allowed_uses          = ["cert_signing", "crl_signing"]
  subject {
    common_name  = "Example Root CA"
    organization = "Example"
    country      = "SE"
  }
}

resource "tls_locally_signed_cert" "issuing" {
  cert_request_pem      = tls_cert_request.issuing.cert_request_pem
  ca_private_key_pem    = tls_private_key.root.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.root.cert_pem
  is_ca_certificate     = true
  max_path_length       = 0 # no limit: crypto/x509 writes a path length of 0 only when told to
  validity_period_hours = 43800
  allowed_uses          = ["cert_signing", "crl_signing"]
}

resource "tls_locally_signed_cert" "web" {
  cert_request_pem      = tls_cert_request.web.cert_request_pem
  ca_private_key_pem    = tls_private_key.issuing.private_key_pem
  ca_cert_pem           = tls_locally_signed_cert.issuing.cert_pem
  validity_period_hours = 8760
  early_renewal_hours   = 168
  allowed_uses          = ["digital_signature", "key_encipherment", "server_auth"]
}

resource "tls_locally_signed_cert" "app" {
  cert_request_pem      = tls_cert_request.app.cert_request_pem
  ca_private_key_pem    = tls_private_key.issuing.private_key_pem
  ca_cert_pem           = tls_locally_signed_cert.issuing.cert_pem
  validity_period_hours = 720
  allowed_uses          = ["digital_signature", "client_auth"]
}
`

// mtlsMovedConfig is the same PKI after the switch, as the migration guide
// writes it: one moved block per certificate, the keys and requests staying
// in tls. CA_KEY is how the intermediate's children are given its key.
const mtlsMovedConfig = tlsPKIConfig + `
moved {
  from = tls_self_signed_cert.root
  to   = mtls_root_ca.root
}

resource "mtls_root_ca" "root" {
  key_algorithm         = "ECDSA_P384"
  validity_period_hours = 87600
  early_renewal_hours   = 720
  subject = {
    common_name  = "Example Root CA"
    organization = "Example"
    country      = "SE"
  }
}

moved {
  from = tls_locally_signed_cert.issuing
  to   = mtls_intermediate_ca.issuing
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = ROOT_KEY
  key_algorithm         = "RSA_2048"
  validity_period_hours = 43800
  subject = {
    common_name  = "Example Issuing CA"
    organization = "Example"
  }
}

moved {
  from = tls_locally_signed_cert.web
  to   = mtls_server_cert.web
}

resource "mtls_server_cert" "web" {
  ca_cert_pem           = mtls_intermediate_ca.issuing.cert_pem
  ca_private_key_pem    = tls_private_key.issuing.private_key_pem
  csr_pem               = tls_cert_request.web.cert_request_pem
  validity_period_hours = 8760
  early_renewal_hours   = 168
}

moved {
  from = tls_locally_signed_cert.app
  to   = mtls_client_cert.app
}

resource "mtls_client_cert" "app" {
  ca_cert_pem           = mtls_intermediate_ca.issuing.cert_pem
  ca_private_key_pem    = tls_private_key.issuing.private_key_pem
  csr_pem               = tls_cert_request.app.cert_request_pem
  validity_period_hours = 720
}
`

// movedAddresses maps each tls certificate to the mtls resource it moves to.
var movedAddresses = map[string]string{
	"tls_self_signed_cert.root":       "mtls_root_ca.root",
	"tls_locally_signed_cert.issuing": "mtls_intermediate_ca.issuing",
	"tls_locally_signed_cert.web":     "mtls_server_cert.web",
	"tls_locally_signed_cert.app":     "mtls_client_cert.app",
}

// A PKI made with hashicorp/tls moves to mtls with moved blocks and keeps
// every certificate: the move plans no change and the next plan is empty.
// Giving the root's key from mtls_root_ca (PKCS#8) instead of
// tls_private_key (SEC 1) then updates the intermediate in place only.
func TestAccMoved_fromHashicorpTLS(t *testing.T) {
	useTLSProviderMirror(t)
	certs := map[string]string{}
	moved := strings.ReplaceAll(mtlsMovedConfig, "ROOT_KEY", "tls_private_key.root.private_key_pem")
	var movedChecks []plancheck.PlanCheck
	for _, to := range movedAddresses {
		movedChecks = append(movedChecks, plancheck.ExpectResourceAction(to, plancheck.ResourceActionNoop))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   movedVersion,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ExternalProviders:        tlsExternalProvider,
		Steps: []resource.TestStep{
			{
				Config: tlsCertsConfig,
				Check: func(s *terraform.State) error {
					for from := range movedAddresses {
						certs[from] = stateAttr(s, from, "cert_pem")
					}
					return nil
				},
			},
			{
				Config:           moved,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: movedChecks},
				Check: func(s *terraform.State) error {
					for from, to := range movedAddresses {
						if got := stateAttr(s, to, "cert_pem"); got != certs[from] {
							return fmt.Errorf("%s holds another certificate than %s had", to, from)
						}
					}
					if stateAttr(s, "mtls_root_ca.root", "private_key_pem") == "" || stateAttr(s, "mtls_server_cert.web", "private_key_pem") != "" {
						return fmt.Errorf("the root's key should be in its state, the server's should stay in tls_private_key")
					}
					return nil
				},
			},
			{
				Config: strings.ReplaceAll(mtlsMovedConfig, "ROOT_KEY", "mtls_root_ca.root.private_key_pem"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_intermediate_ca.issuing", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("mtls_server_cert.web", plancheck.ResourceActionNoop),
				}},
				Check: func(s *terraform.State) error {
					if stateAttr(s, "mtls_intermediate_ca.issuing", "cert_pem") != certs["tls_locally_signed_cert.issuing"] {
						return fmt.Errorf("the intermediate was reissued")
					}
					return nil
				},
			},
		},
	})
}

// What mtls cannot describe faithfully is refused at plan, with the reason:
// a self-signed certificate that is not a CA, and a client certificate
// moved to mtls_server_cert.
func TestAccMoved_fromHashicorpTLSRefused(t *testing.T) {
	useTLSProviderMirror(t)
	leafRoot := `
resource "tls_private_key" "k" {
  algorithm = "ECDSA"
}

resource "tls_self_signed_cert" "c" {
  private_key_pem       = tls_private_key.k.private_key_pem
  validity_period_hours = 24
  allowed_uses          = ["digital_signature", "server_auth"]
  dns_names             = ["self.example.com"]
  subject {
    common_name = "self.example.com"
  }
}
`
	movedRoot := `
resource "tls_private_key" "k" {
  algorithm = "ECDSA"
}

moved {
  from = tls_self_signed_cert.c
  to   = mtls_root_ca.c
}

resource "mtls_root_ca" "c" {
  key_algorithm = "ECDSA_P256"
  subject       = { common_name = "self.example.com" }
}
`
	movedServer := strings.ReplaceAll(tlsCertsConfig, `resource "tls_locally_signed_cert" "app"`, `moved {
  from = tls_locally_signed_cert.app
  to   = mtls_server_cert.app
}

resource "mtls_server_cert" "app" {
  ca_cert_pem        = tls_locally_signed_cert.issuing.cert_pem
  ca_private_key_pem = tls_private_key.issuing.private_key_pem
  csr_pem            = tls_cert_request.app.cert_request_pem
}

resource "tls_locally_signed_cert" "unused"`)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   movedVersion,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ExternalProviders:        tlsExternalProvider,
		Steps: []resource.TestStep{
			{Config: leafRoot},
			{Config: movedRoot, ExpectError: regexp.MustCompile(wrapTolerant(`Not a CA certificate`))},
			{Config: tlsCertsConfig},
			{Config: movedServer, ExpectError: regexp.MustCompile(wrapTolerant(`Not a server certificate.*client_auth.*mtls_client_cert`))},
			// The state is left as it was, and destroyed with its own config.
			{Config: tlsCertsConfig, PlanOnly: true},
		},
	})
}
