package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// opensslPKI makes, with the openssl command line as seed 000 does, a root
// CA, an intermediate CA, a server certificate with SANs from an openssl
// config and a client certificate from a CSR, in dir. A second root
// ("other") is for the wrong-CA cases.
func opensslPKI(t *testing.T, dir string) {
	t.Helper()
	openssl := testtools.RequireTool(t, "openssl")
	testtools.WriteFile(t, dir, "clustercontrol-ssl.conf", `[ req ]
distinguished_name = req_distinguished_name
req_extensions     = req_ext
prompt             = no
[ req_distinguished_name ]
C  = GB
ST = England
L  = Brighton
O  = Hallmarkdesign
CN = clustercontrol.severalnines.internal
[ req_ext ]
subjectAltName = @alt_names
[ alt_names ]
DNS.1 = severalnines.internal
DNS.2 = clustercontrol.severalnines.internal
`)
	testtools.WriteFile(t, dir, "issuing.ext", "basicConstraints = critical,CA:TRUE,pathlen:0\nkeyUsage = critical,keyCertSign,cRLSign\n")
	for _, args := range [][]string{
		{"genrsa", "-out", "rootCA.key", "2048"},
		{"req", "-x509", "-new", "-nodes", "-key", "rootCA.key", "-sha256", "-days", "1024", "-out", "rootCA.crt", "-subj", "/C=GB/O=Severalnines/CN=internal-rootCA"},
		{"genrsa", "-out", "other.key", "2048"},
		{"req", "-x509", "-new", "-nodes", "-key", "other.key", "-sha256", "-days", "1024", "-out", "other.crt", "-subj", "/CN=another-rootCA"},
		{"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "issuing.key"},
		{"req", "-new", "-key", "issuing.key", "-out", "issuing.csr", "-subj", "/C=GB/O=Severalnines/CN=internal-issuingCA"},
		{"x509", "-req", "-in", "issuing.csr", "-CA", "rootCA.crt", "-CAkey", "rootCA.key", "-CAcreateserial", "-out", "issuing.crt", "-days", "730", "-sha256", "-extfile", "issuing.ext"},
		{"genrsa", "-out", "clustercontrol.key", "2048"},
		{"req", "-new", "-key", "clustercontrol.key", "-out", "clustercontrol.csr", "-config", "clustercontrol-ssl.conf"},
		{"x509", "-req", "-in", "clustercontrol.csr", "-CA", "rootCA.crt", "-CAkey", "rootCA.key", "-CAcreateserial", "-out", "clustercontrol.crt", "-days", "500", "-sha256", "-extensions", "req_ext", "-extfile", "clustercontrol-ssl.conf"},
		{"genrsa", "-out", "myclient.key", "2048"},
		{"req", "-new", "-key", "myclient.key", "-out", "myclient.csr", "-subj", "/CN=myclient"},
		{"x509", "-req", "-in", "myclient.csr", "-CA", "issuing.crt", "-CAkey", "issuing.key", "-CAcreateserial", "-out", "myclient.crt", "-days", "365", "-sha256"},
	} {
		cmd := exec.Command(openssl, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
}

// adoptOpenSSLConfig is the configuration of the migration guide's second
// path: import blocks for files made with openssl, and resources that say
// what the certificates hold; the signed ones reference the adopted CAs.
func adoptOpenSSLConfig(dir string) string {
	return strings.ReplaceAll(`
import {
  to = mtls_root_ca.root
  id = "DIR/rootCA.crt,DIR/rootCA.key"
}

import {
  to = mtls_intermediate_ca.issuing
  id = "DIR/issuing.crt,DIR/issuing.key,DIR/rootCA.crt,DIR/rootCA.key"
}

import {
  to = mtls_server_cert.clustercontrol
  id = "DIR/clustercontrol.crt,DIR/clustercontrol.key,DIR/rootCA.crt,DIR/rootCA.key"
}

import {
  to = mtls_client_cert.myclient
  id = "DIR/myclient.crt,DIR/myclient.csr,DIR/issuing.crt,DIR/issuing.key"
}

resource "mtls_root_ca" "root" {
  key_algorithm         = "RSA_2048"
  validity_period_hours = 24576 # openssl -days 1024
  subject = {
    common_name  = "internal-rootCA"
    organization = "Severalnines"
    country      = "GB"
  }
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  key_algorithm         = "ECDSA_P256"
  validity_period_hours = 17520 # -days 730
  max_path_length       = 0
  subject = {
    common_name  = "internal-issuingCA"
    organization = "Severalnines"
    country      = "GB"
  }
}

resource "mtls_server_cert" "clustercontrol" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  key_algorithm         = "RSA_2048"
  validity_period_hours = 12000 # -days 500
  subject = {
    common_name  = "clustercontrol.severalnines.internal"
    organization = "Hallmarkdesign"
    locality     = "Brighton"
    province     = "England"
    country      = "GB"
  }
  dns_names = ["DNS_NAMES"]
}

# CSR mode: the key stays with the client; subject and names come from the CSR.
resource "mtls_client_cert" "myclient" {
  ca_cert_pem           = CLIENT_CA.cert_pem
  ca_private_key_pem    = CLIENT_CA.private_key_pem
  csr_pem               = file("DIR/myclient.csr")
  validity_period_hours = 8760 # -days 365
}
`, "DIR", dir)
}

// Files made with openssl as in the seeds are adopted with import blocks:
// the plan imports all four certificates and changes nothing, and the next
// plan is empty. A server certificate whose config names other DNS names
// is replaced (the config describes another certificate); a CA that did not
// issue an adopted certificate is an error.
func TestAccAdopt_importOpenSSLFiles(t *testing.T) {
	dir := t.TempDir()
	opensslPKI(t, dir)
	config := func(dnsNames, clientCA string) string {
		c := strings.Replace(adoptOpenSSLConfig(dir), "DNS_NAMES", dnsNames, 1)
		return strings.ReplaceAll(c, "CLIENT_CA", clientCA)
	}
	matching := config(`severalnines.internal", "clustercontrol.severalnines.internal`, "mtls_intermediate_ca.issuing")
	fingerprints := map[string]string{}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: matching,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectAdoptedUnchanged("mtls_root_ca.root"),
					expectAdoptedUnchanged("mtls_intermediate_ca.issuing"),
					expectAdoptedUnchanged("mtls_server_cert.clustercontrol"),
					expectAdoptedUnchanged("mtls_client_cert.myclient"),
				}},
				Check: func(s *terraform.State) error {
					for name, file := range map[string]string{
						"mtls_root_ca.root": "rootCA.crt", "mtls_intermediate_ca.issuing": "issuing.crt",
						"mtls_server_cert.clustercontrol": "clustercontrol.crt", "mtls_client_cert.myclient": "myclient.crt",
					} {
						certs, err := stateCerts(s, name, "cert_pem")
						if err != nil {
							return err
						}
						made := parseCertFile(t, filepath.Join(dir, file))
						if !certs[0].Equal(made) {
							return fmt.Errorf("%s holds another certificate than %s", name, file)
						}
						fingerprints[name] = stateAttr(s, name, "fingerprint_sha256")
					}
					if got := stateAttr(s, "mtls_client_cert.myclient", "private_key_pem"); got != "" {
						return fmt.Errorf("CSR mode import put a private key in state")
					}
					return nil
				},
			},
			{
				Config:           matching,
				PlanOnly:         true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A CA that did not issue the adopted client certificate.
				Config:      config(`severalnines.internal", "clustercontrol.severalnines.internal`, "mtls_root_ca.root"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(wrapTolerant(`Certificate not issued by this CA.*"CN=myclient".*"CN=internal-issuingCA,O=Severalnines,C=GB".*"CN=internal-rootCA,O=Severalnines,C=GB".*-replace`)),
			},
			{
				// The same CA certificate in other text (a trailing line)
				// updates in place: the certificate is kept.
				Config: strings.Replace(matching, "  ca_cert_pem           = mtls_root_ca.root.cert_pem\n  ca_private_key_pem    = mtls_root_ca.root.private_key_pem\n  key_algorithm         = \"RSA_2048\"",
					"  ca_cert_pem           = \"${mtls_root_ca.root.cert_pem}\\n\"\n  ca_private_key_pem    = mtls_root_ca.root.private_key_pem\n  key_algorithm         = \"RSA_2048\"", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_server_cert.clustercontrol", plancheck.ResourceActionUpdate),
				}},
				Check: func(s *terraform.State) error {
					if stateAttr(s, "mtls_server_cert.clustercontrol", "fingerprint_sha256") != fingerprints["mtls_server_cert.clustercontrol"] {
						return fmt.Errorf("the server certificate was reissued")
					}
					return nil
				},
			},
			{
				Config: config(`clustercontrol.severalnines.internal`, "mtls_intermediate_ca.issuing"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("mtls_server_cert.clustercontrol", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("mtls_client_cert.myclient", plancheck.ResourceActionNoop),
				}},
				Check: func(s *terraform.State) error {
					if stateAttr(s, "mtls_server_cert.clustercontrol", "fingerprint_sha256") == fingerprints["mtls_server_cert.clustercontrol"] {
						return fmt.Errorf("the server certificate was not reissued")
					}
					return nil
				},
			},
		},
	})
}

