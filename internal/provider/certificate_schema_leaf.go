package provider

// The attributes of the leaf certificates (mtls_server_cert,
// mtls_client_cert): their names, extended key usages and CSR mode.

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

func leafAttributes(k certKind) map[string]schema.Attribute {
	names := map[string]schema.Attribute{
		"dns_names":       stringList("DNS subject alternative names, e.g. `api.example.com` or `*.example.com`: letters, digits and hyphens, an internationalized name in its punycode form (`xn--`). Each name once; names differing only in case are the same name." + serverNote(k)),
		"ip_addresses":    stringList("IP address subject alternative names, IPv4 or IPv6, each once and in the form the certificate gives back (`10.0.0.1`, not `::ffff:10.0.0.1`; `2001:db8::1`, not `2001:DB8:0::1`)." + serverNote(k)),
		"uris":            stringList("URI subject alternative names, e.g. SPIFFE IDs such as `spiffe://example.org/ns/default/sa/web`: absolute, ASCII, each once, and written exactly as the certificate will carry it (e.g. `%20`, not a space)."),
		"email_addresses": stringList("Email (rfc822Name) subject alternative names: plain ASCII addresses `local@domain`, each once. Internationalized local parts (SmtpUTF8Mailbox) are not supported; write an internationalized domain in its punycode form."),
		"extended_key_usages": schema.ListAttribute{
			ElementType: types.StringType, Optional: true, Computed: true,
			MarkdownDescription: "Extended key usages: " + mdList(pki.ExtKeyUsageNames()) + ", or a dotted OID for any other usage (a named usage is written by its name, not its OID). Defaults to `[\"" + pki.DefaultExtKeyUsages(k.profile)[0] + "\"]`. " +
				"Use `[\"server_auth\", \"client_auth\"]` for a peer certificate that serves and connects (cluster nodes). Each usage must be allowed by every CA of the issuing chain that limits extended key usages.",
			Validators:    []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(), listvalidator.NoNullValues()},
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown(), extendedKeyUsagesDefaultRestored{profile: k.profile}, listplanmodifier.RequiresReplace()},
		},
		"csr_pem": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A PKCS#10 certificate signing request in PEM. When set, no key is generated and none enters state: the certificate certifies the CSR's public key. " +
				"The CSR's signature is verified. Taken from the CSR: the public key; the subject when `subject` is unset (one value of each attribute `subject` supports; others, such as the deprecated emailAddress, and further values are dropped with a warning at plan: put addresses in `email_addresses`); the SANs when none of `dns_names`, `ip_addresses`, `uris`, `email_addresses` is set. What is taken is checked like the resource's own arguments, with errors on `csr_pem`. " +
				"Never taken from the CSR: key usage, extended key usage, basic constraints and any other requested extension; the profile decides those.",
			Validators: []validator.String{
				stringvalidator.ConflictsWith(path.MatchRoot("key_algorithm"), path.MatchRoot("private_key_passphrase"), path.MatchRoot("private_key_passphrase_wo")),
			},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"fullchain_pem": computedString("This certificate followed by the intermediate CAs above it, without the root: what a server or client presents (nginx `ssl_certificate`, Apache `SSLCertificateFile`).", false),
	}
	return names
}

func csrNote(k certKind, s string) string {
	if k.leaf() {
		return s
	}
	return ""
}

func serverNote(k certKind) string {
	switch k.profile {
	case pki.ProfileServer:
		return " A server certificate needs at least one DNS name or IP address."
	case pki.ProfileClient:
		return " A peer certificate (`server_auth` in `extended_key_usages`) is a server certificate too and needs at least one DNS name or IP address."
	}
	return ""
}

// extendedKeyUsagesDefaultRestored plans the profile's default extended key
// usages again when extended_key_usages is removed from the configuration of
// an existing certificate, so that a removed usage really goes: the
// RequiresReplace after it replaces the certificate.
type extendedKeyUsagesDefaultRestored struct{ profile pki.Profile }
