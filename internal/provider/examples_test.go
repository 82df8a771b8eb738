package provider

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// exampleSecret is the value of every passphrase and password the examples
// ask for, and the passphrase of the encrypted key fixture.
const exampleSecret = "correct-horse-battery-staple"

// exampleVars sets variables whose defaults would leave part of an example
// unexercised; "{dir}" is the directory the example runs in. Every other
// variable without a default gets exampleSecret.
var exampleVars = map[string]map[string]string{
	// Way 2: the .p12 from the client's encrypted key.
	"client-csr-pkcs12": {
		"client_key_file":       "{dir}/myclient-pass.key",
		"client_key_passphrase": exampleSecret,
		"p12_password":          exampleSecret,
	},
	// The external CA's key, read from the fixture file.
	"write-only": {
		"ca_private_key_pem": "{file}{dir}/external-ca.key",
	},
}

// exampleChecks look further at an example after it applied.
var exampleChecks = map[string]func(t *testing.T, run *exampleRun, fixtures *exampleFixtures){
	"client-csr-pkcs12": checkClientCSRPKCS12Example,
	"flocker-cluster":   checkFlockerExample,
	"write-only":        checkWriteOnlyExample,
	"clustercontrol-hardening": func(t *testing.T, run *exampleRun, _ *exampleFixtures) {
		// The names the comment above the data source promises.
		want := "ALTER USER 'cmon'@'127.0.0.1' REQUIRE SUBJECT '/O=Example Ops/CN=cmon' AND ISSUER '/O=Example Ops/CN=ClusterControl DB Root CA';"
		if sql := run.outputs(t)["users_sql"]; !strings.Contains(sql, want) {
			t.Errorf("users_sql lacks %q:\n%s", want, sql)
		}
	},
}

// TestAccExamples runs every directory under examples/ through real
// Terraform with the provider built from this checkout, installed offline
// from a filesystem mirror: terraform init, validate, apply, and a plan that
// must then be empty. It also checks that each directory is a whole
// configuration: it declares every provider it uses, mtls as
// "mtlsforge/mtls" and every other one with a version constraint.
//
// Providers other than mtls (local, aws, azurerm, google, alicloud,
// kubernetes, random) cannot be installed here. Their blocks, and whatever
// refers to them, are removed before init, and the test logs what it removed:
// for such a directory it proves that every mtls resource and data source is
// valid, applies and is stable. TestExamplesMatchProviderSchemas checks the
// other providers' blocks against their schemas. Examples that call provider
// functions need Terraform 1.8+, examples that declare ephemeral resources
// Terraform 1.10+ or OpenTofu 1.11+, and examples that set write-only
// arguments 1.11+: with an older CLI they are skipped, and make
// test-opentofu and make test-terraform-latest run them.
func TestAccExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	testAccPreCheck(t)
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	cliConfig := exampleProviderMirror(t)
	fixtures := newExampleFixtures(t)

	root, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	functions := cliSupportsProviderFunctions(t, tf, cliConfig)
	writeOnly := cliAtLeast(t, tf, cliConfig, 1, 11)
	ephemeral := cliHasEphemeralResources(t, tf, cliConfig)
	dirs := exampleDirs(t, root)
	if len(dirs) < 10 {
		t.Fatalf("found only %d example directories under %s", len(dirs), root)
	}
	for _, rel := range dirs {
		t.Run(rel, func(t *testing.T) {
			files := readExampleFiles(t, filepath.Join(root, rel))
			checkExampleProviders(t, files)
			if !functions && callsProviderFunctions(files) {
				t.Skipf("calls provider functions, which need Terraform 1.8+ or OpenTofu; %s is older (make test-opentofu runs this one)", tf)
			}
			if !ephemeral && declaresEphemeralResources(t, files) {
				t.Skipf("declares ephemeral resources, which need Terraform 1.10+ or OpenTofu 1.11+; %s is older (make test-opentofu and make test-terraform-latest run this one)", tf)
			}
			if !writeOnly && setsWriteOnlyArguments(files) {
				t.Skipf("sets write-only arguments, which need Terraform 1.11+ or OpenTofu 1.11+; %s is older (make test-terraform-latest and make test-opentofu run this one)", tf)
			}
			kept, removed := stripForeignProviders(t, files)
			if len(removed) > 0 {
				t.Logf("not installable offline, so removed before init: %s", strings.Join(removed, ", "))
			}
			run := &exampleRun{tf: tf, dir: t.TempDir(), cliConfig: cliConfig}
			for name, content := range kept {
				testtools.WriteFile(t, run.dir, name, string(content))
			}
			fixtures.write(t, run.dir)
			run.writeVars(t, kept, exampleVars[rel])

			run.terraform(t, "init", "-input=false")
			var validate struct {
				Valid       bool `json:"valid"`
				Diagnostics []struct {
					Severity, Summary, Detail string
				} `json:"diagnostics"`
			}
			if err := json.Unmarshal([]byte(run.terraform(t, "validate", "-json")), &validate); err != nil {
				t.Fatal(err)
			}
			if !validate.Valid {
				t.Fatalf("terraform validate: %+v", validate.Diagnostics)
			}
			run.terraform(t, "apply", "-auto-approve", "-input=false", "-var-file=example.tfvars.json")
			run.terraform(t, "plan", "-detailed-exitcode", "-input=false", "-var-file=example.tfvars.json")
			if check := exampleChecks[rel]; check != nil {
				check(t, run, fixtures)
			}
		})
	}
}

