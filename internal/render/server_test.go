package render

import (
	"strings"
	"testing"
)

// goldenServerInputs are the representative inputs behind the Apache and
// nginx golden files.
var goldenServerInputs = map[string]ServerInput{
	// Anonymous clients may browse; /admin and /api/private need a
	// certificate, and the backend gets the identity.
	"optional_proxy": {
		ServerName:            "api.example.com",
		ServerAliases:         []string{"www.api.example.com", "*.api.example.com"},
		Listen:                8443,
		CertificateFile:       "/etc/ssl/api/fullchain.pem",
		CertificateKeyFile:    "/etc/ssl/api/privkey.pem",
		CACertificateFile:     "/etc/ssl/api/client-ca.pem",
		CRLFile:               "/etc/ssl/api/client-ca.crl",
		VerifyClient:          VerifyClientOptional,
		CAChainDepth:          2,
		ForwardClientIdentity: true,
		ProxyPass:             "http://127.0.0.1:8080",
		Locations:             []string{"/admin", "/api/private"},
	},
	// Every client needs a certificate; static files are served.
	"require_static": {
		ServerName:         "files.example.com",
		ListenAddress:      "::1",
		CertificateFile:    "/srv/tls/server chain.pem",
		CertificateKeyFile: "/srv/tls/server.key",
		CACertificateFile:  "/srv/tls/ca.pem",
		VerifyDepth:        3,
		CAChainDepth:       1,
		Protocols:          []string{TLSv13},
		DocumentRoot:       "/srv/www/files",
	},
}

// rewriteHeaderSpellings are X-Original-URL and X-Rewrite-URL in every
// spelling with "_" for "-", which the servers must drop: written out here,
// not derived as the renderer does.
var rewriteHeaderSpellings = []string{
	"X-Original-URL", "X_Original-URL", "X-Original_URL", "X_Original_URL",
	"X-Rewrite-URL", "X_Rewrite-URL", "X-Rewrite_URL", "X_Rewrite_URL",
}

// validServerInput is a minimal input that renders without warnings.
func validServerInput() ServerInput {
	return ServerInput{
		ServerName:         "api.example.com",
		CertificateFile:    "/etc/ssl/server.pem",
		CertificateKeyFile: "/etc/ssl/server.key",
		CACertificateFile:  "/etc/ssl/client-ca.pem",
		CAChainDepth:       2,
	}
}

// serverRenderers run both server renderers, which share ServerInput.
var serverRenderers = map[string]func(ServerInput) ([]Warning, error){
	"apache": func(in ServerInput) ([]Warning, error) {
		_, warnings, err := RenderApache(ApacheInput{ServerInput: in})
		return warnings, err
	},
	"nginx": func(in ServerInput) ([]Warning, error) {
		_, warnings, err := RenderNginx(NginxInput{in})
		return warnings, err
	},
}

