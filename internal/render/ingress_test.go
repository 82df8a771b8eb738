package render

import (
	"crypto/x509"
	"maps"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// Placeholder PEM blocks keep the golden files stable; the renderer checks
// the PEM framing only.
const (
	fakeCertPEM = "-----BEGIN CERTIFICATE-----\nc2VydmVyIGNlcnRpZmljYXRl\n-----END CERTIFICATE-----\n"
	fakeKeyPEM  = "-----BEGIN PRIVATE KEY-----\nc2VydmVyIGtleQ==\n-----END PRIVATE KEY-----\n"
	fakeCAPEM   = "-----BEGIN CERTIFICATE-----\naW50ZXJtZWRpYXRlIENB\n-----END CERTIFICATE-----\n" +
		"-----BEGIN CERTIFICATE-----\ncm9vdCBDQQ==\n-----END CERTIFICATE-----\n"
	fakeCRLPEM = "-----BEGIN X509 CRL-----\nY3Js\n-----END X509 CRL-----\n"
)

// goldenIngressInputs are the representative inputs behind the golden files.
var goldenIngressInputs = map[string]IngressInput{
	ControllerIngressNginx: {
		Controller:                ControllerIngressNginx,
		Namespace:                 "shop",
		Name:                      "api",
		Hosts:                     []string{"api.example.com", "*.api.example.com"},
		ServiceName:               "api-backend",
		ServicePort:               8080,
		TLSCertPEM:                fakeCertPEM,
		TLSKeyPEM:                 fakeKeyPEM,
		ClientCAPEM:               fakeCAPEM,
		ClientCRLPEM:              fakeCRLPEM,
		CAChainDepth:              2,
		PassCertificateToUpstream: true,
		MatchCN:                   "CN=(billing|orders)-client",
	},
	ControllerTraefik: {
		Controller:                ControllerTraefik,
		Namespace:                 "shop",
		Name:                      "api",
		Hosts:                     []string{"api.example.com"},
		ServiceName:               "api-backend",
		ServicePort:               8080,
		TLSSecretName:             "api-server-tls",
		CASecretName:              "api-client-ca",
		TLSCertPEM:                fakeCertPEM,
		TLSKeyPEM:                 fakeKeyPEM,
		ClientCAPEM:               fakeCAPEM,
		PassCertificateToUpstream: true,
	},
	ControllerIstio: {
		Controller:       ControllerIstio,
		Namespace:        "istio-system",
		Name:             "api",
		Hosts:            []string{"api.example.com"},
		ServiceName:      "api-backend",
		ServiceNamespace: "shop",
		ServicePort:      8080,
		TLSCertPEM:       fakeCertPEM,
		TLSKeyPEM:        fakeKeyPEM,
		ClientCAPEM:      fakeCAPEM,
		ClientCRLPEM:     fakeCRLPEM,
	},
}

func TestIngressGolden(t *testing.T) {
	for controller, in := range goldenIngressInputs {
		t.Run(controller, func(t *testing.T) {
			out, _, err := RenderIngress(in)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "ingress_"+controller, out.ManifestsYAML)
		})
	}
}

// decodedManifests are the documents of manifests_yaml, each decoded
// strictly into its upstream type.
type decodedManifests struct {
	secrets         map[string]corev1.Secret
	ingresses       []networkingv1.Ingress
	tlsOptions      []traefikTLSOptionCRD
	middlewares     []traefikMiddlewareCRD
	gateways        []istioGatewayCRD
	virtualServices []istioVirtualServiceCRD
}

