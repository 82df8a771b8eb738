package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// certKind describes one certificate resource type; the schema, the model
// and the issuing path are all derived from it, so that the four
// certificate resources share one implementation. Each resource's file
// declares its kind.
type certKind struct {
	typeName             string
	profile              pki.Profile
	summary              string
	defaultValidityHours int64
	// newModel returns an empty model of the resource, a pointer to its struct.
	newModel func() certModel
}

func (k certKind) signed() bool { return k.profile != pki.ProfileRootCA }
func (k certKind) leaf() bool   { return !k.profile.IsCA() }

// maxHours bounds hour counts: 100 years, far below where time.Duration
// would overflow.
const maxHours = 100 * 8760

// Defaults for backdate_minutes: five minutes covers ordinary clock skew
// between the machine running Terraform and the peers that check the cert.
const defaultBackdateMinutes = 5

func certificateSchema(k certKind) schema.Schema {
	attrs := map[string]schema.Attribute{
		"id": computedString("The serial number in lowercase hex, which identifies the certificate.", false),
		"key_algorithm": schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Algorithm of the private key this resource generates: " + mdList(pki.KeyAlgorithmStrings()) +
				". Defaults to `" + string(pki.DefaultKeyAlgorithm) + "`." +
				csrNote(k, " In CSR mode it must not be set: it reports the CSR's key, with the real size of an RSA key (e.g. `RSA_2560`; RSA keys under 2048 bits and ECDSA curves other than P-256, P-384 and P-521 are refused).") +
				" An imported or moved certificate reports its key the same way, with the real size of an RSA key (e.g. `RSA_2560`), although only the sizes above are generated; " +
				"set it to that value in the configuration" + csrNote(k, " (outside CSR mode)") + ", as the default would replace the certificate.",
			Validators:    []validator.String{stringvalidator.OneOf(pki.KeyAlgorithmStrings()...)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), keyAlgorithmDefaultRestored{csrMode: k.leaf()}, stringplanmodifier.RequiresReplace()},
		},
		"private_key_passphrase": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "When set, `private_key_pem_encrypted` holds the key encrypted with it (PKCS#8, PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC), which `openssl pkey -passin` reads. Changing it updates in place." +
				" Import of an encrypted key file sets it to the passphrase in `" + importPassphraseEnv + "`.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), conflictsWithWriteOnly("private_key_passphrase")},
		},
		"private_key_passphrase_wo": writeOnlyString(writeOnlyNote("private_key_passphrase") +
			" `private_key_pem_encrypted` is encrypted with it at creation; set `private_key_passphrase_wo_version` and change it with the passphrase to re-encrypt in place."),
		"private_key_passphrase_wo_version": writeOnlyVersion("private_key_passphrase",
			"A number to change whenever `private_key_passphrase_wo` changes: Terraform cannot see a write-only value change, so changing this re-encrypts `private_key_pem_encrypted` in place.", false),
		"subject": subjectAttribute(k),
		"validity_period_hours": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: fmt.Sprintf("How long the certificate is valid, in hours from creation. Defaults to %d (%s). Changing it replaces the certificate.", k.defaultValidityHours, humanHours(k.defaultValidityHours)) +
				signedNote(k, " Must end before the issuing CA expires: a longer period is an error at plan time, not silently shortened. "+
					"When the renewal of this certificate (at `not_after` less `early_renewal_hours`) would come too late for a new one of this period to end before the CA does, a warning gives the date from which reissuing fails. "+
					"Give CAs a validity well above their certificates' (a root of 10 years over leaves of 1), set `early_renewal_hours`, and renew or rotate each CA before that date.") +
				" Import and moved blocks read it from `not_after` minus `not_before`, in whole hours (see `backdate_minutes`); " +
				"on an imported or moved certificate a value that, with `backdate_minutes`, adds up to the certificate's lifetime only updates the state.",
			Default:       int64default.StaticInt64(k.defaultValidityHours),
			Validators:    []validator.Int64{int64validator.Between(1, maxHours)},
			PlanModifiers: []planmodifier.Int64{validityMatchesImportedLifetime{}},
		},
		"early_renewal_hours": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: "When fewer than this many hours of validity remain, `ready_for_renewal` becomes true on refresh and the next plan replaces the certificate. Defaults to 0 (replace only once expired). Changing it updates in place." +
				" A certificate does not record it, so import sets 0 (a moved block takes hashicorp/tls's value); another value in the configuration is then written to the state in place.",
			Default:    int64default.StaticInt64(0),
			Validators: []validator.Int64{int64validator.Between(0, maxHours)},
		},
		"backdate_minutes": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: fmt.Sprintf("How far `not_before` lies before the creation time, so that peers with slow clocks accept the certificate at once. Defaults to %d. Must be less than the validity period (`validity_period_hours` × 60). Changing it replaces the certificate.", defaultBackdateMinutes) +
				" A certificate does not record when it was made, so import cannot know its backdate: it takes the minutes beyond whole hours of the certificate's lifetime " +
				"(5 for a certificate this provider made with the default, 0 for one made with `openssl req -days`, `openssl x509 -req -days` or hashicorp/tls). On an imported or moved certificate this attribute therefore never replaces it: " +
				"unset, it keeps the imported value; set, a different value only updates the state.",
			Default:       int64default.StaticInt64(defaultBackdateMinutes),
			Validators:    []validator.Int64{int64validator.Between(0, 24*60)},
			PlanModifiers: []planmodifier.Int64{backdateIgnoredAfterImport{}},
		},
		"cert_pem":                  computedString("The certificate, PEM-encoded.", false),
		"private_key_pem":           computedString("The private key in PKCS#8 PEM (`BEGIN PRIVATE KEY`)."+csrNote(k, " Empty in CSR mode: the key never enters state."), true),
		"private_key_pem_pkcs1":     computedString("For RSA keys, the private key in PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), for software that wants the traditional form; empty otherwise.", true),
		"private_key_pem_sec1":      computedString("For ECDSA keys, the private key in SEC 1 PEM (`BEGIN EC PRIVATE KEY`), for software that wants the traditional form; empty otherwise.", true),
		"private_key_pem_encrypted": reencryptedWithNewPassphrase(computedString("The private key as encrypted PKCS#8 PEM (`BEGIN ENCRYPTED PRIVATE KEY`) when `private_key_passphrase` or `private_key_passphrase_wo` is set; empty otherwise.", true)),
		"public_key_pem":            computedString("The public key, PEM-encoded (SubjectPublicKeyInfo).", false),
		"public_key_openssh":        computedString("The public key in OpenSSH `authorized_keys` format.", false),
		"serial_number":             computedString("The certificate's 128-bit random serial number, lowercase hex.", false),
		"fingerprint_sha256":        computedString("SHA-256 of the certificate's DER encoding, lowercase hex.", false),
		"subject_dn":                computedString("The subject distinguished name in RFC 4514 form, e.g. `CN=web,O=Example`.", false),
		"not_before":                computedString("Start of validity (RFC 3339).", false),
		"not_after":                 computedString("End of validity (RFC 3339).", false),
		"ready_for_renewal": schema.BoolAttribute{
			Computed:            true,
			MarkdownDescription: "True once the certificate is within `early_renewal_hours` of `not_after` (or expired). Refresh sets it; the next plan then replaces the certificate.",
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		},
	}
	if k.profile.IsCA() {
		addAll(attrs, caOptionAttributes(k))
	}
	if k.signed() {
		addAll(attrs, issuerAttributes())
	}
	if k.leaf() {
		addAll(attrs, leafAttributes(k))
	}
	if k.profile == pki.ProfileIntermediateCA {
		attrs["chain_pem"] = computedString("This CA followed by its issuer's chain, without the root: pass it as `ca_cert_pem` to the certificates this CA signs, and serve it after leaf certificates.", false)
	}
	return schema.Schema{MarkdownDescription: k.summary, Attributes: attrs}
}

