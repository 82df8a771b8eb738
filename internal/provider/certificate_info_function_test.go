package provider

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// Provider functions need Terraform 1.8 or OpenTofu 1.7; older CLIs skip.
var functionsVersion = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

const functionsPKI = `
resource "mtls_root_ca" "root" {
  subject         = { common_name = "Functions Root", organization = "Example" }
  max_path_length = 1
}

resource "mtls_root_ca" "unlimited" {
  subject = { common_name = "Unlimited Root" }
}

resource "mtls_intermediate_ca" "inter" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Functions Intermediate" }
  max_path_length    = 0
  validity_period_hours = 2000
}

resource "mtls_server_cert" "x" {
  ca_cert_pem         = "${mtls_intermediate_ca.inter.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem  = mtls_intermediate_ca.inter.private_key_pem
  key_algorithm       = "RSA_2048"
  subject             = { common_name = "web.example.com", organization = "Example", country = "DE" }
  dns_names           = ["web.example.com", "*.web.example.com"]
  ip_addresses        = ["10.0.0.1", "fd00::1"]
  uris                = ["spiffe://example.org/web"]
  email_addresses     = ["ops@example.com"]
  extended_key_usages = ["server_auth", "client_auth", "1.3.6.1.4.1.311.10.3.12"]
  validity_period_hours = 100
}
`

// certificate_info reads back exactly what the resources put in state:
// the same names and the same formats, null max_path_length when unlimited.
func TestAccCertificateInfoFunction_matchesResourceState(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   functionsVersion,
		Steps: []resource.TestStep{{
			Config: functionsPKI + `
output "server"    { value = provider::mtls::certificate_info(mtls_server_cert.x.cert_pem) }
output "fullchain" { value = provider::mtls::certificate_info(mtls_server_cert.x.fullchain_pem) }
output "inter"     { value = provider::mtls::certificate_info(mtls_intermediate_ca.inter.cert_pem) }
output "root"      { value = provider::mtls::certificate_info(mtls_root_ca.root.cert_pem) }
output "unlimited" { value = provider::mtls::certificate_info(mtls_root_ca.unlimited.cert_pem) }
`,
			Check: resource.ComposeTestCheckFunc(
				checkInfoMatches("server", "mtls_server_cert.x", "mtls_intermediate_ca.inter", true),
				checkInfoMatches("fullchain", "mtls_server_cert.x", "mtls_intermediate_ca.inter", true),
				checkInfoMatches("inter", "mtls_intermediate_ca.inter", "mtls_root_ca.root", false),
				checkInfoMatches("root", "mtls_root_ca.root", "mtls_root_ca.root", false),
				checkInfoMatches("unlimited", "mtls_root_ca.unlimited", "mtls_root_ca.unlimited", false),
				checkOutputField("root", "max_path_length", "1"),
				checkOutputField("inter", "max_path_length", "0"),
				checkOutputField("unlimited", "max_path_length", "<nil>"),
				checkOutputField("root", "is_ca", "true"),
				checkOutputField("server", "is_ca", "false"),
				checkOutputField("server", "max_path_length", "<nil>"),
				checkOutputField("root", "extended_key_usages", "[]"),
				checkOutputField("root", "dns_names", "[]"),
			),
		}},
	})
}

// checkInfoMatches compares a certificate_info output with the attributes of
// the resource whose certificate it describes, field by field.
func checkInfoMatches(output, name, issuer string, leaf bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		out, ok := s.RootModule().Outputs[output]
		if !ok {
			return fmt.Errorf("no output %q", output)
		}
		info, ok := out.Value.(map[string]any)
		if !ok {
			return fmt.Errorf("output %q is %T, not an object", output, out.Value)
		}
		attrs := s.RootModule().Resources[name].Primary.Attributes
		var errs []string
		same := func(field, got, want string) {
			if got != want {
				errs = append(errs, fmt.Sprintf("%s: certificate_info %q, %s %q", field, got, name, want))
			}
		}
		for _, f := range []string{"serial_number", "fingerprint_sha256", "not_before", "not_after", "subject_dn", "key_algorithm"} {
			same(f, fmt.Sprint(info[f]), attrs[f])
		}
		same("issuer_dn", fmt.Sprint(info["issuer_dn"]), s.RootModule().Resources[issuer].Primary.Attributes["subject_dn"])
		same("max_path_length", strings.Replace(fmt.Sprint(info["max_path_length"]), "<nil>", "", 1), attrs["max_path_length"])
		subject, _ := info["subject"].(map[string]any)
		for k := range subjectAttrTypes {
			same("subject."+k, strings.Replace(fmt.Sprint(subject[k]), "<nil>", "", 1), attrs["subject."+k])
		}
		lists := []string{"dns_names", "ip_addresses", "uris", "email_addresses", "extended_key_usages"}
		if !leaf {
			lists = nil
		}
		for _, l := range lists {
			got, _ := info[l].([]any)
			same(l+".#", fmt.Sprint(len(got)), attrs[l+".#"])
			for i, v := range got {
				same(fmt.Sprintf("%s.%d", l, i), fmt.Sprint(v), attrs[fmt.Sprintf("%s.%d", l, i)])
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("output %s differs from %s:\n%s", output, name, strings.Join(errs, "\n"))
		}
		return nil
	}
}

