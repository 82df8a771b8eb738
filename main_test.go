package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccProviderLogsWhenAsked runs the built provider under Terraform with
// TF_LOG=trace: sdklogs.QuietUnlessAsked must leave the framework's trace logs to reach
// the log file, as they do from any provider.
func TestAccProviderLogsWhenAsked(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make testacc does)")
	}
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-mtls"), ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	write(t, rc, `provider_installation {
  dev_overrides {
    "mtlsforge/mtls" = "`+plugins+`"
  }
}
`)
	work := filepath.Join(dir, "work")
	write(t, filepath.Join(work, "main.tf"), `terraform {
  required_providers {
    mtls = { source = "mtlsforge/mtls" }
  }
}

resource "mtls_root_ca" "root" {
  subject = { common_name = "Logs Root CA" }
}
`)
	logFile := filepath.Join(dir, "terraform.log")
	plan := exec.Command(cli, "plan", "-input=false", "-no-color")
	plan.Dir = work
	plan.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1", "TF_LOG=trace", "TF_LOG_PATH=" + logFile}
	if out, err := plan.CombinedOutput(); err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"@module=sdk.framework", "@module=sdk.proto", "Calling provider defined Resource ModifyPlan"} {
		if !strings.Contains(string(logs), want) {
			t.Errorf("the trace log has no %q: the provider's SDK logs were switched off although TF_LOG=trace", want)
		}
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