func decodeManifests(t *testing.T, manifests string) decodedManifests {
	t.Helper()
	decoded := decodedManifests{secrets: map[string]corev1.Secret{}}
	for _, document := range strings.Split("\n"+manifests, "\n---\n") {
		var header struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(document), &header); err != nil {
			t.Fatalf("not YAML: %v\n%s", err, document)
		}
		strict := func(into any) {
			t.Helper()
			if err := yaml.UnmarshalStrict([]byte(document), into); err != nil {
				t.Fatalf("%s %s does not decode strictly: %v\n%s", header.APIVersion, header.Kind, err, document)
			}
		}
		switch header.APIVersion + " " + header.Kind {
		case "v1 Secret":
			var secret corev1.Secret
			strict(&secret)
			decoded.secrets[secret.Name] = secret
		case "networking.k8s.io/v1 Ingress":
			var ingress networkingv1.Ingress
			strict(&ingress)
			decoded.ingresses = append(decoded.ingresses, ingress)
		case "traefik.io/v1alpha1 TLSOption":
			var option traefikTLSOptionCRD
			strict(&option)
			decoded.tlsOptions = append(decoded.tlsOptions, option)
		case "traefik.io/v1alpha1 Middleware":
			var middleware traefikMiddlewareCRD
			strict(&middleware)
			decoded.middlewares = append(decoded.middlewares, middleware)
		case "networking.istio.io/v1 Gateway":
			var gateway istioGatewayCRD
			strict(&gateway)
			decoded.gateways = append(decoded.gateways, gateway)
		case "networking.istio.io/v1 VirtualService":
			var virtualService istioVirtualServiceCRD
			strict(&virtualService)
			decoded.virtualServices = append(decoded.virtualServices, virtualService)
		default:
			t.Fatalf("unexpected object %s %s", header.APIVersion, header.Kind)
		}
	}
	return decoded
}

// realIngressInput uses real certificates, so the Secrets carry exactly
// what a cluster would get.
func realIngressInput(t *testing.T, controller string) IngressInput {
	root := testtools.Issue(t, testtools.CATemplate("Root CA"), nil)
	intermediate := testtools.Issue(t, testtools.CATemplate("Intermediate CA"), &root)
	serverTemplate := testtools.LeafTemplate("api.example.com", x509.ExtKeyUsageServerAuth)
	serverTemplate.DNSNames = []string{"api.example.com"}
	server := testtools.Issue(t, serverTemplate, &intermediate)
	in := goldenIngressInputs[controller]
	in.TLSCertPEM = string(server.CertPEM()) + string(intermediate.CertPEM())
	in.TLSKeyPEM = string(server.KeyPEM(t))
	in.ClientCAPEM = string(intermediate.CertPEM()) + string(root.CertPEM())
	if in.ClientCRLPEM != "" {
		in.ClientCRLPEM = string(intermediate.CRL(t)) + string(root.CRL(t))
	}
	return in
}

// checkSecret compares a decoded Secret with the KubernetesSecret output.
func checkSecret(t *testing.T, decoded decodedManifests, want KubernetesSecret) {
	t.Helper()
	got, ok := decoded.secrets[want.Name]
	if !ok {
		t.Fatalf("no Secret %q in the manifests", want.Name)
	}
	if got.Namespace != want.Namespace || string(got.Type) != want.Type {
		t.Errorf("Secret %s is %s/%s, want %s/%s", want.Name, got.Namespace, got.Type, want.Namespace, want.Type)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(got.Data)), slices.Sorted(maps.Keys(want.Data))) {
		t.Errorf("Secret %s has keys %v, want %v", want.Name, slices.Sorted(maps.Keys(got.Data)), slices.Sorted(maps.Keys(want.Data)))
	}
	for key, value := range want.Data {
		if string(got.Data[key]) != value {
			t.Errorf("Secret %s key %s does not hold the PEM given", want.Name, key)
		}
	}
}

func checkIngressRoutes(t *testing.T, ingress networkingv1.Ingress, in IngressInput, tlsSecret, class string) {
	t.Helper()
	if ingress.Name != in.Name || ingress.Namespace != in.Namespace {
		t.Errorf("Ingress is %s/%s", ingress.Namespace, ingress.Name)
	}
	if ingress.Spec.IngressClassName == nil || *ingress.Spec.IngressClassName != class {
		t.Errorf("ingressClassName = %v, want %s", ingress.Spec.IngressClassName, class)
	}
	if len(ingress.Spec.TLS) != 1 || ingress.Spec.TLS[0].SecretName != tlsSecret || !slices.Equal(ingress.Spec.TLS[0].Hosts, in.Hosts) {
		t.Errorf("tls = %+v, want hosts %v with Secret %s", ingress.Spec.TLS, in.Hosts, tlsSecret)
	}
	if len(ingress.Spec.Rules) != len(in.Hosts) {
		t.Fatalf("%d rules for %d hosts", len(ingress.Spec.Rules), len(in.Hosts))
	}
	for i, rule := range ingress.Spec.Rules {
		if rule.Host != in.Hosts[i] || rule.HTTP == nil || len(rule.HTTP.Paths) != 1 {
			t.Fatalf("rule %d = %+v", i, rule)
		}
		path := rule.HTTP.Paths[0]
		backend := path.Backend.Service
		if path.Path != "/" || path.PathType == nil || *path.PathType != networkingv1.PathTypePrefix ||
			backend == nil || backend.Name != in.ServiceName || int(backend.Port.Number) != in.ServicePort {
			t.Errorf("rule %d routes %+v", i, path)
		}
	}
}

