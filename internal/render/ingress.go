package render

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"sigs.k8s.io/yaml"
)

// Values of IngressInput.Controller.
const (
	ControllerIngressNginx = "ingress-nginx"
	ControllerTraefik      = "traefik"
	ControllerIstio        = "istio"
)

// IngressInput configures client-certificate authentication in front of a
// Kubernetes Service. The attribute names in the comments are what
// FieldError.Field reports.
type IngressInput struct {
	// Controller (controller) is "ingress-nginx", "traefik" (needs its
	// kubernetescrd provider) or "istio" (a Gateway for the pods labelled
	// istio=ingressgateway, and a VirtualService).
	Controller string

	// Namespace (namespace) holds everything rendered. For istio it must be
	// the namespace of the ingress gateway workload (usually istio-system),
	// because Istio reads credential Secrets only from there.
	Namespace string
	Name      string   // name: of the Ingress or Gateway; other names derive from it
	Hosts     []string // hosts: DNS names, "*.example.com" allowed

	ServiceName string // service_name
	ServicePort int    // service_port
	// ServiceNamespace (service_namespace) is where the Service lives, for
	// istio only; empty means Namespace. An Ingress can only reach Services
	// in its own namespace.
	ServiceNamespace string
	// IngressClassName (ingress_class_name) defaults to "nginx" or "traefik".
	IngressClassName string

	TLSSecretName string // tls_secret_name: default "<name>-tls"
	CASecretName  string // ca_secret_name: default "<name>-ca"; not used by istio

	TLSCertPEM   string // tls_cert_pem: server certificate and chain
	TLSKeyPEM    string // tls_key_pem
	ClientCAPEM  string // client_ca_pem: CAs that client certificates must chain to
	ClientCRLPEM string // client_crl_pem: optional, not supported by traefik

	// VerifyClient (verify_client) uses the controller's own values:
	// ingress-nginx "on" (default), "optional", "optional_no_ca";
	// traefik "RequireAndVerifyClientCert" (default), "VerifyClientCertIfGiven",
	// "RequireAnyClientCert", "RequestClientCert";
	// istio "MUTUAL" (default), "OPTIONAL_MUTUAL".
	VerifyClient string
	VerifyDepth  int // verify_depth: ingress-nginx only; 0 derives it from CAChainDepth
	// CAChainDepth is the number of CA certificates in the longest chain of
	// client_ca_pem, which the caller counts (errors name that attribute);
	// 0 if unknown.
	CAChainDepth int

	PassCertificateToUpstream bool   // pass_certificate_to_upstream: ingress-nginx and traefik
	MatchCN                   string // match_cn: ingress-nginx only, "CN=" followed by a regular expression
}

// KubernetesSecret is a Secret ready for a kubernetes_secret_v1 resource:
// Data holds the PEM text, not base64.
type KubernetesSecret struct {
	Name      string
	Namespace string
	Type      string
	Data      map[string]string
}

// IngressOutput is the rendered configuration.
type IngressOutput struct {
	// Annotations (annotations) for the Ingress; empty for istio, which
	// uses a Gateway instead.
	Annotations map[string]string
	// CASecret (ca_secret) holds the client CA (and CRL). For istio it is
	// empty (Name == ""): the CA goes into TLSSecret.
	CASecret KubernetesSecret
	// TLSSecret (tls_secret) holds the server certificate and key; for
	// istio it is the Gateway's credential Secret with the CA as well.
	TLSSecret KubernetesSecret
	// ManifestsYAML (manifests_yaml) holds every object as multi-document
	// YAML for kubectl apply. It contains the private key.
	ManifestsYAML string
}

// Secret keys and types the controllers read.
const (
	secretTypeTLS    = "kubernetes.io/tls"
	secretTypeOpaque = "Opaque"
	keyTLSCert       = "tls.crt"
	keyTLSKey        = "tls.key"
	keyCACert        = "ca.crt"
	keyCACRL         = "ca.crl"
)

