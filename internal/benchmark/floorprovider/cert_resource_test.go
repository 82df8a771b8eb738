package floorprovider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

var factories = map[string]func() (tfprotov6.ProviderServer, error){
	TypeName: providerserver.NewProtocol6WithError(New()),
}

// TestAccFloorCert proves that the floor does the work the benchmarks
// credit it with: a real key and a certificate for it named name, kept
// across plans (resource.Test checks the second plan is empty), and a new
// pair when name changes.
func TestAccFloorCert(t *testing.T) {
	var firstSerial string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { requireTerraform(t) },
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: `resource "floor_cert" "c" { name = "client-0" }`,
				Check:  checkPair("floor_cert.c", "client-0", &firstSerial),
			},
			{
				Config: `resource "floor_cert" "c" { name = "client-1" }`,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkPair("floor_cert.c", "client-1", nil),
					resource.TestCheckResourceAttrWith("floor_cert.c", "id", func(id string) error {
						if id == firstSerial {
							return fmt.Errorf("a new name kept serial %s: the resource was not replaced", id)
						}
						return nil
					}),
				),
			},
		},
	})
}

// requireTerraform refuses to let the test framework download Terraform.
func requireTerraform(t *testing.T) {
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must point at a local Terraform binary; tests never download Terraform")
	}
}

// checkPair checks that the stored key belongs to the stored certificate,
// which is self-signed for cn with serial id; it saves the id in serial.
func checkPair(name, cn string, serial *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s not in state", name)
		}
		attrs := rs.Primary.Attributes
		certs, err := pki.ParseCertificatesPEM(attrs["cert_pem"])
		if err != nil || len(certs) != 1 {
			return fmt.Errorf("cert_pem: want one certificate, got %d (%v)", len(certs), err)
		}
		cert := certs[0]
		key, err := pki.ParsePrivateKeyPEM(attrs["private_key_pem"], "")
		if err != nil {
			return fmt.Errorf("private_key_pem: %v", err)
		}
		if alg, _ := pki.AlgorithmOf(key.Public()); alg != pki.ECDSAP256 {
			return fmt.Errorf("key is %s, want %s", alg, pki.ECDSAP256)
		}
		if !pki.PublicKeysEqual(key.Public(), cert.PublicKey) {
			return fmt.Errorf("private_key_pem does not belong to cert_pem")
		}
		if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
			return fmt.Errorf("certificate is not self-signed by its key: %v", err)
		}
		if cert.Subject.CommonName != cn {
			return fmt.Errorf("CN = %q, want %q", cert.Subject.CommonName, cn)
		}
		if got := cert.SerialNumber.Text(16); got != attrs["id"] {
			return fmt.Errorf("id = %q, want the serial %s", attrs["id"], got)
		}
		if serial != nil {
			*serial = attrs["id"]
		}
		return nil
	}
}
