package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccLogsCarryNoKeyMaterial applies a whole chain, a CRL and a PKCS#12 archive
// with Terraform and the provider both logging at TRACE into one file, then
// fails if any private key, passphrase, archive password or archive from
// state appears in it. It cannot run in parallel: it sets the environment
// that plugin-testing reads.
func TestAccLogsCarryNoKeyMaterial(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_SDK", "TRACE")
	t.Setenv("TF_LOG_SDK_FRAMEWORK", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)

	// The passphrase reaches Terraform as a variable from the environment, as
	// in real use: the test harness logs the configuration text itself.
	const passphrase = "log-secrecy-passphrase-7f3a"
	const archivePassword = "log-secrecy-archive-pw-91c2"
	t.Setenv("TF_VAR_key_passphrase", passphrase)
	t.Setenv("TF_VAR_archive_password", archivePassword)
	var secrets []string
	collect := func(s *terraform.State) error {
		for _, name := range []string{"mtls_root_ca.root", "mtls_intermediate_ca.inter", "mtls_server_cert.web", "mtls_client_cert.alice"} {
			for _, attr := range []string{"private_key_pem", "private_key_pem_pkcs1", "private_key_pem_sec1", "private_key_pem_encrypted"} {
				secrets = append(secrets, pemBodyLines(stateAttr(s, name, attr))...)
			}
		}
		// The archive is base64 in state; cut it in pieces that any log
		// excerpt of it would contain.
		blob := stateAttr(s, "mtls_pkcs12.alice", "pkcs12_base64")
		for i := 0; i+48 <= len(blob); i += 48 {
			secrets = append(secrets, blob[i:i+48])
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: chainConfig("Log Root") + `
variable "key_passphrase" {
  type      = string
  sensitive = true
}

variable "archive_password" {
  type      = string
  sensitive = true
}

resource "mtls_pkcs12" "alice" {
  cert_pem        = mtls_client_cert.alice.fullchain_pem
  private_key_pem = mtls_client_cert.alice.private_key_pem
  password        = var.archive_password
}

# The CRL signs with the intermediate's key, which must not be logged either.
resource "mtls_crl" "inter" {
  ca_cert_pem        = mtls_intermediate_ca.inter.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.inter.private_key_pem
  revoked            = [{ serial_number = mtls_client_cert.alice.serial_number }]
}

resource "mtls_client_cert" "encrypted" {
  ca_cert_pem            = mtls_root_ca.root.cert_pem
  ca_private_key_pem     = mtls_root_ca.root.private_key_pem
  dns_names              = ["enc.example.com"]
  private_key_passphrase = var.key_passphrase
}`,
			Check: collect,
		}},
	})

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("no trace log written: %v", err)
	}
	log := string(raw)
	if len(secrets) < 40 {
		t.Fatalf("collected only %d key lines; the test would prove nothing", len(secrets))
	}
	if !strings.Contains(log, "BEGIN CERTIFICATE") && !strings.Contains(log, "ApplyResourceChange") {
		t.Fatalf("trace log (%d bytes) shows no provider activity; logging was not captured", len(raw))
	}
	for _, s := range append(secrets, passphrase, archivePassword) {
		if strings.Contains(log, s) {
			t.Fatalf("secret material %q... appears in the TRACE log", s[:16])
		}
	}
	t.Logf("checked %d secret lines against %d bytes of TRACE log", len(secrets)+1, len(raw))
}

// pemBodyLines returns the base64 lines of a PEM text, each long enough to
// be unique to this key.
func pemBodyLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if len(line) >= 40 && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	return out
}
