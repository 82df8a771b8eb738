package provider

import (
	"crypto/x509"
	"crypto/x509/pkix"
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

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

const testRoot = `
resource "mtls_root_ca" "root" {
  subject               = { common_name = "Test Root" }
  validity_period_hours = 1000
  permitted_dns_domains = ["example.com", "localhost"]
}
`

// Each bad input is refused at plan time with the attribute and the fix.
func TestAccServerCert_invalidInputs(t *testing.T) {
	leaf := func(body string) string {
		return testRoot + `
resource "mtls_server_cert" "bad" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  ` + body + `
}`
	}
	cases := map[string]planErrorCase{
		"no SAN":      {leaf(`subject = { common_name = "web.example.com" }`), `(?s)Server certificate without DNS or IP names.*Set dns_names`},
		"bad DNS":     {leaf(`dns_names = ["web..example.com"]`), `(?s)Invalid DNS name.*empty or over-long label`},
		"bad IP":      {leaf(`ip_addresses = ["10.0.0.300"]`), `(?s)Invalid IP address.*not an IPv4 or IPv6`},
		"bad URI":     {leaf(`dns_names = ["a.example.com"]` + "\n" + `uris = ["no-scheme"]`), `(?s)Invalid URI.*absolute URI`},
		"bad email":   {leaf(`dns_names = ["a.example.com"]` + "\n" + `email_addresses = ["not-an-email"]`), `(?s)Invalid email address`},
		"outside NC":  {leaf(`dns_names = ["evil.org"]`), `(?s)DNS name outside the CA's name constraints.*evil\.org`},
		"outlives CA": {leaf(`dns_names = ["a.example.com"]` + "\n" + `validity_period_hours = 2000`), `(?s)Certificate would outlive its CA.*Lower\s+validity_period_hours`},
		"bad EKU":     {leaf(`dns_names = ["a.example.com"]` + "\n" + `extended_key_usages = ["serverAuth"]`), `(?s)Unknown extended key usage.*dotted OID`},
		"garbage CSR": {leaf(`csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"`), `(?s)Invalid certificate signing request`},
		// Issue 7: each of these passed plan and failed at apply, or made a
		// certificate that differs from the config.
		"backdate beyond validity": {leaf(`dns_names = ["a.example.com"]` + "\n" + `validity_period_hours = 1` + "\n" + `backdate_minutes = 180`),
			`(?s)Backdate as long as the validity.*backdate_minutes\s+=\s+180.*below\s+60`},
		"EKU OID of a named usage":    {leaf(`dns_names = ["a.example.com"]` + "\n" + `extended_key_usages = ["server_auth", "1.3.6.1.5.5.7.3.1"]`), `(?s)Unknown extended key usage.*write\s+"server_auth"`},
		"non-ASCII email":             {leaf(`dns_names = ["a.example.com"]` + "\n" + `email_addresses = ["josé@example.com"]`), `(?s)Invalid email address.*SmtpUTF8Mailbox`},
		"email with two @":            {leaf(`dns_names = ["a.example.com"]` + "\n" + `email_addresses = ["a@b@example.com"]`), `(?s)Invalid email address.*'@'`},
		"URI with a space":            {leaf(`dns_names = ["a.example.com"]` + "\n" + `uris = ["spiffe://example.com/my service"]`), `(?s)Invalid URI.*spiffe://example.com/my%20service`},
		"IDN as U-label":              {leaf(`dns_names = ["café.example.com"]`), `(?s)Invalid DNS name.*xn--caf-dma.example.com`},
		"DNS names differing in case": {leaf(`dns_names = ["a.example.com", "A.example.com"]`), `(?s)Duplicate DNS name.*ignore\s+case`},
		"IPv4 and its mapped form":    {leaf(`ip_addresses = ["10.0.0.1", "::ffff:10.0.0.1"]`), `(?s)Duplicate IP address`},
		"CRL URL not http or ldap":    {leaf(`dns_names = ["a.example.com"]` + "\n" + `crl_distribution_points = ["ftp://pki.example.com/ca.crl"]`), `(?s)Invalid URL.*http,\s+https\s+or\s+ldap`},
		"AIA URL without scheme":      {leaf(`dns_names = ["a.example.com"]` + "\n" + `issuing_certificate_urls = ["pki.example.com/ca.crt"]`), `(?s)Invalid URL.*absolute\s+URI`},
		"lowercase country":           {leaf(`dns_names = ["a.example.com"]` + "\n" + `subject = { country = "se" }`), `(?s)Invalid country code.*in\s+capitals`},
		"CJK common name too long":    {leaf(`dns_names = ["a.example.com"]` + "\n" + `subject = { common_name = "` + strings.Repeat("証", 65) + `" }`), `(?s)Subject attribute too long.*65\s+characters;\s+RFC\s+5280\s+allows\s+at\s+most\s+64`},
	}
	testPlanErrors(t, testRoot, cases)
}

// Config validation needs no state: CSR mode and key generation exclude each other.
func TestAccServerCert_csrConflicts(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "mtls_server_cert" "bad" {
  ca_cert_pem        = "x"
  ca_private_key_pem = "y"
  key_algorithm      = "RSA_2048"
  csr_pem            = "z"
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*key_algorithm`),
		}},
	})
}

// Bad issuer inputs: the CA material itself is wrong.
func TestAccServerCert_invalidIssuer(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	weakCSR := dir + "/weak.csr"
	if out, err := exec.Command(openssl, "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", dir+"/weak.key", "-out", weakCSR, "-subj", "/CN=weak").CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	// An encrypted key of a type the provider does not sign with: it decrypts
	// with its passphrase, so the passphrase must not be blamed.
	x25519Key := dir + "/x25519.key"
	if out, err := exec.Command(openssl, "genpkey", "-algorithm", "X25519", "-aes-256-cbc", "-pass", "pass:pw", "-out", x25519Key).CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	base := testRoot + `
resource "mtls_root_ca" "other" {
  subject = { common_name = "Other" }
}

resource "mtls_client_cert" "leaf" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  dns_names             = ["leaf.example.com"]
  validity_period_hours = 100
}

resource "mtls_root_ca" "enc" {
  subject                = { common_name = "Encrypted" }
  private_key_passphrase = "hunter22"
}
`
	signed := func(cert, key, extra string) string {
		return base + `
resource "mtls_server_cert" "bad" {
  ca_cert_pem        = ` + cert + `
  ca_private_key_pem = ` + key + `
  dns_names             = ["a.example.com"]
  validity_period_hours = 100
  ` + extra + `
}`
	}
	cases := map[string]planErrorCase{
		"key mismatch":                           {signed("mtls_root_ca.root.cert_pem", "mtls_root_ca.other.private_key_pem", ""), `(?s)CA private key does not match the CA certificate`},
		"leaf as issuer":                         {signed("mtls_client_cert.leaf.cert_pem", "mtls_client_cert.leaf.private_key_pem", ""), `(?s)Certificate cannot issue certificates.*not a CA certificate`},
		"bad PEM":                                {signed(`"hello"`, "mtls_root_ca.root.private_key_pem", ""), `(?s)Invalid CA certificate.*BEGIN CERTIFICATE`},
		"encrypted, no pass":                     {signed("mtls_root_ca.enc.cert_pem", "mtls_root_ca.enc.private_key_pem_encrypted", ""), `(?s)Encrypted CA private key.*ca_private_key_passphrase`},
		"encrypted, bad pass":                    {signed("mtls_root_ca.enc.cert_pem", "mtls_root_ca.enc.private_key_pem_encrypted", `ca_private_key_passphrase = "nope"`), `(?s)passphrase is wrong`},
		"chain out of order":                     {signed(`"${mtls_root_ca.root.cert_pem}${mtls_root_ca.other.cert_pem}"`, "mtls_root_ca.root.private_key_pem", ""), `(?s)CA chain out of order`},
		"weak RSA CSR":                           {signed("mtls_root_ca.root.cert_pem", "mtls_root_ca.root.private_key_pem", `csr_pem = file("`+weakCSR+`")`), `(?s)1024 bits is too weak`},
		"unsupported key type, right passphrase": {signed("mtls_root_ca.root.cert_pem", `file("`+x25519Key+`")`, `ca_private_key_passphrase = "pw"`), `(?s)Invalid CA private key.*X25519\s+or\s+ECDH\s+key.*use\s+RSA,\s+ECDSA\s+or\s+Ed25519`},
	}
	testPlanErrors(t, base, cases)
	// The encrypted CA key works with its passphrase.
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: signed("mtls_root_ca.enc.cert_pem", "mtls_root_ca.enc.private_key_pem_encrypted", `ca_private_key_passphrase = "hunter22"`),
			Check:  checkChainVerifies("mtls_server_cert.bad", "mtls_root_ca.enc", "server"),
		}},
	})
}

// CSR mode: the requester keeps the key; only its public key is certified.
func TestAccServerCert_csr(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	csrPath := dir + "/client.csr"
	out, err := exec.Command(openssl, "req", "-new", "-newkey", "rsa:3072", "-nodes", "-keyout", dir+"/client.key", "-out", csrPath,
		"-subj", "/C=SE/O=Severalnines AB/OU=Security/CN=myclient.severalnines.internal",
		"-addext", "subjectAltName=DNS:myclient.example.com,IP:10.0.0.7",
		"-addext", "basicConstraints=critical,CA:TRUE").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	config := `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Root" }
}

resource "mtls_server_cert" "from_csr" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  csr_pem            = file("` + csrPath + `")
}

