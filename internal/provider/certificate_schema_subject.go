package provider

// The subject attribute of every certificate resource.

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

func subjectAttribute(k certKind) schema.SingleNestedAttribute {
	desc := map[string]string{
		"common_name":         "Common name (CN). TLS clients match a server's name against the subject alternative names, never this; servers that map client certificates to users often read it (PostgreSQL's role, Apache's `SSL_CLIENT_S_DN_CN`, nginx's `$ssl_client_s_dn`).",
		"organization":        "Organization (O).",
		"organizational_unit": "Organizational unit (OU).",
		"country":             "Country (C): a two-letter ISO 3166 code in capitals, such as `SE`.",
		"province":            "State or province (ST).",
		"locality":            "Locality (L).",
		"street_address":      "Street address.",
		"postal_code":         "Postal code.",
		"serial_number":       "The subject's serialNumber attribute (not the certificate serial): letters, digits, spaces and `'()+,-./:=?` (a PrintableString).",
	}
	fields := map[string]schema.Attribute{}
	for _, f := range pki.SubjectFields() {
		d := desc[f.Attribute]
		if f.Attribute != "country" {
			d += fmt.Sprintf(" At most %d characters.", f.MaxLength)
		}
		// pki checks the bounds, counting characters, at plan time.
		fields[f.Attribute] = schema.StringAttribute{Optional: true, MarkdownDescription: d, Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
	}
	a := schema.SingleNestedAttribute{
		MarkdownDescription: "The subject distinguished name. Each field holds one value, without control characters; the certificate carries it exactly as written. Lengths count characters, not bytes (RFC 5280's upper bounds).",
		Attributes:          fields,
		PlanModifiers:       []planmodifier.Object{subjectEmptyIsUnset{}},
	}
	if k.profile.IsCA() {
		a.Required = true
		a.MarkdownDescription += " A CA needs at least `common_name`. Changing it replaces the certificate."
	} else {
		// Computed, so that an unset subject can keep the empty one in state.
		a.Optional, a.Computed = true, true
		a.MarkdownDescription += " Changing it replaces the certificate; a subject with no field set is the same as no subject, and switching between the two changes nothing." +
			csrNote(k, " In CSR mode, when unset or empty, the CSR's subject is used.")
	}
	return a
}

// subjectEmptyIsUnset replaces the certificate when the subject changes, but
// treats a subject with no field set as no subject: both issue the same
// certificate. An unset subject (leaves only, where it is Computed) keeps an
// empty subject from state and is planned as the empty object otherwise, so
// that switching between the two is no change at all.
type subjectEmptyIsUnset struct{}

// subjectEmpty is true for no subject and for one whose fields are all null.
func subjectEmpty(o types.Object) bool {
	if o.IsNull() {
		return true
	}
	if o.IsUnknown() {
		return false
	}
	for _, a := range o.Attributes() {
		if !a.IsNull() {
			return false
		}
	}
	return true
}
