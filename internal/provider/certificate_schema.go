package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
				". Defaults to `" + string(pki.DefaultKeyAlgorithm) + "`." +
				csrNote(k, " In CSR mode it must not be set: it reports the CSR's key, with the real size of an RSA key (e.g. `RSA_2560`; RSA keys under 2048 bits and ECDSA curves other than P-256, P-384 and P-521 are refused).") +
				" An imported or moved certificate reports its key the same way, with the real size of an RSA key (e.g. `RSA_2560`), although only the sizes above are generated; " +
				"set it to that value in the configuration" + csrNote(k, " (outside CSR mode)") + ", as the default would replace the certificate.",
			Validators:    []validator.String{stringvalidator.OneOf(pki.KeyAlgorithmStrings()...)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		},
		"private_key_passphrase": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "When set, `private_key_pem_encrypted` holds the key encrypted with it (PKCS#8, PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC), which `openssl pkey -passin` reads. Changing it updates in place." +
				" Import of an encrypted key file sets it to the passphrase in `" + importPassphraseEnv + "`.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), conflictsWithWriteOnly("private_key_passphrase")},
		},
		"private_key_passphrase_wo": writeOnlyString(writeOnlyNote("private_key_passphrase") +
			" `private_key_pem_encrypted` is encrypted with it at creation; set `private_key_passphrase_wo_version` and change it with the passphrase to re-encrypt in place."),
		"private_key_passphrase_wo_version": writeOnlyVersion("private_key_passphrase",
			"A number to change whenever `private_key_passphrase_wo` changes: Terraform cannot see a write-only value change, so changing this re-encrypts `private_key_pem_encrypted` in place.", false),
		"subject": subjectAttribute(k),
		"validity_period_hours": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: fmt.Sprintf("How long the certificate is valid, in hours from creation. Defaults to %d (%s). Changing it replaces the certificate.", k.defaultValidityHours, humanHours(k.defaultValidityHours)) +
				signedNote(k, " Must end before the issuing CA expires: a longer period is an error at plan time, not silently shortened. "+
					"When the renewal of this certificate (at `not_after` less `early_renewal_hours`) would come too late for a new one of this period to end before the CA does, a warning gives the date from which reissuing fails. "+
					"Give CAs a validity well above their certificates' (a root of 10 years over leaves of 1), set `early_renewal_hours`, and renew or rotate each CA before that date.") +
				" Import and moved blocks read it from `not_after` minus `not_before`, in whole hours (see `backdate_minutes`); " +
				"on an imported or moved certificate a value that, with `backdate_minutes`, adds up to the certificate's lifetime only updates the state.",
			Default:       int64default.StaticInt64(k.defaultValidityHours),
			Validators:    []validator.Int64{int64validator.Between(1, maxHours)},
			PlanModifiers: []planmodifier.Int64{validityMatchesImportedLifetime{}},
		},
		"early_renewal_hours": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: "When fewer than this many hours of validity remain, `ready_for_renewal` becomes true on refresh and the next plan replaces the certificate. Defaults to 0 (replace only once expired). Changing it updates in place." +
				" A certificate does not record it, so import sets 0 (a moved block takes hashicorp/tls's value); another value in the configuration is then written to the state in place.",
			Default:    int64default.StaticInt64(0),
			Validators: []validator.Int64{int64validator.Between(0, maxHours)},
		},
		"backdate_minutes": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: fmt.Sprintf("How far `not_before` lies before the creation time, so that peers with slow clocks accept the certificate at once. Defaults to %d. Must be less than the validity period (`validity_period_hours` × 60). Changing it replaces the certificate.", defaultBackdateMinutes) +
				" A certificate does not record when it was made, so import cannot know its backdate: it takes the minutes beyond whole hours of the certificate's lifetime " +
				"(5 for a certificate this provider made with the default, 0 for one made with `openssl req -days`, `openssl x509 -req -days` or hashicorp/tls). On an imported or moved certificate this attribute therefore never replaces it: " +
				"unset, it keeps the imported value; set, a different value only updates the state.",
			Default:       int64default.StaticInt64(defaultBackdateMinutes),
			Validators:    []validator.Int64{int64validator.Between(0, 24*60)},
			PlanModifiers: []planmodifier.Int64{backdateIgnoredAfterImport{}},
		},
		"cert_pem":                  computedString("The certificate, PEM-encoded.", false),
		"private_key_pem":           computedString("The private key in PKCS#8 PEM (`BEGIN PRIVATE KEY`)."+csrNote(k, " Empty in CSR mode: the key never enters state."), true),
		"private_key_pem_pkcs1":     computedString("For RSA keys, the private key in PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), for software that wants the traditional form; empty otherwise.", true),
		"private_key_pem_sec1":      computedString("For ECDSA keys, the private key in SEC 1 PEM (`BEGIN EC PRIVATE KEY`), for software that wants the traditional form; empty otherwise.", true),
		"private_key_pem_encrypted": computedString("The private key as encrypted PKCS#8 PEM (`BEGIN ENCRYPTED PRIVATE KEY`) when `private_key_passphrase` or `private_key_passphrase_wo` is set; empty otherwise.", true),
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
		addAll(attrs, issuerAttributes())
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

