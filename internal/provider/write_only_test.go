package provider

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// Write-only arguments need Terraform 1.11 (OpenTofu 1.11); each test that
// sets one skips on older engines, and TestAccWriteOnly_refusedBeforeTerraform111
// runs only there.
var writeOnlyEngines = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

// externalCA is a CA made with crypto/x509 alone, whose key lives outside
// Terraform: a test passes it in a variable, as a secrets manager would.
type externalCA struct {
	cert    *x509.Certificate
	certPEM string
	keyPEM  string
}

func newExternalCA(t *testing.T, cn string) externalCA {
	t.Helper()
	key := newPKIKey(t)
	cert, err := testtools.SignCertificate(&x509.Certificate{
		Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:  x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(20 * 365 * 24 * time.Hour),
	}, nil, key.Signer, key.Signer)
	if err != nil {
		t.Fatal(err)
	}
	return externalCA{cert, pki.EncodeCertificatesPEM(cert), key.PEM}
}

// noSecretsIn fails when any line of a secret (a PEM body line, or a whole
// password) appears in what Terraform shows of a state or a plan.
func noSecretsIn(what string, v any, secrets []string) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// JSON escapes the newlines of PEM texts, not their base64 lines.
	text := string(raw)
	for _, s := range secrets {
		if strings.Contains(text, s) {
			return fmt.Errorf("%s holds a secret that must stay out of it (%d characters starting %.6q)", what, len(s), s)
		}
	}
	return nil
}

func secretLines(passwords []string, pems ...string) []string {
	out := append([]string{}, passwords...)
	for _, p := range pems {
		out = append(out, pemBodyLines(p)...)
	}
	return out
}

type stateHasNoSecrets struct{ secrets []string }

func (c stateHasNoSecrets) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = noSecretsIn("the state (terraform show -json)", req.State, c.secrets)
}

type planHasNoSecrets struct{ secrets []string }

func (c planHasNoSecrets) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = noSecretsIn("the saved plan (terraform show -json)", req.Plan, c.secrets)
}

// checkIssuedBy verifies a certificate from state (its fullchain_pem or
// chain_pem) against ca as the only root, with crypto/x509, at the start of
// its validity (the test clock may run ahead of the real one).
func checkIssuedBy(name, attr string, ca *x509.Certificate) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		chain, err := stateCerts(s, name, attr)
		if err != nil {
			return err
		}
		roots, inter := x509.NewCertPool(), x509.NewCertPool()
		roots.AddCert(ca)
		for _, c := range chain[1:] {
			inter.AddCert(c)
		}
		opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, CurrentTime: chain[0].NotBefore.Add(time.Minute)}
		if _, err := chain[0].Verify(opts); err != nil {
			return fmt.Errorf("%s does not verify against %s: %w", name, ca.Subject, err)
		}
		return nil
	}
}

func checkCRLSignedBy(name string, ca *x509.Certificate, number int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		crl, err := stateCRL(s, name)
		if err != nil {
			return err
		}
		if err := crl.CheckSignatureFrom(ca); err != nil {
			return fmt.Errorf("%s is not signed by %s: %w", name, ca.Subject, err)
		}
		if crl.Number.Int64() != number {
			return fmt.Errorf("%s has crl_number %d, want %d", name, crl.Number, number)
		}
		return nil
	}
}

// checkPKCS12Opens opens the archive in state with password and checks the
// key inside matches its certificate.
func checkPKCS12Opens(name, password string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		der, err := base64.StdEncoding.DecodeString(stateAttr(s, name, "pkcs12_base64"))
		if err != nil {
			return err
		}
		key, leaf, _, err := gopkcs12.DecodeChain(der, password)
		if err != nil {
			return fmt.Errorf("%s does not open with the write-only password: %w", name, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok || !pki.PublicKeysEqual(signer.Public(), leaf.PublicKey) {
			return fmt.Errorf("%s: the key does not match the certificate", name)
		}
		return nil
	}
}

func checkTruststoreOpens(name, password string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		der, err := base64.StdEncoding.DecodeString(stateAttr(s, name, "truststore_base64"))
		if err != nil {
			return err
		}
		if _, err := gopkcs12.DecodeTrustStore(der, password); err != nil {
			return fmt.Errorf("%s does not open with the write-only password: %w", name, err)
		}
		return nil
	}
}

