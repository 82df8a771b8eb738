package floorprovider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	mtls "github.com/mtlsforge/terraform-provider-mtls/internal/provider"
)

// TestWideCertHasTheShapeOfClientCert keeps floor_wide_cert in step with
// mtls_client_cert: an attribute added, removed or retyped there fails here,
// so the benchmark's "same shape" stays true.
func TestWideCertHasTheShapeOfClientCert(t *testing.T) {
	want := shape(t, mtls.NewClientCertResource())
	got := shape(t, newWideCertResource())
	var diffs []string
	for name, w := range want {
		if g, ok := got[name]; !ok {
			diffs = append(diffs, "missing "+name+" ("+w+")")
		} else if g != w {
			diffs = append(diffs, fmt.Sprintf("%s: %s, want %s", name, g, w))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, "extra "+name)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("floor_wide_cert differs from mtls_client_cert:\n%s", strings.Join(diffs, "\n"))
	}
	if len(want) < 30 {
		t.Fatalf("mtls_client_cert has %d attributes: the comparison read the wrong schema", len(want))
	}
}

// shape describes each attribute, nested ones included, by its type and flags.
func shape(t *testing.T, r resource.Resource) map[string]string {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	out := map[string]string{}
	var walk func(prefix string, attrs map[string]resourceschema.Attribute)
	walk = func(prefix string, attrs map[string]resourceschema.Attribute) {
		for name, a := range attrs {
			out[prefix+name] = fmt.Sprintf("%s required=%t optional=%t computed=%t sensitive=%t write_only=%t",
				a.GetType(), a.IsRequired(), a.IsOptional(), a.IsComputed(), a.IsSensitive(), a.IsWriteOnly())
			if nested, ok := a.(resourceschema.SingleNestedAttribute); ok {
				walk(prefix+name+".", nested.Attributes)
			}
		}
	}
	walk("", resp.Schema.Attributes)
	return out
}

// TestAccFloorWideCert proves floor_wide_cert stores what the benchmark
// credits it with: a key that belongs to its certificate, named by the
// subject's common name, the CA certificate echoed in the chain outputs,
// and the defaults filled; and that a second plan is empty (resource.Test
// checks it after every step).
func TestAccFloorWideCert(t *testing.T) {
	tfresource.Test(t, tfresource.TestCase{
		PreCheck:                 func() { requireTerraform(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []tfresource.TestStep{{
			Config: `
resource "floor_cert" "ca" { name = "Bench CA" }

resource "floor_wide_cert" "c" {
  ca_cert_pem        = floor_cert.ca.cert_pem
  ca_private_key_pem = floor_cert.ca.private_key_pem
  subject            = { common_name = "client-0" }
  key_algorithm      = "ECDSA_P256"
}`,
			Check: tfresource.ComposeAggregateTestCheckFunc(
				checkPair("floor_wide_cert.c", "client-0", nil),
				tfresource.TestCheckResourceAttrPair("floor_wide_cert.c", "ca_chain_pem", "floor_cert.ca", "cert_pem"),
				tfresource.TestCheckResourceAttr("floor_wide_cert.c", "validity_period_hours", "8760"),
				tfresource.TestCheckResourceAttr("floor_wide_cert.c", "extended_key_usages.0", "CLIENT_AUTH"),
				tfresource.TestCheckResourceAttr("floor_wide_cert.c", "ready_for_renewal", "false"),
				func(s *terraform.State) error {
					attrs := s.RootModule().Resources["floor_wide_cert.c"].Primary.Attributes
					certs, err := pki.ParseCertificatesPEM(attrs["fullchain_pem"])
					if err != nil || len(certs) != 2 {
						return fmt.Errorf("fullchain_pem: want the certificate and the CA, got %d (%v)", len(certs), err)
					}
					if attrs["serial_number"] != attrs["id"] || attrs["subject_dn"] != "CN=client-0" {
						return fmt.Errorf("serial_number %q, id %q, subject_dn %q", attrs["serial_number"], attrs["id"], attrs["subject_dn"])
					}
					for _, name := range []string{"private_key_pem_sec1", "public_key_pem", "public_key_openssh", "fingerprint_sha256", "not_before", "not_after"} {
						if attrs[name] == "" {
							return fmt.Errorf("%s is empty", name)
						}
					}
					return nil
				},
			),
		}},
	})
}
