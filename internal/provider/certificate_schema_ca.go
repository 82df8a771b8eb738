package provider

// The attributes of the CAs (mtls_root_ca, mtls_intermediate_ca): path
// length and name constraints.

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

func caOptionAttributes(k certKind) map[string]schema.Attribute {
	inter := func(s string) string {
		if k.profile == pki.ProfileIntermediateCA {
			return s
		}
		return ""
	}
	// Inherited constraints are carried by the certificate, so that they hold
	// where the root is not at hand (chain_pem leaves it out).
	permitted := inter(" When unset, this intermediate inherits the permitted subtrees of the CAs above it (all of them must allow a name); when set, they must lie inside those, which is checked at plan time.")
	excluded := inter(" The excluded subtrees of the CAs above this intermediate are added to these.")
	return map[string]schema.Attribute{
		"max_path_length": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "How many intermediate CAs may follow this one in a chain. Unset means no limit; `0` means this CA may sign only leaf certificates " +
				"(encoded as `pathLenConstraint 0`, which verifiers enforce)." +
				inter(" On an intermediate, unset means what the CAs above leave: when any of them limits the path, one less than the issuer may still have below it "+
					"(a root with `max_path_length = 1` makes its intermediates `0`), so that the limit holds even where the root is not at hand, as when this CA's `chain_pem` is passed as `ca_cert_pem`. "+
					"A larger value is an error at plan time."),
			Validators:    []validator.Int64{int64validator.AtLeast(0)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"permitted_dns_domains": stringList("Name constraint: DNS names this CA may certify. `example.com` covers the domain and its subdomains, `.example.com` only subdomains. Name constraints are marked critical." +
			inter(" An intermediate certificate carries the name constraints of the CAs above it, so that they hold even where the root is not at hand, as when this CA's `chain_pem` is passed as `ca_cert_pem`.") + permitted),
		"excluded_dns_domains": stringList("Name constraint: DNS names this CA may not certify, in the same form as `permitted_dns_domains`." + excluded),
		"permitted_ip_ranges": stringList("Name constraint: IP ranges this CA may certify, in CIDR form with no host bits set: `10.0.0.0/8`, `fd00::/8`, one address as `10.1.2.3/32`. " +
			"A range with host bits set, such as `10.1.2.3/8`, is an error at plan time, which names the range to write instead." + permitted),
		"excluded_ip_ranges":        stringList("Name constraint: IP ranges this CA may not certify, in the same form as `permitted_ip_ranges`." + excluded),
		"permitted_email_addresses": stringList("Name constraint: email addresses this CA may certify: a mailbox (`ops@example.com`), a host (`example.com`) or a domain (`.example.com`)." + permitted),
		"permitted_uri_domains":     stringList("Name constraint: hosts of URI names (e.g. SPIFFE trust domains) this CA may certify: `example.org` or `.example.org`." + permitted),
	}
}
