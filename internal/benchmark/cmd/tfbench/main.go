// Command tfbench is the Terraform-level benchmark of BENCHMARKS.md: for each
// CLI (Terraform, OpenTofu), each N and each provider (the floor, mtls,
// hashicorp/tls), it applies one root CA, one intermediate CA and N client
// certificates in a fresh directory, times a no-change plan (which must be
// empty) and a destroy, and records the providers' peak RSS and the state
// size. The results, with ratios to the floor, replace the CLI's section of
// the output file. `make bench-terraform` runs it; see BENCHMARKS.md.
//
// It is a program and not a Go benchmark because one cell takes minutes and
// yields a dozen measures: testing.B would repeat it to reach a benchtime
// and report one ns/op. Being a main package also keeps it out of `go test`
// and `make bench`.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// defaultTLSProvider is where make tls-provider puts hashicorp/tls, from the
// module root.
var defaultTLSProvider = ".bin/tls-mirror/registry.terraform.io/hashicorp/tls/4.3.0/" + runtime.GOOS + "_" + runtime.GOARCH + "/terraform-provider-tls"

type options struct {
	engines     []string
	ns          []int
	providers   []string
	tlsProvider string
	runs        int
	out         string
	timeout     time.Duration
	keep        bool
}

func main() {
	var o options
	var engines, ns, providers string
	flag.StringVar(&engines, "engines", ".bin/terraform /usr/local/bin/terraform .bin/tofu", "CLI binaries to run, space or comma separated; missing ones are skipped")
	flag.StringVar(&ns, "n", "200 1000 2000", "numbers of client certificates, space or comma separated")
	flag.StringVar(&providers, "providers", "floor wide mtls tls", "providers to compare; floor is the baseline of the ratios, wide the floor with mtls_client_cert's attributes")
	flag.StringVar(&o.tlsProvider, "tls-provider", defaultTLSProvider, "hashicorp/tls binary (make tls-provider); skipped if missing")
	flag.IntVar(&o.runs, "runs", 1, "runs per cell; the table shows the median of each measure")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "markdown file whose per-CLI sections are replaced (created if missing)")
	flag.DurationVar(&o.timeout, "timeout", time.Hour, "limit for one CLI command")
	flag.BoolVar(&o.keep, "keep", false, "keep the working directories")
	flag.Parse()
	o.engines = fields(engines)
	o.providers = fields(providers)
	for _, f := range fields(ns) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			fatalf("-n: %q is not a positive number", f)
		}
		o.ns = append(o.ns, n)
	}
	if o.runs < 1 {
		fatalf("-runs must be at least 1")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "tfbench: "+format+"\n", args...)
	os.Exit(1)
}

func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}

// engine is one CLI binary and what it says it is.
type engine struct {
	path, label, key string
}

func detectEngine(path string) (engine, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return engine{}, err
	}
	if _, err := os.Stat(abs); err != nil {
		return engine{}, fmt.Errorf("not installed (%v)", err)
	}
	// The caller's CLI configuration may name a missing file, which OpenTofu
	// warns about on stdout, so the version runs with none, like the runs.
	version := exec.Command(abs, "version", "-json")
	version.Env = cliEnv(os.DevNull)
	out, err := version.Output()
	if err != nil {
		return engine{}, fmt.Errorf("%s version -json: %v", abs, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return engine{}, fmt.Errorf("%s version -json: %v", abs, err)
	}
	name, key := "Terraform", "terraform"
	if strings.Contains(filepath.Base(abs), "tofu") {
		name, key = "OpenTofu", "opentofu"
	}
	return engine{path: abs, label: name + " " + v.Version, key: key + "-" + v.Version}, nil
}

