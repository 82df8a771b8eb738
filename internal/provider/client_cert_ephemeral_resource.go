package provider

import "github.com/hashicorp/terraform-plugin-framework/ephemeral"

func NewClientCertEphemeralResource() ephemeral.EphemeralResource {
	return newCertificateEphemeralResource(clientCertKind)
}
