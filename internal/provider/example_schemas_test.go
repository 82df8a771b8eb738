package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// providerSchemaDir holds the schemas of the other providers' resources the
// examples use, in the shape of `terraform providers schema -json`, one file
// per provider; its README says where each came from.
const providerSchemaDir = "testdata/provider-schemas"

// schemaBlock is a block of `terraform providers schema -json`.
type schemaBlock struct {
	Attributes map[string]*schemaAttribute  `json:"attributes"`
	BlockTypes map[string]*schemaNestedType `json:"block_types"`
}

type schemaAttribute struct {
	Type      json.RawMessage `json:"type"`
	Required  bool            `json:"required"`
	Optional  bool            `json:"optional"`
	Computed  bool            `json:"computed"`
	WriteOnly bool            `json:"write_only"`
}

type schemaNestedType struct {
	NestingMode string       `json:"nesting_mode"`
	Block       *schemaBlock `json:"block"`
	MinItems    int          `json:"min_items"`
	MaxItems    int          `json:"max_items"`
}

// providerSchema is what the test data holds for one provider.
type providerSchema struct {
	source, version string
	resources       map[string]*schemaBlock
	dataSources     map[string]*schemaBlock
}

// loadProviderSchemas reads the test data, by provider local name (the
// prefix of its resource types).
func loadProviderSchemas(t *testing.T) map[string]*providerSchema {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(providerSchemaDir, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no provider schemas in %s: %v", providerSchemaDir, err)
	}
	schemas := map[string]*providerSchema{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			FormatVersion      string            `json:"format_version"`
			ProviderSelections map[string]string `json:"provider_selections"`
			ProviderSchemas    map[string]struct {
				ResourceSchemas map[string]struct {
					Block *schemaBlock `json:"block"`
				} `json:"resource_schemas"`
				DataSourceSchemas map[string]struct {
					Block *schemaBlock `json:"block"`
				} `json:"data_source_schemas"`
			} `json:"provider_schemas"`
		}
		if err := json.Unmarshal(data, &file); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for source, p := range file.ProviderSchemas {
			local := source[strings.LastIndex(source, "/")+1:]
			if file.ProviderSelections[source] == "" {
				t.Fatalf("%s: provider_selections names no version of %s", name, source)
			}
			ps := &providerSchema{source: source, version: file.ProviderSelections[source],
				resources: map[string]*schemaBlock{}, dataSources: map[string]*schemaBlock{}}
			for typ, r := range p.ResourceSchemas {
				ps.resources[typ] = r.Block
			}
			for typ, d := range p.DataSourceSchemas {
				ps.dataSources[typ] = d.Block
			}
			schemas[local] = ps
		}
	}
	return schemas
}

// TestExamplesMatchProviderSchemas checks every resource and data source of
// another provider in examples/ against that provider's schema, at the
// version the test data holds, which the example's version constraint must
// admit: each attribute and nested block must exist as what it is written
// as, literal values must have its type, required attributes and blocks must
// be there. A resource type or provider missing from the test data fails too,
// so that the data keeps up with the examples.
func TestExamplesMatchProviderSchemas(t *testing.T) {
	schemas := loadProviderSchemas(t)
	root := filepath.Join("..", "..", "examples")
	dirs := exampleDirs(t, root)
	checked := 0
	for _, rel := range dirs {
		files := readExampleFiles(t, filepath.Join(root, rel))
		named := map[string][]byte{}
		for name, content := range files {
			named[filepath.ToSlash(filepath.Join("examples", rel, name))] = content
		}
		problems, n := checkExampleSchemas(t, named, schemas)
		checked += n
		for _, p := range problems {
			t.Error(p)
		}
	}
	// The cloud scenarios alone have more than this; fewer means the walk
	// went wrong, not that the examples are right.
	if checked < 20 {
		t.Fatalf("checked only %d blocks of other providers in %d example directories", checked, len(dirs))
	}
	t.Logf("checked %d resource and data blocks of other providers in %d example directories", checked, len(dirs))
}