// cliSupportsProviderFunctions tells whether the CLI is Terraform 1.8 or
// later, or an OpenTofu (1.7 or later) that reports its own version.
func cliSupportsProviderFunctions(t *testing.T, tf, cliConfig string) bool {
	t.Helper()
	return cliAtLeast(t, tf, cliConfig, 1, 8)
}

// cliAtLeast tells whether the CLI (Terraform, or OpenTofu by its own
// version) is major.minor or later.
func cliAtLeast(t *testing.T, tf, cliConfig string, wantMajor, wantMinor int) bool { //nolint:unparam // versions are major.minor; every feature so far came in 1.x
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tf, "version", "-json")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	var version struct {
		TerraformVersion string `json:"terraform_version"`
	}
	// A CLI configuration warning may come first on stdout.
	if i := bytes.IndexByte(out, '{'); i > 0 {
		out = out[i:]
	}
	if err := json.Unmarshal(out, &version); err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	var major, minor int
	if _, err := fmt.Sscanf(version.TerraformVersion, "%d.%d", &major, &minor); err != nil {
		t.Fatalf("%s version %q: %v", tf, version.TerraformVersion, err)
	}
	return major > wantMajor || major == wantMajor && minor >= wantMinor
}

// cliHasEphemeralResources tells whether the CLI knows ephemeral resources:
// Terraform 1.10, OpenTofu 1.11.
func cliHasEphemeralResources(t *testing.T, tf, cliConfig string) bool {
	t.Helper()
	if cliAtLeast(t, tf, cliConfig, 1, 11) || !cliAtLeast(t, tf, cliConfig, 1, 10) {
		return cliAtLeast(t, tf, cliConfig, 1, 11)
	}
	cmd := exec.CommandContext(t.Context(), tf, "version")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	return err == nil && !bytes.Contains(out, []byte("OpenTofu"))
}

func declaresEphemeralResources(t *testing.T, files map[string][]byte) bool {
	for _, file := range parseExampleFiles(t, files) {
		for _, block := range file.body.Blocks {
			if block.Type == "ephemeral" {
				return true
			}
		}
	}
	return false
}

var writeOnlyArgument = regexp.MustCompile(`(?m)^\s*[a-z_]+_wo\s*=`)

func setsWriteOnlyArguments(files map[string][]byte) bool {
	for _, content := range files {
		if writeOnlyArgument.Match(content) {
			return true
		}
	}
	return false
}

func callsProviderFunctions(files map[string][]byte) bool {
	for _, content := range files {
		if bytes.Contains(content, []byte("provider::")) {
			return true
		}
	}
	return false
}

type exampleRun struct {
	tf, dir, cliConfig string
}

// terraform runs one Terraform command in the example's directory and fails
// the test unless it exits 0 (for plan -detailed-exitcode: no changes).
func (r *exampleRun) terraform(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.tf, append(args, "-no-color")...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+r.cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func (r *exampleRun) outputs(t *testing.T) map[string]string {
	t.Helper()
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.terraform(t, "output", "-json")), &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, o := range raw {
		if s, ok := o.Value.(string); ok {
			out[name] = s
		}
	}
	return out
}