// checkEncryptedWith decrypts a certificate's private_key_pem_encrypted with
// passphrase and compares it with private_key_pem.
func checkEncryptedWith(name, passphrase string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		key, err := pki.ParsePrivateKeyPEM(stateAttr(s, name, "private_key_pem_encrypted"), passphrase)
		if err != nil {
			return fmt.Errorf("%s private_key_pem_encrypted: %w", name, err)
		}
		plain, err := pki.ParsePrivateKeyPEM(stateAttr(s, name, "private_key_pem"), "")
		if err != nil {
			return err
		}
		if !pki.PublicKeysEqual(key.Public(), plain.Public()) {
			return fmt.Errorf("%s: the encrypted key is another key", name)
		}
		return nil
	}
}

func expectNull(name string, attrs ...string) []statecheck.StateCheck {
	var out []statecheck.StateCheck
	for _, a := range attrs {
		out = append(out, statecheck.ExpectKnownValue(name, tfjsonpath.New(a), knownvalue.Null()))
	}
	return out
}

// writeOnlyFleet is an external CA's fleet signed with its write-only key:
// an intermediate, a server, a client with an encrypted key, a CRL, a
// PKCS#12 archive and a truststore; bob is signed by the intermediate with
// the plain argument, carol with the write-only one (a mixed fleet).
func writeOnlyFleet(caVersion, passwordVersion int, bobWriteOnly bool) string {
	bob := `ca_private_key_pem = mtls_intermediate_ca.sub.private_key_pem`
	if bobWriteOnly {
		bob = "ca_private_key_pem_wo = mtls_intermediate_ca.sub.private_key_pem\n  ca_private_key_pem_wo_version = 1"
	}
	return fmt.Sprintf(`
variable "ca_cert_pem" {
  type = string
}

variable "ca_key_pem" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "key_passphrase" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "store_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "mtls_intermediate_ca" "sub" {
  ca_cert_pem                   = var.ca_cert_pem
  ca_private_key_pem_wo         = var.ca_key_pem
  ca_private_key_pem_wo_version = 1
  subject                       = { common_name = "WO Sub CA" }
}

resource "mtls_server_cert" "web" {
  ca_cert_pem                   = var.ca_cert_pem
  ca_private_key_pem_wo         = var.ca_key_pem
  ca_private_key_pem_wo_version = %[1]d
  dns_names                     = ["web.example.internal"]
  validity_period_hours         = 48
  early_renewal_hours           = 24
}

resource "mtls_client_cert" "alice" {
  ca_cert_pem                       = var.ca_cert_pem
  ca_private_key_pem_wo             = var.ca_key_pem
  ca_private_key_pem_wo_version     = 1
  email_addresses                   = ["alice@example.com"]
  private_key_passphrase_wo         = var.key_passphrase
  private_key_passphrase_wo_version = %[2]d
}

resource "mtls_client_cert" "bob" {
  ca_cert_pem     = mtls_intermediate_ca.sub.chain_pem
  %[3]s
  email_addresses = ["bob@example.com"]
}

resource "mtls_client_cert" "carol" {
  ca_cert_pem           = mtls_intermediate_ca.sub.chain_pem
  ca_private_key_pem_wo = mtls_intermediate_ca.sub.private_key_pem
  email_addresses       = ["carol@example.com"]
}

resource "mtls_crl" "ca" {
  ca_cert_pem                   = var.ca_cert_pem
  ca_private_key_pem_wo         = var.ca_key_pem
  ca_private_key_pem_wo_version = %[1]d
  validity_period_hours         = 48
  early_renewal_hours           = 24
  revoked                       = [{ serial_number = mtls_client_cert.alice.serial_number }]
}

resource "mtls_pkcs12" "alice" {
  cert_pem                  = mtls_client_cert.alice.fullchain_pem
  private_key_pem           = mtls_client_cert.alice.private_key_pem_encrypted
  private_key_passphrase_wo = var.key_passphrase
  password_wo               = var.store_password
  password_wo_version       = %[2]d
}

resource "mtls_truststore" "trust" {
  certs_pem           = [var.ca_cert_pem]
  password_wo         = var.store_password
  password_wo_version = %[2]d
}
`, caVersion, passwordVersion, bob)
}

