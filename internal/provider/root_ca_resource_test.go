package provider

import (
	"crypto"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

func TestAccRootCA_basic(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
resource "mtls_root_ca" "test" {
  key_algorithm   = "ECDSA_P384"
  max_path_length = 1
  subject = {
    common_name  = "Example Root CA"
    organization = "Example"
    country      = "SE"
  }
  permitted_dns_domains = ["example.com"]
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("ECDSA_P384")),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=Example Root CA,O=Example,C=SE")),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("validity_period_hours"), knownvalue.Int64Exact(87600)),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("backdate_minutes"), knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("ready_for_renewal"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("serial_number"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{25,32}$`))),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("private_key_pem"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN PRIVATE KEY-----`))),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("private_key_pem_sec1"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN EC PRIVATE KEY-----`))),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("private_key_pem_pkcs1"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("public_key_openssh"), knownvalue.StringRegexp(regexp.MustCompile(`^ecdsa-sha2-nistp384 `))),
				},
				Check: func(s *terraform.State) error {
					certs, err := stateCerts(s, "mtls_root_ca.test", "cert_pem")
					if err != nil {
						return err
					}
					c := certs[0]
					if !c.IsCA || c.MaxPathLen != 1 || c.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
						return fmt.Errorf("wrong CA profile: isCA=%v pathlen=%d ku=%v", c.IsCA, c.MaxPathLen, c.KeyUsage)
					}
					if !c.PermittedDNSDomainsCritical || len(c.PermittedDNSDomains) != 1 {
						return fmt.Errorf("name constraints missing or not critical")
					}
					if got := c.NotAfter.Sub(c.NotBefore).Minutes(); got != 87600*60+5 {
						return fmt.Errorf("validity %v minutes", got)
					}
					return nil
				},
			},
			{
				// Changing early_renewal_hours updates in place: no new CA.
				Config: `
resource "mtls_root_ca" "test" {
  key_algorithm       = "ECDSA_P384"
  max_path_length     = 1
  early_renewal_hours = 720
  subject = {
    common_name  = "Example Root CA"
    organization = "Example"
    country      = "SE"
  }
  permitted_dns_domains = ["example.com"]
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_root_ca.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("mtls_root_ca.test", tfjsonpath.New("cert_pem"), knownvalue.NotNull()),
				}},
			},
		},
	})
}

// An existing root made by hand with openssl, as in the seeds, is imported
// and then managed without being replaced.
func TestAccRootCA_importOpenSSL(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	keyPath, certPath := dir+"/rootCA.key", dir+"/rootCA.crt"
	for _, args := range [][]string{
		{"genrsa", "-out", keyPath, "2048"},
		{"req", "-x509", "-new", "-nodes", "-key", keyPath, "-sha256", "-days", "1024", "-out", certPath, "-subj", "/C=GB/O=Severalnines/CN=internal-rootCA"},
	} {
		if out, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	config := `
resource "mtls_root_ca" "seed" {
  key_algorithm         = "RSA_2048"
  validity_period_hours = 24576
  backdate_minutes      = 0
  subject = {
    common_name  = "internal-rootCA"
    organization = "Severalnines"
    country      = "GB"
  }
}`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       "mtls_root_ca.seed",
				ImportState:        true,
				ImportStateId:      certPath + "," + keyPath,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["private_key_pem_pkcs1"] == "" || states[0].Attributes["subject.common_name"] != "internal-rootCA" {
						return fmt.Errorf("unexpected import state: %v", states)
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_root_ca.seed", plancheck.ResourceActionNoop),
				}},
			},
			{
				// Import cannot know the backdate, so leaving it at its
				// default keeps the imported 0 instead of replacing the root.
				Config:           strings.Replace(config, "  backdate_minutes      = 0\n", "", 1),
				PlanOnly:         true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:        config,
				ResourceName:  "mtls_root_ca.seed",
				ImportState:   true,
				ImportStateId: certPath,
				ExpectError:   regexp.MustCompile(wrapTolerant(`Invalid import ID.*"CERT_PATH,KEY_PATH"`)),
			},
		},
	})
}

func TestAccRootCA_invalidInputs(t *testing.T) {
	cases := map[string]planErrorCase{
		"unknown algorithm": {`key_algorithm = "RSA_1024"
  subject = { common_name = "x" }`, `(?s)key_algorithm.*value must be one of`},
		"negative path length": {`max_path_length = -1
  subject = { common_name = "x" }`, `(?s)max_path_length.*at least 0`},
		"long common name": {`subject = { common_name = "` + string(make([]byte, 0)) + `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }`, `(?s)Subject attribute too long.*68\s+characters;\s+RFC\s+5280\s+allows\s+at\s+most\s+64`},
		"empty subject":    {`subject = {}`, `(?s)CA subject is empty.*common_name`},
		"bad name constraint": {`subject = { common_name = "x" }
  permitted_dns_domains = ["*.example.com"]`, `(?s)Invalid DNS name constraint.*\.example\.com \(subdomains only\)`},
		"bad IP range": {`subject = { common_name = "x" }
  permitted_ip_ranges = ["10.0.0.0"]`, `(?s)Invalid IP range constraint.*CIDR`},
		// The certificate would carry 10.0.0.0/8, not what the config says.
		"host bits IPv4": {`subject = { common_name = "x" }
  permitted_ip_ranges = ["10.0.0.0/8", "10.1.2.3/8"]`, wrapped("IP range constraint has host bits set", `permitted_ip_ranges = ["10.0.0.0/8", "10.1.2.3/8"]`,
			`In permitted_ip_ranges, "10.1.2.3/8" has host bits set`, `Write "10.0.0.0/8" for the range, or "10.1.2.3/32" for the one address.`)},
		"host bits IPv6": {`subject = { common_name = "x" }
  excluded_ip_ranges = ["2001:db8::1/32"]`, wrapped("IP range constraint has host bits set", `excluded_ip_ranges = ["2001:db8::1/32"]`,
			`In excluded_ip_ranges, "2001:db8::1/32" has host bits set`, `Write "2001:db8::/32" for the range, or "2001:db8::1/128" for the one address.`)},
		"zero validity": {`subject = { common_name = "x" }
  validity_period_hours = 0`, `(?s)validity_period_hours.*between 1 and 876000`},
		"backdate beyond validity": {`subject = { common_name = "x" }
  validity_period_hours = 2
  backdate_minutes      = 120`, `(?s)Backdate as long as the validity.*backdate_minutes\s+=\s+120`},
		"three-letter country":                 {`subject = { common_name = "x", country = "SWE" }`, `(?s)Invalid country code.*two-letter\s+ISO\s+3166`},
		"serial number beyond PrintableString": {`subject = { common_name = "x", serial_number = "Nº 7" }`, `(?s)Invalid subject attribute.*serial\s+number\s+is\s+a\s+PrintableString`},
	}
	for name, tc := range cases {
		cases[name] = planErrorCase{"resource \"mtls_root_ca\" \"bad\" {\n  " + tc.config + "\n}", tc.err}
	}
	testPlanErrors(t, "", cases)
}

