package provider

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// Defaults of mtls_crl: a week's validity suits an issuing CA whose CRL
// changes often; early_renewal_hours defaults to half the validity (see
// ModifyPlan), because a CRL past next_update makes servers refuse clients.
const (
	defaultCRLValidityHours = 7 * 24
	crlTimeFormat           = time.RFC3339
)

type crlResource struct {
	clocked
}

var (
	_ resource.ResourceWithModifyPlan       = &crlResource{}
	_ resource.ResourceWithConfigure        = &crlResource{}
	_ resource.ResourceWithConfigValidators = &crlResource{}
)

func NewCRLResource() resource.Resource { return &crlResource{} }

type crlModel struct {
	ID                     types.String `tfsdk:"id"`
	CACertPEM              types.String `tfsdk:"ca_cert_pem"`
	CAPrivateKeyPEM        types.String `tfsdk:"ca_private_key_pem"`
	CAPrivateKeyPassphrase types.String `tfsdk:"ca_private_key_passphrase"`
	Revoked                types.List   `tfsdk:"revoked"`
	ValidityPeriodHours    types.Int64  `tfsdk:"validity_period_hours"`
	EarlyRenewalHours      types.Int64  `tfsdk:"early_renewal_hours"`
	BackdateMinutes        types.Int64  `tfsdk:"backdate_minutes"`
	CRLPEM                 types.String `tfsdk:"crl_pem"`
	CRLDERBase64           types.String `tfsdk:"crl_der_base64"`
	CRLNumber              types.Int64  `tfsdk:"crl_number"`
	ThisUpdate             types.String `tfsdk:"this_update"`
	NextUpdate             types.String `tfsdk:"next_update"`
	ReadyForRenewal        types.Bool   `tfsdk:"ready_for_renewal"`

	// Write-only: always null in plan and state; caKeyFromConfig reads them.
	CAPrivateKeyPEMWO        types.String `tfsdk:"ca_private_key_pem_wo"`
	CAPrivateKeyPEMWOVersion types.Int64  `tfsdk:"ca_private_key_pem_wo_version"`
	CAPrivateKeyPassphraseWO types.String `tfsdk:"ca_private_key_passphrase_wo"`
}

func (r *crlResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{writeOnlyNeedsSupport{}}
}

func (r *crlResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_crl"
}

