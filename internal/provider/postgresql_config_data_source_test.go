package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// postgresqlConfigDefaults is a valid mtls_postgresql_config fed from
// configTestPKI and configTestCRLs.
var postgresqlConfigDefaults = map[string]string{
	"certificate_file":     `"/etc/postgresql/tls/server.pem"`,
	"certificate_key_file": `"/etc/postgresql/tls/server.key"`,
	"ca_certificate_file":  `"/etc/postgresql/tls/client-ca.pem"`,
	"ca_chain_pem":         `mtls_client_cert.alice.ca_chain_pem`,
	"crl_file":             `"/etc/postgresql/tls/client-crls.pem"`,
	"crls_pem":             bothCRLs,
	"rules":                `[{ database = "app", user = "alice", address = "10.0.0.0/8" }]`,
}

func postgresqlConfig(overrides map[string]string) string {
	return configTestPKI + configTestCRLs + dataBlock("mtls_postgresql_config", postgresqlConfigDefaults, overrides)
}

func TestAccPostgreSQLConfig_renders(t *testing.T) {
	expect := func(attr, pattern string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.mtls_postgresql_config.web", tfjsonpath.New(attr), knownvalue.StringRegexp(regexp.MustCompile(pattern)))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: postgresqlConfig(nil),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("postgresql_conf", `(?m)^ssl = on\nssl_cert_file = '/etc/postgresql/tls/server\.pem'\nssl_key_file = '/etc/postgresql/tls/server\.key'\n`),
					expect("postgresql_conf", `(?m)^ssl_ca_file = '/etc/postgresql/tls/client-ca\.pem'$`),
					expect("postgresql_conf", `(?m)^ssl_crl_file = '/etc/postgresql/tls/client-crls\.pem'$`),
					expect("postgresql_conf", `(?m)^ssl_min_protocol_version = 'TLSv1\.2'$`),
					expect("pg_hba_conf", `(?m)^hostssl "app" "alice" 10\.0\.0\.0/8 cert clientcert=verify-full$`),
					expect("pg_hba_conf", `(?m)^hostnossl "app" "alice" 10\.0\.0\.0/8 reject$`),
					expect("pg_ident_conf", `\A(#[^\n]*\n)+\z`),
					expect("connection_string", `\Asslmode=verify-full\z`),
				},
			},
			{
				Config: postgresqlConfig(map[string]string{
					"min_protocol_version": `"TLSv1.3"`,
					"rules": `[
    { database = "all", user = "+staff", address = "samenet", map = "people" },
    { database = "reports", user = "o\"neil #1 all", address = "::1", auth_method = "scram-sha-256" },
  ]`,
					"ident_maps":                   `[{ map = "people", certificate_name = "/^(.*)@example\\.com$", role = "\\1" }]`,
					"host":                         `"db.example.com"`,
					"client_root_certificate_file": `"/home/alice/.postgresql/root.crt"`,
					"client_certificate_file":      `"/home/alice/.postgresql/alice.crt"`,
					"client_key_file":              `"/home/alice/.postgresql/alice.key"`,
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("postgresql_conf", `(?m)^ssl_min_protocol_version = 'TLSv1\.3'$`),
					expect("pg_hba_conf", `(?m)^hostssl all \+staff samenet cert clientcert=verify-full map=people\n`+
						`hostssl "reports" "o""neil #1 all" ::1/128 scram-sha-256 clientcert=verify-ca$`),
					expect("pg_ident_conf", `(?m)^people "/\^\(\.\*\)@example\\\.com\$" "\\1"$`),
					expect("connection_string", `\Ahost=db\.example\.com sslmode=verify-full sslrootcert='/home/alice/\.postgresql/root\.crt' `+
						`sslcert='/home/alice/\.postgresql/alice\.crt' sslkey='/home/alice/\.postgresql/alice\.key'\z`),
				},
			},
		},
	})
}