func TestServerInputValidationErrors(t *testing.T) {
	cases := []struct {
		name      string
		change    func(*ServerInput)
		field     string
		index     int
		fragments []string
	}{
		{"missing server name", func(in *ServerInput) { in.ServerName = "" }, "server_name", -1, []string{"required"}},
		{"server name with space", func(in *ServerInput) { in.ServerName = "api example.com" }, "server_name", -1, []string{"not a DNS host name"}},
		{"server name with semicolon", func(in *ServerInput) { in.ServerName = "api.example.com;return" }, "server_name", -1, nil},
		{"server name with newline", func(in *ServerInput) { in.ServerName = "api.example.com\nSSLEngine off" }, "server_name", -1, nil},
		{"server name with brace", func(in *ServerInput) { in.ServerName = "api}" }, "server_name", -1, nil},
		{"server name with underscore", func(in *ServerInput) { in.ServerName = "api_1.example.com" }, "server_name", -1, nil},
		{"wildcard not first", func(in *ServerInput) { in.ServerName = "api.*.example.com" }, "server_name", -1, nil},
		{"label too long", func(in *ServerInput) { in.ServerName = strings.Repeat("a", 64) + ".com" }, "server_name", -1, nil},
		{"trailing hyphen", func(in *ServerInput) { in.ServerName = "api-.example.com" }, "server_name", -1, nil},
		{"bad alias", func(in *ServerInput) { in.ServerAliases = []string{"ok.example.com", "bad alias"} }, "server_aliases", 1, []string{"bad alias"}},
		{"duplicate alias", func(in *ServerInput) { in.ServerAliases = []string{"a.example.com", "A.example.com"} }, "server_aliases", 1, []string{"more than once"}},
		{"listen address is a name", func(in *ServerInput) { in.ListenAddress = "localhost" }, "listen_address", -1, []string{"not an IP address"}},
		{"listen address with zone", func(in *ServerInput) { in.ListenAddress = "fe80::1%eth0" }, "listen_address", -1, nil},
		{"port too large", func(in *ServerInput) { in.Listen = 65536 }, "listen", -1, []string{"1 to 65535"}},
		{"negative port", func(in *ServerInput) { in.Listen = -1 }, "listen", -1, nil},
		{"missing certificate", func(in *ServerInput) { in.CertificateFile = "" }, "certificate_file", -1, []string{"required"}},
		{"missing key", func(in *ServerInput) { in.CertificateKeyFile = "" }, "certificate_key_file", -1, []string{"required"}},
		{"missing CA", func(in *ServerInput) { in.CACertificateFile = "" }, "ca_certificate_file", -1, []string{"required"}},
		{"relative path", func(in *ServerInput) { in.CertificateFile = "ssl/server.pem" }, "certificate_file", -1, []string{"relative"}},
		{"path with double quote", func(in *ServerInput) { in.CertificateFile = `/etc/ssl/a".pem` }, "certificate_file", -1, []string{"Unsafe character"}},
		{"path with single quote", func(in *ServerInput) { in.CertificateFile = `/etc/ssl/a'.pem` }, "certificate_file", -1, nil},
		{"path with backslash", func(in *ServerInput) { in.CertificateFile = `/etc/ssl/a\.pem` }, "certificate_file", -1, nil},
		{"path with semicolon", func(in *ServerInput) { in.CertificateKeyFile = "/etc/ssl/a.key;" }, "certificate_key_file", -1, nil},
		{"path with open brace", func(in *ServerInput) { in.CACertificateFile = "/etc/ssl/{ca}.pem" }, "ca_certificate_file", -1, nil},
		{"path with close brace", func(in *ServerInput) { in.CACertificateFile = "/etc/ssl/ca}.pem" }, "ca_certificate_file", -1, nil},
		{"path with hash", func(in *ServerInput) { in.CRLFile = "/etc/ssl/#crl.pem" }, "crl_file", -1, nil},
		{"path with dollar", func(in *ServerInput) { in.CRLFile = "/etc/ssl/${HOME}.pem" }, "crl_file", -1, nil},
		{"path with angle brackets", func(in *ServerInput) { in.CRLFile = "/etc/ssl/</VirtualHost>.pem" }, "crl_file", -1, nil},
		{"path with newline", func(in *ServerInput) { in.CertificateFile = "/etc/ssl/a.pem\nSSLVerifyClient none" }, "certificate_file", -1, nil},
		{"path with tab", func(in *ServerInput) { in.CertificateFile = "/etc/ssl/a\t.pem" }, "certificate_file", -1, nil},
		{"path with backtick", func(in *ServerInput) { in.CertificateFile = "/etc/ssl/`id`.pem" }, "certificate_file", -1, nil},
		{"unsafe document root", func(in *ServerInput) { in.DocumentRoot = "/srv/www;" }, "document_root", -1, nil},
		{"relative document root", func(in *ServerInput) { in.DocumentRoot = "www" }, "document_root", -1, nil},
		{"document root with wildcard", func(in *ServerInput) { in.DocumentRoot = "/srv/www*" }, "document_root", -1, []string{"wildcard"}},
		{"document root with class", func(in *ServerInput) { in.DocumentRoot = "/srv/www[12]" }, "document_root", -1, nil},
		{"verify client off", func(in *ServerInput) { in.VerifyClient = "off" }, "verify_client", -1, []string{"require", "optional"}},
		{"verify client none", func(in *ServerInput) { in.VerifyClient = "none" }, "verify_client", -1, nil},
		{"negative verify depth", func(in *ServerInput) { in.VerifyDepth = -1 }, "verify_depth", -1, nil},
		{"verify depth too small", func(in *ServerInput) { in.VerifyDepth, in.CAChainDepth = 1, 3 }, "verify_depth", -1, []string{"at least 3"}},
		{"negative chain depth", func(in *ServerInput) { in.CAChainDepth = -2 }, "ca_chain_pem", -1, nil},
		{"old protocol", func(in *ServerInput) { in.Protocols = []string{"TLSv1.1"} }, "protocols", 0, []string{"TLSv1.2"}},
		{"unknown protocol", func(in *ServerInput) { in.Protocols = []string{TLSv13, "SSLv3"} }, "protocols", 1, nil},
		{"proxy and root", func(in *ServerInput) { in.ProxyPass, in.DocumentRoot = "http://b", "/srv/www" }, "proxy_pass", -1, []string{"only one"}},
		{"proxy ftp", func(in *ServerInput) { in.ProxyPass = "ftp://backend" }, "proxy_pass", -1, []string{"http://"}},
		{"proxy without host", func(in *ServerInput) { in.ProxyPass = "http://" }, "proxy_pass", -1, nil},
		{"proxy not a URL", func(in *ServerInput) { in.ProxyPass = "backend:8080" }, "proxy_pass", -1, nil},
		{"proxy with space", func(in *ServerInput) { in.ProxyPass = "http://back end" }, "proxy_pass", -1, nil},
		{"proxy with semicolon", func(in *ServerInput) { in.ProxyPass = "http://backend;return" }, "proxy_pass", -1, nil},
		{"proxy with dollar", func(in *ServerInput) { in.ProxyPass = "http://$host" }, "proxy_pass", -1, nil},
		{"proxy with brace", func(in *ServerInput) { in.ProxyPass = "http://backend}" }, "proxy_pass", -1, nil},
		{"proxy with newline", func(in *ServerInput) { in.ProxyPass = "http://backend\n" }, "proxy_pass", -1, nil},
		{"proxy with credentials", func(in *ServerInput) { in.ProxyPass = "http://user:secret@backend" }, "proxy_pass", -1, []string{"credentials"}},
		{"proxy with query", func(in *ServerInput) { in.ProxyPass = "http://backend?x=1" }, "proxy_pass", -1, nil},
		{"proxy with fragment", func(in *ServerInput) { in.ProxyPass = "http://backend#x" }, "proxy_pass", -1, nil},
		{"proxy with path", func(in *ServerInput) { in.ProxyPass = "http://backend/app" }, "proxy_pass", -1, []string{"path"}},
		{"proxy port zero", func(in *ServerInput) { in.ProxyPass = "http://backend:0" }, "proxy_pass", -1, []string{"TCP port"}},
		{"proxy port too large", func(in *ServerInput) { in.ProxyPass = "http://backend:70000" }, "proxy_pass", -1, nil},
		{"location without slash", func(in *ServerInput) { in.Locations = []string{"admin"} }, "locations", 0, []string{"starting with"}},
		{"location root", func(in *ServerInput) { in.Locations = []string{"/ok", "/"} }, "locations", 1, []string{"require"}},
		{"location with space", func(in *ServerInput) { in.Locations = []string{"/a b"} }, "locations", 0, nil},
		{"location with semicolon", func(in *ServerInput) { in.Locations = []string{"/a;"} }, "locations", 0, nil},
		{"location with brace", func(in *ServerInput) { in.Locations = []string{"/a{"} }, "locations", 0, nil},
		{"location with dollar", func(in *ServerInput) { in.Locations = []string{"/$uri"} }, "locations", 0, nil},
		{"location with hash", func(in *ServerInput) { in.Locations = []string{"/a#b"} }, "locations", 0, nil},
		{"location with angle bracket", func(in *ServerInput) { in.Locations = []string{"/a>"} }, "locations", 0, nil},
		{"location with quote", func(in *ServerInput) { in.Locations = []string{`/a"`} }, "locations", 0, nil},
		{"location with wildcard", func(in *ServerInput) { in.Locations = []string{"/a*"} }, "locations", 0, nil},
		{"location with percent", func(in *ServerInput) { in.Locations = []string{"/a%20b"} }, "locations", 0, nil},
		{"location with empty segment", func(in *ServerInput) { in.Locations = []string{"/a//b"} }, "locations", 0, []string{"normal form"}},
		{"location with dot segment", func(in *ServerInput) { in.Locations = []string{"/a/../b"} }, "locations", 0, nil},
		{"duplicate location", func(in *ServerInput) { in.Locations = []string{"/a", "/a"} }, "locations", 1, nil},
	}
	for rendererName, render := range serverRenderers {
		for _, tc := range cases {
			t.Run(rendererName+"/"+tc.name, func(t *testing.T) {
				in := validServerInput()
				tc.change(&in)
				_, err := render(in)
				wantFieldError(t, err, tc.field, tc.index, tc.fragments...)
			})
		}
	}
}

