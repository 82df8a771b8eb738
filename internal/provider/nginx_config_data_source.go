package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

type nginxConfigModel struct {
	serverInputsModel
	ServerBlock types.String `tfsdk:"server_block"`
	Directives  types.String `tfsdk:"directives"`
}

func (m *nginxConfigModel) inputs() *serverInputsModel { return &m.serverInputsModel }

func (m *nginxConfigModel) render(in render.ServerInput) (string, string, []render.Warning, error) {
	out, warnings, err := render.RenderNginx(render.NginxInput{ServerInput: in})
	return out.ServerBlock, out.Directives, warnings, err
}

func (m *nginxConfigModel) setRendered(block, directives string) {
	m.ServerBlock, m.Directives = types.StringValue(block), types.StringValue(directives)
}

var nginxFlavor = serverFlavor{
	typeName:   "nginx_config",
	newModel:   func() serverConfigModel { return &nginxConfigModel{} },
	serverKind: "nginx",
	summary: "Renders an nginx `server` block that requires client certificates. " +
		"Nothing is written to disk: put `server_block` into a file included from the `http` context, next to the certificate files it names.",
	blockAttribute:   "server_block",
	blockDescription: "A complete `server { ... }` block for the `http` context.",
	directivesDescription: "The `ssl_*`, error page and request header (`proxy_set_header`) directives to paste into an existing server block. " +
		"The checks for `locations` are not included, because an nginx location needs its own content handler: " +
		"copy the `location ~* ...` blocks from `server_block`, with your content handler in place of `proxy_pass`.",
}

func NewNginxConfigDataSource() datasource.DataSource {
	return &serverConfigDataSource{flavor: nginxFlavor}
}
