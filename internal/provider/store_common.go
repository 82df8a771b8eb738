package provider

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/keystore"
	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// What mtls_pkcs12 and mtls_truststore share: the container format, its
// protection (encoding and password), certificate parsing, the base64/SHA-256
// outputs of the stored file, and a lifecycle in which every input change
// replaces the store and nothing exists outside the state.

// Store formats; the strings are the public interface of the format attribute.
const (
	formatPKCS12 = "pkcs12"
	formatJKS    = "jks"
)

func storeFormats() []string { return []string{formatPKCS12, formatJKS} }

// storeSettings are the attributes that decide how a store is protected.
type storeSettings struct {
	Format   types.String `tfsdk:"format"`
	Password types.String `tfsdk:"password"`
	Encoding types.String `tfsdk:"encoding"`

	// Write-only: null in plan and state; storePassword reads the config.
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
}

func (s storeSettings) jks() bool { return s.Format.ValueString() == formatJKS }

// settings is promoted to each model that embeds storeSettings, for
// storeResource.
func (s storeSettings) settings() storeSettings { return s }

// storeModel is implemented by the pointer to each store resource's model.
type storeModel interface {
	settings() storeSettings
}

// storeResource holds the methods mtls_pkcs12 and mtls_truststore share;
// each embeds it next to its own Metadata, Schema, ModifyPlan and Create.
type storeResource struct {
	// newModel returns an empty model of the resource, a pointer to its struct.
	newModel func() storeModel
}

func (r *storeResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{writeOnlyNeedsSupport{}}
}

func (r *storeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	m := r.newModel()
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateStoreSettings(m.settings(), &resp.Diagnostics)
}

// Read keeps the stored file: rebuilding it would draw new salts and show a
// change that is none.
func (r *storeResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update is never reached with a change, since every input replaces; it
// only keeps the state Terraform planned.
func (r *storeResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (r *storeResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing exists outside Terraform state.
}

// storeSchema completes a store's schema: attrs, the shared settings, the
// outputs, and after summary the replacement rule and the consumer matrix.
// what names the store, "archive" or "truststore".
func storeSchema(what, summary string, attrs, outputs map[string]schema.Attribute) schema.Schema {
	addAll(attrs, storeAttributes(what))
	addAll(attrs, outputs)
	return schema.Schema{
		MarkdownDescription: summary + " Every input change replaces the " + what + ".\n\n" + keystore.ConsumerMatrixMarkdown,
		Attributes:          attrs,
	}
}

// storeAttributes are format, password and encoding; what describes the
// container, "archive" or "truststore", words the descriptions.
func storeAttributes(what string) map[string]schema.Attribute {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return map[string]schema.Attribute{
		"format": schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Container format: `" + formatPKCS12 + "` (PKCS#12, read by nearly everything) or `" + formatJKS + "` (Java's legacy JKS, for old Java stacks and tools that insist on it). " +
				"Defaults to `" + formatPKCS12 + "`. Changing it replaces the " + what + ".",
			Default:       stringdefault.StaticString(formatPKCS12),
			Validators:    []validator.String{stringvalidator.OneOf(storeFormats()...)},
			PlanModifiers: replace,
		},
		"password": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "Password protecting the " + what + ". Required (this or `password_wo`), and not empty, except with `encoding = \"" + string(keystore.EncodingPasswordless) + "\"`, where it must be unset or empty. " +
				"PKCS#12 accepts any Unicode character of the Basic Multilingual Plane; JKS only Latin-1. Changing it replaces the " + what + ". " +
				"It is kept in the state: set `password_wo` instead to keep it out.",
			Validators:    []validator.String{conflictsWithWriteOnly("password")},
			PlanModifiers: replace,
		},
		"password_wo": schema.StringAttribute{
			Optional: true, Sensitive: true, WriteOnly: true,
			MarkdownDescription: writeOnlyNote("password") + " The same rules as `password` apply. " +
				"The " + what + " is built with it once; change `password_wo_version` with it to build a new " + what + " with the new password.",
		},
		"password_wo_version": writeOnlyVersion("password",
			"A number to change whenever `password_wo` changes: Terraform cannot see a write-only value change, so changing this replaces the "+what+", built with the password given now.", true),
		"encoding": schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Algorithms protecting a PKCS#12 " + what + ": " + mdList(keystore.EncodingStrings()) + ". Defaults to `" + string(keystore.DefaultEncoding) + "`. " +
				"JKS has one fixed protection, so with `format = \"" + formatJKS + "\"` leave it unset. See the table above for which consumer reads which encoding. Changing it replaces the " + what + ".",
			Default:       stringdefault.StaticString(string(keystore.DefaultEncoding)),
			Validators:    []validator.String{stringvalidator.OneOf(keystore.EncodingStrings()...)},
			PlanModifiers: replace,
		},
	}
}

