package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

// certKind describes one certificate resource type; the schema, the model
// parts and the issuing path are all derived from it, so that the four
// certificate resources share one implementation.
type certKind struct {
	typeName             string
	profile              pki.Profile
	summary              string
	defaultValidityHours int64
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
				". Defaults to `" + string(pki.DefaultKeyAlgorithm) + "`." + csrNote(k, " In CSR mode it is taken from the CSR and must not be set."),
			Validators:    []validator.String{stringvalidator.OneOf(pki.KeyAlgorithmStrings()...)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		},
		"private_key_passphrase": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "When set, `private_key_pem_encrypted` holds the key encrypted with it (PKCS#8, PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC), which `openssl pkey -passin` reads. Changing it updates in place.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"subject": subjectAttribute(k),
		"validity_period_hours": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: fmt.Sprintf("How long the certificate is valid, in hours from creation. Defaults to %d (%s).", k.defaultValidityHours, humanHours(k.defaultValidityHours)) +
				signedNote(k, " Must end before the issuing CA expires: a longer period is an error at plan time, not silently shortened. "+
					"When the renewal of this certificate (at `not_after` less `early_renewal_hours`) would come too late for a new one of this period to end before the CA does, a warning gives the date from which reissuing fails. "+
					"Give CAs a validity well above their certificates' (a root of 10 years over leaves of 1), set `early_renewal_hours`, and renew or rotate each CA before that date."),
			Default:       int64default.StaticInt64(k.defaultValidityHours),
			Validators:    []validator.Int64{int64validator.Between(1, maxHours)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"early_renewal_hours": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: "When fewer than this many hours of validity remain, `ready_for_renewal` becomes true on refresh and the next plan replaces the certificate. Defaults to 0 (replace only once expired). Changing it updates in place.",
			Default:             int64default.StaticInt64(0),
			Validators:          []validator.Int64{int64validator.Between(0, maxHours)},
		},
		"backdate_minutes": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: fmt.Sprintf("How far `not_before` lies before the creation time, so that peers with slow clocks accept the certificate at once. Defaults to %d.", defaultBackdateMinutes),
			Default:             int64default.StaticInt64(defaultBackdateMinutes),
			Validators:          []validator.Int64{int64validator.Between(0, 24*60)},
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"cert_pem":                  computedString("The certificate, PEM-encoded.", false),
		"private_key_pem":           computedString("The private key in PKCS#8 PEM (`BEGIN PRIVATE KEY`)."+csrNote(k, " Empty in CSR mode: the key never enters state."), true),
		"private_key_pem_pkcs1":     computedString("For RSA keys, the private key in PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), for software that wants the traditional form; empty otherwise.", true),
		"private_key_pem_sec1":      computedString("For ECDSA keys, the private key in SEC 1 PEM (`BEGIN EC PRIVATE KEY`), for software that wants the traditional form; empty otherwise.", true),
		"private_key_pem_encrypted": computedString("The private key as encrypted PKCS#8 PEM (`BEGIN ENCRYPTED PRIVATE KEY`) when `private_key_passphrase` is set; empty otherwise.", true),
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
		addAll(attrs, issuerAttributes(k))
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

func stringList(desc string, v ...validator.String) schema.ListAttribute {
	return schema.ListAttribute{
		ElementType: types.StringType, Optional: true, MarkdownDescription: desc,
		Validators:    []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(append([]validator.String{stringvalidator.LengthAtLeast(1)}, v...)...)},
		PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
	}
}

func subjectAttribute(k certKind) schema.SingleNestedAttribute {
	field := func(desc string, maxLen int) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: []validator.String{stringvalidator.LengthBetween(1, maxLen)}}
	}
	a := schema.SingleNestedAttribute{
		MarkdownDescription: "The subject distinguished name. Each field holds one value.",
		Attributes: map[string]schema.Attribute{
			"common_name":         field("Common name (CN), at most 64 characters. TLS clients match a server's name against the subject alternative names, never this; servers that map client certificates to users often read it (PostgreSQL's role, Apache's `SSL_CLIENT_S_DN_CN`, nginx's `$ssl_client_s_dn`).", pki.MaxCommonNameLength),
			"organization":        field("Organization (O).", 64),
			"organizational_unit": field("Organizational unit (OU).", 64),
			"country":             field("Two-letter country code (C).", 2),
			"province":            field("State or province (ST).", 128),
			"locality":            field("Locality (L).", 128),
			"street_address":      field("Street address.", 128),
			"postal_code":         field("Postal code.", 40),
			"serial_number":       field("The subject's serialNumber attribute (not the certificate serial).", 64),
		},
		PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
	}
	if k.profile.IsCA() {
		a.Required = true
		a.MarkdownDescription += " A CA needs at least `common_name`."
	} else {
		a.Optional = true
		a.MarkdownDescription += csrNote(k, " In CSR mode, when unset, the CSR's subject is used.")
	}
	return a
}

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
		"excluded_dns_domains":      stringList("Name constraint: DNS names this CA may not certify, in the same form as `permitted_dns_domains`." + excluded),
		"permitted_ip_ranges":       stringList("Name constraint: IP ranges (CIDR, e.g. `10.0.0.0/8`) this CA may certify." + permitted),
		"excluded_ip_ranges":        stringList("Name constraint: IP ranges (CIDR) this CA may not certify." + excluded),
		"permitted_email_addresses": stringList("Name constraint: email addresses this CA may certify: a mailbox (`ops@example.com`), a host (`example.com`) or a domain (`.example.com`)." + permitted),
		"permitted_uri_domains":     stringList("Name constraint: hosts of URI names (e.g. SPIFFE trust domains) this CA may certify: `example.org` or `.example.org`." + permitted),
	}
}

