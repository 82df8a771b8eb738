package floorprovider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// wideCertResource is floor_wide_cert: the floor's do-nothing certificate
// behind the attributes of mtls_client_cert (same names, types, and
// optional, computed, sensitive and write-only flags; a test keeps them in
// step) and about the same state, without a validator, a default, a plan
// check or a refresh. Beside floor_cert it tells what Terraform and the
// framework charge for a resource of that shape, apart from what the mtls
// provider does with it.
type wideCertResource struct{}

func newWideCertResource() resource.Resource { return wideCertResource{} }

func (wideCertResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wide_cert"
}

func (wideCertResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// Computed values keep their state, as floor_cert's do.
	keptString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keptInt := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	keptList := []planmodifier.List{listplanmodifier.UseStateForUnknown()}
	computed := func(sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Sensitive: sensitive, PlanModifiers: keptString}
	}
	optional := func(sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Sensitive: sensitive}
	}
	writeOnly := schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true}
	optionalList := schema.ListAttribute{Optional: true, ElementType: types.StringType}
	optionalOrDefault := schema.Int64Attribute{Optional: true, Computed: true, PlanModifiers: keptInt}
	subject := map[string]schema.Attribute{}
	for _, name := range subjectFields {
		subject[name] = schema.StringAttribute{Optional: true}
	}
	resp.Schema = schema.Schema{
		Description: "Benchmark baseline: floor_cert behind the attributes of mtls_client_cert.",
		Attributes: map[string]schema.Attribute{
			"backdate_minutes":                  optionalOrDefault,
			"ca_cert_pem":                       schema.StringAttribute{Required: true},
			"ca_chain_pem":                      computed(false),
			"ca_private_key_passphrase":         optional(true),
			"ca_private_key_passphrase_wo":      writeOnly,
			"ca_private_key_pem":                optional(true),
			"ca_private_key_pem_wo":             writeOnly,
			"ca_private_key_pem_wo_version":     schema.Int64Attribute{Optional: true},
			"cert_pem":                          computed(false),
			"crl_distribution_points":           optionalList,
			"csr_pem":                           optional(false),
			"dns_names":                         optionalList,
			"early_renewal_hours":               optionalOrDefault,
			"email_addresses":                   optionalList,
			"extended_key_usages":               schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType, PlanModifiers: keptList},
			"fingerprint_sha256":                computed(false),
			"fullchain_pem":                     computed(false),
			"id":                                computed(false),
			"ip_addresses":                      optionalList,
			"issuing_certificate_urls":          optionalList,
			"key_algorithm":                     schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keptString},
			"not_after":                         computed(false),
			"not_before":                        computed(false),
			"private_key_passphrase":            optional(true),
			"private_key_passphrase_wo":         writeOnly,
			"private_key_passphrase_wo_version": schema.Int64Attribute{Optional: true},
			"private_key_pem":                   computed(true),
			"private_key_pem_encrypted":         computed(true),
			"private_key_pem_pkcs1":             computed(true),
			"private_key_pem_sec1":              computed(true),
			"public_key_openssh":                computed(false),
			"public_key_pem":                    computed(false),
			"ready_for_renewal":                 schema.BoolAttribute{Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}},
			"root_cert_pem":                     computed(false),
			"serial_number":                     computed(false),
			"subject":                           schema.SingleNestedAttribute{Optional: true, Computed: true, Attributes: subject, PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()}},
			"subject_dn":                        computed(false),
			"uris":                              optionalList,
			"validity_period_hours":             optionalOrDefault,
		},
	}
}

var subjectFields = []string{"common_name", "country", "locality", "organization", "organizational_unit", "postal_code", "province", "serial_number", "street_address"}

// Create stores what mtls_client_cert stores for the benchmark's leaves:
// the key in its encodings, the certificate, the chain echoed back, and the
// defaults it fills; the alternative encodings an ECDSA key has no form for
// (PKCS#1), and the ones left unasked (encrypted key, root), stay null.
func (wideCertResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var commonName, caCertPEM types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("subject").AtName("common_name"), &commonName)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("ca_cert_pem"), &caCertPEM)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, err := selfSigned(commonName.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot make the floor certificate", err.Error())
		return
	}
	fingerprint := sha256.Sum256(c.der)
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	nullString := tftypes.NewValue(tftypes.String, nil)
	outputs := map[string]tftypes.Value{
		"id":                        str(c.serialHex),
		"serial_number":             str(c.serialHex),
		"cert_pem":                  str(c.certPEM),
		"fullchain_pem":             str(c.certPEM + caCertPEM.ValueString()),
		"ca_chain_pem":              str(caCertPEM.ValueString()),
		"root_cert_pem":             nullString,
		"private_key_pem":           str(c.key.PKCS8PEM),
		"private_key_pem_sec1":      str(c.key.LegacyPEM),
		"private_key_pem_pkcs1":     nullString,
		"private_key_pem_encrypted": nullString,
		"public_key_pem":            str(c.key.PublicPEM),
		"public_key_openssh":        str(c.key.OpenSSH),
		"fingerprint_sha256":        str(hex.EncodeToString(fingerprint[:])),
		"not_before":                str(c.notBefore.UTC().Format(time.RFC3339)),
		"not_after":                 str(c.notAfter.UTC().Format(time.RFC3339)),
		"subject_dn":                str("CN=" + commonName.ValueString()),
		"ready_for_renewal":         tftypes.NewValue(tftypes.Bool, false),
	}
	// The optional-and-computed settings the configuration left out, as
	// mtls_client_cert's defaults fill them.
	defaults := map[string]tftypes.Value{
		"backdate_minutes":      tftypes.NewValue(tftypes.Number, 5),
		"early_renewal_hours":   tftypes.NewValue(tftypes.Number, 0),
		"validity_period_hours": tftypes.NewValue(tftypes.Number, 8760),
		"key_algorithm":         str("ECDSA_P256"),
		"extended_key_usages":   tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{str("CLIENT_AUTH")}),
	}
	// One pass over the planned object, the cheapest way to write a state:
	// the floor must not pay per attribute what mtls does not.
	var planned map[string]tftypes.Value
	if err := req.Plan.Raw.As(&planned); err != nil {
		resp.Diagnostics.AddError("Cannot read the floor's plan", err.Error())
		return
	}
	for name, v := range planned {
		if out, ok := outputs[name]; ok {
			planned[name] = out
		} else if d, ok := defaults[name]; ok && !v.IsKnown() {
			planned[name] = d
		}
	}
	resp.State.Raw = tftypes.NewValue(req.Plan.Raw.Type(), planned)
}

func (wideCertResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update takes the plan as it is: the benchmark never changes a leaf.
func (wideCertResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (wideCertResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