// TestCheckExampleSchemasFindsMistakes feeds the checker configurations that
// are wrong in one way each, and one that is right.
func TestCheckExampleSchemasFindsMistakes(t *testing.T) {
	schemas := loadProviderSchemas(t)
	const header = `
terraform {
  required_providers {
    alicloud = {
      source  = "aliyun/alicloud"
      version = "~> 1.289"
    }
  }
}
`
	const listener = `
resource "alicloud_nlb_listener" "l" {
  load_balancer_id  = "nlb-1"
  server_group_id   = "sgp-1"
  listener_protocol = "TCPSSL"
  listener_port     = 443
  %s
}
`
	for _, tc := range []struct {
		name, config, want string
	}{
		{"right", header + fmt.Sprintf(listener, "ca_enabled = true\n  ca_certificate_ids = [\"ca-1\"]"), ""},
		{"unknown attribute", header + fmt.Sprintf(listener, "ca_certificate_id = \"ca-1\""),
			`main.tf:16: alicloud_nlb_listener.l: ca_certificate_id is not an argument of alicloud_nlb_listener in aliyun/alicloud 1.289.0`},
		{"block written as attribute", header + `
resource "alicloud_alb_listener" "l" {
  load_balancer_id  = "alb-1"
  listener_protocol = "HTTPS"
  listener_port     = 443
  ca_certificates   = [{ certificate_id = "ca-1" }]
  default_actions {
    type = "ForwardGroup"
  }
}
`, `main.tf:15: alicloud_alb_listener.l: ca_certificates is a block (nesting list): write ca_certificates { ... }, not ca_certificates = ...`},
		{"attribute written as block", header + fmt.Sprintf(listener, "ca_certificate_ids {\n  }"),
			`main.tf:16: alicloud_nlb_listener.l: ca_certificate_ids is an argument: write ca_certificate_ids = ..., not a block`},
		{"required attribute missing", header + `
resource "alicloud_nlb_listener" "l" {
  load_balancer_id  = "nlb-1"
  listener_protocol = "TCPSSL"
  listener_port     = 443
}
`, `main.tf:11: alicloud_nlb_listener.l: the required argument server_group_id is missing`},
		{"required block missing", header + `
resource "alicloud_alb_listener" "l" {
  load_balancer_id  = "alb-1"
  listener_protocol = "HTTPS"
  listener_port     = 443
}
`, `main.tf:11: alicloud_alb_listener.l: needs at least 1 default_actions block(s), has 0`},
		{"nested mistake", header + `
resource "alicloud_alb_listener" "l" {
  load_balancer_id  = "alb-1"
  listener_protocol = "HTTPS"
  listener_port     = 443
  default_actions {
    type = "ForwardGroup"
    forward_group_config {
      server_group_id = "sgp-1"
    }
  }
}
`, `main.tf:18: alicloud_alb_listener.l: default_actions.forward_group_config.server_group_id is not an argument`},
		{"too many blocks", header + `
resource "alicloud_alb_listener" "l" {
  load_balancer_id  = "alb-1"
  listener_protocol = "HTTPS"
  listener_port     = 443
  default_actions {
    type = "ForwardGroup"
  }
  quic_config {}
  quic_config {}
}
`, `main.tf:19: alicloud_alb_listener.l: at most 1 quic_config block(s), has 2`},
		{"wrong type", header + fmt.Sprintf(listener, "ca_enabled = \"yes\""),
			`main.tf:16: alicloud_nlb_listener.l: ca_enabled: a bool is required`},
		{"computed only", header + fmt.Sprintf(listener, "region_id = \"cn-hangzhou\""),
			`main.tf:16: alicloud_nlb_listener.l: region_id is computed by the provider and cannot be set`},
		{"resource type missing from the test data", header + `
resource "alicloud_slb_ca_certificate" "ca" {
  ca_certificate = "..."
}
`, `main.tf:11: alicloud_slb_ca_certificate is not in testdata/provider-schemas/alicloud.json`},
		{"provider missing from the test data", `
terraform {
  required_providers {
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}

resource "tls_private_key" "k" {
  algorithm = "ED25519"
}
`, `main.tf:11: tls_private_key: no schema of provider "tls" in testdata/provider-schemas`},
		{"constraint the test data does not meet", strings.Replace(header, "~> 1.289", "~> 1.200.0", 1) + fmt.Sprintf(listener, ""),
			`required_providers.alicloud.version "~> 1.200.0" does not admit 1.289.0, the version testdata/provider-schemas holds`},
		{"dynamic block checked as its block", header + `
resource "alicloud_alb_listener" "l" {
  load_balancer_id  = "alb-1"
  listener_protocol = "HTTPS"
  listener_port     = 443
  default_actions {
    type = "ForwardGroup"
  }
  dynamic "ca_certificates" {
    for_each = ["ca-1"]
    content {
      certificate = ca_certificates.value
    }
  }
}
`, `main.tf:21: alicloud_alb_listener.l: ca_certificates.certificate is not an argument`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems, _ := checkExampleSchemas(t, map[string][]byte{"main.tf": []byte(tc.config)}, schemas)
			if tc.want == "" {
				if len(problems) > 0 {
					t.Fatalf("a right configuration was refused:\n%s", strings.Join(problems, "\n"))
				}
				return
			}
			for _, p := range problems {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Fatalf("want a problem containing\n  %s\ngot\n  %s", tc.want, strings.Join(problems, "\n  "))
		})
	}
}

