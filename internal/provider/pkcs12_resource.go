package provider

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/keystore"
	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
)

type pkcs12Model struct {
	storeSettings
	ID                   types.String `tfsdk:"id"`
	CertPEM              types.String `tfsdk:"cert_pem"`
	PrivateKeyPEM        types.String `tfsdk:"private_key_pem"`
	PrivateKeyPassphrase types.String `tfsdk:"private_key_passphrase"`
	CACertsPEM           types.String `tfsdk:"ca_certs_pem"`
	IncludeRoot          types.Bool   `tfsdk:"include_root"`
	FriendlyName         types.String `tfsdk:"friendly_name"`
	PKCS12Base64         types.String `tfsdk:"pkcs12_base64"`
	PKCS12SHA256         types.String `tfsdk:"pkcs12_sha256"`

	// Write-only: null in plan and state; read from config.
	PrivateKeyPassphraseWO types.String `tfsdk:"private_key_passphrase_wo"`
}

// identity is a parsed key with its certificate path.
type identity struct {
	key   crypto.Signer
	leaf  *x509.Certificate
	chain []*x509.Certificate
}

type pkcs12Resource struct {
	storeResource
}

var (
	_ resource.ResourceWithModifyPlan       = &pkcs12Resource{}
	_ resource.ResourceWithValidateConfig   = &pkcs12Resource{}
	_ resource.ResourceWithConfigValidators = &pkcs12Resource{}
)

func NewPKCS12Resource() resource.Resource {
	return &pkcs12Resource{storeResource{newModel: func() storeModel { return &pkcs12Model{} }}}
}

func (r *pkcs12Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pkcs12"
}

func (r *pkcs12Resource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	attrs := map[string]schema.Attribute{
		"cert_pem": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The certificate in PEM, optionally followed by its chain (issuer first): a `fullchain_pem` or `cert_pem` of `mtls_client_cert` or `mtls_server_cert`, or a PEM file made elsewhere. " +
				"The first certificate is the one `private_key_pem` belongs to.",
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: replace,
		},
		"private_key_pem": schema.StringAttribute{
			Required: true, Sensitive: true,
			MarkdownDescription: "The private key of the first certificate of `cert_pem`, in PEM: PKCS#8, PKCS#1 or SEC 1, or encrypted (PKCS#8 or OpenSSL's legacy PEM encryption) together with `private_key_passphrase`. " +
				"A key that does not match the certificate is an error at plan time.",
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: replace,
		},
		"private_key_passphrase": schema.StringAttribute{
			Optional: true, Sensitive: true,
			MarkdownDescription: "Passphrase of an encrypted `private_key_pem`. It only decrypts the input; the archive is protected with `password`.",
			Validators:          []validator.String{conflictsWithWriteOnly("private_key_passphrase")},
			PlanModifiers:       replace,
		},
		"private_key_passphrase_wo": writeOnlyString(writeOnlyNote("private_key_passphrase") +
			" It only decrypts the input: a key encrypted with another passphrase is another `private_key_pem`, which replaces the archive."),
		"ca_certs_pem": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "More CA certificates in PEM, appended to the chain after those in `cert_pem` (issuer first, root last), for example `mtls_root_ca.root.cert_pem`. " +
				"Together they must be the certificate's issuer chain in order, each certificate signed by the next; certificates that appear twice are written once.",
			PlanModifiers: replace,
		},
		"include_root": schema.BoolAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Whether a self-signed root at the end of the chain is kept. Defaults to `true`: importers such as Windows, browsers and Java can then build and show the whole chain " +
				"(importing a PKCS#12 file does not make its root trusted). Set `false` for consumers that want only the certificates they send, the way servers present their chain.",
			Default:       booldefault.StaticBool(true),
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"friendly_name": schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "Name written on the key and its certificate: Java uses it as the alias (in lower case), NSS and Firefox as the nickname, Windows as the friendly name. " +
				"With `format = \"" + formatJKS + "\"` it is the JKS alias. Defaults to the certificate's subject common name in lower case (else its first DNS name).",
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
		},
	}
	resp.Schema = storeSchema("archive", "A PKCS#12 (`.p12`, `.pfx`) archive, or a Java JKS keystore, holding a private key with its certificate chain: "+
		"for browsers and operating systems (client certificates), Java (`javax.net.ssl.keyStore`), Windows and Azure services that take a PFX.", attrs,
		storeOutputs("pkcs12", "The archive, base64-encoded: PKCS#12, or a JKS keystore with `format = \""+formatJKS+"\"`. "+
			"Marked sensitive: it holds the private key, protected only as well as `password` and `encoding` allow.", true))
}

