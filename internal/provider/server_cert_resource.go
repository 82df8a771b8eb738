package provider

// mtls_server_cert: a leaf certificate that a TLS server presents. What only
// it does:
//   - profile pki.ProfileServer: keyUsage digitalSignature (plus
//     keyEncipherment for an RSA key), extended key usage serverAuth unless
//     extended_key_usages says otherwise (extendedKeyUsagesDefaultRestored
//     brings that default back when the attribute is removed);
//   - at least one DNS name or IP address, checked at plan (pki.Request.Check):
//     clients match those, never the common name;
//   - one year by default.
// With mtls_client_cert it shares the leaf attributes and CSR mode
// (certificate_schema_leaf.go), and with every signed certificate import and
// moved blocks (certificate_adopt.go); the rest is certificateResource
// (certificate_resource.go lists where each concern lives).

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
	newModel:             func() certModel { return &leafCertModel{} },
}

func NewServerCertResource() resource.Resource {
	return &signedCertificateResource{certificateResource{kind: serverCertKind}}
}