// verifyModes lists each controller's accepted verify_client values, the
// default first; unauthenticated marks those that accept any certificate.
var verifyModes = map[string]struct {
	values          []string
	unauthenticated []string
	optional        []string
}{
	ControllerIngressNginx: {
		values:          []string{"on", "optional", "optional_no_ca"},
		unauthenticated: []string{"optional_no_ca"},
		optional:        []string{"optional", "optional_no_ca"},
	},
	ControllerTraefik: {
		values:          []string{"RequireAndVerifyClientCert", "VerifyClientCertIfGiven", "RequireAnyClientCert", "RequestClientCert"},
		unauthenticated: []string{"RequireAnyClientCert", "RequestClientCert"},
		optional:        []string{"VerifyClientCertIfGiven", "RequestClientCert"},
	},
	ControllerIstio: {
		values:   []string{"MUTUAL", "OPTIONAL_MUTUAL"},
		optional: []string{"OPTIONAL_MUTUAL"},
	},
}

// ingressConfig is a validated IngressInput with defaults applied.
type ingressConfig struct {
	IngressInput
	caSecretName  string
	tlsSecretName string
	verifyDepth   int
}

// RenderIngress validates in and renders it. Validation failures are
// *FieldError values joined into the returned error; see FieldErrors.
func RenderIngress(in IngressInput) (IngressOutput, []Warning, error) {
	cfg, warnings, err := in.resolve()
	if err != nil {
		return IngressOutput{}, warnings, err
	}
	var out IngressOutput
	var objects []any
	switch cfg.Controller {
	case ControllerIngressNginx:
		out, objects = cfg.ingressNginx()
	case ControllerTraefik:
		out, objects = cfg.traefik()
	case ControllerIstio:
		out, objects = cfg.istio()
	}
	var manifests []string
	for _, object := range objects {
		document, err := yaml.Marshal(object)
		if err != nil {
			return IngressOutput{}, warnings, fmt.Errorf("marshal manifest: %w", err)
		}
		manifests = append(manifests, string(document))
	}
	out.ManifestsYAML = strings.Join(manifests, "---\n")
	return out, warnings, nil
}