func TestServerInputReportsEveryError(t *testing.T) {
	in := validServerInput()
	in.ServerName = "bad name"
	in.Listen = 99999
	in.Locations = []string{"nope"}
	for rendererName, render := range serverRenderers {
		_, err := render(in)
		var fields []string
		for _, fe := range FieldErrors(err) {
			fields = append(fields, fe.Field)
		}
		if strings.Join(fields, ",") != "server_name,listen,locations" {
			t.Errorf("%s: errors on %v, want server_name, listen and locations", rendererName, fields)
		}
	}
}

func TestServerInputWarnings(t *testing.T) {
	cases := []struct {
		name      string
		change    func(*ServerInput)
		wantField string // "" means no warning
		fragment  string
	}{
		{"clean input", func(*ServerInput) {}, "", ""},
		{"optional_no_ca does not authenticate", func(in *ServerInput) { in.VerifyClient = VerifyClientOptionalNoCA }, "verify_client", "does not authenticate"},
		{"locations redundant with require", func(in *ServerInput) { in.Locations = []string{"/admin"} }, "locations", "redundant"},
		{"optional enforces nothing", func(in *ServerInput) { in.VerifyClient = VerifyClientOptional }, "verify_client", "no locations"},
		{"optional with locations is fine", func(in *ServerInput) {
			in.VerifyClient, in.Locations = VerifyClientOptional, []string{"/admin"}
		}, "", ""},
		{"depth unknown", func(in *ServerInput) { in.CAChainDepth = 0 }, "verify_depth", "defaulted to 1"},
	}
	for rendererName, render := range serverRenderers {
		for _, tc := range cases {
			t.Run(rendererName+"/"+tc.name, func(t *testing.T) {
				in := validServerInput()
				tc.change(&in)
				warnings, err := render(in)
				if err != nil {
					t.Fatal(err)
				}
				if tc.wantField == "" {
					if len(warnings) != 0 {
						t.Fatalf("unexpected warnings %v", warnings)
					}
					return
				}
				if len(warnings) != 1 || warnings[0].Field != tc.wantField || !strings.Contains(warnings[0].Summary+" "+warnings[0].Detail, tc.fragment) {
					t.Fatalf("warnings = %+v, want one on %s mentioning %q", warnings, tc.wantField, tc.fragment)
				}
			})
		}
	}
}

func TestVerifyDepthResolution(t *testing.T) {
	cases := []struct{ verifyDepth, caChainDepth, want int }{
		{0, 0, 1}, // unknown: the servers' own default
		{0, 1, 1},
		{0, 3, 3}, // derived from the chain
		{4, 2, 4}, // larger than needed is allowed
		{2, 0, 2},
	}
	for _, tc := range cases {
		var p problems
		if got := resolveVerifyDepth(&p, tc.verifyDepth, tc.caChainDepth, "ca_chain_pem"); got != tc.want || p.err() != nil {
			t.Errorf("resolveVerifyDepth(%d, %d) = %d, %v; want %d", tc.verifyDepth, tc.caChainDepth, got, p.err(), tc.want)
		}
	}
}
