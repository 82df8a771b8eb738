package render

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const clientCertMiddlewareSuffix = "-client-cert"

func (cfg ingressConfig) traefik() (IngressOutput, []any) {
	const prefix = "traefik.ingress.kubernetes.io/"
	annotations := map[string]string{
		prefix + "router.tls":         "true",
		prefix + "router.tls.options": cfg.Namespace + "-" + cfg.Name + "@kubernetescrd",
	}
	caSecret, tlsSecret := cfg.caSecret(), cfg.tlsSecret()
	objects := []any{secretManifest(caSecret), secretManifest(tlsSecret), traefikTLSOption{
		TypeMeta:   metav1.TypeMeta{APIVersion: "traefik.io/v1alpha1", Kind: "TLSOption"},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.Name, Namespace: cfg.Namespace},
		Spec: traefikTLSOptionSpec{
			MinVersion: "VersionTLS12",
			ClientAuth: traefikClientAuth{SecretNames: []string{caSecret.Name}, ClientAuthType: cfg.VerifyClient},
		},
	}}
	if cfg.PassCertificateToUpstream {
		middleware := cfg.Name + clientCertMiddlewareSuffix
		annotations[prefix+"router.middlewares"] = cfg.Namespace + "-" + middleware + "@kubernetescrd"
		objects = append(objects, traefikMiddleware{
			TypeMeta:   metav1.TypeMeta{APIVersion: "traefik.io/v1alpha1", Kind: "Middleware"},
			ObjectMeta: metav1.ObjectMeta{Name: middleware, Namespace: cfg.Namespace},
			Spec:       traefikMiddlewareSpec{PassTLSClientCert: &traefikPassTLSClientCert{PEM: true}},
		})
	}
	objects = append(objects, cfg.ingress("traefik", annotations))
	return IngressOutput{Annotations: annotations, CASecret: caSecret, TLSSecret: tlsSecret}, objects
}

// Traefik's CRDs (traefik.io/v1alpha1): only the fields rendered; k8s.io/api
// has no types for them.

type traefikTLSOption struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              traefikTLSOptionSpec `json:"spec"`
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
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              traefikMiddlewareSpec `json:"spec"`
}

type traefikMiddlewareSpec struct {
	PassTLSClientCert *traefikPassTLSClientCert `json:"passTLSClientCert"`
}

type traefikPassTLSClientCert struct {
	PEM bool `json:"pem"`
}