func (in IngressInput) resolve() (ingressConfig, []Warning, error) {
	var p problems
	cfg := ingressConfig{IngressInput: in}

	modes, knownController := verifyModes[in.Controller]
	if !knownController {
		p.fail("controller", "Unknown ingress controller",
			"%q is not supported; use \"ingress-nginx\", \"traefik\" or \"istio\".", in.Controller)
	}

	checkDNSLabel(&p, "namespace", in.Namespace, true)
	if checkDNSSubdomain(&p, "name", in.Name, true) {
		cfg.tlsSecretName = derivedName(&p, in.TLSSecretName, in.Name, "-tls", "tls_secret_name")
		cfg.caSecretName = derivedName(&p, in.CASecretName, in.Name, "-ca", "ca_secret_name")
		if in.Controller == ControllerTraefik && in.PassCertificateToUpstream {
			derivedName(&p, "", in.Name, clientCertMiddlewareSuffix, "")
		}
	}
	checkDNSSubdomain(&p, "tls_secret_name", in.TLSSecretName, false)
	checkDNSSubdomain(&p, "ca_secret_name", in.CASecretName, false)
	if cfg.tlsSecretName != "" && cfg.tlsSecretName == cfg.caSecretName && in.Controller != ControllerIstio {
		p.fail("ca_secret_name", "Secret names collide",
			"The CA Secret and the TLS Secret are both named %q; give them different names.", cfg.tlsSecretName)
	}

	if len(in.Hosts) == 0 {
		p.fail("hosts", "No hosts", "hosts needs at least one DNS name that clients use, e.g. [\"api.example.com\"].")
	}
	for i, host := range in.Hosts {
		checkKubernetesHost(&p, i, host)
	}
	checkDistinct(&p, "hosts", in.Hosts)

	checkDNS1035Label(&p, "service_name", in.ServiceName)
	checkPort(&p, "service_port", in.ServicePort)
	if in.ServiceNamespace != "" {
		checkDNSLabel(&p, "service_namespace", in.ServiceNamespace, false)
		if in.Controller != ControllerIstio && in.ServiceNamespace != in.Namespace {
			p.fail("service_namespace", "Service must be in the Ingress namespace",
				"An Ingress can only route to Services in its own namespace (%q). Leave service_namespace unset, or use controller = \"istio\".", in.Namespace)
		}
	}
	cfg.ServiceNamespace = cmp.Or(in.ServiceNamespace, in.Namespace)
	if in.IngressClassName != "" {
		if in.Controller == ControllerIstio {
			p.fail("ingress_class_name", "Not used by istio",
				"istio routes through a Gateway, not an Ingress; leave ingress_class_name unset.")
		}
		checkDNSSubdomain(&p, "ingress_class_name", in.IngressClassName, false)
	}
	if in.Controller == ControllerIstio && in.CASecretName != "" {
		p.fail("ca_secret_name", "Not used by istio",
			"istio reads the client CA from the Gateway's credential Secret (tls_secret_name); leave ca_secret_name unset.")
	}

	checkPEM(&p, "tls_cert_pem", in.TLSCertPEM, true, "CERTIFICATE")
	if keys := checkPEM(&p, "tls_key_pem", in.TLSKeyPEM, true, "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"); keys > 1 {
		p.fail("tls_key_pem", "More than one key", "tls_key_pem holds %d private keys; give only the server certificate's key.", keys)
	}
	checkPEM(&p, "client_ca_pem", in.ClientCAPEM, true, "CERTIFICATE")
	checkPEM(&p, "client_crl_pem", in.ClientCRLPEM, false, "X509 CRL")
	if in.ClientCRLPEM != "" && in.Controller == ControllerTraefik {
		p.fail("client_crl_pem", "CRLs not supported by traefik",
			"Traefik's TLSOption cannot check client certificates against a CRL, so revoked certificates would still be accepted. Use ingress-nginx or istio, or leave client_crl_pem unset and issue short-lived client certificates.")
	}

	if knownController {
		cfg.VerifyClient = cmp.Or(in.VerifyClient, modes.values[0])
		switch {
		case !slices.Contains(modes.values, cfg.VerifyClient):
			p.fail("verify_client", "Unknown verification mode for "+in.Controller,
				"%q is not a %s client verification mode; use one of %s (default %q).",
				in.VerifyClient, in.Controller, quoteAll(modes.values), modes.values[0])
		case slices.Contains(modes.unauthenticated, cfg.VerifyClient):
			p.warn("verify_client", "Clients are not authenticated",
				"%q accepts client certificates without verifying them against client_ca_pem, so it does not authenticate clients; the application must check the certificate itself. Use %q to authenticate clients.",
				cfg.VerifyClient, modes.values[0])
		case slices.Contains(modes.optional, cfg.VerifyClient):
			p.warn("verify_client", "Clients without a certificate are let through",
				"With %q, requests without a client certificate reach %s; the application must tell them apart. Use %q to refuse them.",
				cfg.VerifyClient, in.ServiceName, modes.values[0])
		}
	}

	if in.Controller == ControllerIngressNginx {
		cfg.verifyDepth = resolveVerifyDepth(&p, in.VerifyDepth, in.CAChainDepth, "client_ca_pem")
	} else if knownController && in.VerifyDepth != 0 {
		p.warn("verify_depth", "verify_depth is ignored by "+in.Controller,
			"%s has no setting for the verification depth; it accepts chains of any length up to client_ca_pem.", in.Controller)
	}

	if in.PassCertificateToUpstream && in.Controller == ControllerIstio {
		p.fail("pass_certificate_to_upstream", "Not supported by istio",
			"An Istio Gateway resource cannot forward the client certificate; the gateway's X-Forwarded-Client-Cert header is set through the gateway topology (forwardClientCertDetails) in the mesh or pod configuration instead. Leave pass_certificate_to_upstream unset.")
	}
	if in.MatchCN != "" {
		if knownController && in.Controller != ControllerIngressNginx {
			p.fail("match_cn", "Not supported by "+in.Controller,
				"match_cn is an ingress-nginx feature; %s cannot restrict client certificates by common name. Issue client certificates from a dedicated CA instead.", in.Controller)
		}
		checkMatchCN(&p, in.MatchCN)
	}

	if err := p.err(); err != nil {
		return ingressConfig{}, p.warnings, err
	}
	return cfg, p.warnings, nil
}

