package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

var clientCertKind = certKind{
	typeName: "client_cert",
	profile:  pki.ProfileClient,
	summary: "A TLS client certificate (extended key usage clientAuth by default) signed by a CA, with its own private key or for a CSR so the key never leaves the client. " +
		"It needs a subject `common_name` or at least one subject alternative name (DNS, IP, URI such as a SPIFFE ID, or email). " +
		"A common name alone is a normal client identity, the one PostgreSQL (the role), Apache (`SSL_CLIENT_S_DN_CN`), nginx (`$ssl_client_s_dn`) and MySQL (`REQUIRE SUBJECT`) map; such a certificate carries no subject alternative name extension. " +
		"With `server_auth` in `extended_key_usages` (a peer certificate) it is a server certificate too, and needs a DNS name or IP address. " +
		"An existing client certificate can be imported from its files (with its key, or in CSR mode its request), or moved from hashicorp/tls's `tls_locally_signed_cert`, without being reissued.",
	defaultValidityHours: 8760,
}

func NewClientCertResource() resource.Resource {
	return &signedCertificateResource[leafCertModel, *leafCertModel]{certificateResource[leafCertModel, *leafCertModel]{kind: clientCertKind}}
}
