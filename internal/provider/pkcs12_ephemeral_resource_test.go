package provider

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

const ephemeralP12Password = "ephemeral-p12-password"

// An ephemeral client certificate and key, packed into an ephemeral
// mtls_pkcs12: nothing of it is stored.
const ephemeralAlice = ephemeralClientRoot + `
ephemeral "mtls_client_cert" "alice" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Alice" }
  email_addresses    = ["alice@example.test"]
}

ephemeral "mtls_pkcs12" "alice" {
  cert_pem        = ephemeral.mtls_client_cert.alice.cert_pem
  private_key_pem = ephemeral.mtls_client_cert.alice.private_key_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  password        = "` + ephemeralP12Password + `"
}
`

// The leak check: with the root in state, Terraform opens the ephemeral
// certificate and archive at plan and again at apply. Neither the saved plan
// nor the state (both as `terraform show -json` prints them) holds a private
// key other than the root's, a PKCS#12 archive that opens with the password,
// or the key or archive of the run, found by the SHA-256 the echo resource
// stores. The control: given the key and the archive themselves, the echo
// resource stores them and the same search finds both.
//
// Then the archive itself: it decodes with the password into the ephemeral
// key and certificate, with the root as its chain and the certificate's
// common name in lower case as friendly name; a wrong password fails.
func TestAccPKCS12Ephemeral_neverStored(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		TerraformVersionChecks:   ephemeralEngines,
		ProtoV6ProviderFactories: ephemeralFactories(),
		Steps: []resource.TestStep{{
			Config: ephemeralClientRoot,
		}, {
			Config: ephemeralAlice + `
provider "echo" {
  data = {
    cert_pem   = ephemeral.mtls_client_cert.alice.cert_pem
    key_sha256 = sha256(ephemeral.mtls_client_cert.alice.private_key_pem)
    p12_sha256 = ephemeral.mtls_pkcs12.alice.pkcs12_sha256
  }
}

resource "echo" "hashes" {}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{noSecretsInPlan{password: ephemeralP12Password}},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				noSecretsInState{echo: "echo.hashes", password: ephemeralP12Password, hashesFrom: []string{"key_sha256", "p12_sha256"}},
			},
		}, {
			Config: ephemeralAlice + `
provider "echo" {
  data = {
    cert = ephemeral.mtls_client_cert.alice
    p12  = ephemeral.mtls_pkcs12.alice
  }
}

resource "echo" "alice" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				secretsFoundInState{password: ephemeralP12Password, want: []string{"a PRIVATE KEY that is no CA's", "a PKCS#12 archive"}},
				echoed{"echo.alice", checkEphemeralPKCS12},
				statecheck.ExpectKnownValue("echo.alice", tfjsonpath.New("data").AtMapKey("p12").AtMapKey("friendly_name"), knownvalue.StringExact("alice")),
				statecheck.ExpectKnownValue("echo.alice", tfjsonpath.New("data").AtMapKey("p12").AtMapKey("format"), knownvalue.StringExact(formatPKCS12)),
			},
		}},
	})
}

func checkEphemeralPKCS12(data map[string]any, state *tfjson.State) error {
	cert, _ := data["cert"].(map[string]any)
	p12, _ := data["p12"].(map[string]any)
	certs, err := pki.ParseCertificatesPEM(fmt.Sprint(cert["cert_pem"]))
	if err != nil {
		return fmt.Errorf("cert_pem: %w", err)
	}
	wantKey, err := pki.ParsePrivateKeyPEM(fmt.Sprint(cert["private_key_pem"]), "")
	if err != nil {
		return fmt.Errorf("private_key_pem: %w", err)
	}
	roots, err := pki.ParseCertificatesPEM(fmt.Sprint(stateResourceValues(state, "mtls_root_ca.root")["cert_pem"]))
	if err != nil {
		return err
	}
	der, err := base64.StdEncoding.DecodeString(fmt.Sprint(p12["pkcs12_base64"]))
	if err != nil {
		return fmt.Errorf("pkcs12_base64: %w", err)
	}
	if sum := sha256.Sum256(der); p12["pkcs12_sha256"] != hex.EncodeToString(sum[:]) || p12["id"] != p12["pkcs12_sha256"] {
		return fmt.Errorf("pkcs12_sha256 %v (id %v) is not the archive's", p12["pkcs12_sha256"], p12["id"])
	}
	key, leaf, chain, err := gopkcs12.DecodeChain(der, ephemeralP12Password)
	if err != nil {
		return fmt.Errorf("the archive does not decode with its password: %w", err)
	}
	if !pki.PublicKeysEqual(publicKeyOf(key), wantKey.Public()) {
		return fmt.Errorf("the archive holds another key than the ephemeral certificate's")
	}
	if err := sameCerts(append([]*x509.Certificate{leaf}, chain...), []*x509.Certificate{certs[0], roots[0]}); err != nil {
		return err
	}
	if _, _, _, err := gopkcs12.DecodeChain(der, "wrong-"+ephemeralP12Password); err == nil {
		return fmt.Errorf("the archive decodes with a wrong password")
	}
	return nil
}

// Bad input fails at plan as with the resource: a key that is not the
// certificate's, and a password with the passwordless encoding.
func TestAccPKCS12Ephemeral_planErrors(t *testing.T) {
	archive := func(args string) string {
		return ephemeralClientRoot + `
resource "mtls_client_cert" "bob" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "bob" }
}

ephemeral "mtls_pkcs12" "bad" {
  cert_pem = mtls_client_cert.bob.cert_pem
  ` + args + `
}`
	}
	prior := ephemeralClientRoot + `
resource "mtls_client_cert" "bob" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "bob" }
}`
	testEphemeralPlanErrors(t, map[string]ephemeralPlanErrorCase{
		"key of another certificate": {prior, archive(`private_key_pem = mtls_root_ca.root.private_key_pem` + "\n" + `password = "x"`),
			wrapped("Private key does not match the certificate", `private_key_pem is not the key of the first certificate in cert_pem (subject "CN=bob")`)},
		"password with passwordless": {prior, archive(`private_key_pem = mtls_client_cert.bob.private_key_pem` + "\n" + `password = "x"` + "\n" + `encoding = "passwordless"`),
			wrapped("Password given with a passwordless encoding", "password =", "Remove password")},
	})
}