const clientCertMiddlewareSuffix = "-client-cert"

func (cfg ingressConfig) ingressNginx() (IngressOutput, []any) {
	const prefix = "nginx.ingress.kubernetes.io/"
	annotations := map[string]string{
		prefix + "auth-tls-secret":                       cfg.Namespace + "/" + cfg.caSecretName,
		prefix + "auth-tls-verify-client":                cfg.VerifyClient,
		prefix + "auth-tls-verify-depth":                 strconv.Itoa(cfg.verifyDepth),
		prefix + "auth-tls-pass-certificate-to-upstream": strconv.FormatBool(cfg.PassCertificateToUpstream),
	}
	if cfg.MatchCN != "" {
		annotations[prefix+"auth-tls-match-cn"] = cfg.MatchCN
	}
	caSecret, tlsSecret := cfg.caSecret(), cfg.tlsSecret()
	out := IngressOutput{Annotations: annotations, CASecret: caSecret, TLSSecret: tlsSecret}
	return out, []any{secretManifest(caSecret), secretManifest(tlsSecret), cfg.ingress("nginx", annotations)}
}

func (cfg ingressConfig) traefik() (IngressOutput, []any) {
	const prefix = "traefik.ingress.kubernetes.io/"
	annotations := map[string]string{
		prefix + "router.tls":         "true",
		prefix + "router.tls.options": cfg.Namespace + "-" + cfg.Name + "@kubernetescrd",
	}
	caSecret, tlsSecret := cfg.caSecret(), cfg.tlsSecret()
	objects := []any{secretManifest(caSecret), secretManifest(tlsSecret), traefikTLSOption{
		APIVersion: "traefik.io/v1alpha1",
		Kind:       "TLSOption",
		Metadata:   objectMeta{Name: cfg.Name, Namespace: cfg.Namespace},
		Spec: traefikTLSOptionSpec{
			MinVersion: "VersionTLS12",
			ClientAuth: traefikClientAuth{SecretNames: []string{caSecret.Name}, ClientAuthType: cfg.VerifyClient},
		},
	}}
	if cfg.PassCertificateToUpstream {
		middleware := cfg.Name + clientCertMiddlewareSuffix
		annotations[prefix+"router.middlewares"] = cfg.Namespace + "-" + middleware + "@kubernetescrd"
		objects = append(objects, traefikMiddleware{
			APIVersion: "traefik.io/v1alpha1",
			Kind:       "Middleware",
			Metadata:   objectMeta{Name: middleware, Namespace: cfg.Namespace},
			Spec:       traefikMiddlewareSpec{PassTLSClientCert: &traefikPassTLSClientCert{PEM: true}},
		})
	}
	objects = append(objects, cfg.ingress("traefik", annotations))
	return IngressOutput{Annotations: annotations, CASecret: caSecret, TLSSecret: tlsSecret}, objects
}

