package provider

import (
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// testAccProtoV6ProviderFactories runs the provider in-process on the real clock.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"mtls": providerserver.NewProtocol6WithError(New("test")()),
}

// testClock is a per-test clock that a test can move forward; there is no
// global clock to mutate.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func factoriesWithClock(c *testClock) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"mtls": providerserver.NewProtocol6WithError(NewWithClock("test", c.Now)()),
	}
}

// testAccPreCheck makes sure acceptance tests use a local Terraform and never
// download one. Without TF_ACC they skip, as resource.Test would; some tests
// call this first, before they ask the CLI its version.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc)")
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must point at a local Terraform binary (make testacc builds one); tests never download Terraform")
	}
}

// stateCerts parses a PEM attribute of a resource in state.
func stateCerts(s *terraform.State, name, attr string) ([]*x509.Certificate, error) {
	rs, ok := s.RootModule().Resources[name]
	if !ok {
		return nil, fmt.Errorf("%s not in state", name)
	}
	return pki.ParseCertificatesPEM(rs.Primary.Attributes[attr])
}

func stateAttr(s *terraform.State, name, attr string) string {
	if rs, ok := s.RootModule().Resources[name]; ok {
		return rs.Primary.Attributes[attr]
	}
	return ""
}
