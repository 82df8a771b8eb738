package provider

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
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
type signedCertificateResource[M any, P certModelPtr[M]] struct {
	certificateResource[M, P]
}

var (
	_ resource.ResourceWithImportState = &signedCertificateResource[leafCertModel, *leafCertModel]{}
	_ resource.ResourceWithMoveState   = &signedCertificateResource[leafCertModel, *leafCertModel]{}
	_ resource.ResourceWithMoveState   = &rootCAResource{}
)

func (r *signedCertificateResource[M, P]) importIDForm() string {
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
func (r *signedCertificateResource[M, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
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
	var m M
	if a.fill(P(&m).parts(), paths[1], paths[2], r.clock(), &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
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

// tlsCertState is the part of the state of hashicorp/tls's
// tls_self_signed_cert and tls_locally_signed_cert that adoption reads. The
// certificate itself is the authority on subject, names, usages and
// validity; the rest says what it does not record.
type tlsCertState struct {
	CertPEM           string  `json:"cert_pem"`
	PrivateKeyPEM     *string `json:"private_key_pem"`
	CertRequestPEM    string  `json:"cert_request_pem"`
	CACertPEM         string  `json:"ca_cert_pem"`
	CAPrivateKeyPEM   *string `json:"ca_private_key_pem"`
	EarlyRenewalHours int64   `json:"early_renewal_hours"`
}

// tlsSource tells whether a moved block's source is type of hashicorp/tls
// (under whichever registry host the CLI uses).
func tlsSource(req resource.MoveStateRequest, typeName string) bool {
	return req.SourceTypeName == typeName && strings.HasSuffix(req.SourceProviderAddress, "/hashicorp/tls") && req.SourceRawState != nil
}

func readTLSState(req resource.MoveStateRequest, diags *diag.Diagnostics) *tlsCertState {
	var s tlsCertState
	if err := json.Unmarshal(req.SourceRawState.JSON, &s); err != nil {
		diags.AddError("Unreadable "+req.SourceTypeName+" state", fmt.Sprintf("The state of the moved %s does not parse: %s.", req.SourceTypeName, err))
		return nil
	}
	return &s
}

// MoveState takes over a tls_self_signed_cert, with the key in its state.
func (r *rootCAResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if !tlsSource(req, "tls_self_signed_cert") {
			return
		}
		s := readTLSState(req, &resp.Diagnostics)
		if s == nil {
			return
		}
		if s.PrivateKeyPEM == nil || *s.PrivateKeyPEM == "" {
			resp.Diagnostics.AddError("Root CA key not in state", "The tls_self_signed_cert was given its key through private_key_pem_wo, so its state holds no key, and mtls_root_ca keeps its key. "+
				"Import the root from its certificate and key files instead (import ID \"CERT_PATH,KEY_PATH\").")
			return
		}
		m, diags := rootCAFromPEM("the cert_pem of tls_self_signed_cert", s.CertPEM, "its private_key_pem", *s.PrivateKeyPEM, "", r.clock())
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		cert, _ := pki.ParseCertificatesPEM(s.CertPEM)
		what := "The tls_self_signed_cert's certificate"
		if ekus := pki.ExtKeyUsageStrings(cert[0]); len(ekus) > 0 {
			resp.Diagnostics.AddError("Root CA limits extended key usages", fmt.Sprintf("%s carries extended key usages (%s: from allowed_uses), which mtls_root_ca cannot express: it issues roots without them. "+
				"Adopting it would describe another root than the one kept; make a new root with mtls_root_ca instead.", what, strings.Join(ekus, ", ")))
		}
		if n := pki.NamesFromCertificate(cert[0]); !n.IsEmpty() {
			resp.Diagnostics.AddError("Root CA with subject alternative names", what+" carries subject alternative names (dns_names, ip_addresses or uris), which mtls_root_ca cannot express. "+
				"Adopting it would describe another root than the one kept; make a new root with mtls_root_ca instead.")
		}
		if resp.Diagnostics.HasError() {
			return
		}
		m.EarlyRenewalHours = types.Int64Value(s.EarlyRenewalHours)
		m.ReadyForRenewal = types.BoolValue(readyForRenewal(r.clock(), cert[0].NotAfter, s.EarlyRenewalHours))
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
		resp.Diagnostics.Append(resp.TargetPrivate.SetKey(ctx, importedStateKey, []byte("true"))...)
	}}}
}

// MoveState takes over a tls_locally_signed_cert. A leaf is adopted in CSR
// mode, its key staying in the tls_private_key it came from; so is an
// intermediate's key, which leaves this resource's private key outputs empty.
func (r *signedCertificateResource[M, P]) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if !tlsSource(req, "tls_locally_signed_cert") {
			return
		}
		s := readTLSState(req, &resp.Diagnostics)
		if s == nil {
			return
		}
		if s.CAPrivateKeyPEM == nil || *s.CAPrivateKeyPEM == "" {
			resp.Diagnostics.AddError("CA key not in state", "The tls_locally_signed_cert was given its CA key through ca_private_key_pem_wo, so its state holds no CA key to adopt with. "+
				"Import the certificate from files instead (see the mtls_"+r.kind.typeName+" import ID).")
			return
		}
		what := "The tls_locally_signed_cert's certificate"
		a := adoption{kind: r.kind, certFrom: what, caCertPEM: s.CACertPEM, caKeyPEM: *s.CAPrivateKeyPEM, earlyRenewalHours: s.EarlyRenewalHours}
		if a.cert = parseAdoptedCert(what, s.CertPEM, &resp.Diagnostics); a.cert == nil {
			return
		}
		if r.kind.leaf() {
			a.csrPEM = s.CertRequestPEM
		}
		var m M
		if a.fill(P(&m).parts(), "its cert_request_pem", "its ca_cert_pem and ca_private_key_pem", r.clock(), &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
		resp.Diagnostics.Append(resp.TargetPrivate.SetKey(ctx, importedStateKey, []byte("true"))...)
	}}}
}

// caCertReplaces replaces the certificate when its CA changes, but not when
// ca_cert_pem only changes form (the same certificates, encoded otherwise):
// an adopted certificate keeps the CA file's text, which a reference to an
// mtls_root_ca may spell differently. On an adopted certificate, a CA that
// did not issue it is an error rather than a silent reissue.
type caCertReplaces struct{}

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
