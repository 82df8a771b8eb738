package provider

import "github.com/hashicorp/terraform-plugin-framework/ephemeral"

func NewServerCertEphemeralResource() ephemeral.EphemeralResource {
	return newCertificateEphemeralResource(serverCertKind)
}
