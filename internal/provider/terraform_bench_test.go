package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkTerraformApply is the Terraform-level benchmark: a real
// `terraform apply` of one CA and N client certificates with the built
// provider as a plugin process, then a refresh-and-plan that must be empty.
// ns/op is for the whole configuration; compare sizes to see the per-resource
// cost stay flat.
func BenchmarkTerraformApply(b *testing.B) {
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		b.Skip("TF_ACC_TERRAFORM_PATH not set (make bench sets it)")
	}
	pluginDir := b.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-mtls"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(pluginDir, "terraformrc")
	os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"mtlsforge/mtls\" = %q\n  }\n  direct {}\n}\n", pluginDir)), 0o600)
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")

	for _, n := range []int{10, 50, 200} {
		b.Run(fmt.Sprintf("certs=%d", n), func(b *testing.B) {
			var cfg strings.Builder
			cfg.WriteString("terraform {\n  required_providers {\n    mtls = { source = \"mtlsforge/mtls\" }\n  }\n}\n")
			cfg.WriteString("resource \"mtls_root_ca\" \"root\" {\n  subject = { common_name = \"Bench Root\" }\n}\n")
			fmt.Fprintf(&cfg, `resource "mtls_client_cert" "c" {
  count              = %d
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  dns_names          = ["client-${count.index}.example.com"]
}
`, n)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dir := b.TempDir()
				os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg.String()), 0o600)
				run := func(args ...string) {
					cmd := exec.Command(tf, append([]string{"-chdir=" + dir}, args...)...)
					cmd.Env = env
					if out, err := cmd.CombinedOutput(); err != nil {
						b.Fatalf("terraform %v: %v\n%s", args, err, out)
					}
				}
				b.StartTimer()
				run("apply", "-auto-approve", "-no-color", "-parallelism=10")
				run("plan", "-detailed-exitcode", "-no-color")
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*n), "ms/cert")
		})
	}
}
