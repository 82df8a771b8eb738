package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

// haproxyConfigDefaults is a valid mtls_haproxy_config fed by configTestPKI.
var haproxyConfigDefaults = map[string]string{
	"listen_address":          `"127.0.0.1"`,
	"listen":                  `8443`,
	"certificate_file":        `"/etc/haproxy/tls/web.pem"`,
	"ca_certificate_file":     `"/etc/haproxy/tls/client-ca.pem"`,
	"ca_chain_pem":            `mtls_client_cert.alice.ca_chain_pem`,
	"proxy_pass":              `"http://127.0.0.1:8080"`,
	"forward_client_identity": `true`,
}

func haproxyConfig(overrides map[string]string) string {
	return configTestPKI + configTestCRLs + dataBlock("mtls_haproxy_config", haproxyConfigDefaults, overrides)
}

func TestAccHAProxyConfig_renders(t *testing.T) {
	type renderCase struct {
		overrides       map[string]string
		sections, bind  []string // regular expressions
		sectionsMissing []string
	}
	cases := []renderCase{
		{
			sections: []string{
				`(?m)^frontend mtls_8443\n    mode http\n    bind 127\.0\.0\.1:8443 ssl crt "/etc/haproxy/tls/web\.pem" ca-file "/etc/haproxy/tls/client-ca\.pem" verify required ssl-min-ver TLSv1\.2$`,
				`(?m)^    http-request del-header X_SSL_Client_S_DN$`,
				`(?m)^    http-request set-header X-SSL-Client-S-DN %\[ssl_c_s_dn\(,0,rfc2253\)\] if mtls_client_certificate mtls_client_verified$`,
				`(?m)^    http-request set-header X-SSL-Client-Fingerprint %\[ssl_c_der,sha2\(256\),hex,lower\] if mtls_client_certificate mtls_client_verified$`,
				`(?m)^    default_backend mtls_8443_backend\n\nbackend mtls_8443_backend\n    mode http\n    server app 127\.0\.0\.1:8080\n\z`,
			},
			bind:            []string{`\Abind 127\.0\.0\.1:8443 ssl crt "/etc/haproxy/tls/web\.pem" ca-file "/etc/haproxy/tls/client-ca\.pem" verify required ssl-min-ver TLSv1\.2\z`},
			sectionsMissing: []string{`NONE`},
		},
		{
			overrides: map[string]string{"verify_client": `"optional"`, "crl_file": `"/etc/haproxy/tls/client-crls.pem"`, "crls_pem": bothCRLs},
			sections: []string{
				`(?m) crl-file "/etc/haproxy/tls/client-crls\.pem" verify optional `,
				`(?m)^    http-request set-header X-SSL-Client-Verify NONE unless mtls_client_certificate$`,
			},
		},
		{
			overrides:       map[string]string{"mode": `"tcp"`, "forward_client_identity": "", "proxy_pass": `"tcp://10.0.0.5:5432"`, "listen": "", "listen_address": ""},
			sections:        []string{`(?m)^frontend mtls_443\n    mode tcp\n    bind :443 ssl `, `(?m)^backend mtls_443_backend\n    mode tcp\n    server app 10\.0\.0\.5:5432$`},
			sectionsMissing: []string{`http-request`},
		},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		var checks []statecheck.StateCheck
		for attr, patterns := range map[string][]string{"sections": tc.sections, "bind_line": tc.bind} {
			for _, pattern := range patterns {
				checks = append(checks, statecheck.ExpectKnownValue("data.mtls_haproxy_config.web", tfjsonpath.New(attr), knownvalue.StringRegexp(regexp.MustCompile(pattern))))
			}
		}
		missing := tc.sectionsMissing
		steps = append(steps, resource.TestStep{Config: haproxyConfig(tc.overrides), ConfigStateChecks: checks, Check: func(s *terraform.State) error {
			sections := stateAttr(s, "data.mtls_haproxy_config.web", "sections")
			for _, pattern := range missing {
				if regexp.MustCompile(pattern).MatchString(sections) {
					return fmt.Errorf("sections match %q:\n%s", pattern, sections)
				}
			}
			return nil
		}})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// Invalid combinations and hostile values fail the plan on the attribute at
// fault, which Terraform quotes under the summary.
func TestAccHAProxyConfig_invalidInputs(t *testing.T) {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		return planErrorCase{haproxyConfig(overrides), pattern}
	}
	tcp := func(overrides map[string]string) map[string]string {
		overrides["mode"] = `"tcp"`
		if _, ok := overrides["proxy_pass"]; !ok {
			overrides["proxy_pass"] = `"tcp://127.0.0.1:5432"`
		}
		return overrides
	}
	testPlanErrors(t, configTestPKI+configTestCRLs, map[string]planErrorCase{
		"identity in tcp mode": bad(tcp(map[string]string{}), `(?s)No headers in tcp mode.*forward_client_identity = true.*no request headers`),
		"optional in tcp mode": bad(tcp(map[string]string{"forward_client_identity": "", "verify_client": `"optional"`}),
			`(?s)Optional verification in tcp mode.*verify_client\s+= "optional"`),
		"http backend in tcp mode": bad(tcp(map[string]string{"forward_client_identity": "", "proxy_pass": `"http://127.0.0.1:8080"`}),
			`(?s)Invalid backend URL.*proxy_pass\s+= "http://127\.0\.0\.1:8080".*tcp://host:port`),
		"tcp backend without port": bad(tcp(map[string]string{"forward_client_identity": "", "proxy_pass": `"tcp://db.internal"`}), `(?s)Backend port missing`),
		"tcp backend in http mode": bad(map[string]string{"proxy_pass": `"tcp://127.0.0.1:5432"`}, `(?s)Invalid backend URL.*mode = "tcp"`),
		"quote in certificate_file": bad(map[string]string{"certificate_file": `"/etc/a.pem\" verify none \""`},
			`(?s)Unsafe character in path.*certificate_file`),
		"newline in crl_file":          bad(map[string]string{"crl_file": `"/etc/crl.pem\n    http-request del-header X-SSL-Client-S-DN"`}, `(?s)Unsafe character in path.*crl_file`),
		"relative ca_certificate_file": bad(map[string]string{"ca_certificate_file": `"client-ca.pem"`}, `(?s)Path is not absolute.*ca_certificate_file`),
		"listen address with options":  bad(map[string]string{"listen_address": `"127.0.0.1:80 ssl"`}, `(?s)Invalid IP address.*listen_address`),
		"backend with options":         bad(map[string]string{"proxy_pass": `"http://127.0.0.1:8080 check"`}, `(?s)Invalid backend.*proxy_pass`),
		"leaf as CA":                   bad(map[string]string{"ca_chain_pem": `mtls_client_cert.alice.cert_pem`}, `(?s)Not a CA certificate.*"CN=alice" is not a CA certificate`),
		"root CRL missing": bad(map[string]string{"crl_file": `"/etc/haproxy/tls/client-crls.pem"`, "crls_pem": `mtls_crl.issuing.crl_pem`},
			`(?s)No CRL for a client CA.*"CN=Config Test Root"`),
	})
}

// Refused by the schema before any read.
func TestAccHAProxyConfig_schemaErrors(t *testing.T) {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		overrides["ca_chain_pem"] = ""
		return planErrorCase{dataBlock("mtls_haproxy_config", haproxyConfigDefaults, overrides), pattern}
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"optional_no_ca":    bad(map[string]string{"verify_client": `"optional_no_ca"`}, `(?s)verify_client value must be one of: \["require" "optional"\]`),
		"unknown mode":      bad(map[string]string{"mode": `"udp"`}, `(?s)mode value must be one of: \["http" "tcp"\]`),
		"missing backend":   bad(map[string]string{"proxy_pass": ""}, `(?s)The argument "proxy_pass" is required`),
		"port out of range": bad(map[string]string{"listen": "70000"}, `(?s)listen value must be between 1 and 65535`),
		"crls_pem alone":    bad(map[string]string{"crls_pem": `"x"`}, `(?s)Attribute "crl_file" must be specified when "crls_pem" is\s+specified`),
	})
}

