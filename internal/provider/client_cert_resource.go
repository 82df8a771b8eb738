package provider

// mtls_client_cert: a leaf certificate that a TLS client presents. What only
// it does:
//   - profile pki.ProfileClient: keyUsage digitalSignature, extended key
//     usage clientAuth unless extended_key_usages says otherwise;
//   - a common name alone is a valid identity (no subject alternative name
//     needed), the one PostgreSQL, Apache, nginx and MySQL map; without one it
//     needs at least one name of any kind;
//   - with server_auth in extended_key_usages it is a peer certificate and
//     needs a DNS name or IP address like a server certificate;
//   - one year by default.
// With mtls_server_cert it shares the leaf attributes and CSR mode
// (certificate_schema_leaf.go), and with every signed certificate import and
// moved blocks (certificate_adopt.go); the rest is certificateResource
// (certificate_resource.go lists where each concern lives).

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
	newModel:             func() certModel { return &leafCertModel{} },
}

func NewClientCertResource() resource.Resource {
	return &signedCertificateResource{certificateResource{kind: clientCertKind}}
}