// expectAdoptedUnchanged passes when the plan adopts addr without changing
// any attribute: a no-op, or on Terraform before 1.6 an update that only
// marks values sensitive because the CA key came from another resource's
// sensitive attribute (Terraform 1.11 plans the same import as a no-op).
func expectAdoptedUnchanged(addr string) plancheck.PlanCheck { return adoptedUnchanged(addr) }

type adoptedUnchanged string

func (a adoptedUnchanged) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != string(a) {
			continue
		}
		c := rc.Change
		if !c.Actions.NoOp() && !c.Actions.Update() || !reflect.DeepEqual(c.Before, c.After) {
			resp.Error = fmt.Errorf("%s: planned %v, changing %v into %v", a, c.Actions, c.Before, c.After)
		} else if unknown, _ := c.AfterUnknown.(map[string]any); len(unknown) > 0 {
			resp.Error = fmt.Errorf("%s: planned unknown values for %v", a, unknown)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", a)
}

func parseCertFile(t *testing.T, file string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := pki.ParseCertificatesPEM(string(data))
	if err != nil {
		t.Fatal(err)
	}
	return certs[0]
}

// Each signed resource imports with an import block (ImportBlockWithID: the
// plan must be a no-op import) when the config passes the CA files with
// file(), which import keeps verbatim.
func TestAccAdopt_importBlockWithID(t *testing.T) {
	dir := t.TempDir()
	opensslPKI(t, dir)
	config := strings.ReplaceAll(`
resource "mtls_intermediate_ca" "test" {
  ca_cert_pem           = file("DIR/rootCA.crt")
  ca_private_key_pem    = file("DIR/rootCA.key")
  key_algorithm         = "ECDSA_P256"
  validity_period_hours = 17520
  max_path_length       = 0
  subject = {
    common_name  = "internal-issuingCA"
    organization = "Severalnines"
    country      = "GB"
  }
}

resource "mtls_server_cert" "test" {
  ca_cert_pem           = file("DIR/rootCA.crt")
  ca_private_key_pem    = file("DIR/rootCA.key")
  key_algorithm         = "RSA_2048"
  validity_period_hours = 12000
  subject = {
    common_name  = "clustercontrol.severalnines.internal"
    organization = "Hallmarkdesign"
    locality     = "Brighton"
    province     = "England"
    country      = "GB"
  }
  dns_names = ["severalnines.internal", "clustercontrol.severalnines.internal"]
}

resource "mtls_client_cert" "test" {
  ca_cert_pem           = file("DIR/issuing.crt")
  ca_private_key_pem    = file("DIR/issuing.key")
  key_algorithm         = "RSA_2048"
  validity_period_hours = 8760
  subject               = { common_name = "myclient" }
}
`, "DIR", dir)
	p := func(names ...string) string {
		for i, n := range names {
			names[i] = filepath.Join(dir, n)
		}
		return strings.Join(names, ",")
	}
	ids := map[string]string{
		"mtls_intermediate_ca.test": p("issuing.crt", "issuing.key", "rootCA.crt", "rootCA.key"),
		"mtls_server_cert.test":     p("clustercontrol.crt", "clustercontrol.key", "rootCA.crt", "rootCA.key"),
		// Key mode: the client's key file, read into state.
		"mtls_client_cert.test": p("myclient.crt", "myclient.key", "issuing.crt", "issuing.key"),
	}
	// ImportBlockWithID removes the resource from a copy of the state and
	// imports it again, so a first step puts all three in state.
	imports := config
	steps := []resource.TestStep{{}}
	for name, id := range ids {
		imports += fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", name, id)
		steps = append(steps, resource.TestStep{Config: config, ResourceName: name, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: id})
	}
	steps[0] = resource.TestStep{Config: imports, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("mtls_intermediate_ca.test", plancheck.ResourceActionNoop),
		plancheck.ExpectResourceAction("mtls_server_cert.test", plancheck.ResourceActionNoop),
		plancheck.ExpectResourceAction("mtls_client_cert.test", plancheck.ResourceActionNoop),
	}}}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// Import refuses, with the reason, what it cannot adopt faithfully.