// metaArguments are Terraform's own arguments of resource and data blocks,
// and metaBlocks its own nested blocks, which no provider schema lists.
var (
	metaArguments = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}
	metaBlocks    = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true, "precondition": true, "postcondition": true}
)

// checkExampleSchemas checks one configuration (its files by name) and
// returns its problems, each starting with file:line, and how many blocks of
// other providers it checked.
func checkExampleSchemas(t *testing.T, files map[string][]byte, schemas map[string]*providerSchema) ([]string, int) {
	t.Helper()
	var problems []string
	report := func(rng hcl.Range, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: ", rng.Filename, rng.Start.Line)+fmt.Sprintf(format, args...))
	}
	parsed := parseExampleFiles(t, files)
	constraints := map[string]*hclsyntax.Attribute{}
	for _, file := range parsed {
		for _, block := range file.body.Blocks {
			if block.Type != "terraform" {
				continue
			}
			for _, inner := range block.Body.Blocks {
				if inner.Type == "required_providers" {
					for name, attr := range inner.Body.Attributes {
						constraints[name] = attr
					}
				}
			}
		}
	}
	checkedVersions := map[string]bool{}
	checked := 0
	for _, file := range parsed {
		for _, block := range file.body.Blocks {
			if block.Type != "resource" && block.Type != "data" {
				continue
			}
			typ := block.Labels[0]
			local := providerOf(typ)
			if local == "mtls" || local == builtinProvider {
				continue
			}
			rng := block.DefRange()
			ps := schemas[local]
			if ps == nil {
				report(rng, "%s: no schema of provider %q in %s: add the resources the examples use, as its README says", typ, local, providerSchemaDir)
				continue
			}
			if !checkedVersions[local] {
				checkedVersions[local] = true
				checkConstraint(constraints[local], local, ps, report)
			}
			kind, schema := "resource", ps.resources[typ]
			if block.Type == "data" {
				kind, schema = "data source", ps.dataSources[typ]
			}
			if schema == nil {
				report(rng, "%s is not in %s/%s.json (%s %s): add its %s schema, as its README says", typ, providerSchemaDir, local, ps.source, ps.version, kind)
				continue
			}
			checked++
			where := fmt.Sprintf("%s in %s %s", typ, strings.TrimPrefix(ps.source, "registry.terraform.io/"), ps.version)
			checkBody(block.Body, schema, exampleAddress(block), "", where, rng, true, report)
		}
	}
	sort.Strings(problems)
	return problems, checked
}

// checkConstraint reports a version constraint in required_providers that
// the schema's version does not meet.
func checkConstraint(attr *hclsyntax.Attribute, local string, ps *providerSchema, report func(hcl.Range, string, ...any)) {
	if attr == nil {
		return // checkExampleProviders reports an undeclared provider
	}
	value, diags := attr.Expr.Value(nil)
	if diags.HasErrors() || !value.Type().IsObjectType() || !value.Type().HasAttribute("version") {
		report(attr.SrcRange, "required_providers.%s has no version constraint to check %s against", local, ps.version)
		return
	}
	constraint := value.GetAttr("version").AsString()
	c, err := version.NewConstraint(constraint)
	if err != nil {
		report(attr.SrcRange, "required_providers.%s.version %q: %v", local, constraint, err)
		return
	}
	if !c.Check(version.Must(version.NewVersion(ps.version))) {
		report(attr.SrcRange, "required_providers.%s.version %q does not admit %s, the version %s holds: read the schema at the version the example pins", local, constraint, ps.version, providerSchemaDir)
	}
}

