package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

var clientCertKind = certKind{
	typeName: "client_cert",
	profile:  pki.ProfileClient,
	summary: "A TLS client certificate (extended key usage clientAuth by default) signed by a CA, with its own private key or for a CSR so the key never leaves the client. " +
		"It needs at least one subject alternative name (DNS, IP, URI such as a SPIFFE ID, or email).",
	defaultValidityHours: 8760,
}

func NewClientCertResource() resource.Resource {
	return &certificateResource[leafCertModel, *leafCertModel]{kind: clientCertKind}
}