func checkOutputField(output, field, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		info, _ := s.RootModule().Outputs[output].Value.(map[string]any)
		if got := fmt.Sprint(info[field]); got != want {
			return fmt.Errorf("output %s.%s = %s, want %s", output, field, got, want)
		}
		return nil
	}
}

// The small functions agree with the resources and with openssl.
func TestAccPEMFunctions(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   functionsVersion,
		Steps: []resource.TestStep{{
			Config: functionsPKI + `
output "fingerprint"  { value = provider::mtls::fingerprint(mtls_server_cert.x.fullchain_pem) }
output "pin_cert"     { value = provider::mtls::public_key_fingerprint(mtls_server_cert.x.cert_pem) }
output "pin_key"      { value = provider::mtls::public_key_fingerprint(mtls_server_cert.x.public_key_pem) }
output "split"        { value = provider::mtls::split_pem(mtls_server_cert.x.fullchain_pem) }
output "split_issuer" { value = provider::mtls::split_pem(mtls_server_cert.x.fullchain_pem)[1] == mtls_intermediate_ca.inter.cert_pem }
output "verified"     { value = provider::mtls::verify_chain(mtls_server_cert.x.fullchain_pem, mtls_root_ca.root.cert_pem, "server_auth") }
output "verified_any" { value = provider::mtls::verify_chain(mtls_server_cert.x.cert_pem, "${mtls_intermediate_ca.inter.cert_pem}${mtls_root_ca.root.cert_pem}", "any") }
`,
			Check: resource.ComposeTestCheckFunc(
				func(s *terraform.State) error {
					if got, want := s.RootModule().Outputs["fingerprint"].Value, stateAttr(s, "mtls_server_cert.x", "fingerprint_sha256"); got != want {
						return fmt.Errorf("fingerprint %v, resource %s", got, want)
					}
					split, _ := s.RootModule().Outputs["split"].Value.([]any)
					if len(split) != 2 || split[0] != stateAttr(s, "mtls_server_cert.x", "cert_pem") {
						return fmt.Errorf("split_pem(fullchain_pem) = %v", split)
					}
					return nil
				},
				resource.TestCheckOutput("split_issuer", "true"),
				resource.TestCheckOutput("verified", "true"),
				resource.TestCheckOutput("verified_any", "true"),
				checkOpenSSLPin(t, "pin_cert"),
				checkOpenSSLPin(t, "pin_key"),
			),
		}},
	})
}

// checkOpenSSLPin compares a public_key_fingerprint output with the pin
// openssl computes from the certificate.
func checkOpenSSLPin(t *testing.T, output string) resource.TestCheckFunc {
	openssl := testtools.RequireTool(t, "openssl")
	return func(s *terraform.State) error {
		dir := t.TempDir()
		cert := testtools.WriteFile(t, dir, "cert.pem", stateAttr(s, "mtls_server_cert.x", "cert_pem"))
		out, _, err := testtools.RunCommand(t, 30*time.Second, "sh", "-c",
			openssl+" x509 -in "+cert+" -pubkey -noout | "+openssl+" pkey -pubin -outform der | "+openssl+" dgst -sha256 -binary | base64")
		if err != nil {
			return err
		}
		if got := s.RootModule().Outputs[output].Value; got != strings.TrimSpace(out) {
			return fmt.Errorf("%s = %v, openssl says %s", output, got, strings.TrimSpace(out))
		}
		return nil
	}
}

// functionFixtures are certificates and keys the provider would refuse to
// make, written with crypto/x509 alone.
type functionFixtures struct {
	keyPEM, rootPEM, shortLivedPEM, constrainedRootPEM, outsidePEM, notCAPEM, underNotCAPEM string
}

func newFunctionFixtures(t *testing.T, now time.Time) functionFixtures {
	t.Helper()
	mk := func(tmpl *x509.Certificate, parent *x509.Certificate, parentKey *pkiKey) (*x509.Certificate, *pkiKey) {
		key := newPKIKey(t)
		if parentKey == nil {
			parentKey = key
		}
		if tmpl.NotBefore.IsZero() {
			tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(1000*time.Hour)
		}
		c, err := testtools.SignCertificate(tmpl, parent, parentKey.Signer, key.Signer)
		if err != nil {
			t.Fatal(err)
		}
		return c, key
	}
	ca := func(cn string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, MaxPathLen: -1}
	}
	leaf := func(cn string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	}
	root, rootKey := mk(ca("Fixture Root"), nil, nil)
	short := leaf("short.example.com")
	short.NotBefore, short.NotAfter = now.Add(-time.Hour), now.Add(time.Hour)
	shortLived, _ := mk(short, root, rootKey)
	constrained := ca("Constrained Root")
	constrained.PermittedDNSDomains, constrained.PermittedDNSDomainsCritical = []string{"example.com"}, true
	croot, crootKey := mk(constrained, nil, nil)
	outside, _ := mk(leaf("evil.org"), croot, crootKey)
	notCATmpl := ca("Not A CA")
	notCATmpl.IsCA = false
	notCA, notCAKey := mk(notCATmpl, root, rootKey)
	under, _ := mk(leaf("under.example.com"), notCA, notCAKey)
	return functionFixtures{
		keyPEM: rootKey.PEM, rootPEM: pki.EncodeCertificatesPEM(root), shortLivedPEM: pki.EncodeCertificatesPEM(shortLived),
		constrainedRootPEM: pki.EncodeCertificatesPEM(croot), outsidePEM: pki.EncodeCertificatesPEM(outside),
		notCAPEM: pki.EncodeCertificatesPEM(notCA), underNotCAPEM: pki.EncodeCertificatesPEM(under),
	}
}

