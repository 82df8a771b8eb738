package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAccHarness runs the whole benchmark at N=2 on the acceptance tests'
// Terraform: the providers build, every run applies, plans empty and
// destroys, the state holds the expected instances, the RSS poller finds the
// provider processes, and the table lands in its section with the floor as
// the baseline. hashicorp/tls joins when make tls-provider has built it.
func TestAccHarness(t *testing.T) {
	cli, root := acceptanceCLI(t)
	providers := []string{"floor", "wide", "mtls"}
	tlsProvider := filepath.Join(root, defaultTLSProvider)
	if _, err := os.Stat(tlsProvider); err == nil {
		providers = append(providers, "tls")
	} else {
		t.Logf("without hashicorp/tls: %v", err)
	}
	out := filepath.Join(t.TempDir(), "results.md")
	if err := os.WriteFile(out, []byte("# Results\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := options{engines: []string{cli}, ns: []int{2}, providers: providers, tlsProvider: tlsProvider, runs: 1, out: out, timeout: 10 * time.Minute}
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	e, err := detectEngine(cli)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc, "# Results\n\n<!-- tfbench:begin "+e.key+" -->\n### "+e.label+"\n") {
		t.Fatalf("the section is not where it belongs:\n%s", doc)
	}
	var header []string
	rows := map[string][]string{}
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if cells[0] == "N" {
			header = cells
			continue
		}
		rows[cells[1]] = cells
	}
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %v", name, header)
		return 0
	}
	for _, p := range providers {
		row, ok := rows[p]
		if !ok {
			t.Fatalf("no row for %s in:\n%s", p, doc)
		}
		for _, c := range []string{"apply s", "plan s", "destroy s", "provider RSS MiB", "state KiB"} {
			if v, err := strconv.ParseFloat(row[col(c)], 64); err != nil || v <= 0 {
				t.Errorf("%s: %s = %q, want a positive number", p, c, row[col(c)])
			}
		}
	}
	if got := rows["floor"][col("apply s")+1]; got != "1.00" {
		t.Errorf("the floor's own ratio is %s, want 1.00", got)
	}
}

// TestAccDetectEngineIgnoresCallersCLIConfig: on a machine whose
// TF_CLI_CONFIG_FILE names a missing file, OpenTofu prints a warning before
// its version JSON; the benchmark must still recognise every CLI rather than
// skip it.
func TestAccDetectEngineIgnoresCallersCLIConfig(t *testing.T) {
	cli, root := acceptanceCLI(t)
	clis := []string{cli}
	if tofu := filepath.Join(root, ".bin", "tofu"); fileExists(tofu) {
		clis = append(clis, tofu)
	} else {
		t.Logf("without OpenTofu: %s is not built (make opentofu)", tofu)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", filepath.Join(t.TempDir(), "missing.tfrc"))
	for _, c := range clis {
		e, err := detectEngine(c)
		if err != nil {
			t.Errorf("detectEngine(%s): %v", c, err)
			continue
		}
		if !strings.Contains(e.label, ".") {
			t.Errorf("detectEngine(%s) = %q: no version", c, e.label)
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// acceptanceCLI skips outside acceptance tests, and gives the CLI they run
// on and the module root.
func acceptanceCLI(t *testing.T) (cli, root string) {
	t.Helper()
	cli = os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make testacc does)")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return cli, root
}