func (r *crlResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A certificate revocation list (CRL, RFC 5280 version 2) signed by a CA, listing the certificates it has revoked. " +
			"Changing `revoked` or any other input regenerates the CRL in place with a higher `crl_number`; nothing is replaced. " +
			"The CRL is also regenerated once it is within `early_renewal_hours` of `next_update`, so run `terraform apply` regularly: " +
			"servers that check CRLs refuse clients once a CRL is past its `next_update`. Each CA needs its own CRL: " +
			"a server checking the whole chain needs the CRL of the root and of every intermediate.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The CA's key identifier in lowercase hex (the CRL's authority key identifier): which CA's revocations this CRL lists.", false),
			"ca_cert_pem": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The CA certificate in PEM whose revocations this CRL lists, optionally followed by the rest of its chain (an intermediate's `chain_pem` can be passed as is). " +
					"It must be a CA allowed to sign CRLs: keyUsage with cRLSign, or no keyUsage extension at all (as `openssl req -x509` may make). Changing it regenerates the CRL in place.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"ca_private_key_pem": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "The CA's private key in PEM (PKCS#8, PKCS#1 or SEC 1; encrypted keys need `ca_private_key_passphrase`). It must match the first certificate of `ca_cert_pem`. " +
					"The same key in another form updates in place without regenerating the CRL. " +
					"It is kept in this resource's state: set `ca_private_key_pem_wo` instead to keep it out. Exactly one of the two is required.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), exactlyOneOfWriteOnly("ca_private_key_pem")},
			},
			"ca_private_key_pem_wo": writeOnlyString(caKeyWriteOnlyNote +
				" Renewal at `early_renewal_hours` and every other regeneration sign with it, since Terraform passes it at every plan and apply."),
			"ca_private_key_pem_wo_version": writeOnlyVersion("ca_private_key_pem", caKeyVersionNote+" Changing it regenerates the CRL in place, signed with the key given now.", false),
			"ca_private_key_passphrase": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Passphrase of an encrypted `ca_private_key_pem` (or `ca_private_key_pem_wo`).",
				Validators:          []validator.String{conflictsWithWriteOnly("ca_private_key_passphrase")},
			},
			"ca_private_key_passphrase_wo": writeOnlyString(writeOnlyNote("ca_private_key_passphrase")),
			"revoked": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "The revoked certificates, each listed once. The order does not matter: the CRL lists them by serial number. " +
					"Adding or removing an entry regenerates the CRL in place; the other entries keep their `revoked_at`.",
				Validators: []validator.List{listvalidator.NoNullValues()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"serial_number": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "The serial number of the revoked certificate in hex, as the certificate resources output `serial_number` (lowercase, no leading zeros). " +
							"Upper case, leading zeros and colon-separated bytes (`0a:1b:2c`, as `openssl x509 -text` and browsers show it) are read as the same number and kept in state as written. " +
							"Digits are always read as hex, so a decimal serial (as `openssl x509 -text` prints small ones) would name another certificate: for certificates made elsewhere, take what `openssl x509 -noout -serial` prints.",
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"reason": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Why the certificate was revoked (RFC 5280 CRLReason): " + mdList(pki.RevocationReasonNames()) + ". " +
							"Unset or `unspecified` writes no reason code, as RFC 5280 recommends. `certificate_hold` is the one reversible reason: remove the entry to lift the hold. " +
							"`remove_from_crl` is refused: it belongs only in delta CRLs.",
					},
					"revoked_at": schema.StringAttribute{
						Optional: true, Computed: true,
						MarkdownDescription: "When the certificate was revoked (RFC 3339), not in the future. " +
							"Defaults to the `this_update` of the first CRL that lists the entry, and keeps that value, matched by serial number, while other entries come and go. " +
							"A time later than the backdated `this_update` moves `this_update` up to it, since a CRL cannot list a revocation that happened after it was issued.",
					},
				}},
			},
			"validity_period_hours": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: fmt.Sprintf("How long the CRL is valid, in hours from its generation: `next_update` is then. Defaults to %d (%s). "+
					"A root CA that revokes rarely can use a longer period (e.g. 30 days); an issuing CA a shorter one. Changing it regenerates the CRL.", defaultCRLValidityHours, humanHours(defaultCRLValidityHours)),
				Default:    int64default.StaticInt64(defaultCRLValidityHours),
				Validators: []validator.Int64{int64validator.Between(1, maxHours)},
			},
			"early_renewal_hours": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "When fewer than this many hours remain before `next_update`, `ready_for_renewal` becomes true on refresh and the next plan regenerates the CRL in place. " +
					"Defaults to half of `validity_period_hours`: unlike an expiring certificate, an expired CRL makes servers refuse every client of its CA, so it should be renewed well before. " +
					"Must be less than `validity_period_hours`. Changing it updates in place without regenerating.",
				Validators: []validator.Int64{int64validator.Between(0, maxHours)},
			},
			"backdate_minutes": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: fmt.Sprintf("How far `this_update` lies before the generation time, so that servers with slow clocks do not find the CRL \"not yet valid\" (which refuses every client). Defaults to %d. Changing it regenerates the CRL.", defaultBackdateMinutes),
				Default:             int64default.StaticInt64(defaultBackdateMinutes),
				Validators:          []validator.Int64{int64validator.Between(0, 24*60)},
			},
			"crl_pem":        computedString("The CRL in PEM (`BEGIN X509 CRL`), as Apache `SSLCARevocationFile`, nginx `ssl_crl` and OpenSSL read it. Concatenate the CRLs of every CA in a chain into one file for servers that check the whole chain.", false),
			"crl_der_base64": computedString("The CRL in DER, base64-encoded: the form served at a CRL distribution point URL (`Content-Type: application/pkix-crl`). Write it to a file with `local_file`'s `content_base64`, or to S3 with `content_base64`.", false),
			"crl_number": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The CRL number (RFC 5280 section 5.2.3): 1 for the first CRL, one more at every regeneration. It never goes down while the resource exists.",
			},
			"this_update": computedString("When the CRL was issued (RFC 3339), backdated by `backdate_minutes`.", false),
			"next_update": computedString("When the next CRL is due (RFC 3339). Servers refuse clients of this CA once it has passed without a newer CRL.", false),
			"ready_for_renewal": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "True once the CRL is within `early_renewal_hours` of `next_update` (or past it). Refresh sets it; the next plan then regenerates the CRL.",
			},
		},
	}
}

