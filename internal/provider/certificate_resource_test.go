package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// Plan behaviour shared by every certificate resource.

func TestAccCertificate_invalidHours(t *testing.T) {
	testPlanErrors(t, "", map[string]planErrorCase{
		"renewal window as long as validity": {`
resource "mtls_root_ca" "bad" {
  subject               = { common_name = "x" }
  validity_period_hours = 100
  early_renewal_hours   = 100
}`, `(?s)Renewal window covers the whole validity.*below validity_period_hours`},
		"validity beyond 100 years": {`
resource "mtls_root_ca" "bad" {
  subject               = { common_name = "x" }
  validity_period_hours = 876001
}`, `(?s)validity_period_hours.*between 1 and 876000`},
		"null SAN element": {`
resource "mtls_client_cert" "bad" {
  ca_cert_pem        = "x"
  ca_private_key_pem = "y"
  dns_names          = ["a.example.com", null]
}`, `(?s)dns_names.*null`},
	})
}

// A subject whose fields are unknown at plan is not mistaken for an empty one.
func TestAccCertificate_unknownSubjectField(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "name" {
  input = "Late Root"
}

resource "mtls_root_ca" "root" {
  subject = { common_name = terraform_data.name.output }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("mtls_root_ca.root", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=Late Root")),
			},
		}},
	})
}

// Removing an Optional+Computed attribute brings its default back, and the
// certificate is replaced: a removed server_auth must really go.
func TestAccCertificate_removedAttributesRestoreDefaults(t *testing.T) {
	root := `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Root" }
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: root + `
resource "mtls_client_cert" "c" {
  ca_cert_pem         = mtls_root_ca.root.cert_pem
  ca_private_key_pem  = mtls_root_ca.root.private_key_pem
  dns_names           = ["c.example.com"]
  key_algorithm       = "RSA_2048"
  extended_key_usages = ["client_auth", "server_auth"]
}`,
			},
			{
				Config: root + `
resource "mtls_client_cert" "c" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  dns_names          = ["c.example.com"]
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_client_cert.c", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_client_cert.c", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("ECDSA_P256")),
					statecheck.ExpectKnownValue("mtls_client_cert.c", tfjsonpath.New("extended_key_usages"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("client_auth")})),
				},
				Check: checkChainVerifies("mtls_client_cert.c", "mtls_root_ca.root", "client"),
			},
		},
	})
}

// The CA key in another form (re-encrypted with a new passphrase) updates
// what it signed in place; a key of another CA is refused at plan.
func TestAccCertificate_caKeyFormChangesInPlace(t *testing.T) {
	config := func(pass, key string) string {
		return `
resource "mtls_root_ca" "root" {
  subject                = { common_name = "Root" }
  private_key_passphrase = "` + pass + `"
}

resource "mtls_root_ca" "other" {
  subject = { common_name = "Other" }
}

resource "mtls_server_cert" "web" {
  ca_cert_pem               = mtls_root_ca.root.cert_pem
  ca_private_key_pem        = ` + key + `
  ca_private_key_passphrase = "` + pass + `"
  dns_names                 = ["web.example.com"]
}`
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("first-pass", "mtls_root_ca.root.private_key_pem_encrypted")},
			{
				Config: config("second-pass", "mtls_root_ca.root.private_key_pem_encrypted"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_root_ca.root", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("mtls_server_cert.web", plancheck.ResourceActionUpdate),
				}},
			},
			{
				Config:      config("second-pass", "mtls_root_ca.other.private_key_pem"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`CA private key does not match the CA certificate`),
			},
		},
	})
}