// heredoc quotes PEM text for a configuration.
func heredoc(pem string) string { return "<<-EOT\n" + pem + "EOT\n" }

// testFunctionErrors expects each configuration to fail at plan with an
// error matching its pattern, on CLIs that have provider functions.
func testFunctionErrors(t *testing.T, factories map[string]func() (tfprotov6.ProviderServer, error), cases map[string]planErrorCase) {
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: factories,
				TerraformVersionChecks:   functionsVersion,
				Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.err)}},
			})
		})
	}
}

// Bad input fails the call, naming the argument and what it holds instead.
func TestAccPEMFunctions_badInput(t *testing.T) {
	fx := newFunctionFixtures(t, time.Now())
	call := func(expr string) string { return "output \"x\" {\n  value = " + expr + "\n}\n" }
	key := heredoc(fx.keyPEM)
	testFunctionErrors(t, testAccProtoV6ProviderFactories, map[string]planErrorCase{
		"info: not PEM":        {call(`provider::mtls::certificate_info("hello")`), wrapped(`Invalid value for "pem" parameter: Invalid certificate: no PEM certificate found: expected -----BEGIN CERTIFICATE-----.`)},
		"info: a key":          {call(`provider::mtls::certificate_info(` + key + `)`), wrapped(`"pem" parameter`, `but the text holds only PRIVATE KEY`)},
		"info: empty":          {call(`provider::mtls::certificate_info("")`), wrapped(`"pem" parameter: Invalid certificate: no PEM certificate found`)},
		"fingerprint: a key":   {call(`provider::mtls::fingerprint(` + key + `)`), wrapped(`"pem" parameter`, `holds only PRIVATE KEY`)},
		"pin: a private key":   {call(`provider::mtls::public_key_fingerprint(` + key + `)`), wrapped(`"pem" parameter: Invalid public key: no certificate or public key found`, `holds only PRIVATE KEY`)},
		"pin: not PEM":         {call(`provider::mtls::public_key_fingerprint("hello")`), wrapped(`"pem" parameter: Invalid public key`)},
		"split: empty":         {call(`provider::mtls::split_pem("")`), wrapped(`"bundle" parameter: Invalid PEM bundle: no PEM block found`)},
		"split: not PEM":       {call(`provider::mtls::split_pem("hello")`), wrapped(`"bundle" parameter: Invalid PEM bundle`)},
		"verify: cert not PEM": {call(`provider::mtls::verify_chain("hello", ` + heredoc(fx.rootPEM) + `, "any")`), wrapped(`"cert_pem" parameter: Invalid certificate: no PEM certificate found`)},
		"verify: key as cert":  {call(`provider::mtls::verify_chain(` + key + `, ` + heredoc(fx.rootPEM) + `, "any")`), wrapped(`"cert_pem" parameter`, `holds only PRIVATE KEY`)},
		"verify: empty bundle": {call(`provider::mtls::verify_chain(` + heredoc(fx.shortLivedPEM) + `, "", "any")`), wrapped(`"ca_bundle_pem" parameter: Invalid CA bundle: no PEM certificate found`)},
		"verify: no root":      {call(`provider::mtls::verify_chain(` + heredoc(fx.underNotCAPEM) + `, ` + heredoc(fx.notCAPEM) + `, "any")`), wrapped(`"ca_bundle_pem" parameter: Invalid CA bundle: ca_bundle_pem holds no self-signed root certificate`)},
		"verify: bad purpose":  {call(`provider::mtls::verify_chain(` + heredoc(fx.shortLivedPEM) + `, ` + heredoc(fx.rootPEM) + `, "serverAuth")`), wrapped(`"purpose" parameter: Invalid purpose: unknown purpose "serverAuth": use server_auth`)},
	})
}

// pkiKey is a fresh key and its PKCS#8 PEM.
type pkiKey struct {
	Signer crypto.Signer
	PEM    string
}

func newPKIKey(t *testing.T) *pkiKey {
	t.Helper()
	k, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := pki.EncodeKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return &pkiKey{k, enc.PKCS8PEM}
}
