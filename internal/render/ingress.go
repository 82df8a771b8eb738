package render

// Kubernetes ingress: the input, the validation every controller shares, and
// the Secrets and Ingress built from the upstream API types. Each controller's
// objects are in ingress_<controller>.go; name rules in kubernetes_names.go.

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// ingress is the Ingress ingress-nginx and traefik route through. The
// wrapper leaves out IngressStatus, which the cluster writes.
func (cfg ingressConfig) ingress(defaultClass string, annotations map[string]string) ingressObject {
	pathType := networkingv1.PathTypePrefix
	rules := make([]networkingv1.IngressRule, len(cfg.Hosts))
	for i, host := range cfg.Hosts {
		rules[i] = networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{
				Path:     "/",
				PathType: &pathType,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
					Name: cfg.ServiceName,
					Port: networkingv1.ServiceBackendPort{Number: int32(cfg.ServicePort)}, //nolint:gosec // checkPort keeps it within 1-65535
				}},
			}}},
		}}
	}
	return ingressObject{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.Name, Namespace: cfg.Namespace, Annotations: annotations},
		Spec: networkingv1.IngressSpec{
			IngressClassName: ptr(cmp.Or(cfg.IngressClassName, defaultClass)),
			TLS:              []networkingv1.IngressTLS{{Hosts: cfg.Hosts, SecretName: cfg.tlsSecretName}},
			Rules:            rules,
		},
	}
}

// ingressObject is networkingv1.Ingress without its Status.
type ingressObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              networkingv1.IngressSpec `json:"spec"`
}

func secretManifest(secret KubernetesSecret) corev1.Secret {
	data := make(map[string][]byte, len(secret.Data))
	for key, value := range secret.Data {
		data[key] = []byte(value)
	}
	return corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: secret.Name, Namespace: secret.Namespace},
		Type:       corev1.SecretType(secret.Type),
		Data:       data,
	}
}

func ptr[T any](value T) *T { return &value }

func quoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return strings.Join(quoted, ", ")
}
