package provider

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/mtlsforge/terraform-provider-mtls/internal/keystore"
	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

const aliceFriendlyName = "Alice Client"

func pkcs12Password(enc keystore.Encoding) string {
	if enc == keystore.EncodingPasswordless {
		return ""
	}
	return "pw-" + string(enc)
}

// pkcs12Config has one archive of Alice's whole chain per encoding, the same
// as a JKS keystore, and archives built from the encrypted, the SEC 1 and a
// PKCS#1 key. The passwords let a step change an input of two archives.
func pkcs12Config(modernPassword, sec1Password string) string {
	var b strings.Builder
	b.WriteString(storeChainConfig)
	for _, enc := range keystore.Encodings() {
		password := pkcs12Password(enc)
		if enc == keystore.EncodingModern {
			password = modernPassword
		}
		passwordLine := ""
		if password != "" {
			passwordLine = fmt.Sprintf("password = %q", password)
		}
		fmt.Fprintf(&b, `
resource "mtls_pkcs12" %q {
  cert_pem        = mtls_client_cert.alice.fullchain_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  private_key_pem = mtls_client_cert.alice.private_key_pem
  friendly_name   = %q
  encoding        = %q
  %s
}
`, enc, aliceFriendlyName, enc, passwordLine)
	}
	return b.String() + `
resource "mtls_pkcs12" "jks" {
  format          = "jks"
  cert_pem        = mtls_client_cert.alice.fullchain_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  private_key_pem = mtls_client_cert.alice.private_key_pem
  friendly_name   = "` + aliceFriendlyName + `"
  password        = "pw-jks"
}

# The root given twice, and dropped.
resource "mtls_pkcs12" "encrypted_key" {
  cert_pem               = mtls_client_cert.alice.fullchain_pem
  ca_certs_pem           = mtls_client_cert.alice.ca_chain_pem
  private_key_pem        = mtls_client_cert.alice.private_key_pem_encrypted
  private_key_passphrase = "key-passphrase"
  include_root           = false
  password               = "pw-encrypted"
}

resource "mtls_pkcs12" "sec1" {
  cert_pem        = mtls_client_cert.alice.cert_pem
  private_key_pem = mtls_client_cert.alice.private_key_pem_sec1
  password        = "` + sec1Password + `"
}

resource "mtls_client_cert" "bob" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  key_algorithm      = "RSA_2048"
  subject            = { common_name = "Bob" }
  email_addresses    = ["bob@example.com"]
}

resource "mtls_pkcs12" "pkcs1" {
  cert_pem        = mtls_client_cert.bob.cert_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  private_key_pem = mtls_client_cert.bob.private_key_pem_pkcs1
  password        = "pw-pkcs1"
  encoding        = "legacy"
}
`
}

// pkcs12Want is what one archive must decode to: the key and certificate
// of keyOwner, then the certificates of the chainFrom resources in order.
type pkcs12Want struct {
	password  string
	keyOwner  string
	chainFrom []string
}

func (w pkcs12Want) certs(s *terraform.State) (*x509.Certificate, []*x509.Certificate, error) {
	leaf, err := stateCerts(s, w.keyOwner, "cert_pem")
	if err != nil {
		return nil, nil, err
	}
	var chain []*x509.Certificate
	for _, name := range w.chainFrom {
		c, err := stateCerts(s, name, "cert_pem")
		if err != nil {
			return nil, nil, err
		}
		chain = append(chain, c...)
	}
	return leaf[0], chain, nil
}

// checkPKCS12Decodes decodes an archive from state with go-pkcs12 and
// compares key, leaf and chain with the resources it was built from.
func checkPKCS12Decodes(name string, w pkcs12Want, files map[string][]byte) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		der, err := storedFileOf(s, name, "pkcs12")
		if err != nil {
			return err
		}
		files[name] = der
		wantLeaf, wantChain, err := w.certs(s)
		if err != nil {
			return err
		}
		key, leaf, chain, err := gopkcs12.DecodeChain(der, w.password)
		if err != nil {
			return fmt.Errorf("%s: go-pkcs12 cannot decode: %w", name, err)
		}
		if err := sameCerts(append([]*x509.Certificate{leaf}, chain...), append([]*x509.Certificate{wantLeaf}, wantChain...)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		signer, err := pki.ParsePrivateKeyPEM(stateAttr(s, w.keyOwner, "private_key_pem"), "")
		if err != nil {
			return err
		}
		if !pki.PublicKeysEqual(signer.Public(), publicKeyOf(key)) {
			return fmt.Errorf("%s holds a different private key than %s", name, w.keyOwner)
		}
		if w.password != "" {
			if _, _, _, err := gopkcs12.DecodeChain(der, "wrong-"+w.password); err == nil {
				return fmt.Errorf("%s decodes with a wrong password", name)
			}
		}
		return nil
	}
}

