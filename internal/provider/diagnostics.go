package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

func addFieldErrors(diags *diag.Diagnostics, errs []*pki.FieldError) {
	for _, e := range errs {
		if e.Warning {
			diags.AddAttributeWarning(fieldPath(e.Attribute), e.Summary, e.Detail)
		} else {
			diags.AddAttributeError(fieldPath(e.Attribute), e.Summary, e.Detail)
		}
	}
}

// fieldPath turns a pki.FieldError attribute such as "subject.country" into
// the path of that nested attribute.
func fieldPath(attr string) path.Path {
	parts := strings.Split(attr, ".")
	p := path.Root(parts[0])
	for _, name := range parts[1:] {
		p = p.AtName(name)
	}
	return p
}
