package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// configTestPKI issues what the configuration data sources are fed:
// root -> issuing intermediate -> server and client certificates, so that
// client certificates sit two CAs deep.
const configTestPKI = `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Config Test Root" }
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  max_path_length    = 0
  subject            = { common_name = "Config Test Issuing CA" }
}

resource "mtls_server_cert" "web" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "localhost" }
  dns_names          = ["localhost"]
  ip_addresses       = ["127.0.0.1"]
}

resource "mtls_client_cert" "alice" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "alice" }
  email_addresses    = ["alice@example.com"]
}

resource "mtls_root_ca" "other" {
  subject = { common_name = "Unrelated Root" }
}
`

// serverConfigDefaults is a valid mtls_apache_config or mtls_nginx_config:
// the client CA chain is the intermediate and the root.
var serverConfigDefaults = map[string]string{
	"server_name":             `"localhost"`,
	"listen_address":          `"127.0.0.1"`,
	"listen":                  `8443`,
	"certificate_file":        `"/etc/mtls/web.pem"`,
	"certificate_key_file":    `"/etc/mtls/web.key"`,
	"ca_certificate_file":     `"/etc/mtls/client-ca.pem"`,
	"ca_chain_pem":            `mtls_client_cert.alice.ca_chain_pem`,
	"proxy_pass":              `"http://127.0.0.1:8080"`,
	"forward_client_identity": `true`,
}

// dataBlock writes data "<typ>" "web" with defaults replaced by overrides;
// an empty override removes the attribute.
func dataBlock(typ string, defaults, overrides map[string]string) string {
	return namedDataBlock(typ, "web", defaults, overrides)
}

