package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

type certificateDataSource struct {
	now func() time.Time
}

var _ datasource.DataSourceWithConfigure = &certificateDataSource{}

func NewCertificateDataSource() datasource.DataSource { return &certificateDataSource{} }

type certificateDataSourceModel struct {
	Content           types.String `tfsdk:"content"`
	CABundlePEM       types.String `tfsdk:"ca_bundle_pem"`
	Purpose           types.String `tfsdk:"purpose"`
	Certificates      types.List   `tfsdk:"certificates"`
	Verified          types.Bool   `tfsdk:"verified"`
	VerificationError types.String `tfsdk:"verification_error"`
}

func (d *certificateDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificate"
}

func (d *certificateDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	if data, ok := req.ProviderData.(*providerData); ok {
		d.now = data.now
	}
}

func (d *certificateDataSource) clock() time.Time {
	if d.now == nil {
		return time.Now()
	}
	return d.now()
}

// certificateEntryAttrTypes is certificate_info with what only the data
// source knows: the time left, and each certificate's own PEM.
func certificateEntryAttrTypes() map[string]attr.Type {
	t := certificateInfoAttrTypes()
	t["hours_remaining"] = types.Int64Type
	t["cert_pem"] = types.StringType
	return t
}

func (d *certificateDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	entry := map[string]schema.Attribute{
		"hours_remaining": schema.Int64Attribute{Computed: true, MarkdownDescription: "Whole hours from now (the time the data source is read) until `not_after`, rounded down: `0` in the last hour, negative once expired. Compare it in a `check` block or a `postcondition` to warn before expiry."},
		"cert_pem":        schema.StringAttribute{Computed: true, MarkdownDescription: "This certificate alone, in PEM."},
	}
	for _, f := range certificateInfoFields {
		switch {
		case f.typ.Equal(types.StringType):
			entry[f.name] = schema.StringAttribute{Computed: true, MarkdownDescription: f.desc}
		case f.typ.Equal(types.BoolType):
			entry[f.name] = schema.BoolAttribute{Computed: true, MarkdownDescription: f.desc}
		case f.typ.Equal(types.Int64Type):
			entry[f.name] = schema.Int64Attribute{Computed: true, MarkdownDescription: f.desc}
		case f.typ.Equal(types.ListType{ElemType: types.StringType}):
			entry[f.name] = schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: f.desc}
		default:
			entry[f.name] = schema.ObjectAttribute{Computed: true, AttributeTypes: subjectAttrTypes, MarkdownDescription: f.desc}
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Inspects every certificate of a PEM bundle: subject, names, validity, fingerprint, CA settings and the hours left before each expires, " +
			"named and formatted as the certificate resources and the `certificate_info` function name them. " +
			"Optionally verifies the first certificate, with the others as intermediates, against a CA bundle for a purpose, as the `verify_chain` function does, " +
			"but reports the result in `verified` and `verification_error` instead of failing, so that a `check` block or a `postcondition` can decide. " +
			"Works with Terraform 1.5 and later; the functions need Terraform 1.8 or OpenTofu 1.7.",
		Attributes: map[string]schema.Attribute{
			"content": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "PEM text holding one or more certificates, such as a `fullchain_pem`, a CA bundle or `file(\"chain.pem\")`. Other PEM blocks (keys) and text between blocks are ignored; text without any certificate is an error.",
			},
			"ca_bundle_pem": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Trusted CAs in PEM (at least one self-signed root, and any intermediates) to verify the first certificate of `content` against. When unset, nothing is verified and `verified` is null.",
			},
			"purpose": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "What the first certificate is verified for: `server_auth`, `client_auth` or `any` (the other extended key usage names are accepted too). " +
					"Defaults to `any`. Needs `ca_bundle_pem`.",
				Validators: []validator.String{
					stringvalidator.OneOf(pki.Purposes()...),
					stringvalidator.AlsoRequires(path.MatchRoot("ca_bundle_pem")),
				},
			},
			"certificates": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every certificate of `content`, in order.",
				NestedObject:        schema.NestedAttributeObject{Attributes: entry},
			},
			"verified": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the first certificate of `content` verifies against `ca_bundle_pem` for `purpose` now; null when `ca_bundle_pem` is unset.",
			},
			"verification_error": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Why the certificate does not verify (which certificate, and the reason: expired, unknown authority, wrong extended key usage, name constraints...); empty when it verifies or nothing was verified, so that it can go into an `error_message` as it is.",
			},
		},
	}
}

func (d *certificateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m certificateDataSourceModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	now := d.clock()
	certs, err := pki.ParseCertificatesPEM(m.Content.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("content"), "Invalid certificate bundle",
			err.Error()+". Pass PEM text holding certificates, such as a resource's fullchain_pem or file(\"chain.pem\").")
		return
	}
	entryTypes := certificateEntryAttrTypes()
	entries := make([]attr.Value, len(certs))
	for i, c := range certs {
		values := certificateInfoValues(pki.Inspect(c))
		values["hours_remaining"] = types.Int64Value(pki.HoursRemaining(c, now))
		values["cert_pem"] = types.StringValue(pki.EncodeCertificatesPEM(c))
		obj, diags := types.ObjectValue(entryTypes, values)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		entries[i] = obj
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: entryTypes}, entries)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	m.Certificates = list
	m.Verified, m.VerificationError = types.BoolNull(), types.StringValue("")
	if !m.CABundlePEM.IsNull() {
		cas, err := pki.ParseCertificatesPEM(m.CABundlePEM.ValueString())
		var bundle *pki.TrustBundle
		if err == nil {
			bundle, err = pki.NewTrustBundle("ca_bundle_pem", cas)
		}
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("ca_bundle_pem"), "Invalid CA bundle", err.Error()+".")
			return
		}
		purpose := pki.PurposeAny
		if !m.Purpose.IsNull() {
			purpose = m.Purpose.ValueString()
		}
		usage, err := pki.ParsePurpose(purpose)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("purpose"), "Invalid purpose", err.Error()+".")
			return
		}
		// A chain that does not verify is a result, not an error: check
		// blocks and postconditions decide what it means.
		m.Verified = types.BoolValue(true)
		if err := bundle.Verify("content", certs, usage, now); err != nil {
			m.Verified, m.VerificationError = types.BoolValue(false), types.StringValue(err.Error())
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