func stringList(desc string) schema.ListAttribute {
	return schema.ListAttribute{
		ElementType: types.StringType, Optional: true, MarkdownDescription: desc,
		Validators:    []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
		PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
	}
}

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

func issuerAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"ca_cert_pem": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The issuing CA certificate in PEM, optionally followed by the rest of its chain (issuer first, root last). " +
				"An intermediate's `chain_pem` or `ca_chain_pem` can be passed as is, and so can a CA certificate read from a file made by OpenSSL. Replacing the CA replaces this certificate.",
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: []planmodifier.String{caCertReplaces{}},
		},
		"ca_private_key_pem": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "The issuing CA's private key in PEM (PKCS#8, PKCS#1 or SEC 1; encrypted keys need `ca_private_key_passphrase`). It must match the first certificate of `ca_cert_pem`. " +
				"Passing the same key in another form (re-encrypted, or another PEM encoding) updates in place: the certificate stays valid. " +
				"It is kept in this resource's state: set `ca_private_key_pem_wo` instead to keep it out. Exactly one of the two is required.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), exactlyOneOfWriteOnly("ca_private_key_pem")},
		},
		"ca_private_key_pem_wo":         writeOnlyString(caKeyWriteOnlyNote),
		"ca_private_key_pem_wo_version": caKeyVersionAttribute(),
		"ca_private_key_passphrase": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "Passphrase of an encrypted `ca_private_key_pem` (or `ca_private_key_pem_wo`). Changing it updates in place.",
			Validators:          []validator.String{conflictsWithWriteOnly("ca_private_key_passphrase")},
		},
		"ca_private_key_passphrase_wo": writeOnlyString(writeOnlyNote("ca_private_key_passphrase")),
		"crl_distribution_points":      stringList("URLs of the issuer's CRL, stamped on this certificate as CRL distribution points: `http`, `https` or `ldap` URLs with a host, at least one of them `http` or `ldap` (RFC 5280), each once and written as the certificate will carry it. Serve the issuer's `mtls_crl` there in DER (`crl_der_base64`, decoded) over HTTP; see `mtls_crl` for the pattern."),
		"issuing_certificate_urls":     stringList("URLs of the issuer's certificate, stamped on this certificate as Authority Information Access caIssuers; the same rules as `crl_distribution_points`."),
		"ca_chain_pem": computedString("The issuing chain above this certificate as supplied in `ca_cert_pem`: the issuing CA first, the root last when it was supplied. "+
			"This is the bundle peers verify this certificate against.", false),
		"root_cert_pem": computedString("The self-signed root at the end of the issuing chain, when `ca_cert_pem` includes it; empty otherwise.", false),
	}
}

// What the CA key's write-only form and its version say, on every resource
// that signs with a CA key.
const (
	caKeyWriteOnlyNote = "Write-only form of `ca_private_key_pem` (Terraform 1.11 or later, OpenTofu 1.11 or later): the CA key signs, and is checked against `ca_cert_pem` at plan, " +
		"but is never stored in this resource's plan or state, so it may come from an ephemeral resource or an ephemeral variable. Exactly one of `ca_private_key_pem` and `ca_private_key_pem_wo` is required. " +
		"Terraform cannot see a write-only value change: change `ca_private_key_pem_wo_version` whenever the CA key changes."
	caKeyVersionNote = "A number to change whenever the key in `ca_private_key_pem_wo` changes (a rotated CA): Terraform cannot see a write-only value change, only this."
)