// stateValues returns the attributes of every instance of a resource in
// state, by index key ("" for a single instance). address is TYPE, for every
// resource of that type, or TYPE.NAME for one.
func (r *exampleRun) stateValues(t *testing.T, address string) map[string]map[string]any {
	t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Name   string         `json:"name"`
					Index  any            `json:"index"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(r.terraform(t, "show", "-json")), &state); err != nil {
		t.Fatal(err)
	}
	found := map[string]map[string]any{}
	for _, res := range state.Values.RootModule.Resources {
		if res.Type == address || res.Type+"."+res.Name == address {
			key := ""
			if res.Index != nil {
				key = fmt.Sprint(res.Index)
			}
			found[key] = res.Values
		}
	}
	return found
}

// writeVars gives every variable without a default a value.
func (r *exampleRun) writeVars(t *testing.T, files map[string][]byte, overrides map[string]string) {
	t.Helper()
	values := map[string]string{}
	for _, file := range parseExampleFiles(t, files) {
		for _, block := range file.body.Blocks {
			if block.Type == "variable" && block.Body.Attributes["default"] == nil {
				values[block.Labels[0]] = exampleSecret
			}
		}
	}
	for name, value := range overrides {
		value = strings.ReplaceAll(value, "{dir}", r.dir)
		if file, ok := strings.CutPrefix(value, "{file}"); ok {
			content, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			value = string(content)
		}
		values[name] = value
	}
	data, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	testtools.WriteFile(t, r.dir, "example.tfvars.json", string(data))
}

// exampleProviderMirror builds the provider from this checkout into a
// filesystem mirror and returns a CLI configuration that installs mtls from
// it and nothing from anywhere else. Unlike dev_overrides (make demo), a
// mirror lets terraform init run as a user's would, offline.
func exampleProviderMirror(t *testing.T) string {
	t.Helper()
	mirror := t.TempDir()
	const version = "0.0.1"
	target := runtime.GOOS + "_" + runtime.GOARCH
	var binary string
	// OpenTofu (make test-opentofu) resolves "mtlsforge/mtls" on its own host.
	for i, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(mirror, host, "mtlsforge", "mtls", version, target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			binary = filepath.Join(dir, "terraform-provider-mtls_v"+version)
			module, err := filepath.Abs(filepath.Join("..", ".."))
			if err != nil {
				t.Fatal(err)
			}
			if _, stderr, err := testtools.RunCommand(t, 5*time.Minute, "go", "build", "-C", module, "-o", binary, "."); err != nil {
				t.Fatalf("go build of the provider: %v\n%s", err, stderr)
			}
			continue
		}
		if err := os.Symlink(binary, filepath.Join(dir, filepath.Base(binary))); err != nil {
			t.Fatal(err)
		}
	}
	config := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/mtlsforge/mtls", "registry.opentofu.org/mtlsforge/mtls"]
  }
}
`, mirror)
	return testtools.WriteFile(t, mirror, "terraformrc", config)
}

// exampleDirs lists the directories under root that hold .tf files.
func exampleDirs(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") {
			rel, err := filepath.Rel(root, filepath.Dir(path))
			if err != nil {
				return err
			}
			seen[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, 0, len(seen))
	for dir := range seen {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	return dirs
}

func readExampleFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, name := range names {
		content, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(name)] = content
	}
	return files
}

type exampleFile struct {
	name string
	body *hclsyntax.Body
}

func parseExampleFiles(t *testing.T, files map[string][]byte) []exampleFile {
	t.Helper()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var parsed []exampleFile
	for _, name := range names {
		file, diags := hclsyntax.ParseConfig(files[name], name, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", name, diags.Error())
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			t.Fatalf("%s: not native HCL syntax", name)
		}
		parsed = append(parsed, exampleFile{name: name, body: body})
	}
	return parsed
}

// providerOf is the provider a resource or data source type belongs to.
func providerOf(resourceType string) string {
	name, _, _ := strings.Cut(resourceType, "_")
	return name
}

// builtinProvider is Terraform's own (terraform_data), which needs neither
// a declaration nor an installation.
const builtinProvider = "terraform"

