package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// certificateEphemeralResource is the single implementation behind the
// ephemeral mtls_server_cert and mtls_client_cert: the schema of the
// resource of the same kind, and its plan-time checks and issuing path
// (certificateResource.planCreate and issue), run on each open.
type certificateEphemeralResource struct {
	cert    certificateResource
	summary string
}

var (
	_ ephemeral.EphemeralResourceWithConfigure      = &certificateEphemeralResource{}
	_ ephemeral.EphemeralResourceWithValidateConfig = &certificateEphemeralResource{}
)

// Renewal belongs to a stored certificate; an ephemeral one is new each run.
var ephemeralCertOmits = []string{"early_renewal_hours", "ready_for_renewal"}

func newCertificateEphemeralResource(kind certKind) *certificateEphemeralResource {
	return &certificateEphemeralResource{
		cert: certificateResource{kind: kind},
		summary: "The ephemeral form of `mtls_" + kind.typeName + "` (Terraform 1.10+, OpenTofu 1.11+): the same arguments, checks and certificate profile, " +
			"but the certificate and its key are made each time Terraform opens it (at plan, and again at apply) and are never written to state or plan files. " +
			"Use it where a certificate is needed only for this run: to configure another provider, in a write-only argument, or as a short-lived credential.\n\n" + ephemeralDescription(kind.summary),
	}
}

func (r *certificateEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.cert.kind.typeName
}

func (r *certificateEphemeralResource) resourceSchema() schema.Schema {
	return certificateSchema(r.cert.kind)
}

func (r *certificateEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema, resp.Diagnostics = ephemeralSchema(r.resourceSchema(), ephemeralCertOmits, r.summary)
}

func (r *certificateEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, _ *ephemeral.ConfigureResponse) {
	r.cert.configureClock(req.ProviderData)
}

// ValidateConfig runs the resource's plan-time checks on what is known, so
// that a configuration the resource refuses at plan fails here too, even
// where Terraform cannot open the ephemeral resource until apply.
func (r *certificateEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var m leafCertModel
	view := readAsResource(ctx, r.resourceSchema(), req.Config, &m, &resp.Diagnostics)
	key := caKeyFromConfig(ctx, view, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	config := m
	r.cert.planCreate(ctx, m.parts(), config.parts(), key, &resp.Diagnostics)
}

func (r *certificateEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m leafCertModel
	view := readAsResource(ctx, r.resourceSchema(), req.Config, &m, &resp.Diagnostics)
	key := caKeyFromConfig(ctx, view, &resp.Diagnostics)
	passphrase := secretFromConfig(ctx, view, "private_key_passphrase", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	config, p := m, m.parts()
	// planCreate fills the defaults the resource plans (key algorithm,
	// extended key usages) and checks; issue then makes the key and
	// certificate and fills every output.
	if r.cert.planCreate(ctx, p, config.parts(), key, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if r.cert.issue(ctx, p, key, passphrase, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(ephemeralResult(ctx, r.resourceSchema(), &m, &resp.Result)...)
}