// ModifyPlan checks the inputs and derives friendly_name when a new archive
// is planned. Terraform plans a replacement as a create from a null state, so
// checking creates covers every new archive; an unchanged one needs nothing.
func (r *pkcs12Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config pkcs12Model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		r.restoreDerivedFriendlyName(ctx, &plan, config, resp)
		return
	}
	plan.warnPasswordless(&resp.Diagnostics)
	if !known(plan.CertPEM, plan.CACertsPEM, plan.IncludeRoot) {
		return
	}
	leaf, chain := plan.certificates(&resp.Diagnostics)
	if leaf == nil {
		return
	}
	if config.FriendlyName.IsNull() {
		plan.FriendlyName = types.StringValue(keystore.DefaultAliases([]*x509.Certificate{leaf})[0])
	}
	passphrase := secretFromConfig(ctx, req.Config, "private_key_passphrase", &resp.Diagnostics)
	password := storePassword(ctx, req.Config, &resp.Diagnostics)
	if known(plan.PrivateKeyPEM, passphrase.value) {
		key := plan.privateKey(leaf, passphrase, &resp.Diagnostics)
		// A trial build at plan runs every check of the encoder, so a plan
		// that succeeds is an apply that succeeds.
		if key != nil && known(password.value, plan.Encoding, plan.Format, plan.FriendlyName) {
			if _, err := plan.build(identity{key, leaf, chain}, password.value.ValueString()); err != nil {
				resp.Diagnostics.AddError("Cannot build the archive", err.Error()+".")
			}
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// restoreDerivedFriendlyName handles friendly_name removed from config: the
// state keeps the old name, which UseStateForUnknown would carry on silently,
// so the derived name comes back and replaces the archive when it differs.
func (r *pkcs12Resource) restoreDerivedFriendlyName(ctx context.Context, plan *pkcs12Model, config pkcs12Model, resp *resource.ModifyPlanResponse) {
	if !config.FriendlyName.IsNull() || !known(plan.CertPEM) {
		return
	}
	certs, err := pki.ParseCertificatesPEM(plan.CertPEM.ValueString())
	if err != nil {
		return // a changed cert_pem replaces anyway, and create reports it
	}
	want := types.StringValue(keystore.DefaultAliases(certs[:1])[0])
	if plan.FriendlyName.Equal(want) {
		return
	}
	plan.FriendlyName = want
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("friendly_name"))
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

func (r *pkcs12Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m pkcs12Model
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.buildArchive(ctx, req.Config, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// buildArchive checks the inputs and builds the archive into pkcs12_base64,
// pkcs12_sha256 and id, deriving friendly_name when it is not yet known.
// config holds the secrets, plain or write-only.
func (m *pkcs12Model) buildArchive(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	leaf, chain := m.certificates(diags)
	if leaf == nil {
		return
	}
	key := m.privateKey(leaf, secretFromConfig(ctx, config, "private_key_passphrase", diags), diags)
	if key == nil {
		return
	}
	// Unknown: the certificate was unknown at plan; null: the ephemeral
	// mtls_pkcs12, which has no plan.
	if m.FriendlyName.IsUnknown() || m.FriendlyName.IsNull() {
		m.FriendlyName = types.StringValue(keystore.DefaultAliases([]*x509.Certificate{leaf})[0])
	}
	password := storePassword(ctx, config, diags)
	if diags.HasError() {
		return
	}
	der, err := m.build(identity{key, leaf, chain}, password.value.ValueString())
	if err != nil {
		diags.AddError("Cannot build the archive", err.Error()+".")
		return
	}
	file := newStoredFile(der)
	m.PKCS12Base64, m.PKCS12SHA256, m.ID = file.base64, file.sha256, file.sha256
}

// warnPasswordless warns of an archive whose key is not protected at all.
func (m *pkcs12Model) warnPasswordless(diags *diag.Diagnostics) {
	if m.Encoding.ValueString() == string(keystore.EncodingPasswordless) && !m.jks() {
		diags.AddAttributeWarning(path.Root("encoding"), "Private key stored without protection",
			"encoding = \"passwordless\" writes the private key in the clear, with no MAC. OpenSSL and Go read such an archive, "+
				"but NSS (Firefox, Chrome on Linux, pk12util) rejects it and Java loads no key from it. "+
				"Use a password with the default encoding unless every consumer is OpenSSL or Go.")
	}
}

// certificates returns the leaf and the chain to store with it: the rest of
// cert_pem, then ca_certs_pem, repeats dropped, the root kept or not. The
// chain must be the leaf's issuer chain in order, as the certificate
// resources demand of ca_cert_pem: consumers send it as it is, and a
// stranger in it would stand where the real issuer belongs.
func (m *pkcs12Model) certificates(diags *diag.Diagnostics) (*x509.Certificate, []*x509.Certificate) {
	certs := parseCertificatesAttr(path.Root("cert_pem"), m.CertPEM.ValueString(), diags)
	if certs == nil {
		return nil, nil
	}
	if err := pki.CheckChainOrder(append(certs[:1:1], withoutRepeats(certs[0], certs[1:])...)); err != nil {
		diags.AddAttributeError(path.Root("cert_pem"), "Certificate chain out of order",
			err.Error()+". cert_pem is the certificate followed by its issuer chain, each certificate signed by the next: pass a fullchain_pem, or the cert_pem alone.")
		return nil, nil
	}
	chain := certs[1:]
	if m.CACertsPEM.ValueString() != "" {
		extra := parseCertificatesAttr(path.Root("ca_certs_pem"), m.CACertsPEM.ValueString(), diags)
		if extra == nil {
			return nil, nil
		}
		chain = append(chain, extra...)
	}
	chain = withoutRepeats(certs[0], chain)
	if err := pki.CheckChainOrder(append(certs[:1:1], chain...)); err != nil {
		diags.AddAttributeError(path.Root("ca_certs_pem"), "Not the certificate's issuer chain",
			err.Error()+" (counting cert_pem first, then ca_certs_pem). ca_certs_pem continues the chain of cert_pem: the issuer of its last certificate first, then each issuer in turn up to the root, "+
				"e.g. a client certificate's ca_chain_pem, or mtls_root_ca.root.cert_pem for a certificate the root issued directly.")
		return nil, nil
	}
	if !m.IncludeRoot.ValueBool() {
		chain = pki.WithoutRoot(chain)
	}
	return certs[0], chain
}

// withoutRepeats drops chain certificates equal to the leaf or to an earlier
// one, so that a root given in both cert_pem and ca_certs_pem ends up last
// once and include_root can find it.
func withoutRepeats(leaf *x509.Certificate, chain []*x509.Certificate) []*x509.Certificate {
	seen := []*x509.Certificate{leaf}
	var out []*x509.Certificate
next:
	for _, c := range chain {
		for _, s := range seen {
			if bytes.Equal(s.Raw, c.Raw) {
				continue next
			}
		}
		seen = append(seen, c)
		out = append(out, c)
	}
	return out
}

// privateKey parses private_key_pem, decrypted with passphrase (plain or
// write-only), and checks it belongs to leaf.
func (m *pkcs12Model) privateKey(leaf *x509.Certificate, passphrase configuredSecret, diags *diag.Diagnostics) crypto.Signer {
	key, err := pki.ParsePrivateKeyPEM(m.PrivateKeyPEM.ValueString(), passphrase.value.ValueString())
	switch {
	case errors.Is(err, pki.ErrEncryptedKey):
		diags.AddAttributeError(path.Root(passphrase.attr), "Missing private key passphrase",
			"private_key_pem is encrypted. Set private_key_passphrase (or private_key_passphrase_wo) to the passphrase it was encrypted with, or pass the key unencrypted.")
		return nil
	case errors.Is(err, pki.ErrWrongPassphrase):
		diags.AddAttributeError(path.Root(passphrase.attr), "Wrong private key passphrase",
			"private_key_pem does not decrypt with "+passphrase.attr+": "+err.Error()+". Give the passphrase private_key_pem was encrypted with.")
		return nil
	case err != nil:
		diags.AddAttributeError(path.Root("private_key_pem"), "Invalid private key", err.Error()+".")
		return nil
	}
	if !pki.PublicKeysEqual(key.Public(), leaf.PublicKey) {
		diags.AddAttributeError(path.Root("private_key_pem"), "Private key does not match the certificate",
			fmt.Sprintf("private_key_pem is not the key of the first certificate in cert_pem (subject %q). "+
				"Pass the key that certificate was issued for, e.g. the private_key_pem of the same mtls_client_cert whose cert_pem you pass.", leaf.Subject))
		return nil
	}
	return key
}

// build encodes the archive with password, plain or write-only (storePassword).
func (m *pkcs12Model) build(id identity, password string) ([]byte, error) {
	if m.jks() {
		return keystore.EncodeJKSKeyStore(id.key, id.leaf, id.chain, password, m.FriendlyName.ValueString())
	}
	return keystore.EncodePKCS12(id.key, id.leaf, id.chain, password, keystore.PKCS12Options{
		Encoding:     keystore.Encoding(m.Encoding.ValueString()),
		FriendlyName: m.FriendlyName.ValueString(),
	})
}