// checkBody checks one block's body against its schema. prefix is the path
// of nested blocks ("default_actions.forward_group_config.") for messages.
func checkBody(body *hclsyntax.Body, schema *schemaBlock, address, prefix, where string, rng hcl.Range, top bool, report func(hcl.Range, string, ...any)) {
	for name, attr := range body.Attributes {
		if top && metaArguments[name] {
			continue
		}
		at := attr.SrcRange
		if a := schema.Attributes[name]; a != nil {
			if !a.Required && !a.Optional {
				report(at, "%s: %s%s is computed by the provider and cannot be set", address, prefix, name)
				continue
			}
			checkLiteralType(attr, a, address, prefix+name, report)
			continue
		}
		if bt := schema.BlockTypes[name]; bt != nil {
			report(at, "%s: %s%s is a block (nesting %s): write %s { ... }, not %s = ...", address, prefix, name, bt.NestingMode, name, name)
			continue
		}
		report(at, "%s: %s%s is not an argument of %s", address, prefix, name, where)
	}

	counts := map[string]int{}
	lastOf := map[string]hcl.Range{}
	dynamic := map[string]bool{}
	for _, nested := range body.Blocks {
		name, content, labels := nested.Type, nested.Body, nested.Labels
		if top && metaBlocks[name] {
			continue
		}
		if name == "dynamic" && len(nested.Labels) == 1 {
			name, labels = nested.Labels[0], nil
			dynamic[name] = true
			content = nil
			for _, inner := range nested.Body.Blocks {
				if inner.Type == "content" {
					content = inner.Body
				}
			}
			if content == nil {
				report(nested.DefRange(), "%s: dynamic %q has no content block", address, name)
				continue
			}
		}
		at := nested.DefRange()
		bt := schema.BlockTypes[name]
		if bt == nil {
			if schema.Attributes[name] != nil {
				report(at, "%s: %s%s is an argument: write %s = ..., not a block", address, prefix, name, name)
			} else {
				report(at, "%s: %s%s is not a block of %s", address, prefix, name, where)
			}
			continue
		}
		wantLabels := 0
		if bt.NestingMode == "map" {
			wantLabels = 1
		}
		if len(labels) != wantLabels && !dynamic[name] {
			report(at, "%s: %s%s (nesting %s) takes %d label(s), has %d", address, prefix, name, bt.NestingMode, wantLabels, len(labels))
		}
		if !dynamic[name] {
			counts[name]++
			lastOf[name] = at
		}
		checkBody(content, bt.Block, address, prefix+name+".", where, at, false, report)
	}
	for name, bt := range schema.BlockTypes {
		if dynamic[name] {
			continue // how many, only for_each knows
		}
		n := counts[name]
		limit := bt.MaxItems
		if bt.NestingMode == "single" || bt.NestingMode == "group" {
			limit = 1
		}
		if limit > 0 && n > limit {
			report(lastOf[name], "%s: at most %d %s%s block(s), has %d", address, limit, prefix, name, n)
		}
		if n < bt.MinItems {
			report(rng, "%s: needs at least %d %s%s block(s), has %d", address, bt.MinItems, prefix, name, n)
		}
	}
	for name, a := range schema.Attributes {
		if a.Required && body.Attributes[name] == nil {
			report(rng, "%s: the required argument %s%s is missing", address, prefix, name)
		}
	}
}

// checkLiteralType reports a value that refers to nothing (a literal, or an
// expression of literals) and cannot be converted to the attribute's type,
// as Terraform would refuse it; values that refer to anything are left to
// Terraform.
func checkLiteralType(attr *hclsyntax.Attribute, a *schemaAttribute, address, name string, report func(hcl.Range, string, ...any)) {
	if len(attr.Expr.Variables()) > 0 {
		return
	}
	value, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return // a function call: Terraform evaluates it
	}
	ty, err := ctyjson.UnmarshalType(a.Type)
	if err != nil {
		report(attr.SrcRange, "%s: %s: the test data's type %s: %v", address, name, a.Type, err)
		return
	}
	if ty == cty.DynamicPseudoType {
		return
	}
	if _, err := convert.Convert(value, ty); err != nil {
		report(attr.SrcRange, "%s: %s: %v", address, name, err)
	}
}