func addAll(dst, src map[string]schema.Attribute) {
	for name, a := range src {
		dst[name] = a
	}
}

func computedString(desc string, sensitive bool) schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true, Sensitive: sensitive, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func stringList(desc string) schema.ListAttribute {
	return schema.ListAttribute{
		ElementType: types.StringType, Optional: true, MarkdownDescription: desc,
		Validators:    []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
		PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
	}
}

func mdList(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

func humanHours(h int64) string {
	switch {
	case h == 8760:
		return "1 year"
	case h%8760 == 0:
		return fmt.Sprintf("%d years", h/8760)
	case h%24 == 0:
		return fmt.Sprintf("%d days", h/24)
	}
	return fmt.Sprintf("%d hours", h)
}

// validityMatchesImportedLifetime replaces the certificate when
// validity_period_hours changes, except on an imported or moved certificate
// that already lasts what the config asks for: import splits the
// lifetime into hours and minutes one way, and a config that made the same
// lifetime with a backdate of an hour or more only updates the state.
type validityMatchesImportedLifetime struct{}

func (validityMatchesImportedLifetime) Description(context.Context) string {
	return "Changing the value replaces the certificate, unless an imported certificate already lasts validity_period_hours plus backdate_minutes."
}

func (m validityMatchesImportedLifetime) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (validityMatchesImportedLifetime) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	resp.RequiresReplace = !isImported(ctx, req.Private) || !lifetimeMatches(ctx, req.Config, req.State, req.PlanValue)
}

