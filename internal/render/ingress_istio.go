package render

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func (cfg ingressConfig) istio() (IngressOutput, []any) {
	// Istio reads the server key pair and the client CA from one Secret.
	credential := cfg.tlsSecret()
	credential.Type = secretTypeOpaque
	for key, value := range cfg.caSecret().Data {
		credential.Data[key] = value
	}
	gateway := istioGateway{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.istio.io/v1", Kind: "Gateway"},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.Name, Namespace: cfg.Namespace},
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
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.istio.io/v1", Kind: "VirtualService"},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.Name, Namespace: cfg.Namespace},
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

// Istio's CRDs (networking.istio.io/v1): only the fields rendered; k8s.io/api
// has no types for them.

type istioGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              istioGatewaySpec `json:"spec"`
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
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              istioVirtualServiceSpec `json:"spec"`
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