const importedRoot = "mtls_root_ca.test"

// importRoundTrip makes a root with config, saves its certificate and the key
// in keyAttr to files as a user would, and imports them as after `terraform
// state rm`: with an import block (a copy of the state without the root;
// the import must plan no change), with `terraform import` (every attribute
// read back as created), and persisted, after which a refresh changes
// nothing and the config that made the root plans nothing.
func importRoundTrip(t *testing.T, config, keyAttr string, verifyIgnore ...string) []resource.TestStep {
	dir := t.TempDir()
	id := dir + "/root.crt," + dir + "/root.key"
	var created map[string]string
	return []resource.TestStep{
		{
			Config: config,
			Check: func(s *terraform.State) error {
				testtools.WriteFile(t, dir, "root.crt", stateAttr(s, importedRoot, "cert_pem"))
				testtools.WriteFile(t, dir, "root.key", stateAttr(s, importedRoot, keyAttr))
				created = s.RootModule().Resources[importedRoot].Primary.Attributes
				return nil
			},
		},
		{Config: config, ResourceName: importedRoot, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: id},
		{Config: config, ResourceName: importedRoot, ImportState: true, ImportStateId: id, ImportStateVerify: true, ImportStateVerifyIgnore: verifyIgnore},
		// Destroying stands in for `terraform state rm`: nothing exists outside state.
		{Config: `terraform {}`},
		{Config: config, ResourceName: importedRoot, ImportState: true, ImportStateId: id, ImportStatePersist: true},
		{
			RefreshState: true,
			Check: func(s *terraform.State) error {
				refreshed := s.RootModule().Resources[importedRoot].Primary.Attributes
				for k, v := range created {
					if refreshed[k] != v && !slices.Contains(verifyIgnore, k) {
						return fmt.Errorf("after import and refresh, %s = %q; created as %q", k, refreshed[k], v)
					}
				}
				return nil
			},
		},
		{
			Config:           config,
			PlanOnly:         true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	}
}

// A root made by the provider, removed from state and imported, plans no
// change with the config that made it, whether that config relies on the
// defaults or sets every attribute the certificate records.
func TestAccRootCA_importMadeByProvider(t *testing.T) {
	configs := map[string]string{
		"defaults": `
resource "mtls_root_ca" "test" {
  subject = { common_name = "Defaults Root" }
}`,
		"non-defaults": `
resource "mtls_root_ca" "test" {
  key_algorithm         = "RSA_2048"
  validity_period_hours = 1000
  backdate_minutes      = 30
  max_path_length       = 0
  subject = {
    common_name         = "Full Root"
    organization        = "Example"
    organizational_unit = "PKI"
    country             = "SE"
    province            = "Stockholm"
    locality            = "Stockholm"
    street_address      = "Main Street 1"
    postal_code         = "111 22"
    serial_number       = "42"
  }
  permitted_dns_domains     = ["example.com", ".example.org"]
  excluded_dns_domains      = ["secret.example.com"]
  permitted_ip_ranges       = ["10.0.0.0/8", "fd00::/8"]
  excluded_ip_ranges        = ["10.99.0.0/16"]
  permitted_email_addresses = ["example.com"]
  permitted_uri_domains     = [".example.org"]
}`,
		"ed25519 with path length": `
resource "mtls_root_ca" "test" {
  key_algorithm   = "ED25519"
  max_path_length = 2
  subject         = { common_name = "Edwards Root", organization = "Example" }
}`,
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    importRoundTrip(t, config, "private_key_pem"),
			})
		})
	}
}