func TestIngressNginxManifests(t *testing.T) {
	in := realIngressInput(t, ControllerIngressNginx)
	out, _, err := RenderIngress(in)
	if err != nil {
		t.Fatal(err)
	}
	decoded := decodeManifests(t, out.ManifestsYAML)
	if len(decoded.secrets) != 2 || len(decoded.ingresses) != 1 || len(decoded.tlsOptions)+len(decoded.gateways) != 0 {
		t.Fatalf("want 2 Secrets and 1 Ingress, got %+v", decoded)
	}
	checkSecret(t, decoded, out.CASecret)
	checkSecret(t, decoded, out.TLSSecret)
	if out.CASecret.Name != "api-ca" || out.CASecret.Type != "Opaque" || out.CASecret.Data["ca.crt"] != in.ClientCAPEM || out.CASecret.Data["ca.crl"] != in.ClientCRLPEM {
		t.Errorf("ca_secret = %+v", out.CASecret)
	}
	if out.TLSSecret.Name != "api-tls" || out.TLSSecret.Type != "kubernetes.io/tls" || out.TLSSecret.Data["tls.crt"] != in.TLSCertPEM || out.TLSSecret.Data["tls.key"] != in.TLSKeyPEM {
		t.Errorf("tls_secret = %+v", out.TLSSecret)
	}
	ingress := decoded.ingresses[0]
	checkIngressRoutes(t, ingress, in, "api-tls", "nginx")
	wantAnnotations := map[string]string{
		"nginx.ingress.kubernetes.io/auth-tls-secret":                       "shop/api-ca",
		"nginx.ingress.kubernetes.io/auth-tls-verify-client":                "on",
		"nginx.ingress.kubernetes.io/auth-tls-verify-depth":                 "2",
		"nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream": "true",
		"nginx.ingress.kubernetes.io/auth-tls-match-cn":                     "CN=(billing|orders)-client",
	}
	if !maps.Equal(out.Annotations, wantAnnotations) {
		t.Errorf("annotations = %v, want %v", out.Annotations, wantAnnotations)
	}
	if !maps.Equal(ingress.Annotations, out.Annotations) {
		t.Errorf("the Ingress carries %v, not the annotations output", ingress.Annotations)
	}
}

func TestIngressTraefikManifests(t *testing.T) {
	in := realIngressInput(t, ControllerTraefik)
	out, _, err := RenderIngress(in)
	if err != nil {
		t.Fatal(err)
	}
	decoded := decodeManifests(t, out.ManifestsYAML)
	if len(decoded.secrets) != 2 || len(decoded.ingresses) != 1 || len(decoded.tlsOptions) != 1 || len(decoded.middlewares) != 1 {
		t.Fatalf("want 2 Secrets, a TLSOption, a Middleware and an Ingress, got %+v", decoded)
	}
	checkSecret(t, decoded, out.CASecret)
	checkSecret(t, decoded, out.TLSSecret)
	if out.CASecret.Name != "api-client-ca" || out.TLSSecret.Name != "api-server-tls" {
		t.Errorf("explicit Secret names not used: %s, %s", out.CASecret.Name, out.TLSSecret.Name)
	}
	checkIngressRoutes(t, decoded.ingresses[0], in, "api-server-tls", "traefik")

	option := decoded.tlsOptions[0]
	if option.Metadata.Namespace != "shop" ||
		option.Spec.ClientAuth.ClientAuthType != "RequireAndVerifyClientCert" ||
		!slices.Equal(option.Spec.ClientAuth.SecretNames, []string{"api-client-ca"}) ||
		option.Spec.MinVersion != "VersionTLS12" {
		t.Errorf("TLSOption = %+v", option)
	}
	middleware := decoded.middlewares[0]
	if middleware.Spec.PassTLSClientCert == nil || !middleware.Spec.PassTLSClientCert.PEM {
		t.Errorf("Middleware = %+v", middleware)
	}
	// Traefik names CRD objects <namespace>-<name>@kubernetescrd.
	annotations := decoded.ingresses[0].Annotations
	wantAnnotations := map[string]string{
		"traefik.ingress.kubernetes.io/router.tls":         "true",
		"traefik.ingress.kubernetes.io/router.tls.options": option.Metadata.Namespace + "-" + option.Metadata.Name + "@kubernetescrd",
		"traefik.ingress.kubernetes.io/router.middlewares": middleware.Metadata.Namespace + "-" + middleware.Metadata.Name + "@kubernetescrd",
	}
	if !maps.Equal(annotations, wantAnnotations) || !maps.Equal(out.Annotations, wantAnnotations) {
		t.Errorf("annotations = %v (output %v), want %v", annotations, out.Annotations, wantAnnotations)
	}
}

