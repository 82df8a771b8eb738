package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// pkcs12EphemeralResource is the ephemeral mtls_pkcs12: the resource's
// schema, checks and encoder, with an archive that never reaches state.
type pkcs12EphemeralResource struct{}

var _ ephemeral.EphemeralResourceWithValidateConfig = &pkcs12EphemeralResource{}

func NewPKCS12EphemeralResource() ephemeral.EphemeralResource { return &pkcs12EphemeralResource{} }

func (r *pkcs12EphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pkcs12"
}

func (r *pkcs12EphemeralResource) resourceSchema(ctx context.Context) schema.Schema {
	var resp resource.SchemaResponse
	(&pkcs12Resource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	return resp.Schema
}

func (r *pkcs12EphemeralResource) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	res := r.resourceSchema(ctx)
	resp.Schema, resp.Diagnostics = ephemeralSchema(res, nil,
		"The ephemeral form of `mtls_pkcs12` (Terraform 1.10+, OpenTofu 1.11+): the same arguments, checks and archive, "+
			"but the archive is built each time Terraform opens it (at plan, and again at apply) and is never written to state or plan files. "+
			"Pass it to a write-only argument (a secret store's, for a service that takes a PFX) or to a provider configuration; "+
			"with the key and certificate of an ephemeral `mtls_client_cert`, the key is never stored at all.\n\n"+ephemeralDescription(res.MarkdownDescription))
}

// ValidateConfig runs the resource's validation of the store settings.
func (r *pkcs12EphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var m pkcs12Model
	if readAsResource(ctx, r.resourceSchema(ctx), req.Config, &m, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	validateStoreSettings(m.storeSettings, &resp.Diagnostics)
	m.warnPasswordless(&resp.Diagnostics)
}

func (r *pkcs12EphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m pkcs12Model
	view := readAsResource(ctx, r.resourceSchema(ctx), req.Config, &m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.buildArchive(ctx, view, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(ephemeralResult(ctx, r.resourceSchema(ctx), &m, &resp.Result)...)
}