// A root made with an encrypted key output, imported from that encrypted
// file with its passphrase in MTLS_IMPORT_KEY_PASSPHRASE, plans no change:
// import keeps the passphrase that opened the key. Not parallel: it sets the
// environment, which the in-process provider reads.
func TestAccRootCA_importEncryptedKey(t *testing.T) {
	const passphrase = "import-test-passphrase"
	t.Setenv(importPassphraseEnv, passphrase)
	config := `
resource "mtls_root_ca" "test" {
  subject                = { common_name = "Encrypted Root" }
  private_key_passphrase = "` + passphrase + `"
}`
	// The encrypted output is made afresh (new salt), so it is compared by
	// the key it holds instead.
	steps := importRoundTrip(t, config, "private_key_pem_encrypted", "private_key_pem_encrypted")
	steps[len(steps)-1].Check = func(s *terraform.State) error {
		key, err := pki.ParsePrivateKeyPEM(stateAttr(s, importedRoot, "private_key_pem_encrypted"), passphrase)
		if err != nil {
			return err
		}
		if enc, _ := pki.EncodeKey(key); enc.PKCS8PEM != stateAttr(s, importedRoot, "private_key_pem") {
			return fmt.Errorf("private_key_pem_encrypted holds another key than private_key_pem")
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// What a certificate does not record cannot be read back: a backdate of an
// hour or more and early_renewal_hours. An imported root whose config sets
// them updates in place, never replaces; real changes still replace it.
func TestAccRootCA_importUnknowableSettings(t *testing.T) {
	config := func(validity, backdate int, cn string) string {
		return fmt.Sprintf(`
resource "mtls_root_ca" "test" {
  subject               = { common_name = %q }
  validity_period_hours = %d
  backdate_minutes      = %d
  early_renewal_hours   = 24
}`, cn, validity, backdate)
	}
	steps := importRoundTrip(t, config(100, 90, "Root"), "private_key_pem")
	// Keep the create, save and persisted import steps; the round trip's
	// no-change checks do not hold here.
	steps = append([]resource.TestStep{steps[0], steps[3], steps[4]},
		resource.TestStep{
			Config: config(100, 90, "Root"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(importedRoot, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(importedRoot, tfjsonpath.New("backdate_minutes"), knownvalue.Int64Exact(90)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(importedRoot, tfjsonpath.New("validity_period_hours"), knownvalue.Int64Exact(100)),
				statecheck.ExpectKnownValue(importedRoot, tfjsonpath.New("early_renewal_hours"), knownvalue.Int64Exact(24)),
			},
		},
		planAction(config(100, 10, "Root"), plancheck.ResourceActionUpdate),
		planAction(config(101, 90, "Root"), plancheck.ResourceActionReplace),
		planAction(config(100, 90, "Other Root"), plancheck.ResourceActionReplace),
		// A replacement is made by the provider, not imported: its backdate
		// replaces it again.
		resource.TestStep{
			Config:           config(100, 90, "Other Root"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(importedRoot, plancheck.ResourceActionReplace)}},
		},
		planAction(config(100, 10, "Other Root"), plancheck.ResourceActionReplace),
	)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// planAction is a plan-only step expecting action on importedRoot.
func planAction(config string, action plancheck.ResourceActionType) resource.TestStep {
	return resource.TestStep{
		Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(importedRoot, action)}},
	}
}

// Every way an import can fail says which file, what is wrong and how to
// fix it.
func TestAccRootCA_importErrors(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string { return testtools.WriteFile(t, dir, name, content) }
	keyPEM := func(key crypto.Signer) string {
		enc, err := pki.EncodeKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return enc.PKCS8PEM
	}
	root := testtools.Issue(t, testtools.CATemplate("Test Root"), nil)
	rootCrt, rootKey := file("root.crt", string(root.CertPEM())), file("root.key", keyPEM(root.Key))
	leaf := testtools.Issue(t, leafTemplate("Self-signed Leaf", "leaf.example.com"), nil)
	leafCrt, leafKey := file("leaf.crt", string(leaf.CertPEM())), file("leaf.key", keyPEM(leaf.Key))
	inter := testtools.Issue(t, testtools.CATemplate("Test Intermediate"), &root)
	damaged := slices.Clone(root.Cert.Raw)
	damaged[len(damaged)-1] ^= 0xff // in the signature
	x25519, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x25519DER, err := x509.MarshalPKCS8PrivateKey(x25519)
	if err != nil {
		t.Fatal(err)
	}
	encrypted, err := pki.EncryptPKCS8PEM(root.Key, "not-in-the-environment")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct{ id, err string }{
		"no comma":        {rootCrt, `Invalid import ID.*Got ".*root\.crt"\..*"CERT_PATH,KEY_PATH"`},
		"empty key path":  {rootCrt + ",", `Invalid import ID.*"CERT_PATH,KEY_PATH"`},
		"three parts":     {rootCrt + "," + rootKey + ",passphrase", `Invalid import ID.*The ID has 2 commas`},
		"missing file":    {dir + "/missing.crt," + rootKey, `Cannot read the certificate file.*missing\.crt: no such file`},
		"swapped paths":   {rootKey + "," + rootCrt, `No certificate in the certificate file.*root\.key.*Are the two paths swapped\?`},
		"DER certificate": {file("root.der", string(root.Cert.Raw)) + "," + rootKey, `No certificate in the certificate file.*not PEM.*openssl x509 -inform der`},
		// It is self-signed; the message used to say it was not.
		"self-signed leaf": {leafCrt + "," + leafKey, `Not a CA certificate.*leaf\.crt holds a self-signed certificate, but "CN=Self-signed Leaf" is not a CA`},
		"intermediate": {file("inter.crt", string(inter.CertPEM())) + "," + file("inter.key", keyPEM(inter.Key)),
			`Not a root CA certificate.*"CN=Test Intermediate", issued by "CN=Test Root".*Import the root at the top`},
		"damaged signature": {file("damaged.crt", pki.EncodeCertificatesPEM(mustParse(t, damaged))) + "," + rootKey, `Certificate signature does not verify.*damaged\.crt holds "CN=Test Root"`},
		// Was "private key type *ecdh.PrivateKey cannot sign".
		"X25519 key":         {rootCrt + "," + file("x25519.key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: x25519DER}))), `No usable private key in the key file.*x25519\.key: the private key is an X25519 or ECDH key`},
		"certificate as key": {rootCrt + "," + leafCrt, `No usable private key in the key file.*Are the two paths swapped\?`},
		"another key":        {rootCrt + "," + leafKey, `Private key does not match the certificate.*leaf\.key is not the key of "CN=Test Root"`},
		"encrypted key":      {rootCrt + "," + file("enc.key", encrypted), `Private key is encrypted.*enc\.key.*MTLS_IMPORT_KEY_PASSPHRASE`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        `resource "mtls_root_ca" "test" { subject = { common_name = "Test Root" } }`,
					ResourceName:  importedRoot,
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   regexp.MustCompile(wrapTolerant(tc.err)),
				}},
			})
		})
	}
}

