package provider

// mtls_intermediate_ca: a CA signed by a root or another intermediate. What
// only it does:
//   - profile pki.ProfileIntermediateCA: keyUsage keyCertSign and cRLSign;
//     it inherits the path length and name constraints of the CAs above it,
//     and its own may only narrow them (checked at plan);
//   - chain_pem: itself and the chain above it without the root, the value
//     to pass as ca_cert_pem to what it signs;
//   - five years by default.
// With the root it shares the CA attributes (certificate_schema_ca.go), with
// every signed certificate the issuer attributes (certificate_schema_issuer.go),
// import and moved blocks (certificate_adopt.go); the rest is
// certificateResource (certificate_resource.go lists where each concern lives).

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

var intermediateCAKind = certKind{
	typeName: "intermediate_ca",
	profile:  pki.ProfileIntermediateCA,
	summary: "An intermediate certificate authority signed by a root or another intermediate, with its own private key. " +
		"It carries the path length and name constraints of the CAs above it, so that they hold also where only its `chain_pem` (which leaves out the root) is at hand; its own may only narrow them, which is checked at plan time. " +
		"Its subject must differ from that of every CA above it: OpenSSL takes a CA named like its issuer for a self-signed root. " +
		"An existing intermediate (for example made with `openssl x509 -req`) can be imported from its files, or moved from hashicorp/tls's `tls_locally_signed_cert`, without being reissued.",
	defaultValidityHours: 5 * 8760,
	newModel:             func() certModel { return &intermediateCAModel{} },
}

func NewIntermediateCAResource() resource.Resource {
	return &signedCertificateResource{certificateResource{kind: intermediateCAKind}}
}
