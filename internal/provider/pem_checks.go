package provider

import (
	"crypto/x509"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

// inspectClientCAChain checks a client CA bundle (ca_chain_pem,
// client_ca_pem) and returns its certificates, issuing CA first, and the
// number of CAs above a client certificate, which the servers' verification
// depth must cover. That count is why the bundle must be one chain of CA
// certificates and nothing else.
func inspectClientCAChain(attr path.Path, text string, diags *diag.Diagnostics) (certs []*x509.Certificate, depth int) {
	certs, err := pki.ParseCertificatesPEM(text)
	if err != nil {
		diags.AddAttributeError(attr, "Invalid CA chain",
			fmt.Sprintf("%v. Give the PEM certificates of the CA that issues the client certificates and of the CAs above it, e.g. a client certificate's ca_chain_pem.", err))
		return nil, 0
	}
	for i, cert := range certs {
		if err := pki.CheckCanSign(cert); err != nil {
			detail := fmt.Sprintf("Certificate %d: %v.", i+1, err)
			if !hasSubjectAltNames(cert) {
				detail += " It is a CN-only certificate (no subject alternative names), such as an old-style self-signed client certificate."
			}
			diags.AddAttributeError(attr, "Not a CA certificate",
				detail+" Clients are verified against CA certificates only: give the issuing CA and the CAs above it, e.g. a client certificate's ca_chain_pem, not the client certificate itself.")
			return nil, 0
		}
	}
	// Issuing CA first is what the certificate resources output; root first
	// is how many hand-made bundles are written. Both describe one chain.
	if forward := pki.ChainBreak(certs); forward >= 0 {
		reversed := slices.Clone(certs)
		slices.Reverse(reversed)
		if backward := pki.ChainBreak(reversed); backward >= 0 {
			// Both breaks numbered in the bundle's own order: reversed[i] is certs[n-1-i].
			n := len(certs)
			diags.AddAttributeError(attr, "Not a certificate chain",
				fmt.Sprintf("Read issuing CA first, %v; read root first, %v. The certificates must form one chain, each signed by the next (issuing CA first, root last) or the reverse, because their number sets the verification depth. Give one CA chain, e.g. a client certificate's ca_chain_pem.",
					pki.NotSignedError(certs, forward+1, forward), pki.NotSignedError(certs, n-2-backward, n-1-backward)))
			return nil, 0
		}
		certs = reversed
	}
	depth = len(certs)
	if top := certs[len(certs)-1]; !pki.IsSelfSigned(top) {
		// The servers count the root above it too.
		depth++
		diags.AddAttributeWarning(attr, "CA chain does not reach a root",
			fmt.Sprintf("The chain ends with %q, which is not a self-signed root, so the depth counts one more CA for the root above it. Servers verify a client only up to a trusted root, so the CA file must hold the root as well: pass the whole chain, e.g. \"${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}\".", top.Subject.String()))
	}
	return certs, depth
}

// inspectServerChain warns about a server certificate bundle that clients
// will probably refuse: a CN-only leaf, or a missing intermediate when its
// issuer is among the known CA certificates and is not a root.
func inspectServerChain(attr path.Path, text string, knownCAs []*x509.Certificate, diags *diag.Diagnostics) {
	certs, err := pki.ParseCertificatesPEM(text)
	if err != nil {
		diags.AddAttributeError(attr, "Invalid certificate",
			fmt.Sprintf("%v. Give the server certificate followed by its intermediate CAs in PEM, e.g. a server certificate's fullchain_pem.", err))
		return
	}
	if leaf := certs[0]; !leaf.IsCA && !hasSubjectAltNames(leaf) {
		diags.AddAttributeWarning(attr, "Certificate has no subject alternative names",
			fmt.Sprintf("%q names its host only in the common name. Browsers, Go and current TLS libraries ignore the common name and will refuse the certificate. Reissue it with dns_names or ip_addresses.", leaf.Subject.String()))
	}
	last := certs[len(certs)-1]
	if pki.IsSelfSigned(last) {
		return
	}
	for _, ca := range knownCAs {
		if last.CheckSignatureFrom(ca) == nil && !pki.IsSelfSigned(ca) {
			diags.AddAttributeWarning(attr, "Certificate chain is incomplete",
				fmt.Sprintf("The chain ends with %q, issued by the intermediate CA %q, which is not included. Clients that trust only the root cannot verify the server. Pass the server certificate's fullchain_pem instead of cert_pem.", last.Subject.String(), ca.Subject.String()))
			return
		}
	}
}

func hasSubjectAltNames(cert *x509.Certificate) bool {
	return len(cert.DNSNames)+len(cert.IPAddresses)+len(cert.URIs)+len(cert.EmailAddresses) > 0
}

// addRenderDiagnostics attaches render warnings and field errors to their
// attributes. aliases maps render field names that are not attributes of
// the data source (ca_chain_depth) to the attribute they derive from.
func addRenderDiagnostics(diags *diag.Diagnostics, warnings []render.Warning, err error, aliases map[string]string) {
	attribute := func(field string) string {
		if alias, ok := aliases[field]; ok {
			return alias
		}
		return field
	}
	for _, w := range warnings {
		diags.AddAttributeWarning(path.Root(attribute(w.Field)), w.Summary, w.Detail)
	}
	if err == nil {
		return
	}
	fieldErrors := render.FieldErrors(err)
	if len(fieldErrors) == 0 {
		diags.AddError("Rendering the configuration failed", err.Error())
		return
	}
	for _, fe := range fieldErrors {
		at := path.Root(attribute(fe.Field))
		if fe.Index >= 0 {
			at = at.AtListIndex(fe.Index)
		}
		diags.AddAttributeError(at, fe.Summary, fe.Detail)
	}
}