// checkExampleProviders fails unless the example declares every provider it
// uses in required_providers: mtls as "mtlsforge/mtls" (no registry host),
// every other one with a version constraint.
func checkExampleProviders(t *testing.T, files map[string][]byte) {
	t.Helper()
	used := map[string]bool{"mtls": true}
	declared := map[string]map[string]string{}
	for _, file := range parseExampleFiles(t, files) {
		for _, block := range file.body.Blocks {
			switch block.Type {
			case "resource", "data", "ephemeral":
				used[providerOf(block.Labels[0])] = true
			case "provider":
				used[block.Labels[0]] = true
			case "terraform":
				for _, inner := range block.Body.Blocks {
					if inner.Type != "required_providers" {
						continue
					}
					for name, attr := range inner.Body.Attributes {
						value, diags := attr.Expr.Value(nil)
						if diags.HasErrors() || !value.Type().IsObjectType() {
							t.Errorf("%s: required_providers.%s must be { source = ..., version = ... }", file.name, name)
							continue
						}
						fields := map[string]string{}
						for key, v := range value.AsValueMap() {
							if v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
								fields[key] = v.AsString()
							}
						}
						declared[name] = fields
					}
				}
			}
		}
	}
	delete(used, builtinProvider)
	for name := range used {
		fields, ok := declared[name]
		switch {
		case !ok:
			t.Errorf("provider %q is used but not in terraform.required_providers", name)
		case name == "mtls" && fields["source"] != "mtlsforge/mtls":
			t.Errorf(`required_providers.mtls.source is %q, want "mtlsforge/mtls"`, fields["source"])
		case name != "mtls" && (fields["source"] == "" || fields["version"] == ""):
			t.Errorf("required_providers.%s needs a source and a version constraint, has %v", name, fields)
		}
	}
}