// lifetimeMatches tells whether the certificate in state lasts hours plus
// the backdate that will be planned (backdateIgnoredAfterImport), to the
// minute.
func lifetimeMatches(ctx context.Context, config tfsdk.Config, state tfsdk.State, hours types.Int64) bool {
	var backdate, stateBackdate types.Int64
	var notBefore, notAfter types.String
	var diags diag.Diagnostics
	diags.Append(config.GetAttribute(ctx, path.Root("backdate_minutes"), &backdate)...)
	diags.Append(state.GetAttribute(ctx, path.Root("backdate_minutes"), &stateBackdate)...)
	diags.Append(state.GetAttribute(ctx, path.Root("not_before"), &notBefore)...)
	diags.Append(state.GetAttribute(ctx, path.Root("not_after"), &notAfter)...)
	if backdate.IsNull() {
		backdate = stateBackdate
	}
	if diags.HasError() || !known(hours, backdate) {
		return false
	}
	nb, err1 := time.Parse(time.RFC3339, notBefore.ValueString())
	na, err2 := time.Parse(time.RFC3339, notAfter.ValueString())
	want := time.Duration(hours.ValueInt64())*time.Hour + time.Duration(backdate.ValueInt64())*time.Minute
	return err1 == nil && err2 == nil && na.Sub(nb).Truncate(time.Minute) == want
}

// backdateIgnoredAfterImport replaces the certificate when backdate_minutes
// changes, except on an imported or moved certificate: a certificate does
// not record when it was made, so import cannot know how far it was
// backdated. There the value never replaces it; unset in config, it keeps the
// imported value.
type backdateIgnoredAfterImport struct{}

func (backdateIgnoredAfterImport) Description(context.Context) string {
	return "Changing the value replaces the certificate, except on an imported certificate, whose backdate is not knowable."
}

func (m backdateIgnoredAfterImport) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (backdateIgnoredAfterImport) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	if isImported(ctx, req.Private) {
		if req.ConfigValue.IsNull() {
			resp.PlanValue = req.StateValue
		}
		return
	}
	resp.RequiresReplace = !req.PlanValue.Equal(req.StateValue)
}

func (subjectEmptyIsUnset) Description(context.Context) string {
	return "Changing the subject replaces the certificate; an empty subject is the same as none."
}

func (m subjectEmptyIsUnset) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (subjectEmptyIsUnset) PlanModifyObject(ctx context.Context, req planmodifier.ObjectRequest, resp *planmodifier.ObjectResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if req.ConfigValue.IsNull() {
		if !req.State.Raw.IsNull() && subjectEmpty(req.StateValue) {
			resp.PlanValue = req.StateValue
			return
		}
		resp.PlanValue = subjectObject(pki.Subject{})
	}
	if req.State.Raw.IsNull() || resp.PlanValue.Equal(req.StateValue) || subjectEmpty(resp.PlanValue) && subjectEmpty(req.StateValue) {
		return
	}
	resp.RequiresReplace = true
}

// keyAlgorithmDefaultRestored plans the default key algorithm again when
// key_algorithm is removed from the configuration of an existing
// certificate, which UseStateForUnknown alone would silently keep; the
// RequiresReplace after it then replaces a certificate whose key differs.
// In CSR mode (csr_pem set on a leaf) the algorithm is the CSR's.
type keyAlgorithmDefaultRestored struct{ csrMode bool }

func (keyAlgorithmDefaultRestored) Description(context.Context) string {
	return "Removed from the configuration, the value returns to the default, which replaces a certificate with another key algorithm."
}

func (m keyAlgorithmDefaultRestored) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m keyAlgorithmDefaultRestored) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.ConfigValue.IsNull() {
		return // creation plans its defaults in ModifyPlan, with the CSR at hand
	}
	if m.csrMode {
		var csr types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("csr_pem"), &csr)...)
		if !csr.IsNull() {
			return
		}
	}
	resp.PlanValue = types.StringValue(string(pki.DefaultKeyAlgorithm))
}

func (extendedKeyUsagesDefaultRestored) Description(context.Context) string {
	return "Removed from the configuration, the value returns to the default, which replaces a certificate with other usages."
}

func (m extendedKeyUsagesDefaultRestored) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m extendedKeyUsagesDefaultRestored) PlanModifyList(_ context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.ConfigValue.IsNull() {
		return
	}
	resp.PlanValue = stringListValue(pki.DefaultExtKeyUsages(m.profile))
}

// reencryptedWithNewPassphrase adds passphraseChanged to
// private_key_pem_encrypted: Update encrypts the key again.
func reencryptedWithNewPassphrase(a schema.StringAttribute) schema.StringAttribute {
	a.PlanModifiers = append(a.PlanModifiers, passphraseChanged{})
	return a
}

// passphraseChanged plans private_key_pem_encrypted as unknown when
// private_key_passphrase, or the version of its write-only form, changes:
// the certificate stays, and Update encrypts its key with the new passphrase.
type passphraseChanged struct{}

func (passphraseChanged) Description(context.Context) string {
	return "A new passphrase, or a new version of the write-only one, encrypts the key again in place."
}

func (m passphraseChanged) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (passphraseChanged) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	if !sameInState(req.Plan, req.State, "private_key_passphrase", "private_key_passphrase_wo_version") {
		resp.PlanValue = types.StringUnknown()
	}
}
