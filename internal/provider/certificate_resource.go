package provider

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// certModelPtr is a pointer to one of the certificate resource models.
type certModelPtr[M any] interface {
	*M
	parts() modelParts
}

// certificateResource is the single implementation behind mtls_root_ca,
// mtls_intermediate_ca, mtls_server_cert and mtls_client_cert; kind decides
// the schema and the profile it issues.
type certificateResource[M any, P certModelPtr[M]] struct {
	clocked
	kind certKind
}

var (
	_ resource.ResourceWithModifyPlan       = &certificateResource[leafCertModel, *leafCertModel]{}
	_ resource.ResourceWithConfigure        = &certificateResource[leafCertModel, *leafCertModel]{}
	_ resource.ResourceWithConfigValidators = &certificateResource[leafCertModel, *leafCertModel]{}
)

func (r *certificateResource[M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.typeName
}

func (r *certificateResource[M, P]) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{writeOnlyNeedsSupport{}}
}

func (r *certificateResource[M, P]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = certificateSchema(r.kind)
}

// clocked gives a resource the provider's clock, injected so that tests can
// move time (renewal).
type clocked struct {
	now func() time.Time
}

func (c *clocked) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	c.configureClock(req.ProviderData)
}

// configureClock takes the clock from the provider data that resources and
// data sources receive at Configure.
func (c *clocked) configureClock(data any) {
	if data, ok := data.(*providerData); ok {
		c.now = data.now
	}
}

