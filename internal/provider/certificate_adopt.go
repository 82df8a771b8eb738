package provider

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// Adoption: taking over certificates that exist already, without issuing new
// ones. Import reads them from files (openssl-made, or saved from state);
// moved blocks take them over from hashicorp/tls. Either way the state is
// what the configuration that describes the certificate plans, and the
// private state is marked imported, so that what a certificate does not
// record (its backdate) never replaces it.

// importCAKeyPassphraseEnv holds the passphrase of an encrypted CA key file
// named in a signed certificate's import ID.
const importCAKeyPassphraseEnv = "MTLS_IMPORT_CA_KEY_PASSPHRASE"

// signedCertificateResource is a certificate resource signed by a CA
// (mtls_intermediate_ca, mtls_server_cert, mtls_client_cert) that can adopt
// existing certificates.
type signedCertificateResource struct {
	certificateResource
}

var (
	_ resource.ResourceWithImportState = &signedCertificateResource{}
	_ resource.ResourceWithMoveState   = &signedCertificateResource{}
	_ resource.ResourceWithMoveState   = &rootCAResource{}
)

func (r *signedCertificateResource) importIDForm() string {
	second := "KEY_PATH"
	if r.kind.leaf() {
		second = "KEY_OR_CSR_PATH"
	}
	form := fmt.Sprintf("The import ID is \"CERT_PATH,%s,CA_CERT_PATH,CA_KEY_PATH\": the certificate, its private key", second)
	if r.kind.leaf() {
		form += " (or, in CSR mode, the certificate signing request: the key stays where it is)"
	}
	return form + ", the issuing CA certificate (optionally followed by its chain) and the CA's private key, all PEM files, " +
		"e.g. \"server.crt,server.key,rootCA.crt,rootCA.key\". The CA files are kept as read, so that a configuration passing them with file() plans no change. " +
		"Encrypted keys take their passphrases from the " + importPassphraseEnv + " and " + importCAKeyPassphraseEnv + " environment variables, never from the ID."
}