// A certificate whose renewal would outlive its CA is issued with a warning
// that says from when reissuing fails: at apply when the CA is made in the
// same run, at plan when the CA exists. One whose renewal is in time gets none.
func TestAccCertificate_renewalOutlivesCAWarning(t *testing.T) {
	t.Parallel()
	tf := newTerraformCLI(t)
	root := `
resource "mtls_root_ca" "root" {
  subject               = { common_name = "Short Root" }
  validity_period_hours = 100
}

output "root_not_after" {
  value = mtls_root_ca.root.not_after
}

resource "mtls_server_cert" "web" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  dns_names             = ["web.example.com"]
  validity_period_hours = 99
}
`
	warnings := func(diags []tfDiagnostic) map[string]tfDiagnostic {
		out := map[string]tfDiagnostic{}
		for _, d := range diags {
			if d.Severity == "error" {
				t.Fatalf("error: %s: %s", d.Summary, d.Detail)
			}
			if d.Severity == "warning" && d.Summary == "Certificate cannot be renewed under this CA" {
				out[d.Address] = d
			}
		}
		return out
	}
	applied := warnings(tf.Run(root, "apply", "-auto-approve", "-json"))
	notAfter, err := time.Parse(time.RFC3339, tf.Output("root_not_after"))
	if err != nil {
		t.Fatal(err)
	}
	failsFrom := notAfter.Add(-99 * time.Hour).UTC().Format(time.RFC3339)
	if w, ok := applied["mtls_server_cert.web"]; !ok || !strings.Contains(w.Detail, "From "+failsFrom+" on") {
		t.Fatalf("apply: no warning from %s on mtls_server_cert.web: %+v", failsFrom, applied)
	}
	planned := warnings(tf.Run(root+`
resource "mtls_server_cert" "later" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  dns_names             = ["later.example.com"]
  validity_period_hours = 99
}

resource "mtls_server_cert" "in_time" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  dns_names             = ["short.example.com"]
  validity_period_hours = 48
  early_renewal_hours   = 24
}`, "plan", "-json"))
	w, ok := planned["mtls_server_cert.later"]
	if !ok || w.Snippet == nil || !strings.Contains(w.Snippet.Code, "validity_period_hours") || !strings.Contains(w.Detail, "From "+failsFrom+" on") {
		t.Fatalf("plan: no warning on validity_period_hours of mtls_server_cert.later: %+v", planned)
	}
	if _, ok := planned["mtls_server_cert.in_time"]; ok || len(planned) != 1 {
		t.Fatalf("plan: warnings %+v, want one for mtls_server_cert.later only", planned)
	}
}

// A subject with no field set issues the same certificate as no subject:
// switching between the two, either way, plans nothing; a real subject
// change still replaces. In CSR mode an empty subject takes the CSR's.
func TestAccCertificate_emptySubjectIsNoSubject(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "From CSR"}, DNSNames: []string{"csr.example.com"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csrPath := testtools.WriteFile(t, t.TempDir(), "req.csr", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER})))
	const allNull = `{
    common_name = null, organization = null, organizational_unit = null, country = null, province = null,
    locality = null, street_address = null, postal_code = null, serial_number = null
  }`
	// a and b are made one with no subject, the other with an empty one; c
	// is a CSR-mode certificate.
	config := func(a, b, c string) string {
		cert := func(name, subject, extra string) string {
			s := ""
			if subject != "" {
				s = "\n  subject = " + subject
			}
			return `
resource "mtls_client_cert" "` + name + `" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem` + s + extra + `
}`
		}
		return `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Root" }
}` + cert("a", a, "\n  dns_names = [\"a.example.com\"]") + cert("b", b, "\n  dns_names = [\"b.example.com\"]") +
			cert("c", c, "\n  csr_pem = file(\""+csrPath+"\")")
	}
	noChange := func(a, b, c string) resource.TestStep {
		return resource.TestStep{
			Config: config(a, b, c), PlanOnly: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}
	}
	named := `{ common_name = "alice" }`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("", `{ common_name = null }`, `{ common_name = null }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_client_cert.a", tfjsonpath.New("subject_dn"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("mtls_client_cert.b", tfjsonpath.New("subject_dn"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("mtls_client_cert.c", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=From CSR")),
				},
			},
			noChange(`{ common_name = null }`, "", ""),
			noChange(allNull, "{}", allNull),
			{
				Config: config(named, "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_client_cert.a", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_client_cert.b", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("mtls_client_cert.c", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_client_cert.a", tfjsonpath.New("subject_dn"), knownvalue.StringExact("CN=alice")),
				},
			},
			{
				Config: config(`{ common_name = null }`, "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_client_cert.a", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("mtls_client_cert.a", tfjsonpath.New("subject_dn"), knownvalue.StringExact("")),
				},
			},
			noChange("", "", ""),
		},
	})
}
