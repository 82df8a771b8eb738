package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

var serverCertKind = certKind{
	typeName: "server_cert",
	profile:  pki.ProfileServer,
	summary: "A TLS server certificate (extended key usage serverAuth by default) signed by a CA, with its own private key or for a CSR. " +
		"It needs at least one DNS name or IP address: clients match those, never the common name. " +
		"An existing server certificate can be imported from its files (with its key, or in CSR mode its request), or moved from hashicorp/tls's `tls_locally_signed_cert`, without being reissued.",
	defaultValidityHours: 8760,
}

func NewServerCertResource() resource.Resource {
	return &signedCertificateResource[leafCertModel, *leafCertModel]{certificateResource[leafCertModel, *leafCertModel]{kind: serverCertKind}}
}