// stripForeignProviders removes the blocks of providers other than mtls, and
// transitively every block, local value and output that refers to them. It
// returns the files that are left and the addresses it removed.
func stripForeignProviders(t *testing.T, files map[string][]byte) (map[string][]byte, []string) {
	t.Helper()
	refs := map[string][]string{} // address -> the addresses it refers to
	removed := map[string]bool{}
	for _, file := range parseExampleFiles(t, files) {
		for _, block := range file.body.Blocks {
			switch block.Type {
			case "resource", "data", "ephemeral", "output", "provider", "check":
				address := exampleAddress(block)
				refs[address] = bodyReferences(block.Body)
				if (block.Type == "resource" || block.Type == "data" || block.Type == "ephemeral") && providerOf(block.Labels[0]) != "mtls" && providerOf(block.Labels[0]) != builtinProvider ||
					block.Type == "provider" && block.Labels[0] != "mtls" {
					removed[address] = true
				}
			case "locals":
				for name, attr := range block.Body.Attributes {
					refs["local."+name] = expressionReferences(attr.Expr)
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for address, targets := range refs {
			for _, target := range targets {
				if removed[target] && !removed[address] {
					removed[address], changed = true, true
				}
			}
		}
	}

	kept := map[string][]byte{}
	for name, src := range files {
		file, diags := hclwrite.ParseConfig(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", name, diags.Error())
		}
		body := file.Body()
		for _, block := range body.Blocks() {
			switch block.Type() {
			case "terraform":
				for _, inner := range block.Body().Blocks() {
					if inner.Type() == "required_providers" {
						for attr := range inner.Body().Attributes() {
							if attr != "mtls" {
								inner.Body().RemoveAttribute(attr)
							}
						}
					}
				}
			case "locals":
				for attr := range block.Body().Attributes() {
					if removed["local."+attr] {
						block.Body().RemoveAttribute(attr)
					}
				}
			default:
				if labels := block.Labels(); len(labels) > 0 && removed[exampleAddressOf(block.Type(), labels)] {
					body.RemoveBlock(block)
				}
			}
		}
		kept[name] = file.Bytes()
	}
	list := make([]string, 0, len(removed))
	for address := range removed {
		list = append(list, address)
	}
	sort.Strings(list)
	return kept, list
}

func exampleAddress(block *hclsyntax.Block) string {
	return exampleAddressOf(block.Type, block.Labels)
}

// exampleAddressOf is how configuration refers to a block: TYPE.NAME for a
// resource, data.TYPE.NAME and ephemeral.TYPE.NAME; output.NAME,
// provider.NAME and check.NAME name the others here.
func exampleAddressOf(blockType string, labels []string) string {
	if blockType == "resource" {
		return strings.Join(labels, ".")
	}
	return blockType + "." + strings.Join(labels, ".")
}

func bodyReferences(body *hclsyntax.Body) []string {
	var refs []string
	for _, attr := range body.Attributes {
		refs = append(refs, expressionReferences(attr.Expr)...)
	}
	for _, block := range body.Blocks {
		refs = append(refs, bodyReferences(block.Body)...)
	}
	return refs
}

// expressionReferences names the resources, data sources and local values an
// expression refers to.
func expressionReferences(expr hclsyntax.Expression) []string {
	var refs []string
	for _, traversal := range expr.Variables() {
		var steps []string
		for _, step := range traversal {
			switch s := step.(type) {
			case hcl.TraverseRoot:
				steps = append(steps, s.Name)
			case hcl.TraverseAttr:
				steps = append(steps, s.Name)
			}
			if len(steps) == 3 {
				break
			}
		}
		switch {
		case len(steps) < 2:
		case steps[0] == "local":
			refs = append(refs, "local."+steps[1])
		case (steps[0] == "data" || steps[0] == "ephemeral") && len(steps) == 3:
			refs = append(refs, strings.Join(steps, "."))
		case steps[0] != "var" && steps[0] != "path" && steps[0] != "each" && steps[0] != "count" && steps[0] != "self" && steps[0] != "terraform":
			refs = append(refs, steps[0]+"."+steps[1])
		}
	}
	return refs
}

// exampleFixtures are the files the examples read: CSRs a client made, an
// encrypted key, a partner's roots and certificates, made here with
// crypto/x509 alone.
type exampleFixtures struct {
	files       map[string]string
	myclientKey crypto.Signer
}

func newExampleFixtures(t *testing.T) *exampleFixtures {
	t.Helper()
	f := &exampleFixtures{files: map[string]string{}}
	csr := func(key crypto.Signer, subject pkix.Name) string {
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: subject}, key)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	}
	newKey := func() crypto.Signer {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return key
	}

	// examples/resources/mtls_client_cert: a workload's CSR.
	f.files["client.csr"] = csr(newKey(), pkix.Name{CommonName: "batch"})

	// examples/client-csr-pkcs12: the guide's encrypted key and its CSR.
	f.myclientKey = newKey()
	encrypted, err := pki.EncryptPKCS8PEM(f.myclientKey, exampleSecret)
	if err != nil {
		t.Fatal(err)
	}
	f.files["myclient-pass.key"] = encrypted
	f.files["myclient.csr"] = csr(f.myclientKey, pkix.Name{
		Country: []string{"SE"}, Province: []string{"Sweden"}, Locality: []string{"Stockholm"},
		Organization: []string{"Severalnines AB"}, OrganizationalUnit: []string{"Security"},
		CommonName: "myclient.severalnines.internal",
	})

	// A partner's roots, old and new, and a client certificate from the new
	// one (resources/mtls_truststore, functions/*); a vendor's server
	// certificate (functions/certificate_info).
	sign := func(template, parent *x509.Certificate, parentKey, key crypto.Signer) *x509.Certificate {
		template.NotBefore, template.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
		cert, err := testtools.SignCertificate(template, parent, parentKey, key)
		if err != nil {
			t.Fatal(err)
		}
		return cert
	}
	newRoot := func(name string) (*x509.Certificate, crypto.Signer) {
		key := newKey()
		return sign(&x509.Certificate{
			Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		}, nil, key, key), key
	}
	oldRoot, _ := newRoot("Partner Root CA 2020")
	partnerRoot, partnerKey := newRoot("Partner Root CA")
	leaf := func(name string, usage x509.ExtKeyUsage) *x509.Certificate {
		return sign(&x509.Certificate{
			Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		}, partnerRoot, partnerKey, newKey())
	}
	f.files["partner-root.pem"] = pki.EncodeCertificatesPEM(partnerRoot)
	f.files["partner-roots.pem"] = pki.EncodeCertificatesPEM(oldRoot, partnerRoot)
	f.files["ca-bundle.pem"] = pki.EncodeCertificatesPEM(oldRoot, partnerRoot)
	f.files["partner-client.pem"] = pki.EncodeCertificatesPEM(leaf("client.partner.example", x509.ExtKeyUsageClientAuth))
	f.files["vendor.pem"] = pki.EncodeCertificatesPEM(leaf("api.vendor.example", x509.ExtKeyUsageServerAuth))

	// examples/write-only: a CA kept outside the configuration, valid long
	// enough for the intermediate it signs.
	externalKey := newKey()
	externalCA, err := testtools.SignCertificate(&x509.Certificate{
		Subject: pkix.Name{CommonName: "Example External CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:  x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(20 * 8760 * time.Hour),
	}, nil, externalKey, externalKey)
	if err != nil {
		t.Fatal(err)
	}
	encoded, err := pki.EncodeKey(externalKey)
	if err != nil {
		t.Fatal(err)
	}
	f.files["external-ca.pem"] = pki.EncodeCertificatesPEM(externalCA)
	f.files["external-ca.key"] = encoded.PKCS8PEM
	return f
}

func (f *exampleFixtures) write(t *testing.T, dir string) {
	t.Helper()
	for name, content := range f.files {
		testtools.WriteFile(t, dir, name, content)
	}
}

// checkClientCSRPKCS12Example follows both ways the example documents to a
// .p12 for a client that made its own key, and checks that each holds the
// certificate issued for the CSR, with the client's own key.
func checkClientCSRPKCS12Example(t *testing.T, run *exampleRun, fixtures *exampleFixtures) {
	openssl := testtools.RequireTool(t, "openssl")
	outputs := run.outputs(t)
	certs, err := pki.ParseCertificatesPEM(outputs["myclient_cert_pem"])
	if err != nil || len(certs) != 1 {
		t.Fatalf("myclient_cert_pem: %v (%d certificates)", err, len(certs))
	}
	if !pki.PublicKeysEqual(certs[0].PublicKey, fixtures.myclientKey.Public()) {
		t.Fatal("the certificate does not certify the key of the client's CSR")
	}
	if got := certs[0].Subject.CommonName; got != "myclient.severalnines.internal" {
		t.Errorf("subject CN %q, want the CSR's", got)
	}
	testtools.WriteFile(t, run.dir, "myclient.crt", outputs["myclient_cert_pem"])
	testtools.WriteFile(t, run.dir, "ca.pem", outputs["ca_cert_pem"])
	openSSL := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), openssl, args...)
		cmd.Dir = run.dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	openSSL("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "ca.pem", "myclient.crt")

	// Way 1: on the client, the example's openssl command, passwords given
	// on the command line instead of at the prompts.
	openSSL("pkcs12", "-export", "-inkey", "myclient-pass.key", "-in", "myclient.crt", "-certfile", "ca.pem",
		"-name", "myclient (ClusterControl)", "-out", "way1.p12",
		"-passin", "pass:"+exampleSecret, "-passout", "pass:"+exampleSecret)

	// Way 2: mtls_pkcs12 from the encrypted key.
	p12, err := base64.StdEncoding.DecodeString(outputs["myclient_p12_base64"])
	if err != nil || len(p12) == 0 {
		t.Fatalf("myclient_p12_base64 is not a .p12: %v", err)
	}
	testtools.WriteFile(t, run.dir, "way2.p12", string(p12))

	for _, file := range []string{"way1.p12", "way2.p12"} {
		out := openSSL("pkcs12", "-in", file, "-passin", "pass:"+exampleSecret, "-nodes")
		if !strings.Contains(out, "friendlyName: myclient (ClusterControl)") {
			t.Errorf("%s: no friendly name in\n%s", file, out)
		}
		var key crypto.Signer
		var leaf *x509.Certificate
		for rest := []byte(out); ; {
			var block *pem.Block
			if block, rest = pem.Decode(rest); block == nil {
				break
			}
			switch block.Type {
			case "PRIVATE KEY":
				if key, err = pki.ParsePrivateKeyPEM(string(pem.EncodeToMemory(block)), ""); err != nil {
					t.Fatalf("%s: %v", file, err)
				}
			case "CERTIFICATE":
				if c, err := x509.ParseCertificate(block.Bytes); err == nil && c.Equal(certs[0]) {
					leaf = c
				}
			}
		}
		if leaf == nil || key == nil || !pki.PublicKeysEqual(key.Public(), fixtures.myclientKey.Public()) {
			t.Errorf("%s does not hold the issued certificate with the client's own key", file)
		}
	}
}

// checkFlockerExample checks the certificates the fleet example issues
// against what Flocker's control service accepts (flocker/ca/_validation.py):
// a node agent's common name must start with "node-", an API client's with
// "user-"; and against what flocker-ca makes: the control service's common
// name is "control-service", with its hostname as subject alternative name,
// and every certificate has the cluster's UUID as organizational unit. Node
// certificates are one per UUID, known by it alone; API users one per user.
func checkFlockerExample(t *testing.T, run *exampleRun, _ *exampleFixtures) {
	const clusterUUID = "3f2c9a1e-7b4d-4e6f-8a90-1c2d3e4f5a6b" // the example's default
	roots := run.stateValues(t, "mtls_root_ca")
	rootCerts, err := pki.ParseCertificatesPEM(fmt.Sprint(roots[""]["cert_pem"]))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(rootCerts[0])
	// leaf parses the certificate of one instance, checks its subject (the
	// common name and the cluster's UUID, nothing else) and that it verifies
	// against the cluster CA for usage.
	leaf := func(what string, values map[string]any, commonName string, usage x509.ExtKeyUsage) *x509.Certificate {
		t.Helper()
		certs, err := pki.ParseCertificatesPEM(fmt.Sprint(values["cert_pem"]))
		if err != nil {
			t.Fatal(err)
		}
		cert := certs[0]
		if want := "CN=" + commonName + ",OU=" + clusterUUID; cert.Subject.String() != want {
			t.Errorf("%s: subject %q, want %s", what, cert.Subject, want)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
			t.Errorf("%s: %v", what, err)
		}
		return cert
	}
	if got := rootCerts[0].Subject.OrganizationalUnit; len(got) != 1 || got[0] != clusterUUID {
		t.Errorf("cluster CA: organizational unit %q, want the cluster UUID", got)
	}

	control := leaf("control service", run.stateValues(t, "mtls_server_cert.control")[""], "control-service", x509.ExtKeyUsageServerAuth)
	if err := control.VerifyHostname("control.flocker.example.internal"); err != nil {
		t.Errorf("control service: %v", err)
	}

	nodes := run.stateValues(t, "mtls_client_cert.node")
	if len(nodes) != 3 {
		t.Fatalf("%d node certificates, want one per default node UUID (3)", len(nodes))
	}
	for uuid, values := range nodes {
		cert := leaf("node "+uuid, values, "node-"+uuid, x509.ExtKeyUsageClientAuth)
		if len(cert.DNSNames)+len(cert.IPAddresses)+len(cert.EmailAddresses)+len(cert.URIs) != 0 {
			t.Errorf("node %s: has subject alternative names, want none", uuid)
		}
	}

	users := run.stateValues(t, "mtls_client_cert.api_user")
	if len(users) != 1 || users["alice"] == nil {
		t.Fatalf("API user certificates %v, want one for the default user alice", users)
	}
	leaf("API user alice", users["alice"], "user-alice", x509.ExtKeyUsageClientAuth)
}

// checkWriteOnlyExample checks that the state holds neither the external
// CA's key nor the passwords the example passes write-only, and that the
// server certificate verifies against that CA.
func checkWriteOnlyExample(t *testing.T, run *exampleRun, fixtures *exampleFixtures) {
	state, err := os.ReadFile(filepath.Join(run.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if err := noSecretsIn("the example's terraform.tfstate", string(state), secretLines([]string{exampleSecret}, fixtures.files["external-ca.key"])); err != nil {
		t.Error(err)
	}
	ca, err := pki.ParseCertificatesPEM(fixtures.files["external-ca.pem"])
	if err != nil {
		t.Fatal(err)
	}
	for address, cert := range run.stateValues(t, "mtls_server_cert") {
		chain, err := pki.ParseCertificatesPEM(fmt.Sprint(cert["fullchain_pem"]))
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AddCert(ca[0])
		if _, err := chain[0].Verify(x509.VerifyOptions{Roots: roots}); err != nil {
			t.Errorf("%s does not verify against the external CA: %v", address, err)
		}
	}
}