func (cfg ingressConfig) istio() (IngressOutput, []any) {
	// Istio reads the server key pair and the client CA from one Secret.
	credential := cfg.tlsSecret()
	credential.Type = secretTypeOpaque
	for key, value := range cfg.caSecret().Data {
		credential.Data[key] = value
	}
	gateway := istioGateway{
		APIVersion: "networking.istio.io/v1",
		Kind:       "Gateway",
		Metadata:   objectMeta{Name: cfg.Name, Namespace: cfg.Namespace},
		Spec: istioGatewaySpec{
			Selector: map[string]string{"istio": "ingressgateway"},
			Servers: []istioServer{{
				Port:  istioPort{Number: 443, Name: "https", Protocol: "HTTPS"},
				Hosts: cfg.Hosts,
				TLS: istioServerTLS{
					Mode:               cfg.VerifyClient,
					CredentialName:     credential.Name,
					MinProtocolVersion: "TLSV1_2",
				},
			}},
		},
	}
	virtualService := istioVirtualService{
		APIVersion: "networking.istio.io/v1",
		Kind:       "VirtualService",
		Metadata:   objectMeta{Name: cfg.Name, Namespace: cfg.Namespace},
		Spec: istioVirtualServiceSpec{
			Hosts:    cfg.Hosts,
			Gateways: []string{cfg.Name},
			HTTP: []istioHTTPRoute{{Route: []istioRouteDestination{{Destination: istioDestination{
				Host: cfg.ServiceName + "." + cfg.ServiceNamespace + ".svc.cluster.local",
				Port: istioPortSelector{Number: cfg.ServicePort},
			}}}}},
		},
	}
	out := IngressOutput{Annotations: map[string]string{}, TLSSecret: credential}
	return out, []any{secretManifest(credential), gateway, virtualService}
}

func (cfg ingressConfig) tlsSecret() KubernetesSecret {
	return KubernetesSecret{
		Name:      cfg.tlsSecretName,
		Namespace: cfg.Namespace,
		Type:      secretTypeTLS,
		Data:      map[string]string{keyTLSCert: cfg.TLSCertPEM, keyTLSKey: cfg.TLSKeyPEM},
	}
}

// caSecret is the Secret ingress-nginx names in auth-tls-secret and traefik
// in clientAuth.secretNames; both read ca.crt, ingress-nginx also ca.crl.
func (cfg ingressConfig) caSecret() KubernetesSecret {
	data := map[string]string{keyCACert: cfg.ClientCAPEM}
	if cfg.ClientCRLPEM != "" {
		data[keyCACRL] = cfg.ClientCRLPEM
	}
	return KubernetesSecret{Name: cfg.caSecretName, Namespace: cfg.Namespace, Type: secretTypeOpaque, Data: data}
}

func (cfg ingressConfig) ingress(defaultClass string, annotations map[string]string) ingressManifest {
	rules := make([]ingressRule, len(cfg.Hosts))
	for i, host := range cfg.Hosts {
		rules[i] = ingressRule{Host: host, HTTP: ingressRuleHTTP{Paths: []ingressPath{{
			Path:     "/",
			PathType: "Prefix",
			Backend: ingressBackend{Service: ingressServiceBackend{
				Name: cfg.ServiceName,
				Port: ingressServicePort{Number: cfg.ServicePort},
			}},
		}}}}
	}
	return ingressManifest{
		APIVersion: "networking.k8s.io/v1",
		Kind:       "Ingress",
		Metadata:   objectMeta{Name: cfg.Name, Namespace: cfg.Namespace, Annotations: annotations},
		Spec: ingressSpec{
			IngressClassName: cmp.Or(cfg.IngressClassName, defaultClass),
			TLS:              []ingressTLS{{Hosts: cfg.Hosts, SecretName: cfg.tlsSecretName}},
			Rules:            rules,
		},
	}
}

func secretManifest(secret KubernetesSecret) secretObject {
	data := make(map[string][]byte, len(secret.Data))
	for key, value := range secret.Data {
		data[key] = []byte(value)
	}
	return secretObject{
		APIVersion: "v1",
		Kind:       "Secret",
		Metadata:   objectMeta{Name: secret.Name, Namespace: secret.Namespace},
		Type:       secret.Type,
		Data:       data,
	}
}

// Manifest types: only the fields rendered, with the API's JSON names.
// The tests decode the output strictly into the upstream types.

type objectMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type secretObject struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   objectMeta        `json:"metadata"`
	Type       string            `json:"type"`
	Data       map[string][]byte `json:"data"` // base64 in JSON and YAML
}

