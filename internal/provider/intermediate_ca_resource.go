package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

var intermediateCAKind = certKind{
	typeName: "intermediate_ca",
	profile:  pki.ProfileIntermediateCA,
	summary: "An intermediate certificate authority signed by a root or another intermediate, with its own private key. " +
		"Its `max_path_length` must fit within the issuer's, and its names within the issuer's name constraints; both are checked at plan time.",
	defaultValidityHours: 5 * 8760,
}

func NewIntermediateCAResource() resource.Resource {
	return &certificateResource[intermediateCAModel, *intermediateCAModel]{kind: intermediateCAKind}
}