// ModifyPlan checks every input it can at plan, keeps each entry's
// revoked_at by serial number, and decides whether the CRL is regenerated:
// when what it says changes, or when it is due for renewal. Regeneration is
// an in-place update that plans the next crl_number.
func (r *crlResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config crlModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *crlModel
	if !req.State.Raw.IsNull() {
		state = &crlModel{}
		if resp.Diagnostics.Append(req.State.Get(ctx, state)...); resp.Diagnostics.HasError() {
			return
		}
	}
	now := r.clock()
	diags := &resp.Diagnostics
	if config.EarlyRenewalHours.IsNull() {
		plan.EarlyRenewalHours = types.Int64Unknown()
		if known(plan.ValidityPeriodHours) {
			plan.EarlyRenewalHours = types.Int64Value(plan.ValidityPeriodHours.ValueInt64() / 2)
		}
	}
	checkRenewalWindow(plan.EarlyRenewalHours, plan.ValidityPeriodHours, "CRL", "regenerate", diags)
	if key := caKeyFromConfig(ctx, req.Config, diags); known(plan.CACertPEM) && key.known() {
		_, errs := key.crlSigner(plan.CACertPEM.ValueString())
		addFieldErrors(diags, errs)
	}
	var stored []revokedModel
	if state != nil {
		stored = revokedEntries(ctx, state.Revoked, diags)
	}
	entries, entriesKnown := planRevoked(ctx, &plan, config, stored, now, diags)
	if diags.HasError() {
		return
	}
	switch {
	case state == nil:
		plan.CRLNumber = types.Int64Value(1)
	case crlChanged(plan, *state, entries, entriesKnown, stored) || crlDue(now, *state, plan.EarlyRenewalHours):
		plan.CRLNumber = types.Int64Value(state.CRLNumber.ValueInt64() + 1)
		plan.CRLPEM, plan.CRLDERBase64 = types.StringUnknown(), types.StringUnknown()
		plan.ThisUpdate, plan.NextUpdate = types.StringUnknown(), types.StringUnknown()
		plan.ReadyForRenewal = types.BoolUnknown()
		plan.ID = state.ID
		if !plan.CACertPEM.Equal(state.CACertPEM) {
			plan.ID = types.StringUnknown()
		}
	default:
		plan.ID, plan.CRLPEM, plan.CRLDERBase64 = state.ID, state.CRLPEM, state.CRLDERBase64
		plan.CRLNumber, plan.ThisUpdate, plan.NextUpdate = state.CRLNumber, state.ThisUpdate, state.NextUpdate
		plan.ReadyForRenewal = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// crlChanged tells whether the CRL would say something else: another CA,
// validity, backdating, or other revocations; or whether the write-only CA
// key has a new version, so that the CRL is signed with it. Another order of the entries,
// another spelling of a serial number or of a time, or "unspecified" for an
// unset reason, say the same.
func crlChanged(plan, state crlModel, entries []revokedModel, entriesKnown bool, stored []revokedModel) bool {
	if !entriesKnown || !plan.CACertPEM.Equal(state.CACertPEM) || !plan.ValidityPeriodHours.Equal(state.ValidityPeriodHours) || !plan.BackdateMinutes.Equal(state.BackdateMinutes) ||
		!plan.CAPrivateKeyPEMWOVersion.Equal(state.CAPrivateKeyPEMWOVersion) {
		return true
	}
	return !slices.Equal(revocationKeys(entries), revocationKeys(stored))
}

// crlDue tells whether the stored CRL is within its renewal window.
func crlDue(now time.Time, state crlModel, early types.Int64) bool {
	next, err := time.Parse(crlTimeFormat, state.NextUpdate.ValueString())
	return err == nil && !early.IsUnknown() && readyForRenewal(now, next, early.ValueInt64())
}

func (r *crlResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m crlModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	key := caKeyFromConfig(ctx, req.Config, &resp.Diagnostics)
	if r.sign(ctx, &m, key, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update regenerates the CRL when the plan says so (crl_pem unknown) with
// the planned crl_number; otherwise it only stores the new inputs.
func (r *crlResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m crlModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	key := caKeyFromConfig(ctx, req.Config, &resp.Diagnostics)
	if m.CRLPEM.IsUnknown() {
		if r.sign(ctx, &m, key, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
	} else {
		// The CA key may have changed form; it must still be the CA's key.
		_, errs := key.crlSigner(m.CACertPEM.ValueString())
		if addFieldErrors(&resp.Diagnostics, errs); resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// sign makes the CRL numbered m.CRLNumber with key and fills every computed
// attribute.
func (r *crlResource) sign(ctx context.Context, m *crlModel, key caKey, diags *diag.Diagnostics) {
	now := r.clock()
	signer, errs := key.crlSigner(m.CACertPEM.ValueString())
	if addFieldErrors(diags, errs); signer == nil {
		return
	}
	entries := revokedEntries(ctx, m.Revoked, diags)
	revs := make([]pki.Revocation, len(entries))
	for i, e := range entries {
		in := pki.RevocationInput{SerialNumber: e.SerialNumber.ValueString(), Reason: e.Reason.ValueString()}
		if !e.RevokedAt.IsUnknown() {
			in.RevokedAt = e.RevokedAt.ValueString()
		}
		rev, errs := pki.ParseRevocation(in, now)
		for _, fe := range errs {
			diags.AddAttributeError(path.Root("revoked").AtListIndex(i).AtName(fe.Attribute), fe.Summary, fe.Detail)
		}
		revs[i] = rev
	}
	if diags.HasError() {
		return
	}
	thisUpdate, nextUpdate := pki.CRLTimes(now, m.ValidityPeriodHours.ValueInt64(), m.BackdateMinutes.ValueInt64(), revs)
	crl, err := pki.IssueCRL(&pki.CRLRequest{Number: big.NewInt(m.CRLNumber.ValueInt64()), ThisUpdate: thisUpdate, NextUpdate: nextUpdate, Revoked: revs}, signer)
	if err != nil {
		diags.AddError("Signing the CRL failed", err.Error())
		return
	}
	stamp := types.StringValue(crl.ThisUpdate.UTC().Format(crlTimeFormat))
	for i := range entries {
		if entries[i].RevokedAt.IsUnknown() {
			entries[i].RevokedAt = stamp
		}
	}
	if !m.Revoked.IsNull() {
		m.Revoked = revokedList(ctx, entries, diags)
	}
	m.ID = types.StringValue(hex.EncodeToString(crl.AuthorityKeyId))
	m.CRLPEM = types.StringValue(pki.EncodeCRLPEM(crl.Raw))
	m.CRLDERBase64 = types.StringValue(base64.StdEncoding.EncodeToString(crl.Raw))
	m.ThisUpdate = stamp
	m.NextUpdate = types.StringValue(crl.NextUpdate.UTC().Format(crlTimeFormat))
	m.ReadyForRenewal = types.BoolValue(readyForRenewal(now, crl.NextUpdate, m.EarlyRenewalHours.ValueInt64()))
}

func (r *crlResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m crlModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if next, err := time.Parse(crlTimeFormat, m.NextUpdate.ValueString()); err == nil {
		m.ReadyForRenewal = types.BoolValue(readyForRenewal(r.clock(), next, m.EarlyRenewalHours.ValueInt64()))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *crlResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing exists outside Terraform state.
}
