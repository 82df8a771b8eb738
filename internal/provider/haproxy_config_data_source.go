package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

type haproxyConfigModel struct {
	clientCAInputs
	ListenAddress         types.String `tfsdk:"listen_address"`
	Listen                types.Int64  `tfsdk:"listen"`
	CertificateFile       types.String `tfsdk:"certificate_file"`
	VerifyClient          types.String `tfsdk:"verify_client"`
	ForwardClientIdentity types.Bool   `tfsdk:"forward_client_identity"`
	ProxyPass             types.String `tfsdk:"proxy_pass"`
	Mode                  types.String `tfsdk:"mode"`
	Sections              types.String `tfsdk:"sections"`
	BindLine              types.String `tfsdk:"bind_line"`
}

// haproxyConfigDataSource renders an HAProxy frontend and backend; it takes
// the Apache and nginx inputs that HAProxy has a use for.
type haproxyConfigDataSource struct {
	clocked
}

func NewHAProxyConfigDataSource() datasource.DataSource { return &haproxyConfigDataSource{} }

func (d *haproxyConfigDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	d.configureClock(req.ProviderData)
}

func (d *haproxyConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_haproxy_config"
}

func (d *haproxyConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	shared := serverInputAttributes("HAProxy")
	attrs := map[string]schema.Attribute{}
	for _, name := range []string{"listen", "ca_certificate_file", "crl_file", "crls_pem"} {
		attrs[name] = shared[name]
	}
	verifyModes := []string{render.VerifyClientRequire, render.VerifyClientOptional}
	modes := []string{render.HAProxyModeHTTP, render.HAProxyModeTCP}
	attrs["listen_address"] = optionalString("Local IPv4 or IPv6 address to listen on, e.g. `127.0.0.1`. Unset listens on all IPv4 addresses, as HAProxy's `bind :port` does.")
	attrs["certificate_file"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "HAProxy's `crt`: one PEM file with the server certificate, its intermediate CAs and its private key, e.g. written by a `local_sensitive_file` " +
			"with `\"${mtls_server_cert.web.fullchain_pem}${mtls_server_cert.web.private_key_pem}\"` as its content. An absolute path on the HAProxy host.",
	}
	attrs["ca_chain_pem"] = optionalString("The client CA certificates in PEM, as written to `ca_certificate_file`, e.g. a client certificate's `ca_chain_pem`, " +
		"or several such chains side by side. Only read to check that it holds CA certificates, and `crls_pem` against it; HAProxy sets no verification depth " +
		"(OpenSSL allows 100 CAs), so none is derived. A chain that does not end in its root is a warning, because HAProxy needs the root in `ca_certificate_file`.")
	attrs["verify_client"] = optionalString("How client certificates are checked: "+mdList(verifyModes)+". `require` (the default) refuses clients without a valid certificate "+
		"during the handshake (`verify required`); `optional` lets clients without a certificate in and still refuses invalid ones (`verify optional`): "+
		"the backend tells them apart by `X-SSL-Client-Verify`, so it needs `forward_client_identity`. Only `require` in `tcp` mode.", stringvalidator.OneOf(verifyModes...))
	attrs["forward_client_identity"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Pass the verified client identity to the backend in `X-SSL-Client-Verify` (`SUCCESS`, or `NONE` without a certificate), `X-SSL-Client-S-DN` and `X-SSL-Client-I-DN` (RFC 2253), " +
			"`X-SSL-Client-Serial` (hex), `X-SSL-Client-Fingerprint` (SHA-256 in lowercase hex, as the resources' `fingerprint_sha256`) and `X-SSL-Client-Cert` " +
			"(URL-escaped PEM, the base64 on one line) request headers, as `mtls_apache_config` and `mtls_nginx_config` do; details other than `X-SSL-Client-Verify` only for a verified certificate. " +
			"Headers of these names sent by clients are removed, in any letter case and also spelt with `_` for `-` (`X_SSL_Client_S_DN`), which PHP, WSGI, Rack and other backends read as the same header, " +
			"and so are `X-Original-URL` and `X-Rewrite-URL`, which Symfony, Zend and IIS would serve in place of the request's path. " +
			"Only in `http` mode.",
	}
	attrs["proxy_pass"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "The backend: in `http` mode an `http://` or `https://` host and optional port, no path (an `https` backend is verified against the system's CAs and, for a host name, its name); " +
			"in `tcp` mode `tcp://host:port`. Host names are resolved when HAProxy starts.",
	}
	attrs["mode"] = optionalString("`http` (the default) proxies HTTP requests; `tcp` passes the decrypted connection as it is to a non-HTTP service, e.g. a database, "+
		"with `verify_client = \"require\"` and no identity headers.", stringvalidator.OneOf(modes...))
	attrs["sections"] = schema.StringAttribute{Computed: true, MarkdownDescription: "A `frontend` and its `backend`, named `mtls_<listen>` and `mtls_<listen>_backend`, " +
		"to follow the `global` and `defaults` sections of `haproxy.cfg` (which set the timeouts)."}
	attrs["bind_line"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The frontend's `bind` line alone (TLS, certificate and client verification), to paste into a frontend of your own; " +
		"without the identity headers of `sections`."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders an HAProxy 2.6+ `frontend` that terminates TLS, requires client certificates and forwards to a `backend`. " +
			"Nothing is written to disk: put `sections` into `haproxy.cfg` after your `global` and `defaults` sections, next to the certificate files it names.",
		Attributes: attrs,
	}
}

func (d *haproxyConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m haproxyConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.checkClientCAChain(d.clock(),
		"HAProxy verifies a client only up to a self-signed root in ca_certificate_file, so that file must hold the roots too.", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, warnings, err := render.RenderHAProxy(render.HAProxyInput{
		ListenAddress:         m.ListenAddress.ValueString(),
		Listen:                int(m.Listen.ValueInt64()),
		CertificateFile:       m.CertificateFile.ValueString(),
		CACertificateFile:     m.CACertificateFile.ValueString(),
		CRLFile:               m.CRLFile.ValueString(),
		VerifyClient:          m.VerifyClient.ValueString(),
		ForwardClientIdentity: m.ForwardClientIdentity.ValueBool(),
		ProxyPass:             m.ProxyPass.ValueString(),
		Mode:                  m.Mode.ValueString(),
	})
	if addRenderDiagnostics(&resp.Diagnostics, warnings, err); resp.Diagnostics.HasError() {
		return
	}
	m.Sections, m.BindLine = types.StringValue(out.Sections), types.StringValue(out.BindLine)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
