package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// matrixEngine is one CLI of the engine matrix: Terraform 1.5.7 (.bin/terraform,
// the oldest supported), the newest Terraform (TERRAFORM_LATEST, as make
// test-terraform-latest) and OpenTofu (.bin/tofu).
type matrixEngine struct {
	name, path string
	writeOnly  bool // 1.11 or later: write-only arguments, sensitive paths recorded in state
}

// matrixPlainConfig uses every resource with plain arguments, so that every
// engine can apply it; matrixWriteOnlyConfig signs with write-only keys and
// passwords, for the engines that have them. Both name the provider by its
// full address, so that Terraform and OpenTofu read the same state.
const matrixHeader = `
terraform {
  required_providers {
    mtls = { source = "registry.terraform.io/mtlsforge/mtls" }
  }
}

resource "mtls_root_ca" "root" {
  subject                = { common_name = "Matrix Root" }
  private_key_passphrase = "matrix-passphrase"
}
`

func matrixConfig(caKeyArg, passwordArg string) string {
	return matrixHeader + fmt.Sprintf(`
resource "mtls_intermediate_ca" "sub" {
  ca_cert_pem = mtls_root_ca.root.cert_pem
  %[1]s       = mtls_root_ca.root.private_key_pem
  subject     = { common_name = "Matrix Sub CA" }
}

resource "mtls_server_cert" "web" {
  ca_cert_pem = mtls_intermediate_ca.sub.chain_pem
  %[1]s       = mtls_intermediate_ca.sub.private_key_pem
  dns_names   = ["web.example.internal"]
}

resource "mtls_client_cert" "alice" {
  ca_cert_pem     = mtls_intermediate_ca.sub.chain_pem
  %[1]s           = mtls_intermediate_ca.sub.private_key_pem
  email_addresses = ["alice@example.com"]
}

resource "mtls_crl" "sub" {
  ca_cert_pem = mtls_intermediate_ca.sub.chain_pem
  %[1]s       = mtls_intermediate_ca.sub.private_key_pem
  revoked     = [{ serial_number = mtls_client_cert.alice.serial_number }]
}

resource "mtls_pkcs12" "alice" {
  cert_pem        = mtls_client_cert.alice.fullchain_pem
  private_key_pem = mtls_client_cert.alice.private_key_pem
  %[2]s           = "matrix-p12-password"
}

resource "mtls_truststore" "trust" {
  certs_pem = [mtls_root_ca.root.cert_pem]
  %[2]s     = "matrix-trust-password"
}
`, caKeyArg, passwordArg)
}

// TestAccEngineMatrix_stateCrossesEngines applies with each engine and plans
// the same configuration with every engine on the state it wrote: a team
// that upgrades, or moves between Terraform and OpenTofu, must not see
// certificates replaced. Between engines of 1.11 or later the plan is empty,
// also with write-only arguments. Terraform 1.5 on state written by a newer
// engine plans an in-place update of every resource that changes no value:
// newer engines record the schema's sensitive attributes in the state
// (sensitive_attributes) and 1.5 takes the difference from its own
// bookkeeping for a change. The test pins that exactly (updates only, every
// value equal before and after), applies it with 1.5, and then expects every
// engine to plan nothing. templates/index.md.tmpl documents it.
func TestAccEngineMatrix_stateCrossesEngines(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	latest := os.Getenv("TERRAFORM_LATEST")
	if latest == "" {
		latest = "/usr/local/bin/terraform"
	}
	engines := []matrixEngine{
		{name: "terraform-1.5", path: filepath.Join(root, ".bin", "terraform")},
		{name: "terraform-latest", path: latest},
		{name: "opentofu", path: filepath.Join(root, ".bin", "tofu")},
	}
	plugins := t.TempDir()
	if _, stderr, err := testtools.RunCommand(t, 5*time.Minute, "go", "build", "-C", root, "-o", filepath.Join(plugins, "terraform-provider-mtls"), "."); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, stderr)
	}
	rc := testtools.WriteFile(t, plugins, "terraformrc", fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/mtlsforge/mtls\" = %q\n  }\n  direct {}\n}\n", plugins))
	for i := range engines {
		engines[i].path = testtools.RequireTool(t, engines[i].path)
		engines[i].writeOnly = cliAtLeast(t, engines[i].path, rc, 1, 11)
	}
	run := func(e matrixEngine, dir string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(e.path, append([]string{"-chdir=" + dir}, args...)...)
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return string(out), 0
		case errors.As(err, &exit) && exit.ExitCode() == 2 && args[0] == "plan":
			return string(out), 2
		}
		t.Fatalf("%s %s: %v\n%s", e.name, strings.Join(args, " "), err, out)
		return "", 0
	}
	variants := []struct {
		name, config string
		writeOnly    bool
	}{
		{"plain", matrixConfig("ca_private_key_pem", "password"), false},
		{"write-only", matrixConfig("ca_private_key_pem_wo", "password_wo"), true},
	}
	for _, v := range variants {
		for _, writer := range engines {
			if v.writeOnly && !writer.writeOnly {
				continue // refused before 1.11: TestAccWriteOnly_refusedBeforeTerraform111
			}
			t.Run(v.name+"/written-by-"+writer.name, func(t *testing.T) {
				dir := t.TempDir()
				testtools.WriteFile(t, dir, "main.tf", v.config)
				run(writer, dir, "apply", "-auto-approve", "-input=false", "-no-color")
				var reapplied bool
				for _, reader := range engines {
					if v.writeOnly && !reader.writeOnly {
						continue
					}
					out, code := run(reader, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=cross.tfplan")
					bookkeeping := writer.writeOnly && !reader.writeOnly
					switch {
					case code == 0 && !bookkeeping:
						continue
					case code == 0:
						t.Errorf("%s planned no change on the state of %s: the in-place updates documented in templates/index.md.tmpl are gone, update the note", reader.name, writer.name)
						continue
					case !bookkeeping:
						t.Errorf("%s plans changes on the state %s wrote:\n%s", reader.name, writer.name, out)
						continue
					}
					shown, _ := run(reader, dir, "show", "-json", "cross.tfplan")
					if err := onlyUnchangedUpdates(shown); err != nil {
						t.Errorf("%s on the state of %s: %v", reader.name, writer.name, err)
						continue
					}
					run(reader, dir, "apply", "-input=false", "-no-color", "cross.tfplan")
					reapplied = true
				}
				if !reapplied {
					return
				}
				// After Terraform 1.5 applied its no-op updates, no engine sees a change.
				for _, reader := range engines {
					if out, code := run(reader, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
						t.Errorf("%s plans changes after Terraform 1.5 applied its updates:\n%s", reader.name, out)
					}
				}
			})
		}
	}
}

// onlyUnchangedUpdates checks that a plan (show -json) holds in-place
// updates alone, each with every value the same before and after.
func onlyUnchangedUpdates(planJSON string) error {
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string       `json:"actions"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(planJSON[strings.IndexByte(planJSON, '{'):]), &plan); err != nil {
		return err
	}
	updates := 0
	for _, rc := range plan.ResourceChanges {
		switch a := strings.Join(rc.Change.Actions, ","); a {
		case "no-op":
		case "update":
			if !reflect.DeepEqual(rc.Change.Before, rc.Change.After) {
				return fmt.Errorf("%s: an update that changes values", rc.Address)
			}
			updates++
		default:
			return fmt.Errorf("%s: %s planned", rc.Address, a)
		}
	}
	if updates == 0 {
		return errors.New("no update planned")
	}
	return nil
}