func TestIngressIstioManifests(t *testing.T) {
	in := realIngressInput(t, ControllerIstio)
	out, _, err := RenderIngress(in)
	if err != nil {
		t.Fatal(err)
	}
	decoded := decodeManifests(t, out.ManifestsYAML)
	if len(decoded.secrets) != 1 || len(decoded.gateways) != 1 || len(decoded.virtualServices) != 1 || len(decoded.ingresses) != 0 {
		t.Fatalf("want a Secret, a Gateway and a VirtualService, got %+v", decoded)
	}
	if out.CASecret.Name != "" || len(out.Annotations) != 0 {
		t.Errorf("istio output has ca_secret %+v and annotations %v", out.CASecret, out.Annotations)
	}
	checkSecret(t, decoded, out.TLSSecret)
	wantData := map[string]string{"tls.crt": in.TLSCertPEM, "tls.key": in.TLSKeyPEM, "ca.crt": in.ClientCAPEM, "ca.crl": in.ClientCRLPEM}
	if out.TLSSecret.Type != "Opaque" || out.TLSSecret.Namespace != "istio-system" || !maps.Equal(out.TLSSecret.Data, wantData) {
		t.Errorf("credential Secret = %+v", out.TLSSecret)
	}

	gateway := decoded.gateways[0]
	if len(gateway.Spec.Servers) != 1 || gateway.Spec.Servers[0].TLS == nil {
		t.Fatalf("Gateway = %+v", gateway)
	}
	server := gateway.Spec.Servers[0]
	if server.Port.Number != 443 || server.Port.Protocol != "HTTPS" || !slices.Equal(server.Hosts, in.Hosts) ||
		server.TLS.Mode != "MUTUAL" || server.TLS.CredentialName != out.TLSSecret.Name || server.TLS.MinProtocolVersion != "TLSV1_2" {
		t.Errorf("Gateway server = %+v", server)
	}
	if gateway.Metadata.Namespace != out.TLSSecret.Namespace {
		t.Errorf("Gateway in %s, credential Secret in %s", gateway.Metadata.Namespace, out.TLSSecret.Namespace)
	}
	virtualService := decoded.virtualServices[0]
	routes := virtualService.Spec.HTTP
	if !slices.Equal(virtualService.Spec.Gateways, []string{gateway.Metadata.Name}) || !slices.Equal(virtualService.Spec.Hosts, in.Hosts) ||
		len(routes) != 1 || len(routes[0].Route) != 1 {
		t.Fatalf("VirtualService = %+v", virtualService)
	}
	destination := routes[0].Route[0].Destination
	if destination.Host != "api-backend.shop.svc.cluster.local" || destination.Port == nil || destination.Port.Number != 8080 {
		t.Errorf("VirtualService routes to %+v", destination)
	}
}

