package provider

import (
	"context"
	"crypto/x509"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

// serverInputsModel holds the inputs that mtls_apache_config and
// mtls_nginx_config share; each data source embeds it next to its outputs.
type serverInputsModel struct {
	clientCAInputs
	ServerName            types.String `tfsdk:"server_name"`
	ServerAliases         []string     `tfsdk:"server_aliases"`
	ListenAddress         types.String `tfsdk:"listen_address"`
	Listen                types.Int64  `tfsdk:"listen"`
	CertificateFile       types.String `tfsdk:"certificate_file"`
	CertificateKeyFile    types.String `tfsdk:"certificate_key_file"`
	VerifyClient          types.String `tfsdk:"verify_client"`
	VerifyDepth           types.Int64  `tfsdk:"verify_depth"`
	Protocols             []string     `tfsdk:"protocols"`
	ForwardClientIdentity types.Bool   `tfsdk:"forward_client_identity"`
	ProxyPass             types.String `tfsdk:"proxy_pass"`
	DocumentRoot          types.String `tfsdk:"document_root"`
	Locations             []string     `tfsdk:"locations"`
}

// serverInput converts the model; ca_chain_pem, when given, is checked and
// counted so that the verification depth fits the chain, and crls_pem is
// checked against it at now.
func (m *serverInputsModel) serverInput(now time.Time, diags *diag.Diagnostics) render.ServerInput {
	in := render.ServerInput{
		ServerName:            m.ServerName.ValueString(),
		ServerAliases:         m.ServerAliases,
		ListenAddress:         m.ListenAddress.ValueString(),
		Listen:                int(m.Listen.ValueInt64()),
		CertificateFile:       m.CertificateFile.ValueString(),
		CertificateKeyFile:    m.CertificateKeyFile.ValueString(),
		CACertificateFile:     m.CACertificateFile.ValueString(),
		CRLFile:               m.CRLFile.ValueString(),
		VerifyClient:          m.VerifyClient.ValueString(),
		VerifyDepth:           int(m.VerifyDepth.ValueInt64()),
		Protocols:             m.Protocols,
		ForwardClientIdentity: m.ForwardClientIdentity.ValueBool(),
		ProxyPass:             m.ProxyPass.ValueString(),
		DocumentRoot:          m.DocumentRoot.ValueString(),
		Locations:             m.Locations,
	}
	in.CAChainDepth = m.checkClientCAChain(now,
		"Apache and nginx verify a client only up to a self-signed root in ca_certificate_file, so that file must hold the roots too; the depth counts one more CA for each missing one.", diags).depth
	return in
}

// clientCAInputs are the client CA inputs of the server configurations:
// each model embeds them, and each schema describes them for its server.
type clientCAInputs struct {
	CACertificateFile types.String `tfsdk:"ca_certificate_file"`
	CRLFile           types.String `tfsdk:"crl_file"`
	CRLsPEM           types.String `tfsdk:"crls_pem"`
	CAChainPEM        types.String `tfsdk:"ca_chain_pem"`
}

// clientCAChain is what checkClientCAChain found in ca_chain_pem.
type clientCAChain struct {
	cas    []*x509.Certificate // nil when ca_chain_pem is unset or invalid
	depth  int                 // CA certificates in its longest chain
	rooted bool                // every chain ends in its self-signed root
}

// checkClientCAChain checks ca_chain_pem, when given, and counts its
// longest chain; crls_pem is checked against it at now. unrootedAdvice ends
// the warning about a chain without its root.
func (c clientCAInputs) checkClientCAChain(now time.Time, unrootedAdvice string, diags *diag.Diagnostics) clientCAChain {
	if c.CAChainPEM.IsNull() {
		return clientCAChain{}
	}
	cas, depth, unrooted := inspectClientCABundle(path.Root("ca_chain_pem"), c.CAChainPEM.ValueString(), diags)
	if len(unrooted) > 0 {
		// Only a warning: the servers read ca_certificate_file, which may
		// hold the roots although ca_chain_pem, only counted, does not.
		diags.AddAttributeWarning(path.Root("ca_chain_pem"), "CA chain does not reach a root", unrootedDetail("ca_chain_pem", unrooted)+" "+unrootedAdvice)
	}
	if !c.CRLsPEM.IsNull() && cas != nil {
		inspectCRLs("crls_pem", c.CRLsPEM.ValueString(), cas, now, diags)
	}
	return clientCAChain{cas: cas, depth: depth, rooted: len(unrooted) == 0}
}

// clientCAFileDescription begins each description of ca_certificate_file;
// the consumer adds how it renders the file.
const clientCAFileDescription = "The CA certificates that client certificates must chain to, every chain up to its self-signed root (the content of `ca_chain_pem`)"

// crlBundleDescription is what crl_file holds, for every consumer.
const crlBundleDescription = "PEM file with a current CRL from every CA in the client CA chain (the `crl_pem` of each CA's `mtls_crl`, concatenated)"

// crlFileDescription says how each server checks crl_file.
var crlFileDescription = map[string]string{
	"Apache": "An absolute path to a " + crlBundleDescription + ", " +
		"rendered as `SSLCARevocationFile` with `SSLCARevocationCheck chain`: every certificate of a client's chain is checked against its issuer's CRL, " +
		"and a client is refused when one of those CRLs is missing or expired. That fails closed, which is what revocation is for; " +
		"`leaf` would miss a revoked intermediate and `no_crl_for_cert_ok` would let clients in whenever their CA's CRL is missing, so neither is offered.",
	"HAProxy": "An absolute path to a " + crlBundleDescription + ", rendered as `crl-file` on the bind line. " +
		"HAProxy checks every certificate of a client's chain against its issuer's CRL and refuses the client when one of those CRLs is missing or expired, " +
		"so the file must hold one CRL per CA, the root's included.",
	"nginx": "An absolute path to a " + crlBundleDescription + ", rendered as `ssl_crl`. " +
		"nginx always checks every certificate of a client's chain against its issuer's CRL and refuses the client when one of those CRLs is missing or expired, " +
		"so the file must hold one CRL per CA, the root's included.",
	"PostgreSQL": "An absolute path to a " + crlBundleDescription + ", rendered as `ssl_crl_file`. " +
		"PostgreSQL checks every certificate of a client's chain against its issuer's CRL and refuses the client when one of those CRLs is missing or expired, " +
		"so the file must hold one CRL per CA, the root's included.",
}

// optionalString and requiredString are the non-empty string attributes of
// the configuration data sources: an empty value would render a broken line.
func optionalString(desc string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: append([]validator.String{stringvalidator.LengthAtLeast(1)}, v...)}
}