func (c *clocked) clock() time.Time {
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

func (r *certificateResource[M, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var config M
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, c := P(&plan).parts(), P(&config).parts()
	var key caKey
	if r.kind.signed() {
		key = caKeyFromConfig(ctx, req.Config, &resp.Diagnostics)
	}
	checkRenewalWindow(p.base.EarlyRenewalHours, p.base.ValidityPeriodHours, "certificate", "replace", &resp.Diagnostics)
	if req.State.Raw.IsNull() {
		r.planCreate(ctx, p, c, key, &resp.Diagnostics)
	} else {
		var state M
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		s := P(&state).parts()
		resp.RequiresReplace = append(resp.RequiresReplace, r.restoreDefaults(p, c)...)
		checkIssuerChange(p, s, key, &resp.Diagnostics)
		if r.planRenewal(p, s) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ready_for_renewal"))
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// checkRenewalWindow refuses an early-renewal window as long as the validity
// itself: the object (a certificate, a CRL) would be due for renewal when
// made, and every apply would renew it again.
func checkRenewalWindow(early, validity types.Int64, object, renew string, diags *diag.Diagnostics) {
	if !known(early, validity) || early.ValueInt64() < validity.ValueInt64() {
		return
	}
	diags.AddAttributeError(path.Root("early_renewal_hours"), "Renewal window covers the whole validity",
		fmt.Sprintf("early_renewal_hours = %d is not less than validity_period_hours = %d, so the %s would be due for renewal as soon as it is made and every apply would %s it. "+
			"Set early_renewal_hours below validity_period_hours, e.g. a third of it.", early.ValueInt64(), validity.ValueInt64(), object, renew))
}

// restoreDefaults handles Optional+Computed attributes removed from config:
// the state still holds the old value, which UseStateForUnknown would keep
// silently. The default comes back, and the certificate is replaced when it
// differs, so that a removed extended key usage really goes.
func (r *certificateResource[M, P]) restoreDefaults(p, config modelParts) []path.Path {
	var replace []path.Path
	csrMode := p.leaf != nil && !p.leaf.CSRPEM.IsNull()
	if config.base.KeyAlgorithm.IsNull() && !csrMode {
		if want := types.StringValue(string(pki.DefaultKeyAlgorithm)); !p.base.KeyAlgorithm.Equal(want) {
			p.base.KeyAlgorithm = want
			replace = append(replace, path.Root("key_algorithm"))
		}
	}
	if p.leaf != nil && config.leaf.ExtendedKeyUsages.IsNull() {
		if want := stringListValue(pki.DefaultExtKeyUsages(r.kind.profile)); !p.leaf.ExtendedKeyUsages.Equal(want) {
			p.leaf.ExtendedKeyUsages = want
			replace = append(replace, path.Root("extended_key_usages"))
		}
	}
	return replace
}

// checkIssuerChange lets the CA key change form (re-encrypted, another PEM
// encoding) without replacing what it signed, but not change identity: the
// key must still belong to ca_cert_pem, which replaces when it changes. A
// write-only key cannot be compared with the last one, so it is checked at
// every plan.
func checkIssuerChange(plan, state modelParts, key caKey, diags *diag.Diagnostics) {
	if plan.issuer == nil || !plan.issuerKnown(key) {
		return
	}
	if !key.writeOnly() && plan.issuer.CAPrivateKeyPEM.Equal(state.issuer.CAPrivateKeyPEM) && plan.issuer.CAPrivateKeyPassphrase.Equal(state.issuer.CAPrivateKeyPassphrase) {
		return
	}
	_, errs := key.issuer(plan.issuer.CACertPEM.ValueString())
	addFieldErrors(diags, errs)
}

// planCreate fills plan-time defaults and runs every check whose inputs are
// known, so that mistakes show at plan rather than half-way through apply.
// Computed attributes left unset in config arrive unknown in the plan, so
// config tells which defaults to fill.
func (r *certificateResource[M, P]) planCreate(ctx context.Context, p, config modelParts, key caKey, diags *diag.Diagnostics) {
	var csr *x509.CertificateRequest
	var pub crypto.PublicKey
	if l := p.leaf; l != nil {
		if config.leaf.ExtendedKeyUsages.IsNull() {
			l.ExtendedKeyUsages = stringListValue(pki.DefaultExtKeyUsages(r.kind.profile))
		}
		switch {
		case l.CSRPEM.IsUnknown():
			p.base.KeyAlgorithm = types.StringUnknown()
		case !l.CSRPEM.IsNull():
			var err error
			if csr, err = pki.ParseCSRPEM(l.CSRPEM.ValueString()); err != nil {
				diags.AddAttributeError(path.Root("csr_pem"), "Invalid certificate signing request", err.Error()+".")
				return
			}
			pub = csr.PublicKey
			alg, _ := pki.AlgorithmOf(pub)
			p.base.KeyAlgorithm = types.StringValue(string(alg))
			if config.base.Subject.IsNull() {
				addFieldErrors(diags, pki.CSRSubjectDropped(csr))
			}
		}
	}
	if config.base.KeyAlgorithm.IsNull() && csr == nil && (p.leaf == nil || !p.leaf.CSRPEM.IsUnknown()) {
		p.base.KeyAlgorithm = types.StringValue(string(pki.DefaultKeyAlgorithm))
	}
	if !p.inputsKnown() {
		return
	}
	// The checks do not look at the key itself, so no key is generated at plan.
	req := p.request(ctx, r.kind, r.clock(), pub, csr, diags)
	var issuer *pki.Issuer
	if p.issuerKnown(key) {
		var errs []*pki.FieldError
		issuer, errs = key.issuer(p.issuer.CACertPEM.ValueString())
		addFieldErrors(diags, errs)
		if issuer == nil {
			return
		}
	}
	addFieldErrors(diags, req.Check(issuer))
}

// planRenewal decides whether an existing certificate must be replaced
// because it is within early_renewal_hours of expiry.
func (r *certificateResource[M, P]) planRenewal(plan, state modelParts) bool {
	notAfter, err := time.Parse(time.RFC3339, state.base.NotAfter.ValueString())
	if err != nil || !readyForRenewal(r.clock(), notAfter, plan.base.EarlyRenewalHours.ValueInt64()) {
		if !plan.base.PrivateKeyPassphrase.Equal(state.base.PrivateKeyPassphrase) || !plan.base.PrivateKeyPassphraseWOVersion.Equal(state.base.PrivateKeyPassphraseWOVersion) {
			plan.base.PrivateKeyPEMEncrypted = types.StringUnknown()
		}
		plan.base.ReadyForRenewal = types.BoolValue(false)
		return false
	}
	// Terraform replaces only for attributes whose planned value differs, so
	// the planned flag is set opposite to the stored one.
	plan.base.ReadyForRenewal = types.BoolValue(!state.base.ReadyForRenewal.ValueBool())
	return true
}

func readyForRenewal(now, notAfter time.Time, earlyHours int64) bool {
	return !now.Before(notAfter.Add(-time.Duration(earlyHours) * time.Hour))
}

func (r *certificateResource[M, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := P(&m).parts()
	var key caKey
	if r.kind.signed() {
		key = caKeyFromConfig(ctx, req.Config, &resp.Diagnostics)
	}
	passphrase := secretFromConfig(ctx, req.Config, "private_key_passphrase", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.issue(ctx, p, key, passphrase, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// issue generates or takes the key, signs the certificate with caKey and
// fills every computed attribute of p, encrypting the key with passphrase.
func (r *certificateResource[M, P]) issue(ctx context.Context, p modelParts, caKey caKey, passphrase configuredSecret, diags *diag.Diagnostics) {
	now := r.clock()
	var key crypto.Signer
	var csr *x509.CertificateRequest
	var pub crypto.PublicKey
	if p.leaf != nil && !p.leaf.CSRPEM.IsNull() {
		var err error
		if csr, err = pki.ParseCSRPEM(p.leaf.CSRPEM.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("csr_pem"), "Invalid certificate signing request", err.Error()+".")
			return
		}
		pub = csr.PublicKey
	} else {
		var err error
		if key, err = pki.GenerateKey(pki.KeyAlgorithm(p.base.KeyAlgorithm.ValueString())); err != nil {
			diags.AddAttributeError(path.Root("key_algorithm"), "Key generation failed", err.Error())
			return
		}
		pub = key.Public()
	}
	var issuer *pki.Issuer
	if p.issuer != nil {
		var errs []*pki.FieldError
		issuer, errs = caKey.issuer(p.issuer.CACertPEM.ValueString())
		if addFieldErrors(diags, errs); issuer == nil {
			return
		}
	}
	req := p.request(ctx, r.kind, now, pub, csr, diags)
	if addFieldErrors(diags, req.Check(issuer)); diags.HasError() {
		return
	}
	cert, err := pki.Issue(req, issuer, key)
	if err != nil {
		diags.AddError("Issuing the certificate failed", err.Error())
		return
	}
	setCertificateOutputs(p, cert, issuer, now, diags)
	setKeyOutputs(p.base, key, passphrase, diags)
}

func setCertificateOutputs(p modelParts, cert *x509.Certificate, issuer *pki.Issuer, now time.Time, diags *diag.Diagnostics) {
	b := p.base
	b.ID = types.StringValue(pki.SerialHex(cert))
	b.SerialNumber = b.ID
	b.CertPEM = types.StringValue(pki.EncodeCertificatesPEM(cert))
	b.FingerprintSHA256 = types.StringValue(pki.FingerprintSHA256(cert))
	b.SubjectDN = types.StringValue(cert.Subject.String())
	b.NotBefore = types.StringValue(cert.NotBefore.UTC().Format(time.RFC3339))
	b.NotAfter = types.StringValue(cert.NotAfter.UTC().Format(time.RFC3339))
	b.ReadyForRenewal = types.BoolValue(readyForRenewal(now, cert.NotAfter, b.EarlyRenewalHours.ValueInt64()))
	pubPEM, openSSH, err := pki.EncodePublicKey(cert.PublicKey)
	if err != nil {
		diags.AddError("Encoding the public key failed", err.Error())
	}
	b.PublicKeyPEM, b.PublicKeyOpenSSH = types.StringValue(pubPEM), types.StringValue(openSSH)
	if issuer == nil {
		return
	}
	above := issuer.Certs()
	p.issuer.CAChainPEM = types.StringValue(pki.EncodeCertificatesPEM(above...))
	root := ""
	if rc := issuer.Root(); rc != nil {
		root = pki.EncodeCertificatesPEM(rc)
	}
	p.issuer.RootCertPEM = types.StringValue(root)
	presented := types.StringValue(pki.EncodeCertificatesPEM(append([]*x509.Certificate{cert}, pki.WithoutRoot(above)...)...))
	if p.chainPEM != nil {
		*p.chainPEM = presented
	}
	if p.leaf != nil {
		p.leaf.FullchainPEM = presented
	}
}

// setKeyOutputs fills the private key attributes; key is nil in CSR mode,
// where the key stays with the requester.
func setKeyOutputs(b *certBase, key crypto.Signer, passphrase configuredSecret, diags *diag.Diagnostics) {
	empty := types.StringValue("")
	b.PrivateKeyPEM, b.PrivateKeyPEMPKCS1, b.PrivateKeyPEMSEC1, b.PrivateKeyPEMEncrypted = empty, empty, empty, empty
	if key == nil {
		return
	}
	enc, err := pki.EncodeKey(key)
	if err != nil {
		diags.AddError("Encoding the private key failed", err.Error())
		return
	}
	b.PrivateKeyPEM = types.StringValue(enc.PKCS8PEM)
	switch key.(type) {
	case *rsa.PrivateKey:
		b.PrivateKeyPEMPKCS1 = types.StringValue(enc.LegacyPEM)
	case *ecdsa.PrivateKey:
		b.PrivateKeyPEMSEC1 = types.StringValue(enc.LegacyPEM)
	}
	encryptKeyOutput(b, key, passphrase, diags)
}

// encryptKeyOutput fills private_key_pem_encrypted from private_key_passphrase
// or its write-only form, as configured.
func encryptKeyOutput(b *certBase, key crypto.Signer, passphrase configuredSecret, diags *diag.Diagnostics) {
	b.PrivateKeyPEMEncrypted = types.StringValue("")
	if passphrase.value.IsNull() || key == nil {
		return
	}
	text, err := pki.EncryptPKCS8PEM(key, passphrase.value.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root(passphrase.attr), "Encrypting the private key failed", err.Error())
		return
	}
	b.PrivateKeyPEMEncrypted = types.StringValue(text)
}

func (r *certificateResource[M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := P(&m).parts().base
	if notAfter, err := time.Parse(time.RFC3339, b.NotAfter.ValueString()); err == nil {
		b.ReadyForRenewal = types.BoolValue(readyForRenewal(r.clock(), notAfter, b.EarlyRenewalHours.ValueInt64()))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update handles the attributes that change in place: early_renewal_hours,
// private_key_passphrase and the form of the CA key. Everything else
// replaces the certificate.
func (r *certificateResource[M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := P(&plan).parts()
	if p.issuer != nil {
		// The CA key may have changed form; it must still be the CA's key.
		_, errs := caKeyFromConfig(ctx, req.Config, &resp.Diagnostics).issuer(p.issuer.CACertPEM.ValueString())
		if addFieldErrors(&resp.Diagnostics, errs); resp.Diagnostics.HasError() {
			return
		}
	}
	b := p.base
	if b.PrivateKeyPEMEncrypted.IsUnknown() {
		var key crypto.Signer
		if b.PrivateKeyPEM.ValueString() != "" {
			var err error
			if key, err = pki.ParsePrivateKeyPEM(b.PrivateKeyPEM.ValueString(), ""); err != nil {
				resp.Diagnostics.AddError("Stored private key is unreadable", err.Error())
				return
			}
		}
		encryptKeyOutput(b, key, secretFromConfig(ctx, req.Config, "private_key_passphrase", &resp.Diagnostics), &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *certificateResource[M, P]) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing exists outside Terraform state.
}

func addFieldErrors(diags *diag.Diagnostics, errs []*pki.FieldError) {
	for _, e := range errs {
		if e.Warning {
			diags.AddAttributeWarning(fieldPath(e.Attribute), e.Summary, e.Detail)
		} else {
			diags.AddAttributeError(fieldPath(e.Attribute), e.Summary, e.Detail)
		}
	}
}

// fieldPath turns a pki.FieldError attribute such as "subject.country" into
// the path of that nested attribute.
func fieldPath(attr string) path.Path {
	parts := strings.Split(attr, ".")
	p := path.Root(parts[0])
	for _, name := range parts[1:] {
		p = p.AtName(name)
	}
	return p
}