// namedDataBlock is dataBlock for a data source of another name.
func namedDataBlock(typ, name string, defaults, overrides map[string]string) string {
	attrs := maps.Clone(defaults)
	for name, value := range overrides {
		if value == "" {
			delete(attrs, name)
		} else {
			attrs[name] = value
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\ndata %q %q {\n", typ, name)
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		fmt.Fprintf(&b, "  %s = %s\n", name, attrs[name])
	}
	b.WriteString("}\n")
	return b.String()
}

func serverConfig(typ string, overrides map[string]string) string {
	return configTestPKI + dataBlock(typ, serverConfigDefaults, overrides)
}

// serverConfigCase is a configuration of one server flavor and what its
// rendered block must say.
type serverConfigCase struct {
	overrides map[string]string
	want      []string // regular expressions the block must match
}

func testServerConfigRenders(t *testing.T, typ, blockAttr string, cases []serverConfigCase) {
	var steps []resource.TestStep
	for _, tc := range cases {
		var checks []statecheck.StateCheck
		for _, want := range tc.want {
			checks = append(checks, statecheck.ExpectKnownValue("data."+typ+".web", tfjsonpath.New(blockAttr), knownvalue.StringRegexp(regexp.MustCompile(want))))
		}
		steps = append(steps, resource.TestStep{Config: serverConfig(typ, tc.overrides), ConfigStateChecks: checks})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// Apache counts every CA above the client certificate, so a client issued
// by the intermediate needs SSLVerifyDepth 2, derived from ca_chain_pem.
func TestAccApacheConfig_rendersFromIssuedChain(t *testing.T) {
	testServerConfigRenders(t, "mtls_apache_config", "virtual_host", []serverConfigCase{
		{want: []string{
			`(?m)^<VirtualHost 127\.0\.0\.1:8443>$`,
			`(?m)^\s+SSLVerifyClient require$`,
			`(?m)^\s+SSLVerifyDepth 2$`,
			`(?m)^\s+SSLCACertificateFile "/etc/mtls/client-ca\.pem"$`,
			`(?m)^\s+SSLCertificateFile "/etc/mtls/web\.pem"$`,
			`(?m)^\s+RequestHeader set X-SSL-Client-S-DN "%\{SSL_CLIENT_S_DN\}s"$`,
			`(?m)^\s+ProxyPass "/" "http://127\.0\.0\.1:8080/"$`,
		}},
		// A root-first bundle is the same chain.
		{overrides: map[string]string{"ca_chain_pem": `"${mtls_root_ca.root.cert_pem}${mtls_intermediate_ca.issuing.chain_pem}"`},
			want: []string{`(?m)^\s+SSLVerifyDepth 2$`}},
		// Without the root the depth still counts it: the servers need it.
		{overrides: map[string]string{"ca_chain_pem": `mtls_intermediate_ca.issuing.chain_pem`},
			want: []string{`(?m)^\s+SSLVerifyDepth 2$`}},
		{overrides: map[string]string{"verify_depth": "3"}, want: []string{`(?m)^\s+SSLVerifyDepth 3$`}},
		{overrides: map[string]string{"ca_chain_pem": "", "verify_depth": ""}, want: []string{`(?m)^\s+SSLVerifyDepth 1$`}},
		// A CA rotation trusts two roots side by side; the longest chain
		// (intermediate and root) sets the depth.
		{overrides: map[string]string{"ca_chain_pem": `"${mtls_client_cert.alice.ca_chain_pem}${mtls_root_ca.other.cert_pem}"`},
			want: []string{`(?m)^\s+SSLVerifyDepth 2$`}},
		{overrides: map[string]string{"ca_chain_pem": `"${mtls_root_ca.other.cert_pem}${mtls_root_ca.root.cert_pem}"`},
			want: []string{`(?m)^\s+SSLVerifyDepth 1$`}},
		// A chain without its root next to another root: the depth counts
		// the missing root (a warning says it belongs in the CA file).
		{overrides: map[string]string{"ca_chain_pem": `"${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.other.cert_pem}"`},
			want: []string{`(?m)^\s+SSLVerifyDepth 2$`}},
		// Locations are case-insensitive regular expressions (see
		// internal/render/locations.go): <Location> matches whole segments.
		{overrides: map[string]string{"verify_client": `"optional"`, "locations": `["/admin"]`}, want: []string{
			`(?m)^\s+SSLVerifyClient optional$`,
			`(?s)<LocationMatch "\(\?i\)\^[^"]*/admin">\s+AuthMerging And\s+Require expr "%\{SSL_CLIENT_VERIFY\} == 'SUCCESS'"`,
			`(?m)^\s+RequestHeader unset X_SSL_Client_S_DN$`,
		}},
		// Without render_listen the block starts with the virtual host.
		{want: []string{`\A<VirtualHost 127\.0\.0\.1:8443>\n`}},
		{overrides: map[string]string{"render_listen": "true"}, want: []string{`(?m)^Listen 127\.0\.0\.1:8443 https$(?s:.*)^<VirtualHost 127\.0\.0\.1:8443>$`}},
		{overrides: map[string]string{"render_listen": "true", "listen_address": "", "listen": ""}, want: []string{`(?m)^Listen 443 https$`}},
	})
}

func TestAccNginxConfig_rendersFromIssuedChain(t *testing.T) {
	testServerConfigRenders(t, "mtls_nginx_config", "server_block", []serverConfigCase{
		{want: []string{
			`(?m)^\s+listen 127\.0\.0\.1:8443 ssl;$`,
			`(?m)^\s+ssl_verify_client on;$`,
			`(?m)^\s+ssl_verify_depth 2;$`,
			`(?m)^\s+ssl_client_certificate "/etc/mtls/client-ca\.pem";$`,
			`(?m)^\s+proxy_set_header X-SSL-Client-S-DN \$ssl_client_s_dn;$`,
			`(?s)location / \{\s+proxy_pass http://127\.0\.0\.1:8080;`,
		}},
		{overrides: map[string]string{"verify_depth": "3", "protocols": `["TLSv1.3"]`}, want: []string{`(?m)^\s+ssl_verify_depth 3;$`, `(?m)^\s+ssl_protocols TLSv1\.3;$`}},
		{overrides: map[string]string{"verify_client": `"optional"`, "locations": `["/admin"]`}, want: []string{
			`(?m)^\s+ssl_verify_client optional;$`,
			`(?s)location ~\* "\^[^"]*/admin" \{\s+if \(\$ssl_client_verify != SUCCESS\) \{\s+return 403;`,
			`(?m)^\s+proxy_set_header X_SSL_Client_S_DN "";$`,
		}},
		{overrides: map[string]string{"ca_chain_pem": `"${mtls_client_cert.alice.ca_chain_pem}${mtls_root_ca.other.cert_pem}"`},
			want: []string{`(?m)^\s+ssl_verify_depth 2;$`}},
	})
}

// serverConfigErrors are the mistakes both server flavors refuse at plan.
func serverConfigErrors(typ string) map[string]planErrorCase {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		return planErrorCase{serverConfig(typ, overrides), pattern}
	}
	return map[string]planErrorCase{
		"depth below chain": bad(map[string]string{"verify_depth": "1"}, `(?s)Verification depth too small for the CA chain.*at least 2`),
		"relative path":     bad(map[string]string{"certificate_file": `"certs/web.pem"`}, `(?s)Path is not absolute.*"certs/web\.pem" is relative`),
		"unsafe path":       bad(map[string]string{"ca_certificate_file": `"/etc/ssl/ca.pem;evil"`}, `(?s)Unsafe character in path`),
		"bad server name":   bad(map[string]string{"server_name": `"web_1.example.com"`}, `(?s)Invalid host name.*not a DNS host name`),
		"bad alias":         bad(map[string]string{"server_aliases": `["ok.example.com", "bad name"]`}, `(?s)Invalid host name.*"bad name" is not a DNS host name`),
		"leaf as CA":        bad(map[string]string{"ca_chain_pem": `mtls_client_cert.alice.cert_pem`}, `(?s)Not a CA certificate.*"CN=alice" is not a CA certificate`),
		"not PEM":           bad(map[string]string{"ca_chain_pem": `"clients.pem"`}, `(?s)Invalid CA chain.*BEGIN CERTIFICATE`),
		"backend path":      bad(map[string]string{"proxy_pass": `"http://127.0.0.1:8080/app"`}, `(?s)Backend URL has a path`),
		"bad location":      bad(map[string]string{"verify_client": `"optional"`, "locations": `["admin"]`}, `(?s)Invalid location.*starting with "/"`),
	}
}

// serverConfigSchemaErrors are refused by the schema validators, before any
// read; the configurations need no state, so none is applied first (the
// post-test destroy would fail on the invalid configuration).
func serverConfigSchemaErrors(typ string) map[string]planErrorCase {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		// ca_chain_pem refers to a resource; the schema check needs no PKI.
		overrides["ca_chain_pem"] = ""
		return planErrorCase{dataBlock(typ, serverConfigDefaults, overrides), pattern}
	}
	return map[string]planErrorCase{
		"unknown verify mode": bad(map[string]string{"verify_client": `"on"`}, `(?s)verify_client value must be one of: \["require" "optional"\s+"optional_no_ca"\]`),
		"old protocol":        bad(map[string]string{"protocols": `["TLSv1.1"]`}, `(?s)protocols\[0\] value must be one of: \["TLSv1\.2" "TLSv1\.3"\]`),
		"proxy and files":     bad(map[string]string{"document_root": `"/srv/www"`}, `(?s)"document_root" cannot be specified when "proxy_pass" is specified`),
		"port out of range":   bad(map[string]string{"listen": "70000"}, `(?s)listen value must be between 1 and 65535`),
		"zero depth":          bad(map[string]string{"verify_depth": "0"}, `(?s)verify_depth value must be at least 1`),
	}
}

func TestAccApacheConfig_schemaErrors(t *testing.T) {
	testPlanErrors(t, "", serverConfigSchemaErrors("mtls_apache_config"))
}

func TestAccNginxConfig_schemaErrors(t *testing.T) {
	testPlanErrors(t, "", serverConfigSchemaErrors("mtls_nginx_config"))
}

func TestAccApacheConfig_invalidInputs(t *testing.T) {
	cases := serverConfigErrors("mtls_apache_config")
	cases["wildcard server name"] = planErrorCase{
		serverConfig("mtls_apache_config", map[string]string{"server_name": `"*.example.com"`}),
		`(?s)Wildcard server name.*put the wildcard in server_aliases`,
	}
	testPlanErrors(t, configTestPKI, cases)
}

func TestAccNginxConfig_invalidInputs(t *testing.T) {
	testPlanErrors(t, configTestPKI, serverConfigErrors("mtls_nginx_config"))
}

// configTestCRLs is a CRL for each CA of configTestPKI.
const configTestCRLs = `
resource "mtls_crl" "root" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
}

resource "mtls_crl" "issuing" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  revoked            = [{ serial_number = "0a" }]
}

resource "mtls_crl" "other" {
  ca_cert_pem        = mtls_root_ca.other.cert_pem
  ca_private_key_pem = mtls_root_ca.other.private_key_pem
}
`

// bothCRLs are the CRLs of the client CA chain of configTestPKI.
const bothCRLs = `"${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"`

// crls_pem is checked against ca_chain_pem: a current CRL from every CA, or
// the servers would refuse every client of the CA without one.
func TestAccServerConfig_crlsChecked(t *testing.T) {
	for _, flavor := range []struct{ typ, block, directive string }{
		{"mtls_apache_config", "virtual_host", `(?m)^\s+SSLCARevocationFile "/etc/mtls/client-crls\.pem"\n\s+SSLCARevocationCheck chain$`},
		{"mtls_nginx_config", "server_block", `(?m)^\s+ssl_crl "/etc/mtls/client-crls\.pem";$`},
	} {
		t.Run(flavor.typ, func(t *testing.T) {
			config := func(overrides map[string]string) string {
				overrides["crl_file"] = `"/etc/mtls/client-crls.pem"`
				return configTestPKI + configTestCRLs + dataBlock(flavor.typ, serverConfigDefaults, overrides)
			}
			t.Run("renders", func(t *testing.T) {
				resource.ParallelTest(t, resource.TestCase{
					PreCheck:                 func() { testAccPreCheck(t) },
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					Steps: []resource.TestStep{{
						Config: config(map[string]string{"crls_pem": bothCRLs}),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("data."+flavor.typ+".web", tfjsonpath.New(flavor.block), knownvalue.StringRegexp(regexp.MustCompile(flavor.directive))),
						},
					}},
				})
			})
			testPlanErrors(t, configTestPKI+configTestCRLs, map[string]planErrorCase{
				"root CRL missing": {config(map[string]string{"crls_pem": `mtls_crl.issuing.crl_pem`}),
					`(?s)No CRL for a client CA.*crls_pem holds no CRL signed by\s+"CN=Config Test Root"`},
				"another root's CRL": {config(map[string]string{"crls_pem": `"${mtls_crl.issuing.crl_pem}${mtls_crl.other.crl_pem}"`}),
					`(?s)No CRL for a client CA.*"CN=Config Test Root"`},
				"rotation without the new root's CRL": {config(map[string]string{"crls_pem": bothCRLs, "ca_chain_pem": `"${mtls_client_cert.alice.ca_chain_pem}${mtls_root_ca.other.cert_pem}"`}),
					`(?s)No CRL for a client CA.*"CN=Unrelated Root"`},
				"certificate for CRL": {config(map[string]string{"crls_pem": `mtls_root_ca.root.cert_pem`}),
					`(?s)Invalid CRL.*BEGIN X509 CRL`},
			})
		})
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"crls_pem without crl_file": {dataBlock("mtls_nginx_config", serverConfigDefaults, map[string]string{"ca_chain_pem": `"x"`, "crls_pem": `"y"`}),
			`(?s)Attribute "crl_file" must be specified when "crls_pem" is\s+specified`},
		"crls_pem without ca_chain_pem": {dataBlock("mtls_apache_config", serverConfigDefaults, map[string]string{"ca_chain_pem": "", "crl_file": `"/etc/crl.pem"`, "crls_pem": `"y"`}),
			`(?s)Attribute "ca_chain_pem" must be specified when "crls_pem" is\s+specified`},
	})
}

// A stale copy of the CRLs (here kept by terraform_data) is refused by every
// configuration data source once it has expired, while the mtls_crl
// resources themselves are renewed by the same plan.
func TestAccConfigDataSources_expiredCRLs(t *testing.T) {
	clock := newTestClock()
	crlFile := map[string]string{"crl_file": `"/etc/mtls/client-crls.pem"`, "crls_pem": "terraform_data.copy.output"}
	config := configTestPKI + configTestCRLs + `
resource "terraform_data" "copy" {
  input = ` + bothCRLs + `
  lifecycle {
    ignore_changes = [input]
  }
}
` + dataBlock("mtls_apache_config", serverConfigDefaults, crlFile) + dataBlock("mtls_nginx_config", serverConfigDefaults, crlFile) +
		dataBlock("mtls_ingress_config", ingressConfigDefaults, map[string]string{"client_crl_pem": "terraform_data.copy.output"})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The CRLs are valid for a week.
				PreConfig:   func() { clock.Advance(8 * 24 * time.Hour) },
				Config:      config,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)(CRL expired.*){3}`),
			},
		},
	})
}