resource "mtls_client_cert" "override" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  csr_pem            = file("` + csrPath + `")
  subject            = { common_name = "overridden" }
  uris               = ["spiffe://example.org/client"]
}`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("mtls_server_cert.from_csr", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("RSA_3072")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("mtls_server_cert.from_csr", tfjsonpath.New("private_key_pem"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue("mtls_server_cert.from_csr", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=myclient.severalnines.internal,OU=Security,O=Severalnines AB,C=SE")),
				statecheck.ExpectKnownValue("mtls_client_cert.override", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=overridden")),
			},
			Check: func(s *terraform.State) error {
				certs, err := stateCerts(s, "mtls_server_cert.from_csr", "cert_pem")
				if err != nil {
					return err
				}
				c := certs[0]
				if c.IsCA || strings.Join(c.DNSNames, ",") != "myclient.example.com" || len(c.IPAddresses) != 1 {
					return fmt.Errorf("CSR names or constraints not handled: isCA=%v dns=%v ip=%v", c.IsCA, c.DNSNames, c.IPAddresses)
				}
				pubOut, err := exec.Command(openssl, "pkey", "-in", dir+"/client.key", "-pubout").Output()
				if err != nil {
					return err
				}
				if pub, _, _ := pki.EncodePublicKey(c.PublicKey); strings.TrimSpace(pub) != strings.TrimSpace(string(pubOut)) {
					return fmt.Errorf("certificate does not certify the CSR's key")
				}
				over, _ := stateCerts(s, "mtls_client_cert.override", "cert_pem")
				if len(over[0].DNSNames) != 0 || len(over[0].URIs) != 1 {
					return fmt.Errorf("resource SANs did not replace the CSR's")
				}
				return nil
			},
		}},
	})
}

// A peer certificate (both EKUs) plus an encrypted key output that OpenSSL
// reads; the passphrase changes in place.
func TestAccServerCert_peerAndEncryptedKey(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	config := func(pass string) string {
		return `
