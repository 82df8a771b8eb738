package provider

import (
	"context"
	"crypto"
	"crypto/x509"
	"net"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// certBase is what every certificate resource has.
type certBase struct {
	ID                     types.String `tfsdk:"id"`
	KeyAlgorithm           types.String `tfsdk:"key_algorithm"`
	PrivateKeyPassphrase   types.String `tfsdk:"private_key_passphrase"`
	Subject                types.Object `tfsdk:"subject"`
	ValidityPeriodHours    types.Int64  `tfsdk:"validity_period_hours"`
	EarlyRenewalHours      types.Int64  `tfsdk:"early_renewal_hours"`
	BackdateMinutes        types.Int64  `tfsdk:"backdate_minutes"`
	CertPEM                types.String `tfsdk:"cert_pem"`
	PrivateKeyPEM          types.String `tfsdk:"private_key_pem"`
	PrivateKeyPEMPKCS1     types.String `tfsdk:"private_key_pem_pkcs1"`
	PrivateKeyPEMSEC1      types.String `tfsdk:"private_key_pem_sec1"`
	PrivateKeyPEMEncrypted types.String `tfsdk:"private_key_pem_encrypted"`
	PublicKeyPEM           types.String `tfsdk:"public_key_pem"`
	PublicKeyOpenSSH       types.String `tfsdk:"public_key_openssh"`
	SerialNumber           types.String `tfsdk:"serial_number"`
	FingerprintSHA256      types.String `tfsdk:"fingerprint_sha256"`
	SubjectDN              types.String `tfsdk:"subject_dn"`
	NotBefore              types.String `tfsdk:"not_before"`
	NotAfter               types.String `tfsdk:"not_after"`
	ReadyForRenewal        types.Bool   `tfsdk:"ready_for_renewal"`

	// Write-only: always null in plan and state; read from config.
	PrivateKeyPassphraseWO        types.String `tfsdk:"private_key_passphrase_wo"`
	PrivateKeyPassphraseWOVersion types.Int64  `tfsdk:"private_key_passphrase_wo_version"`
}

type subjectModel struct {
	CommonName         types.String `tfsdk:"common_name"`
	Organization       types.String `tfsdk:"organization"`
	OrganizationalUnit types.String `tfsdk:"organizational_unit"`
	Country            types.String `tfsdk:"country"`
	Province           types.String `tfsdk:"province"`
	Locality           types.String `tfsdk:"locality"`
	StreetAddress      types.String `tfsdk:"street_address"`
	PostalCode         types.String `tfsdk:"postal_code"`
	SerialNumber       types.String `tfsdk:"serial_number"`
}

func (s subjectModel) toPKI() pki.Subject {
	return pki.Subject{
		CommonName: s.CommonName.ValueString(), Organization: s.Organization.ValueString(),
		OrganizationalUnit: s.OrganizationalUnit.ValueString(), Country: s.Country.ValueString(),
		Province: s.Province.ValueString(), Locality: s.Locality.ValueString(),
		StreetAddress: s.StreetAddress.ValueString(), PostalCode: s.PostalCode.ValueString(),
		SerialNumber: s.SerialNumber.ValueString(),
	}
}

var subjectAttrTypes = map[string]attr.Type{
	"common_name": types.StringType, "organization": types.StringType, "organizational_unit": types.StringType,
	"country": types.StringType, "province": types.StringType, "locality": types.StringType,
	"street_address": types.StringType, "postal_code": types.StringType, "serial_number": types.StringType,
}

// subjectObject turns a certificate subject back into the schema's object,
// leaving absent attributes null so that it equals the config that made it.
func subjectObject(s pki.Subject) types.Object {
	v := func(s string) attr.Value {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	return types.ObjectValueMust(subjectAttrTypes, map[string]attr.Value{
		"common_name": v(s.CommonName), "organization": v(s.Organization), "organizational_unit": v(s.OrganizationalUnit),
		"country": v(s.Country), "province": v(s.Province), "locality": v(s.Locality),
		"street_address": v(s.StreetAddress), "postal_code": v(s.PostalCode), "serial_number": v(s.SerialNumber),
	})
}

type caOptionsModel struct {
	MaxPathLength           types.Int64 `tfsdk:"max_path_length"`
	PermittedDNSDomains     types.List  `tfsdk:"permitted_dns_domains"`
	ExcludedDNSDomains      types.List  `tfsdk:"excluded_dns_domains"`
	PermittedIPRanges       types.List  `tfsdk:"permitted_ip_ranges"`
	ExcludedIPRanges        types.List  `tfsdk:"excluded_ip_ranges"`
	PermittedEmailAddresses types.List  `tfsdk:"permitted_email_addresses"`
	PermittedURIDomains     types.List  `tfsdk:"permitted_uri_domains"`
}

type issuerModel struct {
	CACertPEM              types.String `tfsdk:"ca_cert_pem"`
	CAPrivateKeyPEM        types.String `tfsdk:"ca_private_key_pem"`
	CAPrivateKeyPassphrase types.String `tfsdk:"ca_private_key_passphrase"`
	CRLDistributionPoints  types.List   `tfsdk:"crl_distribution_points"`
	IssuingCertificateURLs types.List   `tfsdk:"issuing_certificate_urls"`
	CAChainPEM             types.String `tfsdk:"ca_chain_pem"`
	RootCertPEM            types.String `tfsdk:"root_cert_pem"`

	// Write-only: always null in plan and state; caKeyFromConfig reads them.
	CAPrivateKeyPEMWO        types.String `tfsdk:"ca_private_key_pem_wo"`
	CAPrivateKeyPEMWOVersion types.Int64  `tfsdk:"ca_private_key_pem_wo_version"`
	CAPrivateKeyPassphraseWO types.String `tfsdk:"ca_private_key_passphrase_wo"`
}

type leafModel struct {
	DNSNames          types.List   `tfsdk:"dns_names"`
	IPAddresses       types.List   `tfsdk:"ip_addresses"`
	URIs              types.List   `tfsdk:"uris"`
	EmailAddresses    types.List   `tfsdk:"email_addresses"`
	ExtendedKeyUsages types.List   `tfsdk:"extended_key_usages"`
	CSRPEM            types.String `tfsdk:"csr_pem"`
	FullchainPEM      types.String `tfsdk:"fullchain_pem"`
}

// modelParts points into one resource model at the parts it has; absent
// parts are nil. It lets one issuing path serve every certificate resource.
type modelParts struct {
	base     *certBase
	ca       *caOptionsModel
	issuer   *issuerModel
	leaf     *leafModel
	chainPEM *types.String // intermediate CAs only
}

type rootCAModel struct {
	certBase
	caOptionsModel
}

func (m *rootCAModel) parts() modelParts { return modelParts{base: &m.certBase, ca: &m.caOptionsModel} }

type intermediateCAModel struct {
	certBase
	caOptionsModel
	issuerModel
	ChainPEM types.String `tfsdk:"chain_pem"`
}

func (m *intermediateCAModel) parts() modelParts {
	return modelParts{base: &m.certBase, ca: &m.caOptionsModel, issuer: &m.issuerModel, chainPEM: &m.ChainPEM}
}

type leafCertModel struct {
	certBase
	issuerModel
	leafModel
}

func (m *leafCertModel) parts() modelParts {
	return modelParts{base: &m.certBase, issuer: &m.issuerModel, leaf: &m.leafModel}
}

// known reports whether every value is known, so plan-time checks that need
// them can run.
func known(values ...attr.Value) bool {
	for _, v := range values {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// objectKnown is known for an object whose attributes may be unknown on
// their own, e.g. subject = { common_name = var.from_another_resource }.
func objectKnown(o types.Object) bool {
	if o.IsUnknown() {
		return false
	}
	for _, a := range o.Attributes() {
		if a.IsUnknown() {
			return false
		}
	}
	return true
}

func listKnown(l types.List) bool {
	if l.IsUnknown() {
		return false
	}
	for _, e := range l.Elements() {
		if e.IsUnknown() {
			return false
		}
	}
	return true
}

func listStrings(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

// optionalList is null for no values, so that it equals an unset attribute.
func optionalList(v []string) types.List {
	if len(v) == 0 {
		return types.ListNull(types.StringType)
	}
	return stringListValue(v)
}

func ipNetStrings(nets []*net.IPNet) []string {
	out := make([]string, len(nets))
	for i, n := range nets {
		out[i] = n.String()
	}
	return out
}

func stringListValue(v []string) types.List {
	elems := make([]attr.Value, len(v))
	for i, s := range v {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

// inputsKnown tells whether everything that shapes the certificate itself
// (not its issuer) is known at plan time.
func (p modelParts) inputsKnown() bool {
	b := p.base
	ok := known(b.KeyAlgorithm, b.ValidityPeriodHours, b.BackdateMinutes) && objectKnown(b.Subject)
	if p.ca != nil {
		c := p.ca
		ok = ok && known(c.MaxPathLength) && listKnown(c.PermittedDNSDomains) && listKnown(c.ExcludedDNSDomains) &&
			listKnown(c.PermittedIPRanges) && listKnown(c.ExcludedIPRanges) && listKnown(c.PermittedEmailAddresses) && listKnown(c.PermittedURIDomains)
	}
	if p.leaf != nil {
		l := p.leaf
		ok = ok && known(l.CSRPEM) && listKnown(l.DNSNames) && listKnown(l.IPAddresses) && listKnown(l.URIs) &&
			listKnown(l.EmailAddresses) && listKnown(l.ExtendedKeyUsages)
	}
	return ok
}

func (p modelParts) issuerKnown(key caKey) bool {
	return p.issuer != nil && known(p.issuer.CACertPEM) && key.known()
}

// request builds the pki request from the model. pub is the certified key;
// csr, when not nil, supplies subject and names the resource leaves unset.
func (p modelParts) request(ctx context.Context, kind certKind, now time.Time, pub crypto.PublicKey, csr *x509.CertificateRequest, diags *diag.Diagnostics) *pki.Request {
	b := p.base
	nb, na := pki.Validity(now, b.ValidityPeriodHours.ValueInt64(), b.BackdateMinutes.ValueInt64())
	req := &pki.Request{Profile: kind.profile, PublicKey: pub, NotBefore: nb, NotAfter: na, Now: now.UTC().Truncate(time.Second),
		EarlyRenewal: time.Duration(b.EarlyRenewalHours.ValueInt64()) * time.Hour}
	if !subjectEmpty(b.Subject) {
		var s subjectModel
		diags.Append(b.Subject.As(ctx, &s, basetypes.ObjectAsOptions{})...)
		req.Subject = s.toPKI()
	} else if csr != nil {
		req.Subject, req.SubjectFromCSR = pki.SubjectFromName(csr.Subject), true
	}
	if c := p.ca; c != nil {
		if !c.MaxPathLength.IsNull() {
			n := int(c.MaxPathLength.ValueInt64())
			req.CA.MaxPathLength = &n
		}
		req.CA.PermittedDNSDomains = listStrings(ctx, c.PermittedDNSDomains, diags)
		req.CA.ExcludedDNSDomains = listStrings(ctx, c.ExcludedDNSDomains, diags)
		req.CA.PermittedIPRanges = listStrings(ctx, c.PermittedIPRanges, diags)
		req.CA.ExcludedIPRanges = listStrings(ctx, c.ExcludedIPRanges, diags)
		req.CA.PermittedEmailAddresses = listStrings(ctx, c.PermittedEmailAddresses, diags)
		req.CA.PermittedURIDomains = listStrings(ctx, c.PermittedURIDomains, diags)
	}
	if i := p.issuer; i != nil {
		req.CRLDistributionPoints = listStrings(ctx, i.CRLDistributionPoints, diags)
		req.IssuingCertificateURLs = listStrings(ctx, i.IssuingCertificateURLs, diags)
	}
	if l := p.leaf; l != nil {
		req.Names = pki.Names{
			DNSNames:       listStrings(ctx, l.DNSNames, diags),
			IPAddresses:    listStrings(ctx, l.IPAddresses, diags),
			URIs:           listStrings(ctx, l.URIs, diags),
			EmailAddresses: listStrings(ctx, l.EmailAddresses, diags),
		}
		if req.Names.IsEmpty() && csr != nil {
			req.Names, req.NamesFromCSR = pki.NamesFromCSR(csr), true
		}
		req.ExtKeyUsages = listStrings(ctx, l.ExtendedKeyUsages, diags)
	}
	return req
}