func TestAccAdopt_importErrors(t *testing.T) {
	dir := t.TempDir()
	opensslPKI(t, dir)
	p := func(names ...string) string {
		for i, n := range names {
			names[i] = filepath.Join(dir, n)
		}
		return strings.Join(names, ",")
	}
	cases := []struct{ resource, id, err string }{
		{"mtls_server_cert", p("clustercontrol.crt", "clustercontrol.key", "other.crt", "other.key"),
			`Certificate not issued by this CA.*"CN=clustercontrol.severalnines.internal.*issued by "CN=internal-rootCA.*"CN=another-rootCA"`},
		{"mtls_server_cert", p("clustercontrol.crt", "clustercontrol.key"), `Invalid import ID.*CERT_PATH,KEY_OR_CSR_PATH,CA_CERT_PATH,CA_KEY_PATH`},
		{"mtls_server_cert", p("clustercontrol.crt", "myclient.key", "rootCA.crt", "rootCA.key"), `Private key does not match the certificate`},
		{"mtls_server_cert", p("clustercontrol.crt", "myclient.csr", "rootCA.crt", "rootCA.key"), `CSR does not match the certificate`},
		{"mtls_server_cert", p("myclient.crt", "myclient.key", "issuing.crt", "issuing.key"), `Server certificate without DNS names or IP addresses`},
		{"mtls_intermediate_ca", p("clustercontrol.crt", "clustercontrol.key", "rootCA.crt", "rootCA.key"), `Not a CA certificate.*mtls_server_cert or mtls_client_cert`},
		{"mtls_client_cert", p("issuing.crt", "issuing.key", "rootCA.crt", "rootCA.key"), `A CA certificate.*mtls_intermediate_ca`},
		{"mtls_client_cert", p("rootCA.crt", "rootCA.key", "rootCA.crt", "rootCA.key"), `Not a certificate signed by a CA.*mtls_root_ca`},
		{"mtls_client_cert", p("myclient.key", "myclient.crt", "issuing.crt", "issuing.key"), `No certificate in the certificate file.*wrong order`},
		{"mtls_client_cert", p("myclient.crt", "myclient.key", "issuing.crt", "rootCA.key"), `CA private key does not match the CA certificate`},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:        fmt.Sprintf("resource %q \"test\" {\n  ca_cert_pem = \"x\"\n  ca_private_key_pem = \"x\"\n  subject = { common_name = \"x\" }\n}", tc.resource),
			ResourceName:  tc.resource + ".test",
			ImportState:   true,
			ImportStateId: tc.id,
			ExpectError:   regexp.MustCompile(wrapTolerant(tc.err)),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}
