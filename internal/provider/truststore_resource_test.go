package provider

import (
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
)

// trustedCerts is two PEM strings holding three certificates: the store's
// root, then a bundle of its intermediate and a partner's root.
const trustedCerts = `[mtls_root_ca.root.cert_pem, "${mtls_intermediate_ca.inter.cert_pem}${mtls_root_ca.partner.cert_pem}"]`

var (
	trustedCertNames = []string{"mtls_root_ca.root", "mtls_intermediate_ca.inter", "mtls_root_ca.partner"}
	derivedAliases   = []string{"store root ca", "store issuing ca", "partner root"}
)

const truststorePartnerConfig = `
resource "mtls_root_ca" "partner" {
  subject = { common_name = "Partner Root" }
}
`

// truststoreConfig has a PKCS#12 truststore per encoding with derived
// aliases, one with given aliases, and a JKS one.
func truststoreConfig(namedAliases string) string {
	var b strings.Builder
	b.WriteString(storeChainConfig + truststorePartnerConfig)
	for _, enc := range keystore.Encodings() {
		passwordLine := ""
		if p := pkcs12Password(enc); p != "" {
			passwordLine = fmt.Sprintf("password = %q", p)
		}
		fmt.Fprintf(&b, `
resource "mtls_truststore" %q {
  certs_pem = %s
  encoding  = %q
  %s
}
`, enc, trustedCerts, enc, passwordLine)
	}
	return b.String() + `
resource "mtls_truststore" "named" {
  certs_pem = ` + trustedCerts + `
  aliases   = ` + namedAliases + `
  password  = "pw-named"
}

resource "mtls_truststore" "jks" {
  format    = "jks"
  certs_pem = ` + trustedCerts + `
  aliases   = ["Root", "", "Partner"]
  password  = "pw-jks"
}
`
}

func stateCertList(s *terraform.State, names []string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, n := range names {
		c, err := stateCerts(s, n, "cert_pem")
		if err != nil {
			return nil, err
		}
		out = append(out, c...)
	}
	return out, nil
}

// checkTruststoreDecodes decodes a PKCS#12 truststore from state with
// go-pkcs12: the trusted certificates, in order, and no key.
func checkTruststoreDecodes(name, password string, files map[string][]byte) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		der, err := storedFileOf(s, name, "truststore")
		if err != nil {
			return err
		}
		files[name] = der
		want, err := stateCertList(s, trustedCertNames)
		if err != nil {
			return err
		}
		got, err := gopkcs12.DecodeTrustStore(der, password)
		if err != nil {
			return fmt.Errorf("%s: go-pkcs12 cannot decode: %w", name, err)
		}
		if err := sameCerts(got, want); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if password != "" {
			if _, err := gopkcs12.DecodeTrustStore(der, "wrong-"+password); err == nil {
				return fmt.Errorf("%s decodes with a wrong password", name)
			}
		}
		return nil
	}
}

// checkJKSTrustStore reads the JKS truststore with keystore-go: a
// trustedCertEntry per certificate under the lowercased aliases.
func checkJKSTrustStore(name, password string, aliases []string, files map[string][]byte) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		der, err := storedFileOf(s, name, "truststore")
		if err != nil {
			return err
		}
		files[name] = der
		store, err := loadJKS(der, password)
		if err != nil {
			return err
		}
		want, err := stateCertList(s, trustedCertNames)
		if err != nil {
			return err
		}
		for i, alias := range aliases {
			entry, err := store.GetTrustedCertificateEntry(alias)
			if err != nil {
				return fmt.Errorf("%s: alias %q: %w", name, alias, err)
			}
			if string(entry.Certificate.Content) != string(want[i].Raw) {
				return fmt.Errorf("%s: alias %q holds the wrong certificate", name, alias)
			}
		}
		if n := len(store.Aliases()); n != len(aliases) {
			return fmt.Errorf("%s has %d entries, want %d", name, n, len(aliases))
		}
		return nil
	}
}

func aliasList(aliases ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(aliases))
	for i, a := range aliases {
		checks[i] = knownvalue.StringExact(a)
	}
	return knownvalue.ListExact(checks)
}