resource "mtls_root_ca" "cluster" {
  subject = { common_name = "Flocker Cluster CA" }
}

resource "mtls_server_cert" "node" {
  ca_cert_pem            = mtls_root_ca.cluster.cert_pem
  ca_private_key_pem     = mtls_root_ca.cluster.private_key_pem
  subject                = { common_name = "node-5b5b2a6c-9d65-4cb0-a0b8-d1d8c3ae5ee8" }
  dns_names              = ["node1.cluster.local"]
  extended_key_usages    = ["server_auth", "client_auth"]
  private_key_passphrase = "` + pass + `"
}`
	}
	readKey := func(pass string) func(*terraform.State) error {
		return func(s *terraform.State) error {
			dir := t.TempDir()
			p := testtools.WriteFile(t, dir, "k.pem", stateAttr(s, "mtls_server_cert.node", "private_key_pem_encrypted"))
			out, err := exec.Command(openssl, "pkey", "-in", p, "-passin", "pass:"+pass, "-pubout").CombinedOutput()
			if err != nil {
				return fmt.Errorf("openssl pkey: %v\n%s", err, out)
			}
			if strings.TrimSpace(string(out)) != strings.TrimSpace(stateAttr(s, "mtls_server_cert.node", "public_key_pem")) {
				return fmt.Errorf("encrypted key is another key")
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("first-pass"),
				Check: resource.ComposeTestCheckFunc(
					readKey("first-pass"),
					checkChainVerifies("mtls_server_cert.node", "mtls_root_ca.cluster", "peer"),
					func(s *terraform.State) error {
						c, _ := stateCerts(s, "mtls_server_cert.node", "cert_pem")
						if len(c[0].ExtKeyUsage) != 2 {
							return fmt.Errorf("peer cert EKUs: %v", c[0].ExtKeyUsage)
						}
						return nil
					},
				),
			},
			{
				Config: config("second-pass"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_server_cert.node", plancheck.ResourceActionUpdate),
				}},
				Check: readKey("second-pass"),
			},
		},
	})
}

// Errors about the CA say what is wrong with the CA, on the attribute at
// fault: an expired or not yet valid CA is not fixed by a shorter validity,
// excluded constraints are reported on excluded_*, and a chain out of order
// names each certificate by its place in ca_cert_pem.
func TestAccServerCert_messagesPointAtTheFault(t *testing.T) {
	dir := t.TempDir()
	ca := func(name string, notBefore, notAfter time.Time) (certFile, keyFile string) {
		key, err := pki.GenerateKey(pki.ECDSAP256)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := testtools.SignCertificate(&x509.Certificate{
			Subject: pkix.Name{CommonName: name}, NotBefore: notBefore, NotAfter: notAfter,
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		}, nil, key, key)
		if err != nil {
			t.Fatal(err)
		}
		enc, err := pki.EncodeKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return testtools.WriteFile(t, dir, name+".pem", pki.EncodeCertificatesPEM(cert)), testtools.WriteFile(t, dir, name+".key", enc.PKCS8PEM)
	}
	now := time.Now()
	expiredCert, expiredKey := ca("expired", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	futureCert, futureKey := ca("future", now.Add(24*time.Hour), now.Add(48*time.Hour))
	leaf := func(cert, key string) string {
		return `
