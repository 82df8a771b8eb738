package render

// Minimal Go mirrors of the custom resources the ingress renderer emits,
// written from the upstream CRD schemas so the tests can decode the output
// strictly (unknown fields fail). Only the parts of each schema that the
// renderer could plausibly use are mirrored.

// traefikTLSOptionCRD mirrors tlsoptions.traefik.io v1alpha1 (Traefik v3.x,
// docs/content/reference/dynamic-configuration/traefik.io_tlsoptions.yaml);
// its spec is complete.
type traefikTLSOptionCRD struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   crdObjectMeta     `json:"metadata"`
	Spec       traefikTLSOptSpec `json:"spec"`
}

type traefikTLSOptSpec struct {
	ALPNProtocols []string `json:"alpnProtocols,omitempty"`
	CipherSuites  []string `json:"cipherSuites,omitempty"`
	ClientAuth    struct {
		// Enum: NoClientCert, RequestClientCert, RequireAnyClientCert,
		// VerifyClientCertIfGiven, RequireAndVerifyClientCert.
		ClientAuthType string   `json:"clientAuthType,omitempty"`
		SecretNames    []string `json:"secretNames,omitempty"`
	} `json:"clientAuth,omitempty"`
	CurvePreferences         []string `json:"curvePreferences,omitempty"`
	DisableSessionTickets    bool     `json:"disableSessionTickets,omitempty"`
	MaxVersion               string   `json:"maxVersion,omitempty"`
	MinVersion               string   `json:"minVersion,omitempty"`
	PreferServerCipherSuites bool     `json:"preferServerCipherSuites,omitempty"`
	SniStrict                bool     `json:"sniStrict,omitempty"`
}

// traefikMiddlewareCRD mirrors middlewares.traefik.io v1alpha1 (Traefik
// v3.x), only spec.passTLSClientCert of its many middleware kinds.
type traefikMiddlewareCRD struct {
	APIVersion string        `json:"apiVersion"`
	Kind       string        `json:"kind"`
	Metadata   crdObjectMeta `json:"metadata"`
	Spec       struct {
		PassTLSClientCert *struct {
			PEM  bool           `json:"pem,omitempty"`
			Info map[string]any `json:"info,omitempty"`
		} `json:"passTLSClientCert,omitempty"`
	} `json:"spec"`
}

// istioGatewayCRD mirrors gateways.networking.istio.io v1 (Istio 1.22+,
// networking/v1alpha3/gateway.proto served as v1).
type istioGatewayCRD struct {
	APIVersion string        `json:"apiVersion"`
	Kind       string        `json:"kind"`
	Metadata   crdObjectMeta `json:"metadata"`
	Spec       struct {
		Selector map[string]string `json:"selector,omitempty"`
		Servers  []struct {
			Port struct {
				Number     uint32 `json:"number"`
				Protocol   string `json:"protocol"`
				Name       string `json:"name"`
				TargetPort uint32 `json:"targetPort,omitempty"`
			} `json:"port"`
			Bind            string   `json:"bind,omitempty"`
			Hosts           []string `json:"hosts"`
			Name            string   `json:"name,omitempty"`
			DefaultEndpoint string   `json:"defaultEndpoint,omitempty"`
			TLS             *struct {
				HTTPSRedirect bool `json:"httpsRedirect,omitempty"`
				// Enum: PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH,
				// ISTIO_MUTUAL, OPTIONAL_MUTUAL.
				Mode                  string   `json:"mode,omitempty"`
				ServerCertificate     string   `json:"serverCertificate,omitempty"`
				PrivateKey            string   `json:"privateKey,omitempty"`
				CACertificates        string   `json:"caCertificates,omitempty"`
				CACrl                 string   `json:"caCrl,omitempty"`
				CredentialName        string   `json:"credentialName,omitempty"`
				CredentialNames       []string `json:"credentialNames,omitempty"`
				SubjectAltNames       []string `json:"subjectAltNames,omitempty"`
				VerifyCertificateSpki []string `json:"verifyCertificateSpki,omitempty"`
				VerifyCertificateHash []string `json:"verifyCertificateHash,omitempty"`
				// Enum: TLS_AUTO, TLSV1_0, TLSV1_1, TLSV1_2, TLSV1_3.
				MinProtocolVersion string   `json:"minProtocolVersion,omitempty"`
				MaxProtocolVersion string   `json:"maxProtocolVersion,omitempty"`
				CipherSuites       []string `json:"cipherSuites,omitempty"`
			} `json:"tls,omitempty"`
		} `json:"servers"`
	} `json:"spec"`
}

// istioVirtualServiceCRD mirrors virtualservices.networking.istio.io v1
// (Istio 1.22+), only HTTP routing by destination.
type istioVirtualServiceCRD struct {
	APIVersion string        `json:"apiVersion"`
	Kind       string        `json:"kind"`
	Metadata   crdObjectMeta `json:"metadata"`
	Spec       struct {
		Hosts    []string `json:"hosts"`
		Gateways []string `json:"gateways,omitempty"`
		ExportTo []string `json:"exportTo,omitempty"`
		HTTP     []struct {
			Name  string `json:"name,omitempty"`
			Route []struct {
				Destination struct {
					Host   string `json:"host"`
					Subset string `json:"subset,omitempty"`
					Port   *struct {
						Number uint32 `json:"number"`
					} `json:"port,omitempty"`
				} `json:"destination"`
				Weight int32 `json:"weight,omitempty"`
			} `json:"route,omitempty"`
		} `json:"http,omitempty"`
	} `json:"spec"`
}

// crdObjectMeta holds the metadata fields a namespaced custom resource
// manifest may carry here.
type crdObjectMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}