func publicKeyOf(key any) crypto.PublicKey {
	if k, ok := key.(crypto.Signer); ok {
		return k.Public()
	}
	return nil
}

// checkJKSKeyStore reads the JKS keystore with keystore-go: one
// PrivateKeyEntry, under the lowercased friendly name, with the whole chain.
func checkJKSKeyStore(name, password string, files map[string][]byte) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		der, err := storedFileOf(s, name, "pkcs12")
		if err != nil {
			return err
		}
		files[name] = der
		store, err := loadJKS(der, password)
		if err != nil {
			return err
		}
		alias := strings.ToLower(aliceFriendlyName)
		if got := store.Aliases(); len(got) != 1 || got[0] != alias {
			return fmt.Errorf("JKS aliases %q, want [%q]", got, alias)
		}
		entry, err := store.GetPrivateKeyEntry(alias, []byte(password))
		if err != nil {
			return fmt.Errorf("JKS private key entry: %w", err)
		}
		if len(entry.CertificateChain) != 3 {
			return fmt.Errorf("JKS chain has %d certificates, want leaf, intermediate and root", len(entry.CertificateChain))
		}
		return nil
	}
}

func TestAccPKCS12_encodings(t *testing.T) {
	fullChain := []string{"mtls_intermediate_ca.inter", "mtls_root_ca.root"}
	files := map[string][]byte{}
	var checks []resource.TestCheckFunc
	for _, enc := range keystore.Encodings() {
		checks = append(checks, checkPKCS12Decodes("mtls_pkcs12."+string(enc), pkcs12Want{pkcs12Password(enc), "mtls_client_cert.alice", fullChain}, files))
	}
	checks = append(checks,
		checkJKSKeyStore("mtls_pkcs12.jks", "pw-jks", files),
		checkPKCS12Decodes("mtls_pkcs12.encrypted_key", pkcs12Want{"pw-encrypted", "mtls_client_cert.alice", fullChain[:1]}, files),
		checkPKCS12Decodes("mtls_pkcs12.sec1", pkcs12Want{"pw-sec1", "mtls_client_cert.alice", nil}, files),
		checkPKCS12Decodes("mtls_pkcs12.pkcs1", pkcs12Want{"pw-pkcs1", "mtls_client_cert.bob", []string{"mtls_root_ca.root"}}, files),
	)
	sha256Hex := knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))
	var firstModern string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: pkcs12Config(pkcs12Password(keystore.EncodingModern), "pw-sec1"),
				ConfigStateChecks: []statecheck.StateCheck{
					// Defaults, and the friendly name derived from the subject.
					statecheck.ExpectKnownValue("mtls_pkcs12.sec1", tfjsonpath.New("friendly_name"), knownvalue.StringExact("alice")),
					statecheck.ExpectKnownValue("mtls_pkcs12.sec1", tfjsonpath.New("encoding"), knownvalue.StringExact(string(keystore.DefaultEncoding))),
					statecheck.ExpectKnownValue("mtls_pkcs12.sec1", tfjsonpath.New("format"), knownvalue.StringExact("pkcs12")),
					statecheck.ExpectKnownValue("mtls_pkcs12.sec1", tfjsonpath.New("include_root"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("mtls_pkcs12.modern", tfjsonpath.New("friendly_name"), knownvalue.StringExact(aliceFriendlyName)),
					statecheck.ExpectKnownValue("mtls_pkcs12.modern", tfjsonpath.New("pkcs12_sha256"), sha256Hex),
					statecheck.ExpectSensitiveValue("mtls_pkcs12.modern", tfjsonpath.New("pkcs12_base64")),
					statecheck.CompareValuePairs("mtls_pkcs12.modern", tfjsonpath.New("id"), "mtls_pkcs12.modern", tfjsonpath.New("pkcs12_sha256"), compare.ValuesSame()),
				},
				Check: resource.ComposeTestCheckFunc(append(checks, func(s *terraform.State) error {
					firstModern = stateAttr(s, "mtls_pkcs12.modern", "pkcs12_sha256")
					return nil
				})...),
			},
			{
				// A changed input builds a new archive; the others stay. With
				// the certificate known, the default friendly name is planned.
				Config: pkcs12Config("a-new-password", "new-pw-sec1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_pkcs12.modern", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_pkcs12.sec1", plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue("mtls_pkcs12.sec1", tfjsonpath.New("friendly_name"), knownvalue.StringExact("alice")),
					plancheck.ExpectResourceAction("mtls_pkcs12.legacy", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("mtls_pkcs12.jks", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkPKCS12Decodes("mtls_pkcs12.modern", pkcs12Want{"a-new-password", "mtls_client_cert.alice", fullChain}, map[string][]byte{}),
					func(s *terraform.State) error {
						if stateAttr(s, "mtls_pkcs12.modern", "pkcs12_sha256") == firstModern {
							return fmt.Errorf("the archive was not rebuilt")
						}
						return nil
					},
				),
			},
		},
	})
	if t.Failed() || len(files) == 0 {
		return
	}

	// The files Terraform produced, read by their real consumers.
	t.Run("openssl", func(t *testing.T) {
		checkOpenSSLReadsEveryEncoding(t, files, "mtls_pkcs12.", aliceFriendlyName)
	})
	t.Run("nss", func(t *testing.T) {
		testtools.RequireTool(t, "pk12util")
		for _, enc := range []keystore.Encoding{keystore.EncodingModern, keystore.EncodingLegacy, keystore.EncodingLegacyRC2} {
			out, err := nssImport(t, t.TempDir(), files["mtls_pkcs12."+string(enc)], pkcs12Password(enc))
			if err != nil {
				t.Fatalf("%s: %v", enc, err)
			}
			if !regexp.MustCompile(`(?m)^` + aliceFriendlyName + `\s+u,u,u$`).MatchString(out) {
				t.Errorf("%s: certutil -L does not list %q with its key (u,u,u):\n%s", enc, aliceFriendlyName, out)
			}
			for _, ca := range []string{"Store Issuing CA", "Store Root CA"} {
				if !strings.Contains(out, ca) {
					t.Errorf("%s: certutil -L lacks the chain certificate %q:\n%s", enc, ca, out)
				}
			}
		}
	})
	t.Run("keytool", func(t *testing.T) {
		want := map[string]string{strings.ToLower(aliceFriendlyName): "PrivateKeyEntry"}
		if err := checkKeytoolEntries(t, "PKCS12", files["mtls_pkcs12.modern"], pkcs12Password(keystore.EncodingModern), want, "Certificate chain length: 3"); err != nil {
			t.Error(err)
		}
		if err := checkKeytoolEntries(t, "JKS", files["mtls_pkcs12.jks"], "pw-jks", want, "Certificate chain length: 3"); err != nil {
			t.Error(err)
		}
	})
}