resource "mtls_server_cert" "bad" {
  ca_cert_pem           = ` + cert + `
  ca_private_key_pem    = ` + key + `
  dns_names             = ["a.example.com"]
  validity_period_hours = 1
}`
	}
	file := func(p string) string { return `file("` + p + `")` }
	prior := testRoot + `
resource "mtls_root_ca" "other" {
  subject = { common_name = "Other" }
}
`
	testPlanErrors(t, prior, map[string]planErrorCase{
		"expired CA": {leaf(file(expiredCert), file(expiredKey)),
			wrapped("Issuing CA has expired", "ca_cert_pem =", `CA "CN=expired" expired at `, "Renew or rotate the CA")},
		"CA not yet valid": {leaf(file(futureCert), file(futureKey)),
			wrapped("Issuing CA is not yet valid", "ca_cert_pem =", `CA "CN=future" is valid only from`, "Check the clock")},
		"chain out of order": {prior + leaf(`"${mtls_root_ca.root.cert_pem}${mtls_root_ca.other.cert_pem}"`, "mtls_root_ca.root.private_key_pem"),
			wrapped("CA chain out of order", "ca_cert_pem =", `In ca_cert_pem, certificate 2 (subject "CN=Other") does not sign certificate 1 (subject "CN=Test Root").`)},
		"excluded DNS domain": {`
resource "mtls_root_ca" "bad" {
  subject               = { common_name = "x" }
  permitted_dns_domains = ["example.com"]
  excluded_dns_domains  = ["*.example.com"]
}`, wrapped("Invalid DNS name constraint", "excluded_dns_domains =", `"*.example.com" is not a domain`)},
		"excluded IP range": {`
resource "mtls_root_ca" "bad" {
  subject             = { common_name = "x" }
  permitted_ip_ranges = ["10.0.0.0/8"]
  excluded_ip_ranges  = ["10.1.0.0"]
}`, wrapped("Invalid IP range constraint", "excluded_ip_ranges =", `"10.1.0.0" is not a CIDR range`)},
	})
}