// Every warning and error of RenderHAProxy names attributes of the data
// source.
func TestHAProxyConfigMessagesNameAttributes(t *testing.T) {
	valid := render.HAProxyInput{CertificateFile: "/etc/a.pem", CACertificateFile: "/etc/ca.pem", ProxyPass: "http://127.0.0.1:8080"}
	inputs := map[string]func(*render.HAProxyInput){
		"nothing required":     func(in *render.HAProxyInput) { in.VerifyClient = render.VerifyClientOptional },
		"identity in tcp mode": func(in *render.HAProxyInput) { in.Mode, in.ForwardClientIdentity = render.HAProxyModeTCP, true },
		"optional in tcp mode": func(in *render.HAProxyInput) {
			in.Mode, in.VerifyClient = render.HAProxyModeTCP, render.VerifyClientOptional
		},
		"tcp without port": func(in *render.HAProxyInput) { in.Mode, in.ProxyPass = render.HAProxyModeTCP, "tcp://db" },
		"everything wrong": func(in *render.HAProxyInput) {
			*in = render.HAProxyInput{ListenAddress: "x", Listen: -1, CertificateFile: "rel", CACertificateFile: "/a;b", CRLFile: "c", VerifyClient: "on", Mode: "udp", ProxyPass: "ftp://x"}
		},
		"no backend": func(in *render.HAProxyInput) { in.ProxyPass = "" },
	}
	for name, change := range inputs {
		t.Run(name, func(t *testing.T) {
			in := valid
			change(&in)
			_, warnings, err := render.RenderHAProxy(in)
			if err == nil && len(warnings) == 0 {
				t.Fatal("no message to check")
			}
			checkMessagesNameAttributes(t, NewHAProxyConfigDataSource(), warnings, err)
		})
	}
}