func requiredString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
}

// crlsPEMAttribute is crls_pem; consequence, after "none expired or not yet
// valid", says what the server would do with a missing or expired CRL,
// where the consumer's description says it.
func crlsPEMAttribute(consequence string) schema.StringAttribute {
	return optionalString("The CRLs written to `crl_file`, e.g. `\"${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}\"`. Only read to check them against `ca_chain_pem`: "+
		"a CRL signed by every CA there, none expired or not yet valid"+consequence+". Needs `crl_file` and `ca_chain_pem`.",
		stringvalidator.AlsoRequires(path.MatchRoot("crl_file"), path.MatchRoot("ca_chain_pem")))
}

// refusesWithoutCRL is the consequence crls_pem states for a server that
// checks the whole chain against its CRLs.
func refusesWithoutCRL(serverKind string) string {
	return ", since " + serverKind + " would refuse every client of a CA whose CRL is missing or expired"
}

// serverInputAttributes is the input half of the Apache and nginx schemas;
// mtls_haproxy_config and mtls_postgresql_config take from it the
// attributes that say the same for them.
func serverInputAttributes(serverKind string) map[string]schema.Attribute {
	requiredPath := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, MarkdownDescription: desc + " An absolute path on the " + serverKind + " host."}
	}
	optionalList := func(desc string, v ...validator.String) schema.ListAttribute {
		return schema.ListAttribute{
			ElementType: types.StringType, Optional: true, MarkdownDescription: desc,
			Validators: []validator.List{listvalidator.NoNullValues(), listvalidator.ValueStringsAre(v...)},
		}
	}
	verifyModes := []string{render.VerifyClientRequire, render.VerifyClientOptional, render.VerifyClientOptionalNoCA}
	protocols := []string{render.TLSv12, render.TLSv13}
	return map[string]schema.Attribute{
		"server_name": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The host name clients connect to, e.g. `api.example.com`.",
		},
		"server_aliases": optionalList("Further host names of the server; `*.example.com` wildcards are allowed."),
		"listen_address": optionalString("Local IPv4 or IPv6 address to listen on, e.g. `127.0.0.1`. Unset listens on all addresses."),
		"listen": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: "TCP port to listen on. Defaults to 443.",
			Validators:          []validator.Int64{int64validator.Between(1, 65535)},
		},
		"certificate_file":     requiredPath("The server certificate followed by its intermediate CAs (a server certificate's `fullchain_pem`)."),
		"certificate_key_file": requiredPath("The server certificate's private key."),
		"ca_certificate_file":  requiredPath(clientCAFileDescription + "."),
		"crl_file":             optionalString(crlFileDescription[serverKind] + " " + serverKind + " reads it at start and reload only: reload after each new CRL. Unset disables revocation checking."),
		"crls_pem":             crlsPEMAttribute(refusesWithoutCRL(serverKind)),
		"verify_client": optionalString("How client certificates are checked: "+mdList(verifyModes)+". "+
			"`require` (the default) refuses clients without a valid certificate; `optional` lets them in and protects only `locations`; "+
			"`optional_no_ca` accepts certificates from any issuer without verifying them.", stringvalidator.OneOf(verifyModes...)),
		"verify_depth": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "How many CA certificates may sit above a client certificate. Unset derives it from `ca_chain_pem` (the number of CA certificates in its longest chain), " +
				"or 1 without it. When both are set it must be at least that number, or clients issued by an intermediate CA are refused.",
			Validators: []validator.Int64{int64validator.AtLeast(1)},
		},
		"ca_chain_pem": optionalString("The client CA certificates in PEM, as written to `ca_certificate_file`: the CA that issues client certificates and the CAs above it, " +
			"e.g. a client certificate's `ca_chain_pem`, or several such chains side by side, in any order, e.g. the old and the new root during a CA rotation. " +
			"Only read to check that it holds CA certificates and to derive the verification depth from its longest chain; a chain that does not end in its root is a warning, " +
			"because Apache and nginx need the root in `ca_certificate_file`, which the provider does not read."),
		"protocols": optionalList("TLS versions to offer: "+mdList(protocols)+". Defaults to both.", stringvalidator.OneOf(protocols...)),
		"forward_client_identity": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Pass the verified client identity to the backend in `X-SSL-Client-Verify`, `X-SSL-Client-S-DN`, `X-SSL-Client-I-DN`, " +
				"`X-SSL-Client-Serial` and `X-SSL-Client-Cert` (URL-escaped PEM) request headers. Headers of these names sent by clients are dropped, " +
				"in any letter case and also spelt with `_` for `-` (`X_SSL_Client_S_DN`), which PHP, WSGI, Rack and other backends read as the same header. " +
				"Details other than `X-SSL-Client-Verify` are sent only for a verified certificate. " +
				"Client-sent `X-Original-URL` and `X-Rewrite-URL`, in the same spellings, are dropped too, here and whenever `locations` is set: " +
				"Symfony, Zend and IIS would serve the path they name in place of the one the server checked.",
		},
		"proxy_pass": optionalString("Backend to forward requests to: `http://` or `https://` host and optional port, no path. Excludes `document_root`.",
			stringvalidator.ConflictsWith(path.MatchRoot("document_root"))),
		"document_root": optionalString("Absolute path of a directory to serve files from. Excludes `proxy_pass`."),
		"locations": optionalList("URL path prefixes, e.g. `/admin`, that need a verified client certificate when `verify_client` is `optional`. " +
			"Each is a plain prefix of the decoded, normalised request path, compared without regard to letter case: `/admin` covers `/admin`, `/admin/x`, `/admin.html`, " +
			"`/administrator`, `/ADMIN` and `/%61dmin`, also with `;parameters` (`/admin;x/secret`, which Tomcat serves as `/admin/secret`) and empty segments anywhere before it; " +
			"end a location with `/` to cover only what lies below it. Whenever a location is listed, paths that backends may resolve differently from the server " +
			"(a backslash, or a `.;` or `..;` segment) need a certificate too, and client-sent `X-Original-URL` and `X-Rewrite-URL` headers are dropped (see `forward_client_identity`). Both servers get the same regular expressions; in nginx, keep them before regular expression locations of your own."),
	}
}

