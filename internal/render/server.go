package render

import (
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Values of ServerInput.VerifyClient, in Apache's spelling (nginx calls
// "require" "on").
const (
	VerifyClientRequire      = "require"
	VerifyClientOptional     = "optional"
	VerifyClientOptionalNoCA = "optional_no_ca"
)

// TLS protocol versions accepted in ServerInput.Protocols.
const (
	TLSv12 = "TLSv1.2"
	TLSv13 = "TLSv1.3"
)

// DefaultListenPort is used when ServerInput.Listen is 0.
const DefaultListenPort = 443

// ServerInput holds what Apache and nginx both need; the attribute names in
// the comments are what FieldError.Field reports.
type ServerInput struct {
	ServerName    string   // server_name: host name, "*.example.com" allowed
	ServerAliases []string // server_aliases
	// ListenAddress (listen_address) optionally restricts the server to one
	// local IP address; empty listens on all addresses.
	ListenAddress string
	Listen        int // listen: TCP port; 0 means 443

	CertificateFile    string // certificate_file: server certificate with its chain
	CertificateKeyFile string // certificate_key_file
	CACertificateFile  string // ca_certificate_file: CAs that client certificates must chain to
	CRLFile            string // crl_file: optional; needs a CRL from every CA in the chain

	VerifyClient string // verify_client: "require" (default), "optional", "optional_no_ca"
	VerifyDepth  int    // verify_depth: 0 derives it from CAChainDepth
	// CAChainDepth is the number of CA certificates in the longest chain of
	// ca_chain_pem, which the caller counts (errors name that attribute);
	// 0 if unknown.
	CAChainDepth int

	Protocols []string // protocols: "TLSv1.2", "TLSv1.3"; empty means both

	ForwardClientIdentity bool // forward_client_identity: pass X-SSL-Client-* headers to the backend

	ProxyPass    string // proxy_pass: http(s)://host[:port] backend; excludes document_root
	DocumentRoot string // document_root: directory to serve; excludes proxy_pass

	// Locations (locations) are URL path prefixes that need a verified client
	// certificate when VerifyClient is optional.
	Locations []string
}

// serverConfig is a validated ServerInput with defaults applied; the
// templates read it.
type serverConfig struct {
	ListenAddress string // "", "127.0.0.1" or "[::1]"
	Port          int
	ServerName    string
	ServerAliases []string

	CertificateFile    string
	CertificateKeyFile string
	CACertificateFile  string
	CRLFile            string

	VerifyClient string
	VerifyDepth  int
	Protocols    []string

	ForwardClientIdentity bool

	// ProxyPass is scheme://host[:port] with no path.
	ProxyPass      string
	ProxyPassTLS   bool
	DocumentRoot   string
	Locations      []protectedLocation
	ClientOptional bool // a request can arrive without a verified certificate
}

// protectedLocation is one of ServerInput.Locations with the regular
// expression both servers match it with (see locations.go).
type protectedLocation struct {
	Prefix  string
	Pattern string // case-sensitive; the templates add case-insensitivity
}

// identityHeaders are the request headers ForwardClientIdentity sets.
var identityHeaders = []string{"X-SSL-Client-Verify", "X-SSL-Client-S-DN", "X-SSL-Client-I-DN", "X-SSL-Client-Serial", "X-SSL-Client-Cert"}

// rewriteHeaders name a path for the backend to serve in place of the
// request's own, which Symfony, Zend and IIS URL Rewrite honour: a client's
// "GET /open" with "X-Original-URL: /admin" would pass the server's checks
// for /open and be served /admin. No client has a reason to send them.
var rewriteHeaders = []string{"X-Original-URL", "X-Rewrite-URL"}

// forgedRewriteHeaders are every spelling of rewriteHeaders, "-" and "_"
// mixed, for the servers to drop (all three compare names without regard to
// case): the one list the Apache, nginx and HAProxy templates read.
func forgedRewriteHeaders() []string {
	var headers []string
	for _, header := range rewriteHeaders {
		headers = append(append(headers, header), underscoreVariants([]string{header})...)
	}
	return headers
}

// RewriteHeaders are the headers to drop so that the backend serves the
// path the server checked: whenever the configuration makes an access
// decision the backend relies on, by protecting locations or by forwarding
// the identity. None otherwise, so that Apache needs no mod_headers then.
func (c serverConfig) RewriteHeaders() []string {
	if !c.ForwardClientIdentity && len(c.Locations) == 0 {
		return nil
	}
	return forgedRewriteHeaders()
}

// UnderscoreHeaders lists every other spelling of the identity headers, with
// "_" in place of any of their "-": backends that fold the two (CGI-style
// HTTP_X_SSL_CLIENT_S_DN in PHP, WSGI, Rack) would read a client's
// X_SSL_Client_S_DN as the verified header, so the servers drop them all.
func (serverConfig) UnderscoreHeaders() []string { return underscoreVariants(identityHeaders) }

// underscoreVariants returns every spelling of headers with "_" in place of
// one or more of their "-", the headers themselves excluded.
func underscoreVariants(headers []string) []string {
	var variants []string
	for _, header := range headers {
		parts := strings.Split(header, "-")
		// Bit i of mask set: separator i is "_"; mask 0 is the header itself.
		for mask := 1; mask < 1<<(len(parts)-1); mask++ {
			var b strings.Builder
			b.WriteString(parts[0])
			for i, part := range parts[1:] {
				if mask&(1<<i) != 0 {
					b.WriteString("_")
				} else {
					b.WriteString("-")
				}
				b.WriteString(part)
			}
			variants = append(variants, b.String())
		}
	}
	return variants
}

// AmbiguousPathPattern is the expression of the paths that need a
// certificate whenever any location is protected.
func (serverConfig) AmbiguousPathPattern() string { return ambiguousPathPattern }

// resolve validates the input and applies defaults.
func (in ServerInput) resolve() (serverConfig, []Warning, error) {
	var p problems
	cfg := serverConfig{
		ServerName:            in.ServerName,
		ServerAliases:         in.ServerAliases,
		Port:                  in.Listen,
		CertificateFile:       in.CertificateFile,
		CertificateKeyFile:    in.CertificateKeyFile,
		CACertificateFile:     in.CACertificateFile,
		CRLFile:               in.CRLFile,
		VerifyClient:          in.VerifyClient,
		ForwardClientIdentity: in.ForwardClientIdentity,
		DocumentRoot:          in.DocumentRoot,
	}

	if in.ServerName == "" {
		p.fail("server_name", "Missing server name", "server_name is required: the host name clients connect to, e.g. \"api.example.com\".")
	} else {
		checkHostname(&p, "server_name", -1, in.ServerName)
	}
	for i, alias := range in.ServerAliases {
		checkHostname(&p, "server_aliases", i, alias)
	}
	checkDistinct(&p, "server_aliases", in.ServerAliases)

	cfg.ListenAddress = resolveListenAddress(&p, in.ListenAddress)
	if cfg.Port == 0 {
		cfg.Port = DefaultListenPort
	}
	checkPort(&p, "listen", cfg.Port)

	checkFilePath(&p, "certificate_file", in.CertificateFile, true)
	checkFilePath(&p, "certificate_key_file", in.CertificateKeyFile, true)
	checkFilePath(&p, "ca_certificate_file", in.CACertificateFile, true)
	checkFilePath(&p, "crl_file", in.CRLFile, false)

	switch in.VerifyClient {
	case "":
		cfg.VerifyClient = VerifyClientRequire
	case VerifyClientRequire, VerifyClientOptional:
	case VerifyClientOptionalNoCA:
		p.warn("verify_client", "Clients are not authenticated",
			"optional_no_ca accepts client certificates from any issuer, including self-signed ones, without verifying them. The server does not authenticate clients; the application must check the certificate itself. Use \"require\" or \"optional\" to authenticate clients.")
	default:
		p.fail("verify_client", "Unknown verification mode",
			"%q is not a client verification mode; use \"require\" (every client needs a valid certificate), \"optional\" (only the listed locations need one) or \"optional_no_ca\".", in.VerifyClient)
	}
	cfg.ClientOptional = cfg.VerifyClient != VerifyClientRequire
	cfg.VerifyDepth = resolveVerifyDepth(&p, in.VerifyDepth, in.CAChainDepth, "ca_chain_pem")
	cfg.Protocols = resolveProtocols(&p, "protocols", in.Protocols)

	if in.ProxyPass != "" && in.DocumentRoot != "" {
		p.fail("proxy_pass", "Conflicting content source",
			"proxy_pass and document_root are both set; a server either forwards requests to a backend or serves files. Set only one of them.")
	}
	if in.ProxyPass != "" {
		cfg.ProxyPass, cfg.ProxyPassTLS = resolveProxyPass(&p, in.ProxyPass)
	}
	checkFilePath(&p, "document_root", in.DocumentRoot, false)
	if strings.ContainsAny(in.DocumentRoot, "*?[") {
		p.fail("document_root", "Wildcard in document root",
			"%q contains * ? or [, which Apache reads as a wildcard in the <Directory> section that opens the directory to clients: the section would then cover other directories and maybe not this one. Rename the directory.", in.DocumentRoot)
	}

	for i, location := range in.Locations {
		if checkLocation(&p, "locations", i, location) {
			cfg.Locations = append(cfg.Locations, protectedLocation{Prefix: location, Pattern: locationPattern(location)})
		}
	}
	checkDistinct(&p, "locations", in.Locations)
	switch {
	case len(in.Locations) > 0 && cfg.VerifyClient == VerifyClientRequire:
		p.warn("locations", "Locations are redundant",
			"verify_client is \"require\", so every request already needs a valid client certificate and the per-location checks never deny anything. Set verify_client = \"optional\" to let clients without a certificate reach other paths, or remove locations.")
	case len(in.Locations) == 0 && cfg.VerifyClient == VerifyClientOptional && !in.ForwardClientIdentity:
		p.warn("verify_client", "Nothing requires a client certificate",
			"verify_client is \"optional\" but no locations are listed and the client identity is not forwarded, so requests without a certificate are served like any other. List the paths that need a certificate in locations, or use \"require\".")
	}

	if err := p.err(); err != nil {
		return serverConfig{}, p.warnings, err
	}
	return cfg, p.warnings, nil
}

// resolveListenAddress checks listen_address and returns it as the servers
// write it before ":port": IPv6 in brackets, IPv4-mapped IPv6 as IPv4, and
// "" for none.
func resolveListenAddress(p *problems, address string) string {
	addr, ok := checkIPAddress(p, "listen_address", address)
	switch {
	case !ok || !addr.IsValid():
		return ""
	case addr.Is6() && !addr.Is4In6():
		return "[" + addr.String() + "]"
	default:
		return addr.Unmap().String()
	}
}

// resolveProtocols returns the protocols in ascending order.
func resolveProtocols(p *problems, field string, protocols []string) []string {
	if len(protocols) == 0 {
		return []string{TLSv12, TLSv13}
	}
	var want12, want13 bool
	for i, protocol := range protocols {
		switch protocol {
		case TLSv12:
			want12 = true
		case TLSv13:
			want13 = true
		default:
			p.failAt(field, i, "Unsupported protocol",
				"%q is not supported; use \"TLSv1.2\" and/or \"TLSv1.3\". Older versions are insecure and not offered.", protocol)
		}
	}
	var resolved []string
	if want12 {
		resolved = append(resolved, TLSv12)
	}
	if want13 {
		resolved = append(resolved, TLSv13)
	}
	return resolved
}

// resolveProxyPass accepts http(s)://host[:port][/] and rebuilds the URL
// from its parsed parts so nothing else can reach the configuration. A path
// is refused because Apache and nginx map a backend path differently.
func resolveProxyPass(p *problems, raw string) (backend string, tls bool) {
	b, ok := parseBackendURL(p, raw, "an http:// or https:// URL with a host, e.g. \"http://127.0.0.1:8080\"", "https://backend.internal:8443", "http", "https")
	if !ok {
		return "", false
	}
	return b.String(), b.Scheme == "https"
}

// backendURL is a parsed proxy_pass: Host is a host name or an IP address
// (IPv6 without brackets), Port is empty when the URL has none.
type backendURL struct {
	Scheme, Host, Port string
}

// HostPort is host[:port], IPv6 in brackets.
func (b backendURL) HostPort() string {
	if b.Port != "" {
		return net.JoinHostPort(b.Host, b.Port)
	}
	if strings.Contains(b.Host, ":") {
		return "[" + b.Host + "]"
	}
	return b.Host
}

func (b backendURL) String() string { return b.Scheme + "://" + b.HostPort() }

// parseBackendURL checks proxy_pass: one of schemes, a host, an optional
// port, nothing else; want describes the accepted form and example is a
// whole URL, both for messages.
func parseBackendURL(p *problems, raw, want, example string, schemes ...string) (backendURL, bool) {
	const field = "proxy_pass"
	u, err := url.Parse(raw)
	if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" || u.Opaque != "" {
		p.fail(field, "Invalid backend URL", "%q is not %s.", raw, want)
		return backendURL{}, false
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, "?#") {
		p.fail(field, "Backend URL has extra parts",
			"%q has credentials, a query or a fragment; give only scheme, host and port, e.g. %q.", raw, example)
		return backendURL{}, false
	}
	if u.Path != "" && u.Path != "/" {
		p.fail(field, "Backend URL has a path",
			"%q has the path %q; request paths are passed to the backend unchanged, so give only scheme, host and port.", raw, u.Path)
		return backendURL{}, false
	}
	host := u.Hostname()
	if addr, err := netip.ParseAddr(host); err == nil && addr.Zone() == "" {
		host = addr.String()
	} else if !isHostname(host, false) {
		p.fail(field, "Invalid backend host",
			"%q in %q is neither a host name nor an IP address.", host, raw)
		return backendURL{}, false
	}
	b := backendURL{Scheme: u.Scheme, Host: host}
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			p.fail(field, "Invalid backend port", "%q in %q is not a TCP port (1 to 65535).", port, raw)
			return backendURL{}, false
		}
		b.Port = port
	}
	return b, true
}