func issuerAttributes(k certKind) map[string]schema.Attribute {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return map[string]schema.Attribute{
		"ca_cert_pem": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The issuing CA certificate in PEM, optionally followed by the rest of its chain (issuer first, root last). " +
				"An intermediate's `chain_pem` or `ca_chain_pem` can be passed as is, and so can a CA certificate read from a file made by OpenSSL. Replacing the CA replaces this certificate.",
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: replace,
		},
		"ca_private_key_pem": schema.StringAttribute{
			Required: true, Sensitive: true,
			MarkdownDescription: "The issuing CA's private key in PEM (PKCS#8, PKCS#1 or SEC 1; encrypted keys need `ca_private_key_passphrase`). It must match the first certificate of `ca_cert_pem`. " +
				"Passing the same key in another form (re-encrypted, or another PEM encoding) updates in place: the certificate stays valid.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"ca_private_key_passphrase": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "Passphrase of an encrypted `ca_private_key_pem`. Changing it updates in place.",
		},
		"crl_distribution_points":  stringList("URLs of the issuer's CRL, stamped on this certificate as CRL distribution points. Serve the issuer's `mtls_crl` there in DER (`crl_der_base64`, decoded) over HTTP; see `mtls_crl` for the pattern."),
		"issuing_certificate_urls": stringList("URLs of the issuer's certificate, stamped on this certificate as Authority Information Access caIssuers."),
		"ca_chain_pem": computedString("The issuing chain above this certificate as supplied in `ca_cert_pem`: the issuing CA first, the root last when it was supplied. "+
			"This is the bundle peers verify this certificate against.", false),
		"root_cert_pem": computedString("The self-signed root at the end of the issuing chain, when `ca_cert_pem` includes it; empty otherwise.", false),
	}
}

func leafAttributes(k certKind) map[string]schema.Attribute {
	names := map[string]schema.Attribute{
		"dns_names":       stringList("DNS subject alternative names, e.g. `api.example.com` or `*.example.com`." + serverNote(k)),
		"ip_addresses":    stringList("IP address subject alternative names, IPv4 or IPv6." + serverNote(k)),
		"uris":            stringList("URI subject alternative names, e.g. SPIFFE IDs such as `spiffe://example.org/ns/default/sa/web`."),
		"email_addresses": stringList("Email (rfc822Name) subject alternative names."),
		"extended_key_usages": schema.ListAttribute{
			ElementType: types.StringType, Optional: true, Computed: true,
			MarkdownDescription: "Extended key usages: " + mdList(pki.ExtKeyUsageNames()) + ", or a dotted OID. Defaults to `[\"" + pki.DefaultExtKeyUsages(k.profile)[0] + "\"]`. " +
				"Use `[\"server_auth\", \"client_auth\"]` for a peer certificate that serves and connects (cluster nodes).",
			Validators:    []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(), listvalidator.NoNullValues()},
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown(), listplanmodifier.RequiresReplace()},
		},
		"csr_pem": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A PKCS#10 certificate signing request in PEM. When set, no key is generated and none enters state: the certificate certifies the CSR's public key. " +
				"The CSR's signature is verified. Taken from the CSR: the public key; the subject when `subject` is unset (the attributes `subject` supports; others, such as the deprecated emailAddress, are dropped: put addresses in `email_addresses`); the SANs when none of `dns_names`, `ip_addresses`, `uris`, `email_addresses` is set. " +
				"Never taken from the CSR: key usage, extended key usage, basic constraints and any other requested extension; the profile decides those.",
			Validators: []validator.String{
				stringvalidator.ConflictsWith(path.MatchRoot("key_algorithm"), path.MatchRoot("private_key_passphrase")),
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

func signedNote(k certKind, s string) string {
	if k.signed() {
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