// ImportState adopts a certificate signed by a CA from PEM files; the ID
// names files only, so that no key material appears in it.
func (r *signedCertificateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	form := r.importIDForm()
	paths, diags := splitImportID(req.ID, 4, form)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	texts := make([]string, len(paths))
	for i, what := range []string{"certificate", "private key", "CA certificate", "CA private key"} {
		if i == 1 && r.kind.leaf() {
			what = "private key or CSR"
		}
		texts[i] = readImportFile(paths[i], what, form, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	a := adoption{kind: r.kind, certFrom: paths[0], caCertPEM: texts[2], caKeyPEM: texts[3]}
	if a.cert = parseAdoptedCert(paths[0], texts[0], &resp.Diagnostics); a.cert == nil {
		return
	}
	if r.kind.leaf() && strings.Contains(texts[1], "CERTIFICATE REQUEST-----") {
		a.csrPEM = texts[1]
	} else {
		var encrypted bool
		passphrase := os.Getenv(importPassphraseEnv)
		if a.key, encrypted = parseImportedKey(paths[1], texts[1], passphrase, &resp.Diagnostics); a.key == nil {
			return
		}
		if encrypted {
			a.passphrase = passphrase
		}
	}
	if _, err := pki.ParsePrivateKeyPEM(texts[3], ""); errors.Is(err, pki.ErrEncryptedKey) {
		a.caPassphrase = os.Getenv(importCAKeyPassphraseEnv)
	}
	m := r.kind.newModel()
	if a.fill(m.parts(), paths[1], paths[2], r.clock(), &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedStateKey, []byte("true"))...)
}

// parseAdoptedCert returns the first certificate in text, or nil with an
// error saying what is wrong.
func parseAdoptedCert(from, text string, diags *diag.Diagnostics) *x509.Certificate {
	certs, err := pki.ParseCertificatesPEM(text)
	if err != nil {
		detail := fmt.Sprintf("%s: %s.", from, err)
		if strings.Contains(text, "PRIVATE KEY-----") || strings.Contains(text, "CERTIFICATE REQUEST-----") {
			detail += " The ID takes the certificate first. Are the paths in the wrong order?"
		}
		diags.AddError("No certificate in the certificate file", detail)
		return nil
	}
	return certs[0]
}

// adoption is what a signed certificate is adopted from.
type adoption struct {
	kind     certKind
	cert     *x509.Certificate
	certFrom string
	// key is the certificate's key; nil in CSR mode, and for an intermediate
	// moved from tls_locally_signed_cert, whose key stays in tls_private_key.
	key        crypto.Signer
	passphrase string // the passphrase that opened an encrypted key
	csrPEM     string // CSR mode
	// The CA as given: kept verbatim, to equal the configuration's text.
	caCertPEM, caKeyPEM, caPassphrase string
	earlyRenewalHours                 int64
}

// fill checks that the certificate is one this resource could have issued
// with this CA and sets every attribute of p from it. keyFrom and caFrom
// name the sources of the key (or CSR) and of the CA, for messages.
func (a *adoption) fill(p modelParts, keyFrom, caFrom string, now time.Time, diags *diag.Diagnostics) {
	cert, what := a.cert, a.certFrom
	issuer, errs := pki.NewIssuer(a.caCertPEM, a.caKeyPEM, a.caPassphrase)
	for _, e := range errs {
		detail := e.Detail
		if e.Attribute == "ca_private_key_pem" && strings.Contains(e.Summary, "Encrypted") {
			detail = "The CA private key is encrypted: set the " + importCAKeyPassphraseEnv + " environment variable to its passphrase."
		}
		diags.AddError(e.Summary, fmt.Sprintf("%s: %s", caFrom, detail))
	}
	if issuer == nil {
		return
	}
	ca := issuer.Cert
	if pki.IsSelfSigned(cert) {
		diags.AddError("Not a certificate signed by a CA", fmt.Sprintf("%s holds %q, which is self-signed. A root CA is adopted with mtls_root_ca.", what, cert.Subject.String()))
		return
	}
	if !bytes.Equal(cert.RawIssuer, ca.RawSubject) || cert.CheckSignatureFrom(ca) != nil {
		diags.AddError("Certificate not issued by this CA", fmt.Sprintf("%s holds %q, issued by %q; its signature does not verify with the CA certificate in %s (%q). "+
			"Give the CA that issued it: the certificate is adopted as it is, never reissued.", what, cert.Subject.String(), cert.Issuer.String(), caFrom, ca.Subject.String()))
		return
	}
	switch {
	case a.kind.profile.IsCA() && pki.CheckCanSign(cert) != nil:
		diags.AddError("Not a CA certificate", fmt.Sprintf("%s holds %q, but %s. A leaf certificate is adopted with mtls_server_cert or mtls_client_cert.", what, cert.Subject.String(), pki.CheckCanSign(cert)))
		return
	case a.kind.leaf() && cert.IsCA:
		diags.AddError("A CA certificate", fmt.Sprintf("%s holds %q, a CA certificate. An intermediate CA is adopted with mtls_intermediate_ca.", what, cert.Subject.String()))
		return
	}
	if a.key != nil && !pki.PublicKeysEqual(a.key.Public(), cert.PublicKey) {
		diags.AddError("Private key does not match the certificate", fmt.Sprintf("The key in %s is not the key of %q in %s. Give the key the certificate was made for.", keyFrom, cert.Subject.String(), what))
		return
	}
	var csr *x509.CertificateRequest
	if a.csrPEM != "" {
		var err error
		if csr, err = pki.ParseCSRPEM(a.csrPEM); err != nil {
			diags.AddError("Invalid certificate signing request", fmt.Sprintf("%s: %s.", keyFrom, err))
			return
		}
		if !pki.PublicKeysEqual(csr.PublicKey, cert.PublicKey) {
			diags.AddError("CSR does not match the certificate", fmt.Sprintf("The request in %s is for another key than the certificate in %s. Give the CSR the certificate was issued for.", keyFrom, what))
			return
		}
	}
	alg, err := pki.AlgorithmOf(cert.PublicKey)
	if err != nil {
		diags.AddError("Unsupported key", fmt.Sprintf("%s: %s.", what, err))
		return
	}
	checkSubjectExpressible(cert, what, diags)
	ekus := pki.ExtKeyUsageStrings(cert)
	if a.kind.profile.IsCA() && len(ekus) > 0 {
		diags.AddError("CA certificate limits extended key usages", fmt.Sprintf("%s carries extended key usages (%s), which %s cannot express: it issues CAs without them. "+
			"Adopting it would describe another certificate than the one kept; reissue it instead.", what, strings.Join(ekus, ", "), "mtls_"+a.kind.typeName))
	}
	names := pki.NamesFromCertificate(cert)
	if a.kind.leaf() {
		// A certificate without the extension (as `openssl x509 -req` makes
		// them) is valid for every usage, so also for the resource's default.
		if len(ekus) == 0 {
			ekus = pki.DefaultExtKeyUsages(a.kind.profile)
		}
		if a.kind.profile == pki.ProfileServer && !slices.Contains(ekus, "server_auth") {
			diags.AddError("Not a server certificate", fmt.Sprintf("%s allows %s, not server_auth. A client certificate is adopted with mtls_client_cert.", what, strings.Join(ekus, ", ")))
		}
		if a.kind.profile == pki.ProfileServer && len(names.DNSNames)+len(names.IPAddresses) == 0 {
			diags.AddError("Server certificate without DNS names or IP addresses", fmt.Sprintf("%s names no DNS name or IP address, which clients match: mtls_server_cert cannot describe it. Reissue it with subjectAltName set.", what))
		}
	}
	if diags.HasError() {
		return
	}

	b := p.base
	b.KeyAlgorithm = types.StringValue(string(alg))
	b.PrivateKeyPassphrase = types.StringNull()
	if a.passphrase != "" {
		b.PrivateKeyPassphrase = types.StringValue(a.passphrase)
	}
	b.Subject = subjectObject(pki.SubjectFromName(cert.Subject))
	span := cert.NotAfter.Sub(cert.NotBefore).Truncate(time.Minute)
	b.ValidityPeriodHours = types.Int64Value(int64(span / time.Hour))
	b.BackdateMinutes = types.Int64Value(int64(span % time.Hour / time.Minute))
	b.EarlyRenewalHours = types.Int64Value(a.earlyRenewalHours)
	if p.ca != nil {
		caOptionsFromCert(p.ca, cert)
	}
	i := p.issuer
	i.CACertPEM, i.CAPrivateKeyPEM = types.StringValue(a.caCertPEM), types.StringValue(a.caKeyPEM)
	i.CAPrivateKeyPassphrase = types.StringNull()
	if a.caPassphrase != "" {
		i.CAPrivateKeyPassphrase = types.StringValue(a.caPassphrase)
	}
	i.CRLDistributionPoints = optionalList(cert.CRLDistributionPoints)
	i.IssuingCertificateURLs = optionalList(cert.IssuingCertificateURL)
	if l := p.leaf; l != nil {
		l.ExtendedKeyUsages = stringListValue(ekus)
		l.CSRPEM = types.StringNull()
		if csr != nil {
			l.CSRPEM = types.StringValue(a.csrPEM)
			// What the CSR supplies is recorded as taken from it, as a
			// configuration that leaves subject and names unset has it.
			if pki.SubjectFromName(csr.Subject) == pki.SubjectFromName(cert.Subject) {
				b.Subject = subjectObject(pki.Subject{})
			}
			if namesEqual(pki.NamesFromCSR(csr), names) {
				names = pki.Names{}
			}
		}
		l.DNSNames, l.IPAddresses = optionalList(names.DNSNames), optionalList(names.IPAddresses)
		l.URIs, l.EmailAddresses = optionalList(names.URIs), optionalList(names.EmailAddresses)
	}
	setCertificateOutputs(p, cert, issuer, now, diags)
	setKeyOutputs(b, a.key, configuredSecret{b.PrivateKeyPassphrase, "private_key_passphrase"}, diags)
}

func namesEqual(a, b pki.Names) bool {
	return slices.Equal(a.DNSNames, b.DNSNames) && slices.Equal(a.IPAddresses, b.IPAddresses) &&
		slices.Equal(a.URIs, b.URIs) && slices.Equal(a.EmailAddresses, b.EmailAddresses)
}

// checkSubjectExpressible refuses a subject with attributes the subject
// attribute cannot hold (emailAddress, a second organizational unit, ...):
// the state would describe another certificate than the one kept.
func checkSubjectExpressible(cert *x509.Certificate, what string, diags *diag.Diagnostics) {
	kept := 0
	for _, rdn := range pki.SubjectFromName(cert.Subject).Name().ToRDNSequence() {
		kept += len(rdn)
	}
	if kept != len(cert.Subject.Names) {
		diags.AddError("Subject cannot be expressed", fmt.Sprintf("%s has the subject %q, with attributes the subject attribute cannot hold (it takes one value of each of common name, organization, organizational unit, country, province, locality, street address, postal code and serial number; not emailAddress). "+
			"Adopting it would describe another certificate than the one kept; reissue it instead.", what, cert.Subject.String()))
	}
}

// caOptionsFromCert reads a CA's path length and name constraints back from
// its certificate.
func caOptionsFromCert(c *caOptionsModel, cert *x509.Certificate) {
	c.MaxPathLength = types.Int64Null()
	if cert.MaxPathLen > 0 || cert.MaxPathLenZero {
		c.MaxPathLength = types.Int64Value(int64(cert.MaxPathLen))
	}
	c.PermittedDNSDomains = optionalList(cert.PermittedDNSDomains)
	c.ExcludedDNSDomains = optionalList(cert.ExcludedDNSDomains)
	c.PermittedIPRanges = optionalList(ipNetStrings(cert.PermittedIPRanges))
	c.ExcludedIPRanges = optionalList(ipNetStrings(cert.ExcludedIPRanges))
	c.PermittedEmailAddresses = optionalList(cert.PermittedEmailAddresses)
	c.PermittedURIDomains = optionalList(cert.PermittedURIDomains)
}

func (caCertReplaces) Description(context.Context) string {
	return "Replacing the CA replaces the certificate; the same CA certificates in another encoding update in place."
}

func (m caCertReplaces) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (caCertReplaces) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	resp.RequiresReplace = true
	if req.PlanValue.IsUnknown() {
		return
	}
	planned, err := pki.ParseCertificatesPEM(req.PlanValue.ValueString())
	if err != nil {
		return // the validators and ModifyPlan report it
	}
	if stored, err := pki.ParseCertificatesPEM(req.StateValue.ValueString()); err == nil && slices.EqualFunc(planned, stored, (*x509.Certificate).Equal) {
		resp.RequiresReplace = false
		return
	}
	if !isImported(ctx, req.Private) {
		return
	}
	var certPEM types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("cert_pem"), &certPEM)...)
	certs, err := pki.ParseCertificatesPEM(certPEM.ValueString())
	if err != nil || certs[0].CheckSignatureFrom(planned[0]) == nil {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("ca_cert_pem"), "Certificate not issued by this CA",
		fmt.Sprintf("This certificate (%q) was adopted, by import or a moved block, and was issued by %q; the first certificate of ca_cert_pem (%q) did not sign it. "+
			"Give the CA that issued it. To reissue the certificate under this CA instead, run apply with -replace on this resource.",
			certs[0].Subject.String(), certs[0].Issuer.String(), planned[0].Subject.String()))
}