type ingressManifest struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Metadata   objectMeta  `json:"metadata"`
	Spec       ingressSpec `json:"spec"`
}

type ingressSpec struct {
	IngressClassName string        `json:"ingressClassName"`
	TLS              []ingressTLS  `json:"tls"`
	Rules            []ingressRule `json:"rules"`
}

type ingressTLS struct {
	Hosts      []string `json:"hosts"`
	SecretName string   `json:"secretName"`
}

type ingressRule struct {
	Host string          `json:"host"`
	HTTP ingressRuleHTTP `json:"http"`
}

type ingressRuleHTTP struct {
	Paths []ingressPath `json:"paths"`
}

type ingressPath struct {
	Path     string         `json:"path"`
	PathType string         `json:"pathType"`
	Backend  ingressBackend `json:"backend"`
}

type ingressBackend struct {
	Service ingressServiceBackend `json:"service"`
}

type ingressServiceBackend struct {
	Name string             `json:"name"`
	Port ingressServicePort `json:"port"`
}

type ingressServicePort struct {
	Number int `json:"number"`
}

type traefikTLSOption struct {
	APIVersion string               `json:"apiVersion"`
	Kind       string               `json:"kind"`
	Metadata   objectMeta           `json:"metadata"`
	Spec       traefikTLSOptionSpec `json:"spec"`
}

type traefikTLSOptionSpec struct {
	MinVersion string            `json:"minVersion"`
	ClientAuth traefikClientAuth `json:"clientAuth"`
}

type traefikClientAuth struct {
	SecretNames    []string `json:"secretNames"`
	ClientAuthType string   `json:"clientAuthType"`
}

type traefikMiddleware struct {
	APIVersion string                `json:"apiVersion"`
	Kind       string                `json:"kind"`
	Metadata   objectMeta            `json:"metadata"`
	Spec       traefikMiddlewareSpec `json:"spec"`
}

type traefikMiddlewareSpec struct {
	PassTLSClientCert *traefikPassTLSClientCert `json:"passTLSClientCert"`
}

type traefikPassTLSClientCert struct {
	PEM bool `json:"pem"`
}

type istioGateway struct {
	APIVersion string           `json:"apiVersion"`
	Kind       string           `json:"kind"`
	Metadata   objectMeta       `json:"metadata"`
	Spec       istioGatewaySpec `json:"spec"`
}

type istioGatewaySpec struct {
	Selector map[string]string `json:"selector"`
	Servers  []istioServer     `json:"servers"`
}

type istioServer struct {
	Port  istioPort      `json:"port"`
	Hosts []string       `json:"hosts"`
	TLS   istioServerTLS `json:"tls"`
}

type istioPort struct {
	Number   int    `json:"number"`
	Name     string `json:"name"`
	Protocol string `json:"protocol"`
}

type istioServerTLS struct {
	Mode               string `json:"mode"`
	CredentialName     string `json:"credentialName"`
	MinProtocolVersion string `json:"minProtocolVersion"`
}

type istioVirtualService struct {
	APIVersion string                  `json:"apiVersion"`
	Kind       string                  `json:"kind"`
	Metadata   objectMeta              `json:"metadata"`
	Spec       istioVirtualServiceSpec `json:"spec"`
}

type istioVirtualServiceSpec struct {
	Hosts    []string         `json:"hosts"`
	Gateways []string         `json:"gateways"`
	HTTP     []istioHTTPRoute `json:"http"`
}

type istioHTTPRoute struct {
	Route []istioRouteDestination `json:"route"`
}

type istioRouteDestination struct {
	Destination istioDestination `json:"destination"`
}

type istioDestination struct {
	Host string            `json:"host"`
	Port istioPortSelector `json:"port"`
}

type istioPortSelector struct {
	Number int `json:"number"`
}

// Kubernetes name rules (k8s.io/apimachinery/pkg/util/validation).
var (
	dnsLabel     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dns1035Label = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
)

