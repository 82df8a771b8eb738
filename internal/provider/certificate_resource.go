package provider

import (
	"context"
	"crypto"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// certModel is a pointer to one of the certificate resource models, whose
// parts the shared code fills.
type certModel interface {
	parts() modelParts
}

// certificateResource is the single implementation behind mtls_root_ca,
// mtls_intermediate_ca, mtls_server_cert and mtls_client_cert; kind decides
// the schema, the model and the profile it issues. Each resource's own file
// (root_ca_resource.go, ...) declares its kind and what only it does; what
// they share is here by concern:
//   - certificate_schema.go: the attributes, with their plan modifiers
//     (replacement, defaults restored when an attribute is removed);
//   - certificate_model.go: the models and their conversion to a pki.Request;
//   - certificate_plan.go: plan-time checks and renewal (ModifyPlan);
//   - certificate_issue.go: issuing and filling the outputs (Create);
//   - this file: create, refresh, in-place update and delete;
//   - certificate_adopt.go: import and moved blocks from hashicorp/tls;
//   - write_only.go: the CA key and passphrases, plain or write-only.
type certificateResource struct {
	clocked
	kind certKind
}

var (
	_ resource.ResourceWithModifyPlan       = &certificateResource{}
	_ resource.ResourceWithConfigure        = &certificateResource{}
	_ resource.ResourceWithConfigValidators = &certificateResource{}
)

func (r *certificateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.typeName
}

func (r *certificateResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{writeOnlyNeedsSupport{}}
}

func (r *certificateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = certificateSchema(r.kind)
}

func (r *certificateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	m := r.kind.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := m.parts()
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
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Read only refreshes ready_for_renewal: nothing else changes outside
// Terraform. It reads and writes that one attribute and the two it depends
// on, not the whole model, as Read runs for every certificate at every plan.
func (r *certificateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var earlyHours types.Int64
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("early_renewal_hours"), &earlyHours)...)
	due := r.dueForRenewal(ctx, req.State, earlyHours.ValueInt64(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ready_for_renewal"), due)...)
}

// Update handles the attributes that change in place: early_renewal_hours,
// private_key_passphrase and the form of the CA key. Everything else
// replaces the certificate.
func (r *certificateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan := r.kind.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := plan.parts()
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
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *certificateResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing exists outside Terraform state.
}