func run(ctx context.Context, o options) error {
	var engines []engine
	for _, p := range o.engines {
		e, err := detectEngine(p)
		if err != nil {
			fmt.Printf("skipping CLI %s: %v\n", p, err)
			continue
		}
		engines = append(engines, e)
	}
	if len(engines) == 0 {
		return fmt.Errorf("none of the CLIs %v is installed", o.engines)
	}

	work, err := os.MkdirTemp("", "tfbench-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer func() { _ = os.RemoveAll(work) }()
	}
	chosen, notes, err := buildProviders(ctx, o, filepath.Join(work, "plugins"))
	if err != nil {
		return err
	}

	failed := false
	for _, e := range engines {
		started := time.Now().UTC()
		startLoad := loadAverage()
		var results []result
		for _, n := range o.ns {
			for _, s := range chosen {
				runs := make([]result, 0, o.runs)
				for i := 0; i < o.runs; i++ {
					fmt.Printf("%s, N=%d, %s, run %d/%d ...\n", e.label, n, s.subject.name, i+1, o.runs)
					r := measureOne(ctx, o, e, s, n, filepath.Join(work, fmt.Sprintf("%s-%d-%s-%d", e.key, n, s.subject.name, i)))
					if r.err != "" {
						fmt.Printf("  failed: %s\n", r.err)
						failed = true
						runs = []result{r}
						break
					}
					fmt.Printf("  apply %.1fs, plan %.1fs, destroy %.1fs, provider RSS %.0f MiB, state %d B\n",
						r.apply.Seconds(), r.plan.Seconds(), r.destroy.Seconds(), float64(r.rss)/(1<<20), r.state)
					runs = append(runs, r)
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				results = append(results, median(runs))
			}
		}
		body := fmt.Sprintf("### %s\n\n%s UTC to %s UTC on %s; load average (1 min) %s at the start, %s at the end; %s.\n%s\n\n%s\n",
			e.label, started.Format("2006-01-02 15:04"), time.Now().UTC().Format("15:04"), machine(), startLoad, loadAverage(),
			runsNote(o.runs), notes, table(results))
		if err := writeSection(o.out, e.key, body); err != nil {
			return err
		}
		fmt.Printf("wrote %s to %s\n", e.label, o.out)
	}
	if failed {
		return fmt.Errorf("some runs failed; see the rows marked failed in %s", o.out)
	}
	return nil
}

func runsNote(runs int) string {
	if runs == 1 {
		return "one run per row"
	}
	return fmt.Sprintf("median of %d runs per row", runs)
}

func writeSection(path, key, body string) error {
	doc, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(path, []byte(upsertSection(string(doc), key, body)), 0o644)
}

// built is a subject with its binary's directory.
type built struct {
	subject subject
	dir     string
}

// buildProviders builds the floor and mtls providers stripped, as goreleaser
// builds releases (but with cgo and without -trimpath: either would miss the
// build cache and compile every dependency again), and finds hashicorp/tls.
// notes describes their versions for the tables.
func buildProviders(ctx context.Context, o options, dir string) ([]built, string, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, "", err
	}
	var out []built
	var notes []string
	// Before building, so that it names the tree that was built.
	if commit, err := exec.Command("git", "-C", root, "describe", "--always", "--dirty").Output(); err == nil {
		notes = append(notes, "mtls and floor built from commit "+strings.TrimSpace(string(commit))+".")
	}
	for _, name := range o.providers {
		var s *subject
		for i := range subjects {
			if subjects[i].name == name {
				s = &subjects[i]
			}
		}
		if s == nil {
			return nil, "", fmt.Errorf("-providers: unknown provider %q", name)
		}
		switch s.name {
		case "tls":
			bin, err := filepath.Abs(o.tlsProvider)
			if err == nil {
				_, err = os.Stat(bin)
			}
			if err != nil {
				fmt.Printf("skipping hashicorp/tls: %s is missing (make tls-provider builds it)\n", o.tlsProvider)
				notes = append(notes, "hashicorp/tls not run: its binary is missing.")
				continue
			}
			notes = append(notes, "hashicorp/tls "+moduleVersion(bin)+".")
			out = append(out, built{*s, filepath.Dir(bin)})
		default:
			pkg := "."
			if s.typ == "floor" {
				pkg = "./internal/benchmark/cmd/terraform-provider-floor"
			}
			build := exec.CommandContext(ctx, "go", "build", "-ldflags=-s -w", "-o", filepath.Join(dir, "terraform-provider-"+s.typ), pkg)
			build.Dir = root
			if msg, err := build.CombinedOutput(); err != nil {
				return nil, "", fmt.Errorf("building the %s provider: %v\n%s", s.name, err, msg)
			}
			out = append(out, built{*s, dir})
		}
	}
	return out, strings.Join(notes, " "), nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" || strings.TrimSpace(string(out)) == os.DevNull {
		return "", fmt.Errorf("run tfbench inside the provider's module (go env GOMOD: %v)", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

// moduleVersion is the main module's version recorded in a Go binary.
func moduleVersion(bin string) string {
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		return "(version unknown)"
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "mod" {
			return f[2]
		}
	}
	return "(version unknown)"
}

// measureOne applies, plans and destroys one configuration in a fresh dir.
func measureOne(ctx context.Context, o options, e engine, b built, n int, dir string) result {
	r := result{n: n, provider: b.subject.name, instances: b.subject.instances(n), load: loadAverage()}
	fail := func(err error) result {
		r.err = "failed: " + err.Error()
		return r
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(err)
	}
	if !o.keep {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, []byte(cliConfig(map[string]string{b.subject.source: b.dir}, []string{b.subject.source})), 0o600); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.subject.config(n)), 0o600); err != nil {
		return fail(err)
	}
	env := cliEnv(rc)

	step := func(want int, args ...string) (measurement, bool) {
		cctx, cancel := context.WithTimeout(ctx, o.timeout)
		defer cancel()
		m, err := runCLI(cctx, e.path, dir, env, append(args, "-input=false", "-no-color")...)
		_ = os.WriteFile(filepath.Join(dir, args[0]+".log"), m.output, 0o600)
		if err != nil {
			r.err = "failed: " + err.Error()
			return m, false
		}
		if m.exitCode != want {
			what := fmt.Sprintf("%s exited %d", args[0], m.exitCode)
			if args[0] == "plan" && m.exitCode == 2 {
				what = "plan after apply not empty"
			}
			fmt.Printf("  %s; its output ends:\n%s\n", what, tail(m.output, 40))
			r.err = "failed: " + what
			return m, false
		}
		if m.providerPeakRSS > r.rss {
			r.rss = m.providerPeakRSS
		}
		return m, true
	}

	apply, ok := step(0, "apply", "-auto-approve")
	if !ok {
		return r
	}
	r.apply, r.applyCPU = apply.wall, apply.cpu
	var err error
	if r.state, err = checkState(filepath.Join(dir, "terraform.tfstate"), r.instances); err != nil {
		return fail(err)
	}
	plan, ok := step(0, "plan", "-detailed-exitcode")
	if !ok {
		return r
	}
	r.plan, r.planCPU = plan.wall, plan.cpu
	destroy, ok := step(0, "destroy", "-auto-approve")
	if !ok {
		return r
	}
	r.destroy = destroy.wall
	return r
}

// cliEnv is the environment of every CLI command: ours, without any TF_*
// variable of the caller (TF_CLI_ARGS, TF_LOG, a plugin cache...), with our
// CLI config.
func cliEnv(rc string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	return append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
}

// checkState returns the size of the state file after checking that it
// holds the expected number of resource instances.
func checkState(path string, want int) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("reading the state: %v", err)
	}
	var state struct {
		Resources []struct {
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		return 0, fmt.Errorf("parsing the state: %v", err)
	}
	got := 0
	for _, r := range state.Resources {
		got += len(r.Instances)
	}
	if got != want {
		return 0, fmt.Errorf("state holds %d resource instances, want %d", got, want)
	}
	return int64(len(data)), nil
}

func tail(out []byte, lines int) string {
	all := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
