package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

type apacheConfigModel struct {
	serverInputsModel
	RenderListen types.Bool   `tfsdk:"render_listen"`
	VirtualHost  types.String `tfsdk:"virtual_host"`
	Directives   types.String `tfsdk:"directives"`
}

func (m *apacheConfigModel) inputs() *serverInputsModel { return &m.serverInputsModel }

func (m *apacheConfigModel) render(in render.ServerInput) (string, string, []render.Warning, error) {
	out, warnings, err := render.RenderApache(render.ApacheInput{ServerInput: in, RenderListen: m.RenderListen.ValueBool()})
	return out.VirtualHost, out.Directives, warnings, err
}

func (m *apacheConfigModel) setRendered(block, directives string) {
	m.VirtualHost, m.Directives = types.StringValue(block), types.StringValue(directives)
}

var apacheFlavor = serverFlavor{
	typeName:   "apache_config",
	newModel:   func() serverConfigModel { return &apacheConfigModel{} },
	serverKind: "Apache",
	summary: "Renders an Apache httpd 2.4 mod_ssl virtual host that requires client certificates. " +
		"Nothing is written to disk: put `virtual_host` into a file under the Apache configuration directory, next to the certificate files it names.",
	blockAttribute: "virtual_host",
	blockDescription: "A complete `<VirtualHost>` block, after a `Listen` line when `render_listen` is set. It needs mod_ssl, plus mod_headers when `forward_client_identity` or `locations` is set " +
		"and mod_proxy with mod_proxy_http when `proxy_pass` is set.",
	directivesDescription: "The TLS and client-certificate directives alone, including request headers and location checks, to paste into an existing virtual host.",
	extraAttributes: map[string]schema.Attribute{
		"render_listen": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Put `Listen <listen_address:listen> https` before the virtual host. Apache serves only the ports a `Listen` directive names, " +
				"once in the whole configuration: Debian's `ports.conf` names 443 (with mod_ssl), so a virtual host on another port needs this or a `Listen` line of your own. Defaults to `false`.",
		},
	},
}

func NewApacheConfigDataSource() datasource.DataSource {
	return &serverConfigDataSource{flavor: apacheFlavor}
}