// serverFlavor is what differs between mtls_apache_config and
// mtls_nginx_config: the name, the block attribute and the renderer.
type serverFlavor struct {
	typeName   string
	serverKind string // names the server in descriptions
	summary    string
	// blockAttribute holds the complete configuration block; "directives"
	// holds the lines to paste into an existing one.
	blockAttribute        string
	blockDescription      string
	directivesDescription string
	// extraAttributes are inputs of this flavor alone.
	extraAttributes map[string]schema.Attribute
	// newModel returns an empty model of the data source, a pointer to its struct.
	newModel func() serverConfigModel
}

// serverConfigModel is implemented by the pointer to each flavor's model.
type serverConfigModel interface {
	inputs() *serverInputsModel
	// render renders in with the flavor's own inputs from the model.
	render(in render.ServerInput) (block, directives string, warnings []render.Warning, err error)
	setRendered(block, directives string)
}

// serverConfigDataSource renders a server configuration; its flavor decides
// which server.
type serverConfigDataSource struct {
	clocked
	flavor serverFlavor
}

func (d *serverConfigDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	d.configureClock(req.ProviderData)
}

func (d *serverConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.flavor.typeName
}

func (d *serverConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := serverInputAttributes(d.flavor.serverKind)
	for name, attr := range d.flavor.extraAttributes {
		attrs[name] = attr
	}
	attrs[d.flavor.blockAttribute] = schema.StringAttribute{Computed: true, MarkdownDescription: d.flavor.blockDescription}
	attrs["directives"] = schema.StringAttribute{Computed: true, MarkdownDescription: d.flavor.directivesDescription}
	resp.Schema = schema.Schema{MarkdownDescription: d.flavor.summary, Attributes: attrs}
}

func (d *serverConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m := d.flavor.newModel()
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := m.inputs().serverInput(d.clock(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	block, directives, warnings, err := m.render(in)
	if addRenderDiagnostics(&resp.Diagnostics, warnings, err); resp.Diagnostics.HasError() {
		return
	}
	m.setRendered(block, directives)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