func TestAccPKCS12_invalidSettings(t *testing.T) {
	archive := func(settings string) string {
		return `
resource "mtls_pkcs12" "bad" {
  cert_pem        = "unused"
  private_key_pem = "unused"
  ` + settings + `
}`
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"unknown encoding":               {archive(`encoding = "strong"`), `value must be one of`},
		"unknown format":                 {archive(`format = "pem"`), `value must be one of`},
		"no password":                    {archive(``), `Missing password`},
		"empty password":                 {archive(`password = ""`), `Missing password`},
		"password with passwordless":     {archive(`encoding = "passwordless"` + "\n" + `password = "secret"`), `Password given with a passwordless encoding`},
		"jks with an encoding":           {archive(`format = "jks"` + "\n" + `encoding = "legacy"` + "\n" + `password = "secret"`), `Encoding does not apply to JKS`},
		"jks without password":           {archive(`format = "jks"` + "\n" + `encoding = "passwordless"`), `Missing password`},
		"not a certificate":              {archive(`password = "secret"`), `Invalid certificate PEM`},
		"empty friendly name is refused": {archive(`password = "secret"` + "\n" + `friendly_name = ""`), `string length must be at least 1`},
	})
}

// Errors that need real certificates and keys, taken from applied resources.
func TestAccPKCS12_invalidIdentity(t *testing.T) {
	archive := func(cert, key, settings string) string {
		return storeChainConfig + `
resource "mtls_pkcs12" "bad" {
  cert_pem        = ` + cert + `
  private_key_pem = ` + key + `
  ` + settings + `
}`
	}
	const (
		alice        = "mtls_client_cert.alice.cert_pem"
		aliceKey     = "mtls_client_cert.alice.private_key_pem"
		encryptedKey = "mtls_client_cert.alice.private_key_pem_encrypted"
		password     = `password = "secret"`
	)
	testPlanErrors(t, storeChainConfig, map[string]planErrorCase{
		"key of another certificate":       {archive(alice, "mtls_root_ca.root.private_key_pem", password), `Private key does not match the certificate`},
		"encrypted key without passphrase": {archive(alice, encryptedKey, password), `Missing private key passphrase`},
		"wrong passphrase":                 {archive(alice, encryptedKey, password+"\n"+`private_key_passphrase = "wrong"`), `(?s)Wrong private key passphrase.*passphrase\s+is\s+wrong`},
		// A key that does not parse is malformed, whatever passphrase is given.
		"malformed key with a passphrase": {archive(alice, `"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"`, password+"\n"+`private_key_passphrase = "pw"`),
			`(?s)Invalid private key.*private\s+key\s+is\s+malformed`},
		// The trial build at plan catches what only the encoder checks.
		"jks password beyond latin-1":  {archive(alice, aliceKey, `format = "jks"`+"\n"+`password = "€uro"`), `(?s)Cannot build the archive.*Latin-1`},
		"friendly name of spaces only": {archive(alice, aliceKey, password+"\n"+`friendly_name = "  "`), `(?s)Cannot build the archive.*empty`},
	})
}