// Refused at plan, on the attribute at fault, by the renderer and the PEM
// checks.
func TestAccPostgreSQLConfig_invalidInputs(t *testing.T) {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		return planErrorCase{postgresqlConfig(overrides), pattern}
	}
	rules := func(rule string) map[string]string { return map[string]string{"rules": "[" + rule + "]"} }
	testPlanErrors(t, configTestPKI+configTestCRLs, map[string]planErrorCase{
		"relative path": bad(map[string]string{"certificate_file": `"server.pem"`}, `(?s)Path is not absolute.*"server\.pem" is relative`),
		"setting injected through a path": bad(map[string]string{"ca_certificate_file": `"/etc/ca.pem'\nssl = off\n#"`},
			`(?s)Unsafe character in path`),
		"connection string injected through a path": bad(map[string]string{"client_key_file": `"/k' sslmode='disable"`}, `(?s)Unsafe character in path`),
		"hba line injected through a user": bad(rules(`{ database = "app", user = "alice\nhost all all all trust", address = "10.0.0.0/8" }`),
			`(?s)Invalid role name.*line break`),
		"list in a database": bad(rules(`{ database = "app,postgres", user = "alice", address = "10.0.0.0/8" }`),
			`(?s)List in a name.*one rule per database`),
		"method injected through an address": bad(rules(`{ database = "app", user = "alice", address = "0.0.0.0/0 trust" }`),
			`(?s)Invalid address.*not an address pg_hba\.conf accepts`),
		"map with a password": bad(rules(`{ database = "app", user = "alice", address = "all", auth_method = "scram-sha-256", map = "people" }`),
			`(?s)Map needs certificate authentication`),
		"unknown map": bad(rules(`{ database = "app", user = "alice", address = "all", map = "people" }`), `(?s)Unknown map.*ident_maps`),
		"substitution without a regex": bad(map[string]string{"ident_maps": `[{ map = "people", certificate_name = "alice", role = "\\1" }]`},
			`(?s)Substitution without a regular expression`),
		"bad host":   bad(map[string]string{"host": `"db.example.com sslmode=disable"`}, `(?s)Invalid host`),
		"leaf as CA": bad(map[string]string{"ca_chain_pem": `mtls_client_cert.alice.cert_pem`}, `(?s)Not a CA certificate`),
		"root CRL missing": bad(map[string]string{"crls_pem": `mtls_crl.issuing.crl_pem`},
			`(?s)No CRL for a client CA.*"CN=Config Test Root"`),
	})
}

// Refused by the schema validators, before any read: no state is needed.
func TestAccPostgreSQLConfig_schemaErrors(t *testing.T) {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		// ca_chain_pem and crls_pem refer to resources unless a case sets them.
		for _, attr := range []string{"ca_chain_pem", "crls_pem"} {
			if _, ok := overrides[attr]; !ok {
				overrides[attr] = ""
			}
		}
		return planErrorCase{dataBlock("mtls_postgresql_config", postgresqlConfigDefaults, overrides), pattern}
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"unknown method": bad(map[string]string{"rules": `[{ database = "app", user = "alice", address = "all", auth_method = "trust" }]`},
			`(?s)rules\[0\]\.auth_method value must be one of: \["cert"\s+"scram-sha-256"\]`),
		"no rules":     bad(map[string]string{"rules": `[]`}, `(?s)rules list must contain at least 1 elements`),
		"old protocol": bad(map[string]string{"min_protocol_version": `"TLSv1.1"`}, `(?s)min_protocol_version value must be one of: \["TLSv1\.2"\s+"TLSv1\.3"\]`),
		"crls_pem without crl_file": bad(map[string]string{"crl_file": "", "crls_pem": `"x"`, "ca_chain_pem": `"y"`},
			`(?s)Attribute "crl_file" must be specified when "crls_pem" is\s+specified`),
	})
}

// Warnings, which resource.Test cannot see, through the Terraform CLI: a
// client CA chain without its root, and a pg_ident regular expression that
// is not anchored (it would match longer common names), on the nested
// attribute at fault.
func TestAccPostgreSQLConfig_warnings(t *testing.T) {
	cli := newTerraformCLI(t)
	config := configTestPKI + dataBlock("mtls_postgresql_config", postgresqlConfigDefaults, map[string]string{
		"ca_chain_pem": `mtls_intermediate_ca.issuing.chain_pem`, "crl_file": "", "crls_pem": "",
		"rules":      `[{ database = "app", user = "alice", address = "10.0.0.0/8", map = "people" }]`,
		"ident_maps": `[{ map = "people", certificate_name = "/alice", role = "alice" }]`,
	})
	want := map[string]string{
		"CA chain does not reach a root":  "PostgreSQL verifies a client only up to a self-signed root in ca_certificate_file",
		"Regular expression not anchored": `"/alice" matches "malice"`,
	}
	for _, d := range cli.Run(config, "apply", "-auto-approve", "-json") {
		if fragment, ok := want[d.Summary]; ok && d.Severity == "warning" && strings.Contains(d.Detail, fragment) {
			delete(want, d.Summary)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing warnings: %v", want)
	}
}