func TestAccTruststore_formats(t *testing.T) {
	files := map[string][]byte{}
	var checks []resource.TestCheckFunc
	for _, enc := range keystore.Encodings() {
		checks = append(checks, checkTruststoreDecodes("mtls_truststore."+string(enc), pkcs12Password(enc), files))
	}
	jksAliases := []string{"root", "store issuing ca", "partner"}
	checks = append(checks,
		checkTruststoreDecodes("mtls_truststore.named", "pw-named", files),
		checkJKSTrustStore("mtls_truststore.jks", "pw-jks", jksAliases, files),
	)
	var firstNamed string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: truststoreConfig(`["Root", "", "Partner"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_truststore.modern", tfjsonpath.New("entry_aliases"), aliasList(derivedAliases...)),
					statecheck.ExpectKnownValue("mtls_truststore.modern", tfjsonpath.New("format"), knownvalue.StringExact("pkcs12")),
					statecheck.ExpectKnownValue("mtls_truststore.named", tfjsonpath.New("entry_aliases"), aliasList("Root", "store issuing ca", "Partner")),
					statecheck.ExpectKnownValue("mtls_truststore.named", tfjsonpath.New("encoding"), knownvalue.StringExact(string(keystore.DefaultEncoding))),
					statecheck.ExpectKnownValue("mtls_truststore.jks", tfjsonpath.New("entry_aliases"), aliasList(jksAliases...)),
					statecheck.ExpectKnownValue("mtls_truststore.jks", tfjsonpath.New("truststore_sha256"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
					statecheck.CompareValuePairs("mtls_truststore.jks", tfjsonpath.New("id"), "mtls_truststore.jks", tfjsonpath.New("truststore_sha256"), compare.ValuesSame()),
				},
				Check: resource.ComposeTestCheckFunc(append(checks, func(s *terraform.State) error {
					firstNamed = stateAttr(s, "mtls_truststore.named", "truststore_sha256")
					return nil
				})...),
			},
			{
				// New aliases build a new truststore; the others stay.
				Config: truststoreConfig(`["Our Root", "", "Partner"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_truststore.named", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_truststore.modern", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("mtls_truststore.jks", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_truststore.named", tfjsonpath.New("entry_aliases"), aliasList("Our Root", "store issuing ca", "Partner")),
				},
				Check: func(s *terraform.State) error {
					if stateAttr(s, "mtls_truststore.named", "truststore_sha256") == firstNamed {
						return fmt.Errorf("the truststore was not rebuilt")
					}
					return nil
				},
			},
		},
	})
	if t.Failed() || len(files) == 0 {
		return
	}

	// The files Terraform produced, read by their real consumers.
	t.Run("openssl", func(t *testing.T) {
		checkOpenSSLReadsEveryEncoding(t, files, "mtls_truststore.", derivedAliases...)
		if err := checkOpenSSLReads(t, t.TempDir(), files["mtls_truststore.named"], keystore.EncodingModern, "pw-named", "Root", "store issuing ca", "Partner"); err != nil {
			t.Error(err)
		}
	})
	t.Run("keytool", func(t *testing.T) {
		trusted := func(aliases ...string) map[string]string {
			m := map[string]string{}
			for _, a := range aliases {
				m[a] = "trustedCertEntry"
			}
			return m
		}
		cases := []struct {
			name, storeType, password string
			aliases                   []string
		}{
			{"mtls_truststore.modern", "PKCS12", pkcs12Password(keystore.EncodingModern), derivedAliases},
			{"mtls_truststore.passwordless", "PKCS12", "", derivedAliases},
			{"mtls_truststore.named", "PKCS12", "pw-named", jksAliases}, // Java lowercases aliases
			{"mtls_truststore.jks", "JKS", "pw-jks", jksAliases},
		}
		for _, c := range cases {
			if err := checkKeytoolEntries(t, c.storeType, files[c.name], c.password, trusted(c.aliases...)); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	})
}

func TestAccTruststore_invalidSettings(t *testing.T) {
	store := func(settings string) string {
		return `
resource "mtls_truststore" "bad" {
  certs_pem = ["unused"]
  ` + settings + `
}`
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"unknown format":             {store(`format = "pem"`), `value must be one of`},
		"unknown encoding":           {store(`encoding = "none"`), `value must be one of`},
		"no password":                {store(``), `Missing password`},
		"password with passwordless": {store(`encoding = "passwordless"` + "\n" + `password = "secret"`), `Password given with a passwordless encoding`},
		"jks without password":       {store(`format = "jks"`), `Missing password`},
		"jks with an encoding":       {store(`format = "jks"` + "\n" + `encoding = "modern2026"` + "\n" + `password = "secret"`), `Encoding does not apply to JKS`},
		"not a certificate":          {store(`password = "secret"`), `Invalid certificate PEM`},
		"no certificates": {`
resource "mtls_truststore" "bad" {
  certs_pem = []
  password  = "secret"
}`, `certs_pem list must contain at least 1`},
	})
}

// Alias errors need real certificates, taken from applied resources.
func TestAccTruststore_invalidAliases(t *testing.T) {
	prior := `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Store Root CA" }
}
` + truststorePartnerConfig
	store := func(aliases string) string {
		return prior + `
resource "mtls_truststore" "bad" {
  certs_pem = [mtls_root_ca.root.cert_pem, mtls_root_ca.partner.cert_pem]
  aliases   = ` + aliases + `
  password  = "secret"
}`
	}
	testPlanErrors(t, prior, map[string]planErrorCase{
		"fewer aliases than certificates": {store(`["root"]`), `Wrong number of aliases`},
		"aliases equal ignoring case":     {store(`["Root", "root"]`), `(?s)Invalid aliases.*ignoring case`},
		"alias of spaces only":            {store(`["  ", ""]`), `(?s)Invalid aliases.*empty`},
	})
}
