package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The data source needs no provider functions: it runs on Terraform 1.5.
const certificateDataSourceConfig = functionsPKI + `
data "mtls_certificate" "chain" {
  content       = mtls_server_cert.x.fullchain_pem
  ca_bundle_pem = mtls_root_ca.root.cert_pem
  purpose       = "server_auth"
}

data "mtls_certificate" "as_client" {
  content       = mtls_server_cert.x.fullchain_pem
  ca_bundle_pem = mtls_root_ca.unlimited.cert_pem
  purpose       = "client_auth"
}

data "mtls_certificate" "root" {
  content = mtls_root_ca.root.cert_pem
}
`

// Every certificate of the bundle, as the resources store it; the hours left
// follow the provider's clock; verification is reported, not raised.
func TestAccCertificateDataSource(t *testing.T) {
	clock := newTestClock()
	clock.now = clock.now.Truncate(time.Second).Add(500 * time.Millisecond)
	same := func(i int, res string, attrs ...string) resource.TestCheckFunc {
		var checks []resource.TestCheckFunc
		for _, a := range attrs {
			checks = append(checks, resource.TestCheckResourceAttrPair("data.mtls_certificate.chain", fmt.Sprintf("certificates.%d.%s", i, a), res, a))
		}
		return resource.ComposeTestCheckFunc(checks...)
	}
	base := []string{"serial_number", "fingerprint_sha256", "not_before", "not_after", "subject_dn", "key_algorithm", "cert_pem", "subject.common_name"}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		Steps: []resource.TestStep{
			{
				Config: certificateDataSourceConfig,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "certificates.#", "2"),
					same(0, "mtls_server_cert.x", append(base, "subject.organization", "subject.country", "dns_names.0", "dns_names.1", "ip_addresses.1", "uris.0", "email_addresses.0", "extended_key_usages.2")...),
					same(1, "mtls_intermediate_ca.inter", append(base, "max_path_length")...),
					resource.TestCheckResourceAttrPair("data.mtls_certificate.chain", "certificates.0.issuer_dn", "mtls_intermediate_ca.inter", "subject_dn"),
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "certificates.0.is_ca", "false"),
					resource.TestCheckNoResourceAttr("data.mtls_certificate.chain", "certificates.0.max_path_length"),
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "certificates.1.is_ca", "true"),
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "certificates.0.hours_remaining", "99"),
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "certificates.1.hours_remaining", "1999"),
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "verified", "true"),
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "verification_error", ""),
					resource.TestCheckResourceAttr("data.mtls_certificate.as_client", "verified", "false"),
					resource.TestMatchResourceAttr("data.mtls_certificate.as_client", "verification_error", regexp.MustCompile(
						`^content does not verify against ca_bundle_pem for client_auth: unknown authority: "CN=Functions Intermediate" \(certificate 2 of content\) was issued by "CN=Functions Root,O=Example", which is neither a root in ca_bundle_pem`)),
					resource.TestCheckResourceAttr("data.mtls_certificate.root", "certificates.#", "1"),
					resource.TestCheckResourceAttr("data.mtls_certificate.root", "certificates.0.max_path_length", "1"),
					resource.TestCheckResourceAttr("data.mtls_certificate.root", "certificates.0.extended_key_usages.#", "0"),
					resource.TestCheckNoResourceAttr("data.mtls_certificate.root", "verified"),
				),
			},
			{
				// Fifty hours later the data source reads less time left.
				PreConfig: func() { clock.Advance(50 * time.Hour) },
				Config:    certificateDataSourceConfig,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "certificates.0.hours_remaining", "49"),
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "certificates.1.hours_remaining", "1949"),
				),
			},
			{
				// Past not_after the chain no longer verifies, and says why.
				PreConfig: func() { clock.Advance(51 * time.Hour) },
				Config: functionsPKI + `
data "mtls_certificate" "chain" {
  content       = mtls_server_cert.x.fullchain_pem
  ca_bundle_pem = mtls_root_ca.root.cert_pem
}
`,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true, // the expired certificate is due for renewal
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("data.mtls_certificate.chain", "certificates.0.hours_remaining", "-2"),
				),
			},
		},
	})
}

// Bad input is an error at plan on the attribute at fault.
func TestAccCertificateDataSource_badInput(t *testing.T) {
	fx := newFunctionFixtures(t, time.Now())
	ds := func(body string) string { return "data \"mtls_certificate\" \"x\" {\n" + body + "\n}\n" }
	testPlanErrors(t, "", map[string]planErrorCase{
		"not PEM":            {ds(`content = "hello"`), wrapped(`Error: Invalid certificate bundle`, `with data.mtls_certificate.x`, `content = "hello"`, `no PEM certificate found: expected -----BEGIN CERTIFICATE-----. Pass PEM text`)},
		"a key":              {ds(`content = ` + heredoc(fx.keyPEM)), wrapped(`Invalid certificate bundle`, `but the text holds only PRIVATE KEY`)},
		"empty":              {ds(`content = ""`), wrapped(`Invalid certificate bundle`, `no PEM certificate found`)},
		"unknown purpose":    {ds(`content = ` + heredoc(fx.rootPEM) + `ca_bundle_pem = ` + heredoc(fx.rootPEM) + `purpose = "serverAuth"`), wrapped(`Invalid Attribute Value Match`, `purpose`, `server_auth`)},
		"purpose, no bundle": {ds(`content = ` + heredoc(fx.rootPEM) + `purpose = "server_auth"`), wrapped(`Invalid Attribute Combination`, `ca_bundle_pem`)},
		"bundle not PEM":     {ds(`content = ` + heredoc(fx.rootPEM) + `ca_bundle_pem = "hello"`), wrapped(`Invalid CA bundle`, `ca_bundle_pem = "hello"`, `no PEM certificate found`)},
		"bundle without root": {ds(`content = ` + heredoc(fx.underNotCAPEM) + `ca_bundle_pem = ` + heredoc(fx.notCAPEM)),
			wrapped(`Invalid CA bundle`, `ca_bundle_pem holds no self-signed root certificate (it has "CN=Not A CA" issued by "CN=Fixture Root")`)},
	})
}

// The example's check block warns when a certificate is close to expiry,
// and stays quiet otherwise.
func TestAccCertificateDataSource_checkBlockExample(t *testing.T) {
	example, err := os.ReadFile("../../examples/data-sources/mtls_certificate/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	cli := newTerraformCLI(t)
	pkiConfig := `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Example Root" }
}

resource "mtls_server_cert" "web" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  subject               = { common_name = "web.example.com" }
  dns_names             = ["web.example.com"]
  validity_period_hours = 100
}
`
	warning := func(diags []tfDiagnostic) string {
		for _, d := range diags {
			if d.Severity == "warning" && d.Summary == "Check block assertion failed" {
				return d.Detail
			}
		}
		return ""
	}
	// 100 hours left, below the example's 720: the check warns, naming the certificate.
	w := warning(cli.Run(pkiConfig+string(example), "apply", "-auto-approve", "-json"))
	if !regexp.MustCompile(`^A certificate of the web chain expires in fewer than 720 hours: CN=web.example.com at \S+Z\.$`).MatchString(w) {
		t.Errorf("expiry warning: %q", w)
	}
	// With a threshold of 10 hours the chain passes both assertions.
	if w := warning(cli.Run(pkiConfig+strings.ReplaceAll(string(example), "720", "10"), "apply", "-auto-approve", "-json")); w != "" {
		t.Errorf("unexpected warning: %q", w)
	}
}
