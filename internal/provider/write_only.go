package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// Write-only arguments (Terraform 1.11+, OpenTofu 1.11+) are secrets that
// Terraform passes to the provider from the configuration only: they are
// never in the plan or the state, so the provider reads them from
// req.Config in ValidateConfig, ModifyPlan, Create and Update. Each secret
// argument NAME has a twin NAME_wo; a NAME_wo_version beside it is what
// Terraform can see change.

const writeOnlySuffix = "_wo"

// writeOnlyNote words the description of a NAME_wo attribute.
func writeOnlyNote(name string) string {
	return "Write-only form of `" + name + "` (Terraform 1.11 or later, OpenTofu 1.11 or later): the value is used but never stored in the plan or the state, " +
		"so it may come from an ephemeral resource or an ephemeral variable. Set at most one of `" + name + "` and `" + name + writeOnlySuffix + "`."
}

// writeOnlyString is the schema of NAME_wo.
func writeOnlyString(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, Sensitive: true, WriteOnly: true,
		MarkdownDescription: desc,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// writeOnlyVersion is the schema of NAME_wo_version: Terraform cannot see
// a write-only value change, so this number is what says it did. replace
// tells whether a change replaces the resource (false: the caller acts on
// it in ModifyPlan, or with its own plan modifiers).
func writeOnlyVersion(name, desc string, replace bool) schema.Int64Attribute {
	a := schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: desc + " Only with `" + name + writeOnlySuffix + "`.",
		Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot(name + writeOnlySuffix))},
	}
	if replace {
		a.PlanModifiers = []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	}
	return a
}

// caKeyVersionReplaces replaces a certificate when ca_private_key_pem_wo_version
// changes, except when a first version comes with the move from
// ca_private_key_pem: the key is the one the certificate was signed with
// (ca_cert_pem, which replaces on its own, has not changed and the key is
// checked against it at plan), so the move only takes the key out of state.
var caKeyVersionReplaces = int64planmodifier.RequiresReplaceIf(
	func(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
		if req.StateValue.IsNull() {
			var plain types.String
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("ca_private_key_pem"), &plain)...)
			if !plain.IsNull() {
				return
			}
		}
		resp.RequiresReplace = true
	},
	"Changing the value replaces the certificate, except for a first version set when moving from ca_private_key_pem.",
	"Changing the value replaces the certificate, except for a first version set when moving from `ca_private_key_pem`.",
)

// exactlyOneOfWriteOnly goes on a required NAME, now optional: exactly one
// of NAME and NAME_wo.
func exactlyOneOfWriteOnly(name string) validator.String {
	// Both paths, so that the message names both.
	return stringvalidator.ExactlyOneOf(path.MatchRoot(name), path.MatchRoot(name+writeOnlySuffix))
}

// conflictsWithWriteOnly goes on an optional NAME: at most one of NAME and
// NAME_wo.
func conflictsWithWriteOnly(name string) validator.String {
	return stringvalidator.ConflictsWith(path.MatchRoot(name + writeOnlySuffix))
}

// configuredSecret is a secret argument as configured: NAME, which the
// state keeps, or its write-only twin NAME_wo. attr names the one in use,
// for diagnostics.
type configuredSecret struct {
	value types.String
	attr  string
}

func (s configuredSecret) writeOnly() bool { return strings.HasSuffix(s.attr, writeOnlySuffix) }

// secretFromConfig reads NAME or NAME_wo from the configuration, the only
// place a write-only value is found.
func secretFromConfig(ctx context.Context, config tfsdk.Config, name string, diags *diag.Diagnostics) configuredSecret {
	var plain, wo types.String
	diags.Append(config.GetAttribute(ctx, path.Root(name), &plain)...)
	diags.Append(config.GetAttribute(ctx, path.Root(name+writeOnlySuffix), &wo)...)
	if !wo.IsNull() {
		return configuredSecret{wo, name + writeOnlySuffix}
	}
	return configuredSecret{plain, name}
}

// caKey is the issuing CA's key and passphrase as configured, plain or
// write-only. mtls_intermediate_ca, mtls_server_cert, mtls_client_cert and
// mtls_crl all read it here, so that a key never stored in state serves
// plan-time checks, issuance, renewal and CRL signing alike.
type caKey struct {
	pem, passphrase configuredSecret
}

func caKeyFromConfig(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) caKey {
	return caKey{
		pem:        secretFromConfig(ctx, config, "ca_private_key_pem", diags),
		passphrase: secretFromConfig(ctx, config, "ca_private_key_passphrase", diags),
	}
}

func (k caKey) known() bool { return known(k.pem.value, k.passphrase.value) }

func (k caKey) writeOnly() bool { return k.pem.writeOnly() || k.passphrase.writeOnly() }

// issuer parses the CA for issuing certificates; errors name the attributes
// in use.
func (k caKey) issuer(certPEM string) (*pki.Issuer, []*pki.FieldError) {
	iss, errs := issuers.issuer(certPEM, k.pem.value.ValueString(), k.passphrase.value.ValueString())
	return iss, k.renamed(errs)
}

// crlSigner parses the CA for signing CRLs; errors name the attributes in
// use.
func (k caKey) crlSigner(certPEM string) (*pki.Issuer, []*pki.FieldError) {
	signer, errs := pki.NewCRLSigner(certPEM, k.pem.value.ValueString(), k.passphrase.value.ValueString())
	return signer, k.renamed(errs)
}

var plainCAKeyAttr = regexp.MustCompile(`\bca_private_key_(pem|passphrase)\b`)

// renamed points pki's errors, which name the plain attributes, at the
// write-only ones where those are in use.
func (k caKey) renamed(errs []*pki.FieldError) []*pki.FieldError {
	if !k.writeOnly() {
		return errs
	}
	rename := func(s string) string {
		return plainCAKeyAttr.ReplaceAllStringFunc(s, func(a string) string {
			for _, used := range []configuredSecret{k.pem, k.passphrase} {
				if strings.TrimSuffix(used.attr, writeOnlySuffix) == a {
					return used.attr
				}
			}
			return a
		})
	}
	out := make([]*pki.FieldError, len(errs))
	for i, e := range errs {
		c := *e
		c.Attribute, c.Detail = rename(e.Attribute), rename(e.Detail)
		out[i] = &c
	}
	return out
}

// writeOnlyNeedsSupport refuses write-only arguments from a Terraform that
// cannot keep them out of the state (before 1.11). The framework refuses
// them too, but without saying what to do instead.
type writeOnlyNeedsSupport struct{}

var _ resource.ConfigValidator = writeOnlyNeedsSupport{}

func (writeOnlyNeedsSupport) Description(context.Context) string {
	return "Write-only arguments need Terraform 1.11 or later."
}

func (v writeOnlyNeedsSupport) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (writeOnlyNeedsSupport) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if req.ClientCapabilities.WriteOnlyAttributesAllowed {
		return
	}
	var names []string
	for name, a := range req.Config.Schema.GetAttributes() {
		if a.IsWriteOnly() {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		var v types.String
		if d := req.Config.GetAttribute(ctx, path.Root(name), &v); d.HasError() || v.IsNull() {
			continue
		}
		plain := strings.TrimSuffix(name, writeOnlySuffix)
		resp.Diagnostics.AddAttributeError(path.Root(name), "Write-only argument needs Terraform 1.11 or later",
			fmt.Sprintf("%s is write-only: it is used without ever being stored in the plan or the state, and this Terraform is older than 1.11, which cannot pass such arguments. "+
				"Run Terraform 1.11 or later (or OpenTofu 1.11 or later), or set %s instead, which keeps the value in the state.", name, plain))
	}
}
