package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/keystore"
)

type truststoreModel struct {
	storeSettings
	ID               types.String `tfsdk:"id"`
	CertsPEM         types.List   `tfsdk:"certs_pem"`
	Aliases          types.List   `tfsdk:"aliases"`
	EntryAliases     types.List   `tfsdk:"entry_aliases"`
	TruststoreBase64 types.String `tfsdk:"truststore_base64"`
	TruststoreSHA256 types.String `tfsdk:"truststore_sha256"`
}

type truststoreResource struct {
	storeResource
}

var (
	_ resource.ResourceWithModifyPlan       = &truststoreResource{}
	_ resource.ResourceWithValidateConfig   = &truststoreResource{}
	_ resource.ResourceWithConfigValidators = &truststoreResource{}
)

func NewTruststoreResource() resource.Resource {
	return &truststoreResource{storeResource{newModel: func() storeModel { return &truststoreModel{} }}}
}

func (r *truststoreResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_truststore"
}

func (r *truststoreResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.List{listplanmodifier.RequiresReplace()}
	attrs := map[string]schema.Attribute{
		"certs_pem": schema.ListAttribute{
			ElementType: types.StringType, Required: true,
			MarkdownDescription: "The trusted certificates in PEM. Each element may hold several certificates (a CA bundle, a `chain_pem`); " +
				"every certificate becomes one entry, in order. Usually the roots peers chain to, e.g. `[mtls_root_ca.root.cert_pem]`.",
			Validators:    []validator.List{listvalidator.SizeAtLeast(1), listvalidator.NoNullValues(), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			PlanModifiers: replace,
		},
		"aliases": schema.ListAttribute{
			ElementType: types.StringType, Optional: true,
			MarkdownDescription: "Alias of each certificate, one per certificate of `certs_pem` in order; `\"\"` derives that one. " +
				"Aliases must differ ignoring case, since Java compares them that way. Unset, every alias is derived: the subject common name in lower case " +
				"(else the first DNS name), with `-2`, `-3`, ... on repeats.",
			Validators:    []validator.List{listvalidator.NoNullValues()},
			PlanModifiers: replace,
		},
		"entry_aliases": schema.ListAttribute{
			ElementType: types.StringType, Computed: true,
			MarkdownDescription: "The alias each certificate was stored under, in order: from `aliases`, else derived. With `format = \"" + formatJKS + "\"` they are in lower case, as JKS stores them; " +
				"Java lists PKCS#12 aliases in lower case too.",
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		},
	}
	resp.Schema = storeSchema("truststore", "A truststore: trusted CA certificates in PKCS#12 or Java JKS, with no private key. "+
		"Certificates are marked trusted the way `keytool` marks them, so Java (`javax.net.ssl.trustStore`, Kafka, Elasticsearch, Tomcat) loads each as a `trustedCertEntry`.", attrs,
		storeOutputs("truststore", "The truststore, base64-encoded: PKCS#12 or JKS as `format` says. "+
			"Not marked sensitive: it holds only public certificates, and the password guards their integrity rather than a secret.", false))
}

// ModifyPlan resolves entry_aliases and checks the inputs when a new
// truststore is planned (a replacement is planned as a create too).
func (r *truststoreResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var plan truststoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !listKnown(plan.CertsPEM) || !listKnown(plan.Aliases) || plan.Format.IsUnknown() {
		return
	}
	entries, aliases := plan.aliasedEntries(ctx, &resp.Diagnostics)
	if aliases == nil {
		return
	}
	plan.EntryAliases = stringListValue(aliases)
	if password := storePassword(ctx, req.Config, &resp.Diagnostics); known(password.value, plan.Encoding) {
		// A trial build runs every check of the encoder at plan.
		if _, err := plan.build(entries, password.value.ValueString()); err != nil {
			resp.Diagnostics.AddError("Cannot build the truststore", err.Error()+".")
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *truststoreResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m truststoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	entries, aliases := m.aliasedEntries(ctx, &resp.Diagnostics)
	if aliases == nil {
		return
	}
	password := storePassword(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	der, err := m.build(entries, password.value.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the truststore", err.Error()+".")
		return
	}
	file := newStoredFile(der)
	m.EntryAliases = stringListValue(aliases)
	m.TruststoreBase64, m.TruststoreSHA256, m.ID = file.base64, file.sha256, file.sha256
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// entries parses every certificate of certs_pem and pairs it with its
// configured alias, if any.
func (m *truststoreModel) entries(ctx context.Context, diags *diag.Diagnostics) []keystore.TrustedEntry {
	var certs []*x509.Certificate
	for i, text := range listStrings(ctx, m.CertsPEM, diags) {
		parsed := parseCertificatesAttr(path.Root("certs_pem").AtListIndex(i), text, diags)
		certs = append(certs, parsed...)
	}
	aliases := listStrings(ctx, m.Aliases, diags)
	if diags.HasError() {
		return nil
	}
	if !m.Aliases.IsNull() && len(aliases) != len(certs) {
		diags.AddAttributeError(path.Root("aliases"), "Wrong number of aliases",
			fmt.Sprintf("aliases has %d element(s) but certs_pem holds %d certificate(s). Give one alias per certificate, in order (\"\" derives one), or remove aliases to derive them all.",
				len(aliases), len(certs)))
		return nil
	}
	entries := make([]keystore.TrustedEntry, len(certs))
	for i, c := range certs {
		entries[i].Cert = c
		if aliases != nil {
			entries[i].Alias = aliases[i]
		}
	}
	return entries
}

// aliasedEntries is entries with the alias each gets (resolveAliases), at
// plan and at create alike; both are nil after an error.
func (m *truststoreModel) aliasedEntries(ctx context.Context, diags *diag.Diagnostics) ([]keystore.TrustedEntry, []string) {
	entries := m.entries(ctx, diags)
	if entries == nil {
		return nil, nil
	}
	return entries, m.resolveAliases(entries, diags)
}

// resolveAliases is the alias each entry gets, as Java will list it.
func (m *truststoreModel) resolveAliases(entries []keystore.TrustedEntry, diags *diag.Diagnostics) []string {
	aliases, err := keystore.ResolveAliases(entries)
	if err != nil {
		diags.AddAttributeError(path.Root("aliases"), "Invalid aliases", err.Error()+".")
		return nil
	}
	if m.jks() {
		for i, a := range aliases {
			aliases[i] = strings.ToLower(a)
		}
	}
	return aliases
}

// build encodes the truststore with password, plain or write-only (storePassword).
func (m *truststoreModel) build(entries []keystore.TrustedEntry, password string) ([]byte, error) {
	if m.jks() {
		return keystore.EncodeJKSTrustStore(entries, password)
	}
	return keystore.EncodeTrustStorePKCS12(entries, password, keystore.Encoding(m.Encoding.ValueString()))
}