// The CA key, the key passphrase and the store password are used but never
// stored: not in the state, not in a saved plan. What they made verifies,
// the second plan is empty, a new version replaces what it signed (or
// regenerates the CRL), the CRL renews with the write-only key, and a leaf
// moves from the plain to the write-only argument in place.
func TestAccWriteOnly_secretsStayOutOfStateAndPlan(t *testing.T) {
	ca := newExternalCA(t, "WO External CA")
	// The passphrase and password change at step 2, with their versions.
	passphrases := []string{"wo-key-passphrase-7c1d", "wo-key-passphrase-second-5e2f"}
	passwords := []string{"wo-store-password-93ab", "wo-store-password-second-81c0"}
	vars := func(i int) config.Variables {
		return config.Variables{
			"ca_cert_pem":    config.StringVariable(ca.certPEM),
			"ca_key_pem":     config.StringVariable(ca.keyPEM),
			"key_passphrase": config.StringVariable(passphrases[i]),
			"store_password": config.StringVariable(passwords[i]),
		}
	}
	secrets := secretLines(append(passphrases, passwords...), ca.keyPEM)
	clock := newTestClock()
	start := clock.Now()
	noLeaks := []statecheck.StateCheck{stateHasNoSecrets{secrets}}
	for _, name := range []string{"mtls_intermediate_ca.sub", "mtls_server_cert.web", "mtls_client_cert.alice", "mtls_crl.ca"} {
		noLeaks = append(noLeaks, expectNull(name, "ca_private_key_pem", "ca_private_key_pem_wo", "ca_private_key_passphrase_wo")...)
	}
	noLeaks = append(noLeaks, expectNull("mtls_client_cert.alice", "private_key_passphrase", "private_key_passphrase_wo")...)
	noLeaks = append(noLeaks, expectNull("mtls_pkcs12.alice", "password", "password_wo", "private_key_passphrase", "private_key_passphrase_wo")...)
	noLeaks = append(noLeaks, expectNull("mtls_truststore.trust", "password", "password_wo")...)
	verifies := func(i int) resource.TestCheckFunc {
		return resource.ComposeTestCheckFunc(
			checkIssuedBy("mtls_intermediate_ca.sub", "chain_pem", ca.cert),
			checkIssuedBy("mtls_server_cert.web", "fullchain_pem", ca.cert),
			checkIssuedBy("mtls_client_cert.alice", "fullchain_pem", ca.cert),
			checkIssuedBy("mtls_client_cert.bob", "fullchain_pem", ca.cert),
			checkIssuedBy("mtls_client_cert.carol", "fullchain_pem", ca.cert),
			checkEncryptedWith("mtls_client_cert.alice", passphrases[i]),
			checkPKCS12Opens("mtls_pkcs12.alice", passwords[i]),
			checkTruststoreOpens("mtls_truststore.trust", passwords[i]),
		)
	}
	var webSerial string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		TerraformVersionChecks:   writeOnlyEngines,
		Steps: []resource.TestStep{
			{
				ConfigVariables:   vars(0),
				Config:            writeOnlyFleet(1, 1, false),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planHasNoSecrets{secrets}}},
				ConfigStateChecks: noLeaks,
				Check: resource.ComposeTestCheckFunc(verifies(0), checkCRLSignedBy("mtls_crl.ca", ca.cert, 1),
					captureAttr("mtls_server_cert.web", "serial_number", &webSerial)),
			},
			{
				// A new version of the CA key replaces what it signed and
				// re-signs the CRL; a new passphrase re-encrypts alice's key in
				// place; a new password rebuilds the stores.
				ConfigVariables: vars(1),
				Config:          writeOnlyFleet(2, 2, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					planHasNoSecrets{secrets},
					plancheck.ExpectResourceAction("mtls_server_cert.web", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_crl.ca", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("mtls_crl.ca", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(2)),
					plancheck.ExpectResourceAction("mtls_pkcs12.alice", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_truststore.trust", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_client_cert.alice", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("mtls_intermediate_ca.sub", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: noLeaks,
				Check: resource.ComposeTestCheckFunc(verifies(1), checkCRLSignedBy("mtls_crl.ca", ca.cert, 2),
					func(s *terraform.State) error {
						if stateAttr(s, "mtls_server_cert.web", "serial_number") == webSerial {
							return fmt.Errorf("mtls_server_cert.web kept serial %s after a new CA key version", webSerial)
						}
						return nil
					}),
			},
			{
				// Inside the renewal windows of the CRL and of web: both
				// renewed, signed with the write-only key that only the
				// configuration holds.
				PreConfig:       func() { clock.Advance(25 * time.Hour) },
				ConfigVariables: vars(1),
				Config:          writeOnlyFleet(2, 2, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_crl.ca", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("mtls_crl.ca", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(3)),
					plancheck.ExpectResourceAction("mtls_server_cert.web", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: noLeaks,
				Check: resource.ComposeTestCheckFunc(checkCRLSignedBy("mtls_crl.ca", ca.cert, 3),
					checkIssuedBy("mtls_server_cert.web", "fullchain_pem", ca.cert),
					func(s *terraform.State) error {
						nb, err := time.Parse(time.RFC3339, stateAttr(s, "mtls_server_cert.web", "not_before"))
						if err != nil || !nb.After(start.Add(24*time.Hour)) {
							return fmt.Errorf("mtls_server_cert.web was not renewed: not_before %s (%v)", nb, err)
						}
						return nil
					},
				),
			},
			{
				// bob moves from ca_private_key_pem to its write-only form, with
				// a first version: the key leaves bob's state and the
				// certificate stays.
				ConfigVariables: vars(1),
				Config:          writeOnlyFleet(2, 2, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_client_cert.bob", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: append(noLeaks, expectNull("mtls_client_cert.bob", "ca_private_key_pem", "ca_private_key_pem_wo")...),
				Check:             verifies(1),
			},
		},
	})
}

// Every misuse of the write-only arguments fails at plan with both
// attributes named.
func TestAccWriteOnly_planErrors(t *testing.T) {
	ca := newExternalCA(t, "WO Errors CA")
	other := newExternalCA(t, "WO Other CA")
	leaf := func(args string) string {
		return fmt.Sprintf(`
resource "mtls_server_cert" "web" {
  ca_cert_pem = %q
  dns_names   = ["web.example.internal"]
  %s
}`, ca.certPEM, args)
	}
	crl := func(args string) string {
		return fmt.Sprintf("resource \"mtls_crl\" \"ca\" {\n  ca_cert_pem = %q\n  %s\n}", ca.certPEM, args)
	}
	key, otherKey := fmt.Sprintf("%q", ca.keyPEM), fmt.Sprintf("%q", other.keyPEM)
	store := func(args string) string {
		return fmt.Sprintf("resource \"mtls_truststore\" \"t\" {\n  certs_pem = [%q]\n  %s\n}", ca.certPEM, args)
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"neither key": {leaf(""),
			wrapped("No attribute specified when one (and only one) of [ca_private_key_pem,ca_private_key_pem_wo] is required")},
		"both keys": {leaf("ca_private_key_pem = " + key + "\n  ca_private_key_pem_wo = " + key),
			wrapped("2 attributes specified when one (and only one) of [ca_private_key_pem,ca_private_key_pem_wo] is required")},
		"version without key": {leaf("ca_private_key_pem = " + key + "\n  ca_private_key_pem_wo_version = 1"),
			wrapped(`Attribute "ca_private_key_pem_wo" must be specified when "ca_private_key_pem_wo_version" is specified`)},
		"wrong write-only key": {leaf("ca_private_key_pem_wo = " + otherKey),
			wrapped("CA private key does not match the CA certificate", "The key in ca_private_key_pem_wo belongs to another certificate")},
		"both passphrases": {leaf("ca_private_key_pem_wo = " + key + "\n  ca_private_key_passphrase = \"a\"\n  ca_private_key_passphrase_wo = \"a\""),
			wrapped(`Attribute "ca_private_key_passphrase_wo" cannot be specified when "ca_private_key_passphrase" is specified`)},
		"passphrase version without passphrase": {leaf("ca_private_key_pem_wo = " + key + "\n  private_key_passphrase_wo_version = 1"),
			wrapped(`Attribute "private_key_passphrase_wo" must be specified when "private_key_passphrase_wo_version" is specified`)},
		"crl neither key": {crl(""),
			wrapped("No attribute specified when one (and only one) of [ca_private_key_pem,ca_private_key_pem_wo] is required")},
		"crl both keys": {crl("ca_private_key_pem = " + key + "\n  ca_private_key_pem_wo = " + key),
			wrapped("2 attributes specified when one (and only one) of [ca_private_key_pem,ca_private_key_pem_wo] is required")},
		"crl wrong write-only key": {crl("ca_private_key_pem_wo = " + otherKey),
			wrapped("CA private key does not match the CA certificate", "The key in ca_private_key_pem_wo belongs to another certificate")},
		"crl version without key": {crl("ca_private_key_pem = " + key + "\n  ca_private_key_pem_wo_version = 1"),
			wrapped(`Attribute "ca_private_key_pem_wo" must be specified when "ca_private_key_pem_wo_version" is specified`)},
		"both passwords": {store(`password = "a-password"` + "\n  password_wo = \"a-password\""),
			wrapped(`Attribute "password_wo" cannot be specified when "password" is specified`)},
		"password version without password": {store(`password = "a-password"` + "\n  password_wo_version = 1"),
			wrapped(`Attribute "password_wo" must be specified when "password_wo_version" is specified`)},
		"empty write-only password": {store(`password_wo = ""`),
			wrapped("Missing password", "so it must not be empty")},
		"write-only password with passwordless": {store(`password_wo = "x"` + "\n  encoding = \"passwordless\""),
			wrapped("Password given with a passwordless encoding", "Remove password_wo")},
		"pkcs12 both passphrases": {fmt.Sprintf("resource \"mtls_pkcs12\" \"p\" {\n  cert_pem = %q\n  private_key_pem = %s\n  password = \"p\"\n  private_key_passphrase = \"a\"\n  private_key_passphrase_wo = \"a\"\n}", ca.certPEM, key),
			wrapped(`Attribute "private_key_passphrase_wo" cannot be specified when "private_key_passphrase" is specified`)},
		"csr with write-only passphrase": {leaf("ca_private_key_pem_wo = " + key + "\n  csr_pem = \"x\"\n  private_key_passphrase_wo = \"a\""),
			wrapped(`Attribute "private_key_passphrase_wo" cannot be specified when "csr_pem" is specified`)},
	}, writeOnlyEngines...)
}

// An engine without write-only arguments (Terraform before 1.11) refuses
// them at plan, saying how to do without, rather than storing them.
func TestAccWriteOnly_refusedBeforeTerraform111(t *testing.T) {
	ca := newExternalCA(t, "WO Old Engine CA")
	leaf := fmt.Sprintf(`
resource "mtls_client_cert" "c" {
  ca_cert_pem           = %q
  ca_private_key_pem_wo = %q
  email_addresses       = ["c@example.com"]
}`, ca.certPEM, ca.keyPEM)
	store := fmt.Sprintf(`
resource "mtls_truststore" "t" {
  certs_pem   = [%q]
  password_wo = "a-password"
}`, ca.certPEM)
	for name, tc := range map[string]struct{ config, attr, plain string }{
		"CA key":   {leaf, "ca_private_key_pem_wo", "ca_private_key_pem"},
		"password": {store, "password_wo", "password"},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_10_0)},
				Steps: []resource.TestStep{{
					Config: tc.config, PlanOnly: true,
					ExpectError: regexp.MustCompile(wrapped("Write-only argument needs Terraform 1.11 or later",
						tc.attr+" is write-only", "Run Terraform 1.11 or later (or OpenTofu 1.11 or later), or set "+tc.plain+" instead")),
				}},
			})
		})
	}
}