func TestIngressVerifyClientPerController(t *testing.T) {
	cases := []struct{ controller, verifyClient, wantWarning string }{
		{ControllerIngressNginx, "optional", "without a certificate"},
		{ControllerIngressNginx, "optional_no_ca", "not authenticated"},
		{ControllerTraefik, "VerifyClientCertIfGiven", "without a certificate"},
		{ControllerTraefik, "RequireAnyClientCert", "not authenticated"},
		{ControllerTraefik, "RequestClientCert", "not authenticated"},
		{ControllerIstio, "OPTIONAL_MUTUAL", "without a certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.controller+"/"+tc.verifyClient, func(t *testing.T) {
			in := goldenIngressInputs[tc.controller]
			in.VerifyClient = tc.verifyClient
			out, warnings, err := RenderIngress(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) != 1 || warnings[0].Field != "verify_client" || !strings.Contains(warnings[0].Summary, tc.wantWarning) {
				t.Errorf("warnings = %+v, want one on verify_client about %q", warnings, tc.wantWarning)
			}
			decoded := decodeManifests(t, out.ManifestsYAML)
			var rendered string
			switch tc.controller {
			case ControllerIngressNginx:
				rendered = decoded.ingresses[0].Annotations["nginx.ingress.kubernetes.io/auth-tls-verify-client"]
			case ControllerTraefik:
				rendered = decoded.tlsOptions[0].Spec.ClientAuth.ClientAuthType
			case ControllerIstio:
				rendered = decoded.gateways[0].Spec.Servers[0].TLS.Mode
			}
			if rendered != tc.verifyClient {
				t.Errorf("rendered %q, want %q", rendered, tc.verifyClient)
			}
		})
	}
}

func TestIngressWarnings(t *testing.T) {
	for controller, in := range goldenIngressInputs {
		if _, warnings, err := RenderIngress(in); err != nil || len(warnings) != 0 {
			t.Errorf("%s: err %v, warnings %v for the representative input", controller, err, warnings)
		}
	}
	in := goldenIngressInputs[ControllerTraefik]
	in.VerifyDepth = 3
	if _, warnings, _ := RenderIngress(in); len(warnings) != 1 || warnings[0].Field != "verify_depth" {
		t.Errorf("traefik verify_depth: warnings %+v, want one saying it is ignored", warnings)
	}
	in = goldenIngressInputs[ControllerIngressNginx]
	in.CAChainDepth = 0
	if _, warnings, _ := RenderIngress(in); len(warnings) != 1 || warnings[0].Field != "verify_depth" {
		t.Errorf("unknown depth: warnings %+v, want one on verify_depth", warnings)
	}
}

// YAML special characters in user values stay inside their strings.
func TestIngressYAMLKeepsValuesIntact(t *testing.T) {
	in := goldenIngressInputs[ControllerIngressNginx]
	in.MatchCN = "CN=^(client|admin)-[0-9]+:&x*|!%@,>[y]$"
	in.VerifyClient = "on" // a YAML 1.1 boolean if left unquoted
	out, _, err := RenderIngress(in)
	if err != nil {
		t.Fatal(err)
	}
	decoded := decodeManifests(t, out.ManifestsYAML)
	annotations := decoded.ingresses[0].Annotations
	if got := annotations["nginx.ingress.kubernetes.io/auth-tls-match-cn"]; got != in.MatchCN {
		t.Errorf("match_cn came back as %q", got)
	}
	if got := annotations["nginx.ingress.kubernetes.io/auth-tls-verify-client"]; got != "on" {
		t.Errorf("verify_client came back as %q", got)
	}
}

