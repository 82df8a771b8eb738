package render

import (
	"errors"
	"fmt"
	"strings"
)

// ApacheInput configures an Apache httpd 2.4 mod_ssl virtual host.
type ApacheInput struct {
	ServerInput
	// RenderListen (render_listen) puts "Listen <address:port> https" before
	// the virtual host. Apache serves only ports named by a Listen directive;
	// Debian's ports.conf has one for 443 only.
	RenderListen bool
}

// ApacheOutput is the rendered configuration.
type ApacheOutput struct {
	// VirtualHost (virtual_host) is a complete <VirtualHost> block, after a
	// Listen line when RenderListen is set. It needs
	// mod_ssl, plus mod_headers when forwarding the client identity or
	// protecting locations and mod_proxy with mod_proxy_http when proxying.
	VirtualHost string
	// Directives (directives) are the TLS and client-certificate lines alone,
	// including request headers and location checks, to paste into an
	// existing virtual host.
	Directives string
}

// apacheView is what the Apache templates see.
type apacheView struct {
	serverConfig
	Directives   string
	RenderListen bool
}

// RenderApache validates in and renders it. Validation failures are
// *FieldError values joined into the returned error; see FieldErrors.
func RenderApache(in ApacheInput) (ApacheOutput, []Warning, error) {
	cfg, warnings, err := in.resolve()
	if strings.HasPrefix(in.ServerName, "*.") {
		// Apache matches ServerName literally; only ServerAlias takes wildcards.
		err = errors.Join(err, &FieldError{
			Field:   "server_name",
			Index:   -1,
			Summary: "Wildcard server name",
			Detail:  fmt.Sprintf("Apache cannot match %q as ServerName. Use a plain host name in server_name and put the wildcard in server_aliases.", in.ServerName),
		})
	}
	if err != nil {
		return ApacheOutput{}, warnings, err
	}
	if cfg.VerifyClient == VerifyClientOptionalNoCA && cfg.CRLFile != "" {
		warnings = append(warnings, Warning{
			Field:   "crl_file",
			Summary: "Unknown CAs are refused despite optional_no_ca",
			Detail:  "With crl_file set, Apache looks for a CRL from the issuer of every client certificate and refuses certificates from CAs it does not know (\"unknown ca\"), so optional_no_ca then behaves like optional for them. Remove crl_file if such certificates must be accepted.",
		})
	}
	view := apacheView{serverConfig: cfg, RenderListen: in.RenderListen}
	if view.Directives, err = execute("apache_directives", view); err != nil {
		return ApacheOutput{}, warnings, err
	}
	virtualHost, err := execute("apache_virtual_host", view)
	if err != nil {
		return ApacheOutput{}, warnings, err
	}
	return ApacheOutput{VirtualHost: virtualHost, Directives: view.Directives}, warnings, nil
}
