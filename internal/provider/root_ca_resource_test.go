package provider

import (
	"crypto/x509"
	"fmt"
	"os/exec"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
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
				Config:        config,
				ResourceName:  "mtls_root_ca.seed",
				ImportState:   true,
				ImportStateId: certPath,
				ExpectError:   regexp.MustCompile(`Expected "CERT_PATH,KEY_PATH"`),
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
