package provider

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// planDiagnostics records the diagnostics the provider returns when
// Terraform plans: terraform-plugin-testing checks neither warnings nor the
// attribute an error points at, so tests read them where they leave the
// provider.
type planDiagnostics struct {
	mu    sync.Mutex
	diags []*tfprotov6.Diagnostic
}

type recordingServer struct {
	tfprotov6.ProviderServer
	rec *planDiagnostics
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.mu.Lock()
		defer s.rec.mu.Unlock()
		s.rec.diags = append(s.rec.diags, resp.Diagnostics...)
	}
	return resp, err
}

func (r *planDiagnostics) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"mtls": func() (tfprotov6.ProviderServer, error) {
			srv, err := providerserver.NewProtocol6WithError(New("test")())()
			return recordingServer{srv, r}, err
		},
	}
}

// find fails unless a recorded diagnostic of that severity points at attr
// (as tftypes prints a path) with that summary and a detail containing detail.
func (r *planDiagnostics) find(severity tfprotov6.DiagnosticSeverity, attr, summary, detail string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var got []string
	for _, d := range r.diags {
		if d.Severity == severity && d.Attribute != nil && d.Attribute.String() == attr && d.Summary == summary && strings.Contains(d.Detail, detail) {
			return nil
		}
		got = append(got, fmt.Sprintf("%s %v: %s: %s", d.Severity, d.Attribute, d.Summary, d.Detail))
	}
	return fmt.Errorf("no %s on %s %q mentioning %q; got %q", severity, attr, summary, detail, got)
}

func (r *planDiagnostics) expectWarning(attr, summary, detail string) func(*terraform.State) error {
	return func(*terraform.State) error {
		return r.find(tfprotov6.DiagnosticSeverityWarning, attr, summary, detail)
	}
}

// Subject bounds count characters: a 30-character CJK common name (90 bytes)
// and a 46-character Cyrillic organization (87 bytes) are within them, and
// the certificate carries them exactly.
func TestAccCertificate_unicodeSubjectRoundTrips(t *testing.T) {
	cjk := strings.Repeat("証明書", 10)
	cyrillic := "Общество с ограниченной ответственностью Марс."
	config := func(country string) string {
		return fmt.Sprintf(`
resource "mtls_root_ca" "root" {
  subject = { common_name = %q, organization = %q, country = %q }
}`, cjk, cyrillic, country)
	}
	rec := &planDiagnostics{}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			// The error points at the nested attribute, checked below.
			Config:      config("ru"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Invalid country code`),
		}, {
			Config: config("RU"),
			Check: func(s *terraform.State) error {
				certs, err := stateCerts(s, "mtls_root_ca.root", "cert_pem")
				if err != nil {
					return err
				}
				got := pki.SubjectFromName(certs[0].Subject)
				if got != (pki.Subject{CommonName: cjk, Organization: cyrillic, Country: "RU"}) {
					return fmt.Errorf("subject came back as %+v", got)
				}
				return nil
			},
		}},
	})
	if err := rec.find(tfprotov6.DiagnosticSeverityError, `AttributeName("subject").AttributeName("country")`, "Invalid country code", `"ru"`); err != nil {
		t.Error(err)
	}
}

// CSR mode: key_algorithm reports the key's real size, also for a CSR known
// only at apply (Terraform plans again then); subject attributes the
// certificate will not carry are warned about at plan, emailAddress pointing
// at email_addresses.
func TestAccServerCert_csrKeySizeAndDroppedSubject(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	csrPath := dir + "/odd.csr"
	out, err := exec.Command(openssl, "req", "-new", "-newkey", "rsa:2560", "-nodes", "-keyout", dir+"/odd.key", "-out", csrPath,
		"-subj", "/CN=odd.example.com/OU=Ops/OU=Security/emailAddress=ops@example.com",
		"-addext", "subjectAltName=DNS:odd.example.com").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	rec := &planDiagnostics{}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			Config: `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Root" }
}

resource "mtls_server_cert" "odd" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  csr_pem            = file("` + csrPath + `")
}

# The CSR reaches the resource only at apply.
resource "terraform_data" "csr" {
  input = file("` + csrPath + `")
}

resource "mtls_client_cert" "late" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  csr_pem            = terraform_data.csr.output
  subject            = { common_name = "late" }
}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("mtls_server_cert.odd", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("RSA_2560")),
				plancheck.ExpectUnknownValue("mtls_client_cert.late", tfjsonpath.New("key_algorithm")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("mtls_server_cert.odd", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("RSA_2560")),
				statecheck.ExpectKnownValue("mtls_client_cert.late", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("RSA_2560")),
				statecheck.ExpectKnownValue("mtls_server_cert.odd", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=odd.example.com,OU=Ops")),
			},
			Check: resource.ComposeTestCheckFunc(
				rec.expectWarning(`AttributeName("csr_pem")`, "CSR subject emailAddress is dropped", `email_addresses = ["ops@example.com"]`),
				rec.expectWarning(`AttributeName("csr_pem")`, "CSR subject attributes are dropped", "organizational_unit=Security"),
			),
		}},
	})
}

// A custom EKU used to switch the issuance-time check to "any usage": below
// a CA limited to serverAuth, a client certificate with a private OID was
// issued although no verifier would accept it. Now plan refuses it.
func TestAccClientCert_extKeyUsageNestingWithCustomOID(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	dir := t.TempDir()
	out, err := exec.Command(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
		"-keyout", dir+"/ca.key", "-out", dir+"/ca.pem", "-subj", "/CN=Server-only CA",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
		"-addext", "extendedKeyUsage=serverAuth").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	leaf := func(ekus string) string {
		return `
resource "mtls_client_cert" "c" {
  ca_cert_pem           = file("` + dir + `/ca.pem")
  ca_private_key_pem    = file("` + dir + `/ca.key")
  validity_period_hours = 24
  dns_names             = ["c.example.com"]
  extended_key_usages   = ` + ekus + `
}`
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"client_auth with a custom OID": {leaf(`["client_auth", "1.3.6.1.4.1.99999.1"]`), `(?s)Extended key usage not allowed by the CA.*Server-only\s+CA.*client_auth`},
		"custom OID alone":              {leaf(`["1.3.6.1.4.1.99999.1"]`), `(?s)Extended key usage not allowed by the CA.*1\.3\.6\.1\.4\.1\.99999\.1`},
	})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: leaf(`["server_auth"]`)}},
	})
}