func TestIngressValidationErrors(t *testing.T) {
	cases := []struct {
		name       string
		controller string
		change     func(*IngressInput)
		field      string
		index      int
		fragments  []string
	}{
		{"unknown controller", ControllerIngressNginx, func(in *IngressInput) { in.Controller = "haproxy" }, "controller", -1, []string{"ingress-nginx", "traefik", "istio"}},
		{"missing controller", ControllerIngressNginx, func(in *IngressInput) { in.Controller = "" }, "controller", -1, nil},
		{"missing namespace", ControllerIngressNginx, func(in *IngressInput) { in.Namespace = "" }, "namespace", -1, []string{"required"}},
		{"uppercase namespace", ControllerIngressNginx, func(in *IngressInput) { in.Namespace = "Shop" }, "namespace", -1, []string{"RFC 1123"}},
		{"namespace with dot", ControllerIngressNginx, func(in *IngressInput) { in.Namespace = "shop.eu" }, "namespace", -1, nil},
		{"namespace too long", ControllerIngressNginx, func(in *IngressInput) { in.Namespace = strings.Repeat("a", 64) }, "namespace", -1, nil},
		{"missing name", ControllerIngressNginx, func(in *IngressInput) { in.Name = "" }, "name", -1, nil},
		{"name with underscore", ControllerIngressNginx, func(in *IngressInput) { in.Name = "my_api" }, "name", -1, []string{"DNS subdomain"}},
		{"name with newline", ControllerIngressNginx, func(in *IngressInput) { in.Name = "api\nkind: Pod" }, "name", -1, nil},
		{"name too long to derive", ControllerIngressNginx, func(in *IngressInput) { in.Name = strings.Repeat("a", 251) }, "name", -1, []string{"tls_secret_name"}},
		{"bad TLS secret name", ControllerIngressNginx, func(in *IngressInput) { in.TLSSecretName = "Api-TLS" }, "tls_secret_name", -1, nil},
		{"bad CA secret name", ControllerIngressNginx, func(in *IngressInput) { in.CASecretName = "-ca" }, "ca_secret_name", -1, nil},
		{"secret names collide", ControllerIngressNginx, func(in *IngressInput) { in.CASecretName = "api-tls" }, "ca_secret_name", -1, []string{"different names"}},
		{"no hosts", ControllerIngressNginx, func(in *IngressInput) { in.Hosts = nil }, "hosts", -1, nil},
		{"uppercase host", ControllerIngressNginx, func(in *IngressInput) { in.Hosts = []string{"api.example.com", "API.example.com"} }, "hosts", 1, nil},
		{"IP host", ControllerIngressNginx, func(in *IngressInput) { in.Hosts = []string{"10.0.0.1"} }, "hosts", 0, []string{"IP address"}},
		{"bare wildcard", ControllerIngressNginx, func(in *IngressInput) { in.Hosts = []string{"*"} }, "hosts", 0, nil},
		{"inner wildcard", ControllerIngressNginx, func(in *IngressInput) { in.Hosts = []string{"api.*.example.com"} }, "hosts", 0, nil},
		{"host with colon", ControllerIngressNginx, func(in *IngressInput) { in.Hosts = []string{"api.example.com: x"} }, "hosts", 0, nil},
		{"duplicate host", ControllerIngressNginx, func(in *IngressInput) { in.Hosts = []string{"a.example.com", "a.example.com"} }, "hosts", 1, nil},
		{"missing service", ControllerIngressNginx, func(in *IngressInput) { in.ServiceName = "" }, "service_name", -1, nil},
		{"service starting with digit", ControllerIngressNginx, func(in *IngressInput) { in.ServiceName = "1api" }, "service_name", -1, []string{"RFC 1035"}},
		{"service with dot", ControllerIngressNginx, func(in *IngressInput) { in.ServiceName = "api.shop" }, "service_name", -1, nil},
		{"port zero", ControllerIngressNginx, func(in *IngressInput) { in.ServicePort = 0 }, "service_port", -1, []string{"1 to 65535"}},
		{"port too large", ControllerIngressNginx, func(in *IngressInput) { in.ServicePort = 65536 }, "service_port", -1, nil},
		{"service namespace for an Ingress", ControllerIngressNginx, func(in *IngressInput) { in.ServiceNamespace = "other" }, "service_namespace", -1, []string{"own namespace"}},
		{"bad service namespace", ControllerIstio, func(in *IngressInput) { in.ServiceNamespace = "Other" }, "service_namespace", -1, nil},
		{"ingress class for istio", ControllerIstio, func(in *IngressInput) { in.IngressClassName = "nginx" }, "ingress_class_name", -1, nil},
		{"bad ingress class", ControllerIngressNginx, func(in *IngressInput) { in.IngressClassName = "Nginx Public" }, "ingress_class_name", -1, nil},
		{"CA secret for istio", ControllerIstio, func(in *IngressInput) { in.CASecretName = "api-ca" }, "ca_secret_name", -1, []string{"credential"}},
		{"missing certificate", ControllerIngressNginx, func(in *IngressInput) { in.TLSCertPEM = "" }, "tls_cert_pem", -1, []string{"required"}},
		{"certificate not PEM", ControllerIngressNginx, func(in *IngressInput) { in.TLSCertPEM = "MIIB..." }, "tls_cert_pem", -1, []string{"PEM"}},
		{"text before the PEM", ControllerIngressNginx, func(in *IngressInput) { in.TLSCertPEM = "subject=CN=x\n" + fakeCertPEM }, "tls_cert_pem", -1, nil},
		{"text after the PEM", ControllerIngressNginx, func(in *IngressInput) { in.TLSCertPEM = fakeCertPEM + "trailing" }, "tls_cert_pem", -1, nil},
		{"key in the certificate", ControllerIngressNginx, func(in *IngressInput) { in.TLSCertPEM = fakeCertPEM + fakeKeyPEM }, "tls_cert_pem", -1, []string{"PRIVATE KEY"}},
		{"missing key", ControllerIngressNginx, func(in *IngressInput) { in.TLSKeyPEM = "" }, "tls_key_pem", -1, nil},
		{"certificate as key", ControllerIngressNginx, func(in *IngressInput) { in.TLSKeyPEM = fakeCertPEM }, "tls_key_pem", -1, []string{"CERTIFICATE"}},
		{"two keys", ControllerIngressNginx, func(in *IngressInput) { in.TLSKeyPEM = fakeKeyPEM + fakeKeyPEM }, "tls_key_pem", -1, []string{"2 private keys"}},
		{"missing client CA", ControllerIngressNginx, func(in *IngressInput) { in.ClientCAPEM = "" }, "client_ca_pem", -1, nil},
		{"CRL of wrong type", ControllerIngressNginx, func(in *IngressInput) { in.ClientCRLPEM = fakeCertPEM }, "client_crl_pem", -1, []string{"X509 CRL"}},
		{"CRL with traefik", ControllerTraefik, func(in *IngressInput) { in.ClientCRLPEM = fakeCRLPEM }, "client_crl_pem", -1, []string{"revoked"}},
		{"nginx verify require", ControllerIngressNginx, func(in *IngressInput) { in.VerifyClient = "require" }, "verify_client", -1, []string{`"on"`}},
		{"nginx verify off", ControllerIngressNginx, func(in *IngressInput) { in.VerifyClient = "off" }, "verify_client", -1, nil},
		{"traefik verify on", ControllerTraefik, func(in *IngressInput) { in.VerifyClient = "on" }, "verify_client", -1, []string{"RequireAndVerifyClientCert"}},
		{"traefik no client cert", ControllerTraefik, func(in *IngressInput) { in.VerifyClient = "NoClientCert" }, "verify_client", -1, nil},
		{"istio simple", ControllerIstio, func(in *IngressInput) { in.VerifyClient = "SIMPLE" }, "verify_client", -1, []string{"MUTUAL"}},
		{"verify depth too small", ControllerIngressNginx, func(in *IngressInput) { in.VerifyDepth = 1 }, "verify_depth", -1, []string{"at least 2"}},
		{"negative chain depth", ControllerIngressNginx, func(in *IngressInput) { in.CAChainDepth = -1 }, "client_ca_pem", -1, nil},
		{"pass certificate with istio", ControllerIstio, func(in *IngressInput) { in.PassCertificateToUpstream = true }, "pass_certificate_to_upstream", -1, nil},
		{"match CN with traefik", ControllerTraefik, func(in *IngressInput) { in.MatchCN = "CN=client" }, "match_cn", -1, []string{"ingress-nginx"}},
		{"match CN with istio", ControllerIstio, func(in *IngressInput) { in.MatchCN = "CN=client" }, "match_cn", -1, nil},
		{"match CN without prefix", ControllerIngressNginx, func(in *IngressInput) { in.MatchCN = "client" }, "match_cn", -1, []string{"CN="}},
		{"match CN with space", ControllerIngressNginx, func(in *IngressInput) { in.MatchCN = "CN=a b" }, "match_cn", -1, nil},
		{"match CN with semicolon", ControllerIngressNginx, func(in *IngressInput) { in.MatchCN = "CN=a;return 200" }, "match_cn", -1, nil},
		{"match CN with brace", ControllerIngressNginx, func(in *IngressInput) { in.MatchCN = "CN=a{2}" }, "match_cn", -1, nil},
		{"match CN with quote", ControllerIngressNginx, func(in *IngressInput) { in.MatchCN = `CN=a"` }, "match_cn", -1, nil},
		{"match CN with newline", ControllerIngressNginx, func(in *IngressInput) { in.MatchCN = "CN=a\nb" }, "match_cn", -1, nil},
		{"match CN bad regex", ControllerIngressNginx, func(in *IngressInput) { in.MatchCN = "CN=(a" }, "match_cn", -1, []string{"regular expression"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := goldenIngressInputs[tc.controller]
			in.Hosts = slices.Clone(in.Hosts)
			tc.change(&in)
			_, _, err := RenderIngress(in)
			wantFieldError(t, err, tc.field, tc.index, tc.fragments...)
		})
	}
}