// TestAccWriteOnly_stateSize issues 100 client certificates from an external
// CA with ca_private_key_pem and again with ca_private_key_pem_wo, and logs
// the bytes of each terraform.tfstate: the write-only fleet's state holds no
// copy of the CA key (the plain one holds one per certificate) and is
// smaller by about that much; both fleets plan empty a second time.
func TestAccWriteOnly_stateSize(t *testing.T) {
	const fleet = 100
	plain := newTerraformCLI(t)
	if !cliAtLeast(t, plain.tf, "", 1, 11) {
		t.Skipf("write-only arguments need Terraform 1.11 or later; %s is older", plain.tf)
	}
	ca := newExternalCA(t, "Fleet CA")
	vars, err := json.Marshal(map[string]string{"ca_cert_pem": ca.certPEM, "ca_key_pem": ca.keyPEM})
	if err != nil {
		t.Fatal(err)
	}
	config := func(arg string) string {
		return fmt.Sprintf(`
variable "ca_cert_pem" {
  type = string
}

variable "ca_key_pem" {
  type      = string
  sensitive = true
}

resource "mtls_client_cert" "fleet" {
  count           = %d
  ca_cert_pem     = var.ca_cert_pem
  %s = var.ca_key_pem
  email_addresses = ["node${count.index}@example.com"]
}
`, fleet, arg)
	}
	writeOnly := *plain
	writeOnly.dir = t.TempDir()
	keyLines := pemBodyLines(ca.keyPEM)
	size := map[string]int{}
	for _, c := range []struct {
		name string
		cli  *terraformCLI
		arg  string
	}{{"ca_private_key_pem", plain, "ca_private_key_pem"}, {"ca_private_key_pem_wo", &writeOnly, "ca_private_key_pem_wo"}} {
		testtools.WriteFile(t, c.cli.dir, "terraform.tfvars.json", string(vars))
		c.cli.Run(config(c.arg), "apply", "-auto-approve", "-input=false", "-json")
		c.cli.Run(config(c.arg), "plan", "-input=false", "-json", "-detailed-exitcode")
		state, err := os.ReadFile(filepath.Join(c.cli.dir, "terraform.tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		size[c.name] = len(state)
		copies := strings.Count(string(state), keyLines[0])
		t.Logf("%d client certificates signed with %s: terraform.tfstate is %d bytes and holds the CA key %d times", fleet, c.name, len(state), copies)
		switch {
		case c.cli == plain && copies != fleet:
			t.Errorf("the plain fleet's state holds the CA key %d times, want %d: the leak check would not see a leak", copies, fleet)
		case c.cli != plain && copies != 0:
			t.Errorf("the write-only fleet's state holds the CA key %d times", copies)
		}
	}
	saved := size["ca_private_key_pem"] - size["ca_private_key_pem_wo"]
	t.Logf("write-only saves %d bytes (%.0f%%), %d per certificate", saved, 100*float64(saved)/float64(size["ca_private_key_pem"]), saved/fleet)
	if saved < fleet*len(ca.keyPEM) {
		t.Errorf("the write-only state is only %d bytes smaller, less than %d copies of the %d-byte CA key", saved, fleet, len(ca.keyPEM))
	}
}