func caKeyVersionAttribute() schema.Int64Attribute {
	a := writeOnlyVersion("ca_private_key_pem", caKeyVersionNote+" Changing it replaces the certificate, except that a first version set together with the move from `ca_private_key_pem` to `ca_private_key_pem_wo` updates in place.", false)
	a.PlanModifiers = []planmodifier.Int64{caKeyVersionReplaces}
	return a
}

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
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown(), listplanmodifier.RequiresReplace()},
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

// validityMatchesImportedLifetime replaces the certificate when
// validity_period_hours changes, except on an imported or moved certificate
// that already lasts what the config asks for: import splits the
// lifetime into hours and minutes one way, and a config that made the same
// lifetime with a backdate of an hour or more only updates the state.
type validityMatchesImportedLifetime struct{}

func (validityMatchesImportedLifetime) Description(context.Context) string {
	return "Changing the value replaces the certificate, unless an imported certificate already lasts validity_period_hours plus backdate_minutes."
}

func (m validityMatchesImportedLifetime) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (validityMatchesImportedLifetime) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	resp.RequiresReplace = !isImported(ctx, req.Private) || !lifetimeMatches(ctx, req.Config, req.State, req.PlanValue)
}

// lifetimeMatches tells whether the certificate in state lasts hours plus
// the backdate that will be planned (backdateIgnoredAfterImport), to the
// minute.
func lifetimeMatches(ctx context.Context, config tfsdk.Config, state tfsdk.State, hours types.Int64) bool {
	var backdate, stateBackdate types.Int64
	var notBefore, notAfter types.String
	var diags diag.Diagnostics
	diags.Append(config.GetAttribute(ctx, path.Root("backdate_minutes"), &backdate)...)
	diags.Append(state.GetAttribute(ctx, path.Root("backdate_minutes"), &stateBackdate)...)
	diags.Append(state.GetAttribute(ctx, path.Root("not_before"), &notBefore)...)
	diags.Append(state.GetAttribute(ctx, path.Root("not_after"), &notAfter)...)
	if backdate.IsNull() {
		backdate = stateBackdate
	}
	if diags.HasError() || !known(hours, backdate) {
		return false
	}
	nb, err1 := time.Parse(time.RFC3339, notBefore.ValueString())
	na, err2 := time.Parse(time.RFC3339, notAfter.ValueString())
	want := time.Duration(hours.ValueInt64())*time.Hour + time.Duration(backdate.ValueInt64())*time.Minute
	return err1 == nil && err2 == nil && na.Sub(nb).Truncate(time.Minute) == want
}

// backdateIgnoredAfterImport replaces the certificate when backdate_minutes
// changes, except on an imported or moved certificate: a certificate does
// not record when it was made, so import cannot know how far it was
// backdated. There the value never replaces it; unset in config, it keeps the
// imported value.
type backdateIgnoredAfterImport struct{}

func (backdateIgnoredAfterImport) Description(context.Context) string {
	return "Changing the value replaces the certificate, except on an imported certificate, whose backdate is not knowable."
}

func (m backdateIgnoredAfterImport) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (backdateIgnoredAfterImport) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	if isImported(ctx, req.Private) {
		if req.ConfigValue.IsNull() {
			resp.PlanValue = req.StateValue
		}
		return
	}
	resp.RequiresReplace = !req.PlanValue.Equal(req.StateValue)
}

// subjectEmptyIsUnset replaces the certificate when the subject changes, but
// treats a subject with no field set as no subject: both issue the same
// certificate. An unset subject (leaves only, where it is Computed) keeps an
// empty subject from state and is planned as the empty object otherwise, so
// that switching between the two is no change at all.
type subjectEmptyIsUnset struct{}

func (subjectEmptyIsUnset) Description(context.Context) string {
	return "Changing the subject replaces the certificate; an empty subject is the same as none."
}

func (m subjectEmptyIsUnset) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (subjectEmptyIsUnset) PlanModifyObject(ctx context.Context, req planmodifier.ObjectRequest, resp *planmodifier.ObjectResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if req.ConfigValue.IsNull() {
		if !req.State.Raw.IsNull() && subjectEmpty(req.StateValue) {
			resp.PlanValue = req.StateValue
			return
		}
		resp.PlanValue = subjectObject(pki.Subject{})
	}
	if req.State.Raw.IsNull() || resp.PlanValue.Equal(req.StateValue) || subjectEmpty(resp.PlanValue) && subjectEmpty(req.StateValue) {
		return
	}
	resp.RequiresReplace = true
}

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