// A wrong passphrase in the environment is named as the likely cause. Not
// parallel: it sets the environment.
func TestAccRootCA_importWrongPassphrase(t *testing.T) {
	t.Setenv(importPassphraseEnv, "wrong-passphrase")
	dir := t.TempDir()
	root := testtools.Issue(t, testtools.CATemplate("Test Root"), nil)
	encrypted, err := pki.EncryptPKCS8PEM(root.Key, "right-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        `resource "mtls_root_ca" "test" { subject = { common_name = "Test Root" } }`,
			ResourceName:  importedRoot,
			ImportState:   true,
			ImportStateId: testtools.WriteFile(t, dir, "root.crt", string(root.CertPEM())) + "," + testtools.WriteFile(t, dir, "root.key", encrypted),
			ExpectError:   regexp.MustCompile(wrapTolerant(`Cannot decrypt the private key.*root\.key: .*passphrase is wrong.*Check the passphrase in MTLS_IMPORT_KEY_PASSPHRASE`)),
		}},
	})
}

// The passphrase someone appends to the ID is never repeated back.
func TestParseImportID(t *testing.T) {
	for id, want := range map[string][2]string{
		"ca.crt,ca.key":     {"ca.crt", "ca.key"},
		" ca.crt , ca.key ": {"ca.crt", "ca.key"},
	} {
		c, k, diags := parseImportID(id)
		if diags.HasError() || c != want[0] || k != want[1] {
			t.Errorf("parseImportID(%q) = %q, %q, %v", id, c, k, diags)
		}
	}
	for _, id := range []string{"ca.crt", "ca.crt,", ",ca.key", "ca.crt,ca.key,hunter2"} {
		_, _, diags := parseImportID(id)
		if !diags.HasError() {
			t.Errorf("parseImportID(%q) accepted", id)
		}
		if d := diags[0].Detail(); strings.Contains(d, "hunter2") {
			t.Errorf("parseImportID repeats the passphrase: %s", d)
		}
	}
}

func mustParse(t *testing.T, der []byte) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrapTolerant lets the spaces of an error pattern match the line breaks
// Terraform puts in long diagnostics.
func wrapTolerant(pattern string) string {
	return `(?s)` + strings.ReplaceAll(pattern, " ", `\s+`)
}
