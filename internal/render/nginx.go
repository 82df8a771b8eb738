package render

// NginxInput configures an nginx server block.
type NginxInput struct {
	ServerInput
}

// NginxOutput is the rendered configuration.
type NginxOutput struct {
	// ServerBlock (server_block) is a complete server { ... } block for the
	// http context.
	ServerBlock string
	// Directives (directives) are the ssl_*, error page and identity header
	// lines to paste into an existing server block. The per-location checks
	// are not included, because an nginx location needs its own content
	// handler: copy the "location ~* ..." blocks of ServerBlock.
	Directives string
}

// nginxView is what the nginx templates see.
type nginxView struct {
	serverConfig
	Directives string
}

// NginxVerifyClient is verify_client in nginx's spelling.
func (v nginxView) NginxVerifyClient() string {
	if v.VerifyClient == VerifyClientRequire {
		return "on"
	}
	return v.VerifyClient
}

// RenderNginx validates in and renders it. Validation failures are
// *FieldError values joined into the returned error; see FieldErrors.
func RenderNginx(in NginxInput) (NginxOutput, []Warning, error) {
	cfg, warnings, err := in.resolve()
	if err != nil {
		return NginxOutput{}, warnings, err
	}
	view := nginxView{serverConfig: cfg}
	if view.Directives, err = execute("nginx_directives", view); err != nil {
		return NginxOutput{}, warnings, err
	}
	serverBlock, err := execute("nginx_server_block", view)
	if err != nil {
		return NginxOutput{}, warnings, err
	}
	return NginxOutput{ServerBlock: serverBlock, Directives: view.Directives}, warnings, nil
}
