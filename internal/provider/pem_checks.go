package provider

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

// inspectClientCABundle checks a client CA bundle (ca_chain_pem,
// client_ca_pem): CA certificates only, forming one or more chains side by
// side (a CA rotation trusts the old and the new root together), in any
// order. It returns the certificates, the verification depth the longest
// chain needs (see pki.BundleChains) and the CAs whose chain lacks its
// root; the caller decides whether that is an error.
func inspectClientCABundle(attr path.Path, text string, diags *diag.Diagnostics) (certs []*x509.Certificate, depth int, unrooted []*x509.Certificate) {
	certs, err := pki.ParseCertificatesPEM(text)
	if err != nil {
		diags.AddAttributeError(attr, "Invalid CA chain",
			fmt.Sprintf("%v. Give the PEM certificates of the CAs that issue the client certificates and of the CAs above them, e.g. a client certificate's ca_chain_pem.", err))
		return nil, 0, nil
	}
	for i, cert := range certs {
		if err := pki.CheckCanSign(cert); err != nil {
			detail := fmt.Sprintf("Certificate %d: %v.", i+1, err)
			if !hasSubjectAltNames(cert) {
				detail += " It is a CN-only certificate (no subject alternative names), such as an old-style self-signed client certificate."
			}
			diags.AddAttributeError(attr, "Not a CA certificate",
				detail+" Clients are verified against CA certificates only: give the issuing CA and the CAs above it, e.g. a client certificate's ca_chain_pem, not the client certificate itself.")
			return nil, 0, nil
		}
	}
	depth, unrooted = pki.BundleChains(certs)
	return certs, depth, unrooted
}

// unrootedDetail says which CAs of a bundle lack their root and how to add it.
func unrootedDetail(attr string, unrooted []*x509.Certificate) string {
	names := make([]string, len(unrooted))
	for i, c := range unrooted {
		names[i] = fmt.Sprintf("%q (issued by %q)", c.Subject.String(), c.Issuer.String())
	}
	return fmt.Sprintf("In %s, the chain of %s does not reach a self-signed root: its issuer is not in the bundle. "+
		"Add the root of every chain, e.g. \"${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}\".", attr, strings.Join(names, ", "))
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

// inspectCRLs checks the CRLs in attr against the client CA bundle: each CA
// needs a current CRL of its own, or a server that checks the whole chain
// refuses its clients (see pki.CheckCRLsCoverChain).
func inspectCRLs(attr, text string, cas []*x509.Certificate, now time.Time, diags *diag.Diagnostics) {
	crls, err := pki.ParseCRLsPEM(text)
	if err != nil {
		diags.AddAttributeError(path.Root(attr), "Invalid CRL",
			fmt.Sprintf("%v. Give the PEM CRL of each client CA, e.g. \"${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}\".", err))
		return
	}
	addFieldErrors(diags, pki.CheckCRLsCoverChain(attr, crls, cas, now))
}

func hasSubjectAltNames(cert *x509.Certificate) bool {
	return len(cert.DNSNames)+len(cert.IPAddresses)+len(cert.URIs)+len(cert.EmailAddresses) > 0
}

// addRenderDiagnostics attaches render warnings and field errors to their
// attributes; render names fields by their attribute.
func addRenderDiagnostics(diags *diag.Diagnostics, warnings []render.Warning, err error) {
	for _, w := range warnings {
		diags.AddAttributeWarning(path.Root(w.Field), w.Summary, w.Detail)
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
		at := path.Root(fe.Field)
		if fe.Index >= 0 {
			at = at.AtListIndex(fe.Index)
		}
		if fe.Nested != "" {
			at = at.AtName(fe.Nested)
		}
		diags.AddAttributeError(at, fe.Summary, fe.Detail)
	}
}