func checkDNSLabel(p *problems, field, value string, required bool) bool {
	if value == "" {
		if required {
			p.fail(field, "Missing "+field, "%s is required: a lowercase DNS label such as \"default\".", field)
		}
		return false
	}
	if len(value) > 63 || !dnsLabel.MatchString(value) {
		p.fail(field, "Invalid Kubernetes name",
			"%q is not an RFC 1123 DNS label: use at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit.", value)
		return false
	}
	return true
}

func checkDNSSubdomain(p *problems, field, value string, required bool) bool {
	if value == "" {
		if required {
			p.fail(field, "Missing "+field, "%s is required: a lowercase DNS subdomain such as \"my-app\".", field)
		}
		return false
	}
	if !isDNSSubdomain(value) {
		p.fail(field, "Invalid Kubernetes name",
			"%q is not an RFC 1123 DNS subdomain: use lowercase letters, digits, hyphens and dots, at most 253 characters, each dot-separated part starting and ending with a letter or digit.", value)
		return false
	}
	return true
}

func isDNSSubdomain(value string) bool {
	if value == "" || len(value) > 253 {
		return false
	}
	for _, label := range strings.Split(value, ".") {
		if !dnsLabel.MatchString(label) {
			return false
		}
	}
	return true
}

func checkDNS1035Label(p *problems, field, value string) {
	if value == "" {
		p.fail(field, "Missing "+field, "%s is required: the name of the Service to route to.", field)
		return
	}
	if len(value) > 63 || !dns1035Label.MatchString(value) {
		p.fail(field, "Invalid Service name",
			"%q is not a valid Service name (RFC 1035 label): use at most 63 lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit.", value)
	}
}

// derivedName returns explicit if set, else base+suffix, which must still be
// a valid name.
func derivedName(p *problems, explicit, base, suffix, overrideField string) string {
	if explicit != "" {
		return explicit
	}
	name := base + suffix
	if !isDNSSubdomain(name) {
		detail := "Shorten name."
		if overrideField != "" {
			detail = "Shorten name or set " + overrideField + "."
		}
		p.fail("name", "Name too long", "The derived name %q exceeds 253 characters. %s", name, detail)
		return ""
	}
	return name
}

// checkKubernetesHost applies the Ingress host rules: a lowercase DNS
// subdomain, optionally with a "*." first label, and not an IP address.
func checkKubernetesHost(p *problems, index int, host string) {
	name := strings.TrimPrefix(host, "*.")
	if !isDNSSubdomain(name) || !strings.ContainsFunc(name, unicode.IsLetter) {
		p.failAt("hosts", index, "Invalid host",
			"%q is not a DNS name Kubernetes accepts as an Ingress host: use lowercase letters, digits, hyphens and dots (not an IP address), optionally starting with \"*.\", e.g. \"*.example.com\".", host)
	}
}

// checkMatchCN follows ingress-nginx's own check ("CN=" and a valid regular
// expression) and also refuses characters that would break out of the nginx
// configuration ingress-nginx writes the value into.
func checkMatchCN(p *problems, matchCN string) {
	pattern, ok := strings.CutPrefix(matchCN, "CN=")
	if !ok {
		p.fail("match_cn", "Missing CN= prefix",
			"ingress-nginx ignores match_cn unless it starts with \"CN=\"; write e.g. \"CN=client\\\\.example\\\\.com\".")
		return
	}
	if strings.ContainsFunc(pattern, func(r rune) bool {
		return unicode.IsSpace(r) || !unicode.IsPrint(r) || strings.ContainsRune("\"'`;{}#", r)
	}) {
		p.fail("match_cn", "Unsafe character in match_cn",
			"%q contains whitespace, a quote or one of ; { } #, which ingress-nginx would write unquoted into its nginx configuration. Use \\s for spaces and avoid {n} repetition.", matchCN)
		return
	}
	if _, err := regexp.Compile(pattern); err != nil {
		p.fail("match_cn", "Invalid regular expression", "%q after \"CN=\" is not a valid regular expression: %v.", pattern, err)
	}
}

func quoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return strings.Join(quoted, ", ")
}