// storeOutputs are the stored file as base64, its SHA-256 and the id.
func storeOutputs(prefix, desc string, sensitive bool) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": computedString("Equal to `"+prefix+"_sha256`.", false),
		prefix + "_base64": computedString(desc+" Built once at create: the file holds random salts, so it is stored in state and never rebuilt on refresh. "+
			"Write it to a file with the `content_base64` argument of the `local` provider's file resources, or pass it as is to APIs that take base64.", sensitive),
		prefix + "_sha256": computedString("SHA-256 of the file's bytes (not of the base64), lowercase hex.", false),
	}
}

// storePassword is password or password_wo from the configuration, the only
// place a write-only value is found.
func storePassword(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) configuredSecret {
	return secretFromConfig(ctx, config, "password", diags)
}

// validateStoreSettings reports, at validate and plan time, combinations of
// format, encoding and password that cannot produce a usable store. Unknown
// values are left to later checks; invalid enum values to the validators.
// s comes from the configuration, so it holds password_wo too.
func validateStoreSettings(s storeSettings, diags *diag.Diagnostics) {
	if s.Format.IsUnknown() || s.Encoding.IsUnknown() {
		return
	}
	encoding := keystore.DefaultEncoding
	if !s.Encoding.IsNull() {
		encoding = keystore.Encoding(s.Encoding.ValueString())
	}
	if s.jks() && encoding != keystore.DefaultEncoding {
		diags.AddAttributeError(path.Root("encoding"), "Encoding does not apply to JKS",
			fmt.Sprintf("encoding = %q selects PKCS#12 algorithms, but format = %q writes a Java JKS store, whose protection is fixed. "+
				"Remove encoding, or set format = %q.", encoding, formatJKS, formatPKCS12))
	}
	pw, attr := s.Password, "password"
	if !s.PasswordWO.IsNull() {
		pw, attr = s.PasswordWO, "password_wo"
	}
	if pw.IsUnknown() {
		return
	}
	password := pw.ValueString()
	switch {
	case s.jks() && password == "":
		diags.AddAttributeError(path.Root(attr), "Missing password",
			fmt.Sprintf("format = %q needs a non-empty password: JKS has no unprotected form. Set password (or password_wo), or use format = %q with encoding = %q.",
				formatJKS, formatPKCS12, keystore.EncodingPasswordless))
	case s.jks():
	case encoding == keystore.EncodingPasswordless && password != "":
		diags.AddAttributeError(path.Root(attr), "Password given with a passwordless encoding",
			fmt.Sprintf("encoding = %q writes no encryption and no MAC, so a password would protect nothing and consumers asking for one would fail. "+
				"Remove %s, or choose an encoding such as %q that uses it.", keystore.EncodingPasswordless, attr, keystore.DefaultEncoding))
	case encoding != keystore.EncodingPasswordless && password == "":
		diags.AddAttributeError(path.Root(attr), "Missing password",
			fmt.Sprintf("encoding = %q encrypts and authenticates the file with the password, so it must not be empty. "+
				"Set password (or password_wo), or set encoding = %q for a file without any protection.", encoding, keystore.EncodingPasswordless))
	}
}

// parseCertificatesAttr parses the PEM certificates of one attribute,
// reporting a failure on that attribute.
func parseCertificatesAttr(p path.Path, text string, diags *diag.Diagnostics) []*x509.Certificate {
	certs, err := pki.ParseCertificatesPEM(text)
	if err != nil {
		diags.AddAttributeError(p, "Invalid certificate PEM", err.Error()+".")
		return nil
	}
	return certs
}

// storedFile is a built store in the forms kept in state.
type storedFile struct {
	base64, sha256 types.String
}

func newStoredFile(der []byte) storedFile {
	sum := sha256.Sum256(der)
	return storedFile{
		base64: types.StringValue(base64.StdEncoding.EncodeToString(der)),
		sha256: types.StringValue(hex.EncodeToString(sum[:])),
	}
}
