package provider

import (
	"crypto/x509"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// ingressConfigDefaults is a valid ingress-nginx mtls_ingress_config fed
// from configTestPKI.
var ingressConfigDefaults = map[string]string{
	"controller":    `"ingress-nginx"`,
	"namespace":     `"apps"`,
	"name":          `"web"`,
	"hosts":         `["web.example.com"]`,
	"service_name":  `"web"`,
	"service_port":  `8080`,
	"tls_cert_pem":  `mtls_server_cert.web.fullchain_pem`,
	"tls_key_pem":   `mtls_server_cert.web.private_key_pem`,
	"client_ca_pem": `mtls_client_cert.alice.ca_chain_pem`,
}

func ingressConfig(overrides map[string]string) string {
	return configTestPKI + dataBlock("mtls_ingress_config", ingressConfigDefaults, overrides)
}

const ingressData = "data.mtls_ingress_config.web"

func expectIngress(path tfjsonpath.Path, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(ingressData, path, check)
}

var pemCertificate = knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))

// The client CA chain (intermediate and root) sets the verification depth;
// the Secrets carry the PEMs from the certificate resources.
func TestAccIngressConfig_controllers(t *testing.T) {
	const nginx = "nginx.ingress.kubernetes.io/"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: ingressConfig(nil),
				ConfigStateChecks: []statecheck.StateCheck{
					expectIngress(tfjsonpath.New("annotations"), knownvalue.MapExact(map[string]knownvalue.Check{
						nginx + "auth-tls-secret":                       knownvalue.StringExact("apps/web-ca"),
						nginx + "auth-tls-verify-client":                knownvalue.StringExact("on"),
						nginx + "auth-tls-verify-depth":                 knownvalue.StringExact("2"),
						nginx + "auth-tls-pass-certificate-to-upstream": knownvalue.StringExact("false"),
					})),
					expectIngress(tfjsonpath.New("ca_secret").AtMapKey("name"), knownvalue.StringExact("web-ca")),
					expectIngress(tfjsonpath.New("ca_secret").AtMapKey("namespace"), knownvalue.StringExact("apps")),
					expectIngress(tfjsonpath.New("ca_secret").AtMapKey("data"), knownvalue.MapExact(map[string]knownvalue.Check{"ca.crt": pemCertificate})),
					expectIngress(tfjsonpath.New("tls_secret").AtMapKey("name"), knownvalue.StringExact("web-tls")),
					expectIngress(tfjsonpath.New("tls_secret").AtMapKey("type"), knownvalue.StringExact("kubernetes.io/tls")),
					expectIngress(tfjsonpath.New("tls_secret").AtMapKey("data").AtMapKey("tls.key"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN PRIVATE KEY-----`))),
					expectIngress(tfjsonpath.New("manifests_yaml"), knownvalue.StringRegexp(regexp.MustCompile(`(?m)^kind: Ingress$`))),
					statecheck.CompareValuePairs(ingressData, tfjsonpath.New("ca_secret").AtMapKey("data").AtMapKey("ca.crt"),
						"mtls_client_cert.alice", tfjsonpath.New("ca_chain_pem"), compare.ValuesSame()),
					statecheck.CompareValuePairs(ingressData, tfjsonpath.New("tls_secret").AtMapKey("data").AtMapKey("tls.crt"),
						"mtls_server_cert.web", tfjsonpath.New("fullchain_pem"), compare.ValuesSame()),
				},
			},
			{
				Config: ingressConfig(map[string]string{"verify_depth": "3", "match_cn": `"CN=alice"`, "pass_certificate_to_upstream": "true"}),
				ConfigStateChecks: []statecheck.StateCheck{
					expectIngress(tfjsonpath.New("annotations").AtMapKey(nginx+"auth-tls-verify-depth"), knownvalue.StringExact("3")),
					expectIngress(tfjsonpath.New("annotations").AtMapKey(nginx+"auth-tls-match-cn"), knownvalue.StringExact("CN=alice")),
					expectIngress(tfjsonpath.New("annotations").AtMapKey(nginx+"auth-tls-pass-certificate-to-upstream"), knownvalue.StringExact("true")),
				},
			},
			{
				Config: ingressConfig(map[string]string{"controller": `"traefik"`}),
				ConfigStateChecks: []statecheck.StateCheck{
					expectIngress(tfjsonpath.New("annotations"), knownvalue.MapExact(map[string]knownvalue.Check{
						"traefik.ingress.kubernetes.io/router.tls":         knownvalue.StringExact("true"),
						"traefik.ingress.kubernetes.io/router.tls.options": knownvalue.StringExact("apps-web@kubernetescrd"),
					})),
					expectIngress(tfjsonpath.New("manifests_yaml"), knownvalue.StringRegexp(regexp.MustCompile(`(?s)kind: TLSOption.*clientAuthType: RequireAndVerifyClientCert`))),
				},
			},
			{
				// Istio keeps the client CA in the Gateway's credential Secret.
				Config: ingressConfig(map[string]string{"controller": `"istio"`, "namespace": `"istio-system"`, "service_namespace": `"apps"`}),
				ConfigStateChecks: []statecheck.StateCheck{
					expectIngress(tfjsonpath.New("annotations"), knownvalue.MapSizeExact(0)),
					expectIngress(tfjsonpath.New("ca_secret"), knownvalue.Null()),
					expectIngress(tfjsonpath.New("tls_secret").AtMapKey("type"), knownvalue.StringExact("Opaque")),
					expectIngress(tfjsonpath.New("tls_secret").AtMapKey("data").AtMapKey("ca.crt"), pemCertificate),
					expectIngress(tfjsonpath.New("manifests_yaml"), knownvalue.StringRegexp(regexp.MustCompile(`(?s)kind: Gateway.*mode: MUTUAL.*host: web\.apps\.svc\.cluster\.local`))),
				},
			},
		},
	})
}

func TestAccIngressConfig_invalidInputs(t *testing.T) {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		return planErrorCase{ingressConfig(overrides), pattern}
	}
	testPlanErrors(t, configTestPKI, map[string]planErrorCase{
		"depth below chain":   bad(map[string]string{"verify_depth": "1"}, `(?s)Verification depth too small for the CA chain.*at least 2`),
		"bad name":            bad(map[string]string{"name": `"Web_App"`}, `(?s)Invalid Kubernetes name.*"Web_App" is not an RFC 1123 DNS subdomain`),
		"bad namespace":       bad(map[string]string{"namespace": `"Apps"`}, `(?s)Invalid Kubernetes name.*"Apps" is not an RFC 1123 DNS label`),
		"bad service name":    bad(map[string]string{"service_name": `"1web"`}, `(?s)Invalid Service name`),
		"IP as host":          bad(map[string]string{"hosts": `["10.0.0.1"]`}, `(?s)Invalid host.*not an IP address`),
		"nginx mode, traefik": bad(map[string]string{"controller": `"traefik"`, "verify_client": `"on"`}, `(?s)Unknown verification mode for traefik.*"RequireAndVerifyClientCert"`),
		"traefik mode, istio": bad(map[string]string{"controller": `"istio"`, "verify_client": `"RequireAndVerifyClientCert"`}, `(?s)Unknown verification mode for istio.*"MUTUAL"`),
		"match_cn on traefik": bad(map[string]string{"controller": `"traefik"`, "match_cn": `"CN=alice"`}, `(?s)Not supported by traefik`),
		"leaf as client CA":   bad(map[string]string{"client_ca_pem": `mtls_client_cert.alice.cert_pem`}, `(?s)Not a CA certificate.*"CN=alice" is not a CA certificate`),
		// ingress-nginx (OpenSSL) verifies only up to a root in the CA Secret.
		"client CA without root": bad(map[string]string{"client_ca_pem": `mtls_intermediate_ca.issuing.chain_pem`},
			`(?s)Client CA bundle does not reach a root.*"CN=Config Test Issuing CA".*ingress-nginx\s+verifies\s+a\s+client\s+only\s+up\s+to\s+a\s+self-signed\s+root`),
		"one chain of two lacks its root": bad(map[string]string{"client_ca_pem": `"${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.other.cert_pem}"`},
			`(?s)Client CA bundle does not reach a root`),
		"key as certificate": bad(map[string]string{"tls_cert_pem": `mtls_server_cert.web.private_key_pem`}, `(?s)Invalid certificate.*BEGIN CERTIFICATE`),
	})
}

// clientCABundleConfig has a second root with a client of its own (a CA
// rotation), and three ingress configurations: ingress-nginx trusting both
// roots, and traefik and istio trusting the issuing intermediate alone,
// which Go and Envoy (X509_V_FLAG_PARTIAL_CHAIN) take as a trust anchor.
const clientCABundleConfig = configTestPKI + `
resource "mtls_client_cert" "carol" {
  ca_cert_pem        = mtls_root_ca.other.cert_pem
  ca_private_key_pem = mtls_root_ca.other.private_key_pem
  subject            = { common_name = "carol" }
  email_addresses    = ["carol@example.com"]
}

data "mtls_ingress_config" "rotation" {
  controller    = "ingress-nginx"
  namespace     = "apps"
  name          = "web"
  hosts         = ["web.example.com"]
  service_name  = "web"
  service_port  = 8080
  tls_cert_pem  = mtls_server_cert.web.fullchain_pem
  tls_key_pem   = mtls_server_cert.web.private_key_pem
  client_ca_pem = "${mtls_client_cert.alice.ca_chain_pem}${mtls_root_ca.other.cert_pem}"
}

data "mtls_ingress_config" "traefik" {
  controller    = "traefik"
  namespace     = "apps"
  name          = "web"
  hosts         = ["web.example.com"]
  service_name  = "web"
  service_port  = 8080
  tls_cert_pem  = mtls_server_cert.web.fullchain_pem
  tls_key_pem   = mtls_server_cert.web.private_key_pem
  client_ca_pem = mtls_intermediate_ca.issuing.chain_pem
}

data "mtls_ingress_config" "istio" {
  controller    = "istio"
  namespace     = "istio-system"
  name          = "web"
  hosts         = ["web.example.com"]
  service_name  = "web"
  service_namespace = "apps"
  service_port  = 8080
  tls_cert_pem  = mtls_server_cert.web.fullchain_pem
  tls_key_pem   = mtls_server_cert.web.private_key_pem
  client_ca_pem = mtls_intermediate_ca.issuing.chain_pem
}
`

// Client CA bundles of several roots are accepted, the longest chain sets
// the depth, and the CA Secret the provider writes verifies clients of
// both roots with OpenSSL as ingress-nginx does; an intermediate alone
// verifies with Go's verifier, as traefik's does.
func TestAccIngressConfig_clientCABundles(t *testing.T) {
	openssl := testtools.RequireTool(t, "openssl")
	const nginx = "nginx.ingress.kubernetes.io/"
	verifyWithOpenSSL := func(s *terraform.State) error {
		dir := t.TempDir()
		caFile := testtools.WriteFile(t, dir, "ca.crt", stateAttr(s, "data.mtls_ingress_config.rotation", "ca_secret.data.ca.crt"))
		for _, client := range []string{"mtls_client_cert.alice", "mtls_client_cert.carol"} {
			leaf := testtools.WriteFile(t, dir, "client.pem", stateAttr(s, client, "cert_pem"))
			out, err := exec.Command(openssl, "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", caFile, leaf).CombinedOutput()
			if err != nil {
				return fmt.Errorf("openssl verify %s against the CA Secret: %v\n%s", client, err, out)
			}
		}
		return nil
	}
	verifyWithGo := func(s *terraform.State) error {
		for _, name := range []string{"data.mtls_ingress_config.traefik", "data.mtls_ingress_config.istio"} {
			attr := "ca_secret.data.ca.crt"
			if strings.HasSuffix(name, "istio") {
				attr = "tls_secret.data.ca.crt"
			}
			anchors, err := stateCerts(s, name, attr)
			if err != nil {
				return err
			}
			alice, err := stateCerts(s, "mtls_client_cert.alice", "cert_pem")
			if err != nil {
				return err
			}
			pool := x509.NewCertPool()
			for _, c := range anchors {
				pool.AddCert(c)
			}
			if _, err := alice[0].Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
				return fmt.Errorf("%s: alice does not verify against the intermediate alone: %w", name, err)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clientCABundleConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.mtls_ingress_config.rotation", tfjsonpath.New("annotations").AtMapKey(nginx+"auth-tls-verify-depth"), knownvalue.StringExact("2")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(verifyWithOpenSSL, verifyWithGo),
		}},
	})
}

func TestAccIngressConfig_schemaErrors(t *testing.T) {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		// Literal PEM placeholders: the schema refuses the config before any read.
		overrides["tls_cert_pem"], overrides["tls_key_pem"], overrides["client_ca_pem"] = `"x"`, `"x"`, `"x"`
		return planErrorCase{dataBlock("mtls_ingress_config", ingressConfigDefaults, overrides), pattern}
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"unknown controller": bad(map[string]string{"controller": `"haproxy"`}, `(?s)controller value must be one of: \["ingress-nginx" "traefik"\s+"istio"\]`),
		"no hosts":           bad(map[string]string{"hosts": `[]`}, `(?s)hosts list must contain at least 1 elements`),
		"bad port":           bad(map[string]string{"service_port": `0`}, `(?s)service_port value must be between 1 and 65535`),
	})
}

// client_crl_pem goes into the CA Secret as ca.crl for ingress-nginx and
// istio, and must hold a current CRL from every CA in client_ca_pem: both
// controllers check the whole chain.
func TestAccIngressConfig_clientCRLs(t *testing.T) {
	config := func(overrides map[string]string) string {
		return configTestPKI + configTestCRLs + dataBlock("mtls_ingress_config", ingressConfigDefaults, overrides)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(map[string]string{"client_crl_pem": bothCRLs}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(ingressData, tfjsonpath.New("ca_secret").AtMapKey("data").AtMapKey("ca.crl"),
						"data.mtls_ingress_config.web", tfjsonpath.New("client_crl_pem"), compare.ValuesSame()),
				},
			},
			{
				Config: config(map[string]string{"controller": `"istio"`, "namespace": `"istio-system"`, "client_crl_pem": bothCRLs}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(ingressData, tfjsonpath.New("tls_secret").AtMapKey("data").AtMapKey("ca.crl"),
						"data.mtls_ingress_config.web", tfjsonpath.New("client_crl_pem"), compare.ValuesSame()),
				},
			},
		},
	})
	testPlanErrors(t, configTestPKI+configTestCRLs, map[string]planErrorCase{
		"ingress-nginx without the root's CRL": {config(map[string]string{"client_crl_pem": `mtls_crl.issuing.crl_pem`}),
			`(?s)No CRL for a client CA.*client_crl_pem holds no CRL signed by\s+"CN=Config Test Root"`},
		"istio without the issuing CA's CRL": {config(map[string]string{"controller": `"istio"`, "client_crl_pem": `mtls_crl.root.crl_pem`}),
			`(?s)No CRL for a client CA.*"CN=Config Test Issuing CA"`},
		"traefik": {config(map[string]string{"controller": `"traefik"`, "client_crl_pem": bothCRLs}),
			`(?s)CRLs not supported by traefik.*revoked certificates would still be accepted`},
	})
}