// ca_certs_pem continues cert_pem's chain: a stranger in it, a skipped
// issuer or a reversed order is refused at plan, as the certificate
// resources refuse such a ca_cert_pem, instead of being packed.
func TestAccPKCS12_chainMustBeTheIssuerChain(t *testing.T) {
	prior := storeChainConfig + `
resource "mtls_root_ca" "other" {
  subject = { common_name = "Unrelated Root CA" }
}
`
	archive := func(cert, caCerts string) string {
		return prior + `
resource "mtls_pkcs12" "bad" {
  cert_pem        = ` + cert + `
  ca_certs_pem    = ` + caCerts + `
  private_key_pem = mtls_client_cert.alice.private_key_pem
  password        = "secret"
}`
	}
	const notIssuerChain = `(?s)Not the certificate's issuer chain.*does\s+not\s+sign.*ca_certs_pem\s+continues\s+the\s+chain`
	testPlanErrors(t, prior, map[string]planErrorCase{
		"unrelated root":     {archive("mtls_client_cert.alice.fullchain_pem", "mtls_root_ca.other.cert_pem"), notIssuerChain},
		"issuer left out":    {archive("mtls_client_cert.alice.cert_pem", "mtls_root_ca.root.cert_pem"), notIssuerChain},
		"root first":         {archive("mtls_client_cert.alice.cert_pem", `"${mtls_root_ca.root.cert_pem}${mtls_intermediate_ca.inter.chain_pem}"`), notIssuerChain},
		"chain of the other": {archive("mtls_client_cert.alice.cert_pem", `"${mtls_intermediate_ca.inter.chain_pem}${mtls_root_ca.other.cert_pem}"`), notIssuerChain},
		"cert_pem out of order": {archive(`"${mtls_client_cert.alice.cert_pem}${mtls_root_ca.root.cert_pem}${mtls_intermediate_ca.inter.chain_pem}"`, "mtls_root_ca.root.cert_pem"),
			`(?s)Certificate chain out of order.*cert_pem\s+is\s+the\s+certificate\s+followed\s+by\s+its\s+issuer\s+chain`},
	})
}

// Removing friendly_name brings the derived name back and rebuilds the
// archive, rather than silently keeping the old name.
func TestAccPKCS12_removedFriendlyNameIsDerivedAgain(t *testing.T) {
	archive := func(extra string) string {
		return storeChainConfig + `
resource "mtls_pkcs12" "named" {
  cert_pem        = mtls_client_cert.alice.fullchain_pem
  private_key_pem = mtls_client_cert.alice.private_key_pem
  password        = "pw"
  ` + extra + `
}`
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: archive(`friendly_name = "custom"`)},
			{
				Config: archive(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_pkcs12.named", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_pkcs12.named", tfjsonpath.New("friendly_name"), knownvalue.StringExact("alice")),
				},
			},
		},
	})
}
