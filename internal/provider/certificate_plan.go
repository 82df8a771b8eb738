package provider

// How the certificate resources plan: the checks that run at plan time, so
// that a mistake shows before anything is issued, and renewal.

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// ModifyPlan runs the checks of a new certificate on the whole model. An
// existing certificate, planned at every plan of every configuration that
// holds it, reads only the attributes its checks need: the plan modifiers
// next to the attributes do the rest.
func (r *certificateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if req.State.Raw.IsNull() {
		r.planNew(ctx, req, resp)
		return
	}
	var early, validity types.Int64
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("early_renewal_hours"), &early)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("validity_period_hours"), &validity)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkRenewalWindow(early, validity, "certificate", "replace", &resp.Diagnostics)
	if r.kind.signed() {
		checkIssuerChange(ctx, req, &resp.Diagnostics)
	}
	r.planRenewal(ctx, req, early, resp)
}

// planNew plans a certificate to create.
func (r *certificateResource) planNew(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan := r.kind.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	config := r.kind.newModel()
	resp.Diagnostics.Append(req.Config.Get(ctx, config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, c := plan.parts(), config.parts()
	var key caKey
	if r.kind.signed() {
		key = caKeyFromConfig(ctx, req.Config, &resp.Diagnostics)
	}
	checkRenewalWindow(p.base.EarlyRenewalHours, p.base.ValidityPeriodHours, "certificate", "replace", &resp.Diagnostics)
	r.planCreate(ctx, p, c, key, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
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

// checkIssuerChange lets the CA key change form (re-encrypted, another PEM
// encoding) without replacing what it signed, but not change identity: the
// key must still belong to ca_cert_pem, which replaces when it changes. A
// write-only key cannot be compared with the last one, so it is checked at
// every plan (issuerCache makes that cheap).
func checkIssuerChange(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) {
	key := caKeyFromConfig(ctx, req.Config, diags)
	var certPEM types.String
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("ca_cert_pem"), &certPEM)...)
	if diags.HasError() || !known(certPEM) || !key.known() {
		return
	}
	if !key.writeOnly() && sameInState(req.Plan, req.State, "ca_private_key_pem", "ca_private_key_passphrase") {
		return
	}
	_, errs := key.issuer(certPEM.ValueString())
	addFieldErrors(diags, errs)
}

// sameInState tells whether the named attributes are planned as they are
// in state. It compares the raw values, so it serves attributes of any type
// without reading them through the schema.
func sameInState(plan tfsdk.Plan, state tfsdk.State, names ...string) bool {
	for _, name := range names {
		at := tftypes.NewAttributePath().WithAttributeName(name)
		planned, _, errPlanned := tftypes.WalkAttributePath(plan.Raw, at)
		stored, _, errStored := tftypes.WalkAttributePath(state.Raw, at)
		if errPlanned != nil || errStored != nil {
			return false
		}
		p, okPlanned := planned.(tftypes.Value)
		s, okStored := stored.(tftypes.Value)
		if !okPlanned || !okStored || !p.Equal(s) {
			return false
		}
	}
	return true
}

// planCreate fills plan-time defaults and runs every check whose inputs are
// known, so that mistakes show at plan rather than half-way through apply.
// Computed attributes left unset in config arrive unknown in the plan, so
// config tells which defaults to fill.
func (r *certificateResource) planCreate(ctx context.Context, p, config modelParts, key caKey, diags *diag.Diagnostics) {
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

// planRenewal replaces an existing certificate once it is within
// early_renewal_hours of expiry. It is not a plan modifier on
// ready_for_renewal because it needs the provider's clock, which tests move
// and which resources receive only at Configure.
func (r *certificateResource) planRenewal(ctx context.Context, req resource.ModifyPlanRequest, early types.Int64, resp *resource.ModifyPlanResponse) {
	var stored types.Bool
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("ready_for_renewal"), &stored)...)
	due := r.dueForRenewal(ctx, req.State, early.ValueInt64(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !due {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ready_for_renewal"), false)...)
		return
	}
	// Terraform replaces only for attributes whose planned value differs, so
	// the planned flag is set opposite to the stored one.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ready_for_renewal"), !stored.ValueBool())...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ready_for_renewal"))
}

// dueForRenewal tells whether the stored certificate's not_after is within
// earlyHours of now. Read (which refreshes ready_for_renewal) and
// planRenewal (which replaces) ask the same question of the same clock.
func (r *certificateResource) dueForRenewal(ctx context.Context, state tfsdk.State, earlyHours int64, diags *diag.Diagnostics) bool {
	var notAfter types.String
	diags.Append(state.GetAttribute(ctx, path.Root("not_after"), &notAfter)...)
	t, err := time.Parse(time.RFC3339, notAfter.ValueString())
	return err == nil && readyForRenewal(r.clock(), t, earlyHours)
}

func readyForRenewal(now, notAfter time.Time, earlyHours int64) bool {
	return !now.Before(notAfter.Add(-time.Duration(earlyHours) * time.Hour))
}
