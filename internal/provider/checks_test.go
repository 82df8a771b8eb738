package provider

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// checkChainVerifies verifies a leaf from state against a root from state
// with crypto/x509, for its own purpose, and checks it fails for the other;
// a "peer" certificate must verify for both.
func checkChainVerifies(leafName, rootName, purpose string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		chain, err := stateCerts(s, leafName, "fullchain_pem")
		if err != nil {
			return err
		}
		roots, err := stateCerts(s, rootName, "cert_pem")
		if err != nil {
			return err
		}
		rootPool, inter := x509.NewCertPool(), x509.NewCertPool()
		rootPool.AddCert(roots[0])
		for _, c := range chain[1:] {
			inter.AddCert(c)
		}
		right, wrong := x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth
		if purpose == "client" {
			right, wrong = wrong, right
		}
		opts := x509.VerifyOptions{Roots: rootPool, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{right}}
		if _, err := chain[0].Verify(opts); err != nil {
			return fmt.Errorf("%s does not verify as %s: %w", leafName, purpose, err)
		}
		opts.KeyUsages = []x509.ExtKeyUsage{wrong}
		_, err = chain[0].Verify(opts)
		if purpose == "peer" && err != nil {
			return fmt.Errorf("%s does not verify as a client: %w", leafName, err)
		}
		if purpose != "peer" && err == nil {
			return fmt.Errorf("%s verifies for the wrong purpose", leafName)
		}
		return nil
	}
}

// checkOpenSSLVerify runs `openssl verify -purpose` on the leaf with its
// intermediates as untrusted and mtls_root_ca.root, the tests' root, as the
// only trust anchor.
func checkOpenSSLVerify(t *testing.T, leafName, purpose string) func(*terraform.State) error {
	const rootName = "mtls_root_ca.root"
	openssl := testtools.RequireTool(t, "openssl")
	return func(s *terraform.State) error {
		dir := t.TempDir()
		chain, err := stateCerts(s, leafName, "fullchain_pem")
		if err != nil {
			return err
		}
		root := testtools.WriteFile(t, dir, "root.pem", stateAttr(s, rootName, "cert_pem"))
		leaf := testtools.WriteFile(t, dir, "leaf.pem", stateAttr(s, leafName, "cert_pem"))
		args := []string{"verify", "-x509_strict", "-purpose", purpose, "-CAfile", root}
		if len(chain) > 1 {
			args = append(args, "-untrusted", testtools.WriteFile(t, dir, "chain.pem", stateAttr(s, leafName, "fullchain_pem")))
		}
		out, err := exec.Command(openssl, append(args, leaf)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("openssl verify %s: %v\n%s", leafName, err, out)
		}
		return nil
	}
}

// wrapped is a pattern for texts in this order in Terraform's output, which
// wraps diagnostics at any space.
func wrapped(texts ...string) string {
	for i, t := range texts {
		texts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(t)), `\s+`)
	}
	return "(?s)" + strings.Join(texts, ".*")
}

type planErrorCase struct{ config, err string }

// testPlanErrors applies prior (if any), then expects each case's config to
// fail at plan time with an error matching its pattern, on the engines
// versionChecks allow.
func testPlanErrors(t *testing.T, prior string, cases map[string]planErrorCase, versionChecks ...tfversion.TerraformVersionCheck) {
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var steps []resource.TestStep
			if prior != "" {
				steps = append(steps, resource.TestStep{Config: prior})
			}
			steps = append(steps, resource.TestStep{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.err)})
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   versionChecks,
				Steps:                    steps,
			})
		})
	}
}

func checkFullchain(name string, want int) func(*terraform.State) error {
	return func(s *terraform.State) error {
		chain, err := stateCerts(s, name, "fullchain_pem")
		if err != nil {
			return err
		}
		if len(chain) != want {
			return fmt.Errorf("%s fullchain has %d certificates, want %d (leaf + intermediates, no root)", name, len(chain), want)
		}
		return nil
	}
}

// tfDiagnostic is one diagnostic of Terraform's machine-readable output.
type tfDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Snippet  *struct {
		Code string `json:"code"`
	} `json:"snippet"`
}

// terraformCLI runs the acceptance tests' Terraform on a configuration with
// the provider built from this tree, for what resource.Test cannot see:
// warnings. Run returns the diagnostics of one `-json` command.
type terraformCLI struct {
	t       *testing.T
	tf, dir string
	env     []string
}

func newTerraformCLI(t *testing.T) *terraformCLI {
	t.Helper()
	testAccPreCheck(t)
	plugins := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-mtls"), "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := testtools.WriteFile(t, plugins, "terraformrc", fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"mtlsforge/mtls\" = %q\n  }\n  direct {}\n}\n", plugins))
	return &terraformCLI{t: t, tf: os.Getenv("TF_ACC_TERRAFORM_PATH"), dir: t.TempDir(),
		env: append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")}
}

// Run writes config and runs terraform with args, which must produce JSON
// lines (plan -json, apply -json), and fails the test when it fails.
func (c *terraformCLI) Run(config string, args ...string) []tfDiagnostic {
	c.t.Helper()
	testtools.WriteFile(c.t, c.dir, "main.tf", "terraform {\n  required_providers {\n    mtls = { source = \"mtlsforge/mtls\" }\n  }\n}\n"+config)
	cmd := exec.Command(c.tf, append([]string{"-chdir=" + c.dir}, args...)...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	var diags []tfDiagnostic
	for _, line := range strings.Split(string(out), "\n") {
		var msg struct {
			Type       string        `json:"type"`
			Diagnostic *tfDiagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic != nil {
			diags = append(diags, *msg.Diagnostic)
		}
	}
	return diags
}

// Output returns a root module output.
func (c *terraformCLI) Output(name string) string {
	c.t.Helper()
	cmd := exec.Command(c.tf, "-chdir="+c.dir, "output", "-raw", name)
	cmd.Env = c.env
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("terraform output %s: %v", name, err)
	}
	return string(out)
}
