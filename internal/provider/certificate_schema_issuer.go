package provider

// The attributes of the certificates a CA signs (all but mtls_root_ca): the
// issuing CA, its key, and the chain above the certificate.

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

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

func signedNote(k certKind, s string) string {
	if k.signed() {
		return s
	}
	return ""
}

// caCertReplaces replaces the certificate when its CA changes, but not when
// ca_cert_pem only changes form (the same certificates, encoded otherwise):
// an adopted certificate keeps the CA file's text, which a reference to an
// mtls_root_ca may spell differently. On an adopted certificate, a CA that
// did not issue it is an error rather than a silent reissue.
type caCertReplaces struct{}
