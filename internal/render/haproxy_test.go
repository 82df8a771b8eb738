package render

import (
	"slices"
	"strings"
	"testing"
)

// goldenHAProxyInputs are the representative inputs behind the HAProxy
// golden files.
var goldenHAProxyInputs = map[string]HAProxyInput{
	// Every client needs a certificate, checked against a CRL per CA; the
	// backend gets the identity.
	"require_identity": {
		ListenAddress:         "127.0.0.1",
		Listen:                8443,
		CertificateFile:       "/etc/haproxy/tls/api.pem",
		CACertificateFile:     "/etc/haproxy/tls/client-ca.pem",
		CRLFile:               "/etc/haproxy/tls/client-crls.pem",
		ForwardClientIdentity: true,
		ProxyPass:             "http://127.0.0.1:8080",
	},
	// Clients without a certificate get through, flagged NONE; an https
	// backend by name.
	"optional_https": {
		ListenAddress:         "::1",
		CertificateFile:       "/srv/tls/server crt.pem",
		CACertificateFile:     "/srv/tls/ca.pem",
		VerifyClient:          VerifyClientOptional,
		ForwardClientIdentity: true,
		ProxyPass:             "https://backend.internal:8443",
	},
	// A database behind mutual TLS.
	"tcp": {
		Listen:            5433,
		CertificateFile:   "/etc/haproxy/tls/db.pem",
		CACertificateFile: "/etc/haproxy/tls/client-ca.pem",
		Mode:              HAProxyModeTCP,
		ProxyPass:         "tcp://10.0.0.5:5432",
	},
}

// validHAProxyInput is a minimal input that renders without warnings.
func validHAProxyInput() HAProxyInput {
	return HAProxyInput{
		CertificateFile:   "/etc/haproxy/server.pem",
		CACertificateFile: "/etc/haproxy/client-ca.pem",
		ProxyPass:         "http://127.0.0.1:8080",
	}
}

func TestHAProxyGolden(t *testing.T) {
	for name, in := range goldenHAProxyInputs {
		t.Run(name, func(t *testing.T) {
			out, warnings, err := RenderHAProxy(in)
			if err != nil || len(warnings) != 0 {
				t.Fatalf("err %v, warnings %v", err, warnings)
			}
			checkGolden(t, "haproxy_"+name+"_sections", out.Sections)
			checkGolden(t, "haproxy_"+name+"_bind_line", out.BindLine+"\n")
		})
	}
}

// haproxySection is one section of parsed HAProxy configuration: its
// keyword line and its lines, each as words.
type haproxySection struct {
	header []string
	lines  [][]string
}

// parseHAProxy splits configuration into sections of lines of words, the
// way HAProxy does for what the renderer emits: comments dropped, "..." one
// word without its quotes. A line outside a section, or a quote left open,
// fails the test.
func parseHAProxy(t *testing.T, text string) []haproxySection {
	t.Helper()
	var sections []haproxySection
	var words []string
	for _, token := range haproxyTokens(text) {
		if strings.HasPrefix(token.text, "unterminated ") {
			t.Fatalf("open quote: %s", token.text)
		}
		if token.text != "\n" {
			words = append(words, token.text)
			continue
		}
		switch {
		case slices.Contains([]string{"frontend", "backend", "global", "defaults", "listen"}, words[0]):
			sections = append(sections, haproxySection{header: words})
		case len(sections) == 0:
			t.Fatalf("%q outside a section", words)
		default:
			sections[len(sections)-1].lines = append(sections[len(sections)-1].lines, words)
		}
		words = nil
	}
	return sections
}

// linesOf returns the lines of section that start with keyword, without it.
func (s haproxySection) linesOf(keyword ...string) []string {
	var found []string
	for _, line := range s.lines {
		if len(line) >= len(keyword) && slices.Equal(line[:len(keyword)], keyword) {
			found = append(found, strings.Join(line[len(keyword):], " "))
		}
	}
	return found
}

func renderHAProxySections(t *testing.T, in HAProxyInput) (frontend, backend haproxySection, out HAProxyOutput) {
	t.Helper()
	out, _, err := RenderHAProxy(in)
	if err != nil {
		t.Fatal(err)
	}
	sections := parseHAProxy(t, out.Sections)
	if len(sections) != 2 || sections[0].header[0] != "frontend" || sections[1].header[0] != "backend" {
		t.Fatalf("want a frontend and a backend, got %v", sections)
	}
	if got := sections[0].linesOf("default_backend"); !slices.Equal(got, sections[1].header[1:]) {
		t.Fatalf("default_backend %q is not the backend %q", got, sections[1].header[1:])
	}
	return sections[0], sections[1], out
}

func TestHAProxySectionsMeaning(t *testing.T) {
	frontend, backend, out := renderHAProxySections(t, goldenHAProxyInputs["require_identity"])
	if !slices.Equal(frontend.header, []string{"frontend", "mtls_8443"}) || !slices.Equal(backend.header, []string{"backend", "mtls_8443_backend"}) {
		t.Errorf("sections are %q and %q", frontend.header, backend.header)
	}
	bind := "127.0.0.1:8443 ssl crt /etc/haproxy/tls/api.pem ca-file /etc/haproxy/tls/client-ca.pem crl-file /etc/haproxy/tls/client-crls.pem verify required ssl-min-ver TLSv1.2"
	if got := frontend.linesOf("bind"); !slices.Equal(got, []string{bind}) {
		t.Errorf("bind = %q, want %q", got, bind)
	}
	if out.BindLine != `bind 127.0.0.1:8443 ssl crt "/etc/haproxy/tls/api.pem" ca-file "/etc/haproxy/tls/client-ca.pem" crl-file "/etc/haproxy/tls/client-crls.pem" verify required ssl-min-ver TLSv1.2` {
		t.Errorf("bind_line = %q", out.BindLine)
	}
	for _, section := range []haproxySection{frontend, backend} {
		if got := section.linesOf("mode"); !slices.Equal(got, []string{"http"}) {
			t.Errorf("%s mode = %q", section.header[0], got)
		}
	}
	if got := backend.linesOf("server"); !slices.Equal(got, []string{"app 127.0.0.1:8080"}) {
		t.Errorf("server = %q", got)
	}

	// Every spelling of every identity header a client may send is removed,
	// before any is set, and so is every spelling of the headers that make a
	// backend serve another path.
	deleted := frontend.linesOf("http-request", "del-header")
	for _, header := range append([]string{"X-SSL-Client-Verify", "X-SSL-Client-S-DN", "X_SSL_Client_S_DN", "X-SSL_Client-I_DN", "X-SSL-Client-Fingerprint", "X_SSL_Client_Fingerprint", "X_SSL-Client-Cert", "X-SSL-Client_Serial"}, rewriteHeaderSpellings...) {
		if !slices.Contains(deleted, header) {
			t.Errorf("%s is not removed", header)
		}
	}
	if len(deleted) != 6+7+15+15+7+7+7+len(rewriteHeaderSpellings) {
		t.Errorf("%d headers removed, want the 6 identity names in all 64 spellings and the 2 rewrite headers in all 8", len(deleted))
	}
	lastDelete, firstSet := -1, -1
	for i, line := range frontend.lines {
		if len(line) > 1 && line[0] == "http-request" && line[1] == "del-header" {
			lastDelete = i
		}
		if len(line) > 1 && line[0] == "http-request" && line[1] == "set-header" && firstSet < 0 {
			firstSet = i
		}
	}
	if firstSet < lastDelete {
		t.Error("a header is set before the client's copies are all removed")
	}
	verified := " if mtls_client_certificate mtls_client_verified"
	set := frontend.linesOf("http-request", "set-header")
	for _, header := range []string{
		"X-SSL-Client-Verify SUCCESS" + verified,
		"X-SSL-Client-S-DN %[ssl_c_s_dn(,0,rfc2253)]" + verified,
		"X-SSL-Client-I-DN %[ssl_c_i_dn(,0,rfc2253)]" + verified,
		"X-SSL-Client-Serial %[ssl_c_serial,hex]" + verified,
		"X-SSL-Client-Fingerprint %[ssl_c_der,sha2(256),hex,lower]" + verified,
		"X-SSL-Client-Cert -----BEGIN%%20CERTIFICATE-----%%0A%[ssl_c_der,base64,url_enc]%%0A-----END%%20CERTIFICATE-----%%0A" + verified,
	} {
		if !slices.Contains(set, header) {
			t.Errorf("no set-header %s in %q", header, set)
		}
	}
	if len(set) != 6 {
		t.Errorf("set-header lines %q, want 6 (no NONE with verify required)", set)
	}
	if got := frontend.linesOf("acl"); !slices.Equal(got, []string{"mtls_client_certificate ssl_c_used", "mtls_client_verified ssl_c_verify 0"}) {
		t.Errorf("acl = %q", got)
	}
}

func TestHAProxyVariants(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		frontend, backend, _ := renderHAProxySections(t, validHAProxyInput())
		if got := frontend.linesOf("bind"); !slices.Equal(got, []string{":443 ssl crt /etc/haproxy/server.pem ca-file /etc/haproxy/client-ca.pem verify required ssl-min-ver TLSv1.2"}) {
			t.Errorf("bind = %q", got)
		}
		if frontend.header[1] != "mtls_443" || len(frontend.linesOf("http-request")) != 0 || len(frontend.linesOf("acl")) != 0 {
			t.Errorf("unexpected frontend %v", frontend)
		}
		if got := backend.linesOf("mode"); !slices.Equal(got, []string{"http"}) {
			t.Errorf("mode = %q", got)
		}
	})
	t.Run("optional flags a missing certificate", func(t *testing.T) {
		frontend, _, _ := renderHAProxySections(t, goldenHAProxyInputs["optional_https"])
		if got := frontend.linesOf("bind"); len(got) != 1 || !strings.HasPrefix(got[0], "[::1]:443 ssl crt /srv/tls/server crt.pem ") || !strings.HasSuffix(got[0], " verify optional ssl-min-ver TLSv1.2") {
			t.Errorf("bind = %q", got)
		}
		if got := frontend.linesOf("http-request", "set-header", "X-SSL-Client-Verify"); !slices.Contains(got, "NONE unless mtls_client_certificate") {
			t.Errorf("X-SSL-Client-Verify lines %q", got)
		}
	})
	t.Run("https backend by name is verified with SNI", func(t *testing.T) {
		_, backend, _ := renderHAProxySections(t, goldenHAProxyInputs["optional_https"])
		if got := backend.linesOf("server"); !slices.Equal(got, []string{"app backend.internal:8443 ssl verify required ca-file @system-ca sni str(backend.internal)"}) {
			t.Errorf("server = %q", got)
		}
	})
	t.Run("https backend by address", func(t *testing.T) {
		in := validHAProxyInput()
		in.ProxyPass = "https://[::1]"
		_, backend, _ := renderHAProxySections(t, in)
		if got := backend.linesOf("server"); !slices.Equal(got, []string{"app [::1]:443 ssl verify required ca-file @system-ca"}) {
			t.Errorf("server = %q", got)
		}
	})
	t.Run("http backend without port", func(t *testing.T) {
		in := validHAProxyInput()
		in.ProxyPass = "http://backend.internal/"
		_, backend, _ := renderHAProxySections(t, in)
		if got := backend.linesOf("server"); !slices.Equal(got, []string{"app backend.internal:80"}) {
			t.Errorf("server = %q", got)
		}
	})
	t.Run("tcp", func(t *testing.T) {
		frontend, backend, _ := renderHAProxySections(t, goldenHAProxyInputs["tcp"])
		for _, section := range []haproxySection{frontend, backend} {
			if got := section.linesOf("mode"); !slices.Equal(got, []string{"tcp"}) {
				t.Errorf("%s mode = %q", section.header[0], got)
			}
		}
		if len(frontend.linesOf("http-request")) != 0 {
			t.Error("http-request rules in tcp mode")
		}
		if got := backend.linesOf("server"); !slices.Equal(got, []string{"app 10.0.0.5:5432"}) {
			t.Errorf("server = %q", got)
		}
	})
	t.Run("IPv4-mapped listen address", func(t *testing.T) {
		in := validHAProxyInput()
		in.ListenAddress = "::ffff:10.0.0.1"
		frontend, _, _ := renderHAProxySections(t, in)
		if got := frontend.linesOf("bind"); len(got) != 1 || !strings.HasPrefix(got[0], "10.0.0.1:443 ") {
			t.Errorf("bind = %q", got)
		}
	})
}

// Every guarded input is refused on its own attribute; the hostile values
// would otherwise end a quoted string or the line, start a comment, expand
// a variable or add a bind option.
func TestHAProxyValidationErrors(t *testing.T) {
	cases := []struct {
		name      string
		change    func(*HAProxyInput)
		field     string
		fragments []string
	}{
		{"missing certificate", func(in *HAProxyInput) { in.CertificateFile = "" }, "certificate_file", []string{"required"}},
		{"missing CA", func(in *HAProxyInput) { in.CACertificateFile = "" }, "ca_certificate_file", []string{"required"}},
		{"relative certificate", func(in *HAProxyInput) { in.CertificateFile = "tls/server.pem" }, "certificate_file", []string{"relative"}},
		{"certificate with quote", func(in *HAProxyInput) { in.CertificateFile = `/etc/a.pem" verify none "` }, "certificate_file", []string{"Unsafe character"}},
		{"certificate with newline", func(in *HAProxyInput) {
			in.CertificateFile = "/etc/a.pem\n    http-request del-header X-SSL-Client-S-DN"
		}, "certificate_file", nil},
		{"certificate with carriage return", func(in *HAProxyInput) { in.CertificateFile = "/etc/a.pem\rbackend x" }, "certificate_file", nil},
		{"certificate with single quote", func(in *HAProxyInput) { in.CertificateFile = "/etc/a'.pem" }, "certificate_file", nil},
		{"CA with hash", func(in *HAProxyInput) { in.CACertificateFile = "/etc/#ca.pem" }, "ca_certificate_file", nil},
		{"CA with variable", func(in *HAProxyInput) { in.CACertificateFile = "/etc/${HOME}/ca.pem" }, "ca_certificate_file", nil},
		{"CA with backslash", func(in *HAProxyInput) { in.CACertificateFile = `/etc/ca\x22.pem` }, "ca_certificate_file", nil},
		{"CRL with tab", func(in *HAProxyInput) { in.CRLFile = "/etc/crl\t.pem" }, "crl_file", nil},
		{"relative CRL", func(in *HAProxyInput) { in.CRLFile = "crl.pem" }, "crl_file", nil},
		{"listen address is a name", func(in *HAProxyInput) { in.ListenAddress = "localhost" }, "listen_address", []string{"not an IP address"}},
		{"listen address with port", func(in *HAProxyInput) { in.ListenAddress = "127.0.0.1:80 ssl crt /tmp/x.pem" }, "listen_address", nil},
		{"port too large", func(in *HAProxyInput) { in.Listen = 65536 }, "listen", []string{"1 to 65535"}},
		{"negative port", func(in *HAProxyInput) { in.Listen = -1 }, "listen", nil},
		{"unknown mode", func(in *HAProxyInput) { in.Mode = "health" }, "mode", []string{"http", "tcp"}},
		{"verify none", func(in *HAProxyInput) { in.VerifyClient = "none" }, "verify_client", []string{"require", "optional"}},
		{"verify optional_no_ca", func(in *HAProxyInput) { in.VerifyClient = VerifyClientOptionalNoCA }, "verify_client", nil},
		{"optional in tcp mode", func(in *HAProxyInput) {
			in.Mode, in.VerifyClient, in.ProxyPass = HAProxyModeTCP, VerifyClientOptional, "tcp://127.0.0.1:5432"
		}, "verify_client", []string{"tcp mode"}},
		{"identity in tcp mode", func(in *HAProxyInput) {
			in.Mode, in.ForwardClientIdentity, in.ProxyPass = HAProxyModeTCP, true, "tcp://127.0.0.1:5432"
		}, "forward_client_identity", []string{"no request headers"}},
		{"missing backend", func(in *HAProxyInput) { in.ProxyPass = "" }, "proxy_pass", []string{"required"}},
		{"tcp backend in http mode", func(in *HAProxyInput) { in.ProxyPass = "tcp://127.0.0.1:5432" }, "proxy_pass", []string{"mode = \"tcp\""}},
		{"http backend in tcp mode", func(in *HAProxyInput) { in.Mode = HAProxyModeTCP }, "proxy_pass", []string{"tcp://"}},
		{"tcp backend without port", func(in *HAProxyInput) { in.Mode, in.ProxyPass = HAProxyModeTCP, "tcp://db.internal" }, "proxy_pass", []string{"no port"}},
		{"tcp backend with path", func(in *HAProxyInput) { in.Mode, in.ProxyPass = HAProxyModeTCP, "tcp://db:5432/x" }, "proxy_pass", []string{"path"}},
		{"backend with path", func(in *HAProxyInput) { in.ProxyPass = "http://backend/app" }, "proxy_pass", []string{"path"}},
		{"backend with query", func(in *HAProxyInput) { in.ProxyPass = "http://backend?x=1" }, "proxy_pass", nil},
		{"backend with credentials", func(in *HAProxyInput) { in.ProxyPass = "http://user:pw@backend" }, "proxy_pass", []string{"credentials"}},
		{"backend with space", func(in *HAProxyInput) { in.ProxyPass = "http://backend ssl verify none" }, "proxy_pass", nil},
		{"backend with newline", func(in *HAProxyInput) { in.ProxyPass = "http://backend\nserver evil 10.0.0.1:80" }, "proxy_pass", nil},
		{"backend with hash", func(in *HAProxyInput) { in.ProxyPass = "http://backend#x" }, "proxy_pass", nil},
		{"backend with variable", func(in *HAProxyInput) { in.ProxyPass = "http://${HOST}" }, "proxy_pass", nil},
		{"backend with zone", func(in *HAProxyInput) { in.ProxyPass = "http://[fe80::1%25eth0]" }, "proxy_pass", nil},
		{"backend port zero", func(in *HAProxyInput) { in.ProxyPass = "http://backend:0" }, "proxy_pass", []string{"TCP port"}},
		{"ftp backend", func(in *HAProxyInput) { in.ProxyPass = "ftp://backend" }, "proxy_pass", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validHAProxyInput()
			tc.change(&in)
			out, _, err := RenderHAProxy(in)
			wantFieldError(t, err, tc.field, -1, tc.fragments...)
			if out != (HAProxyOutput{}) {
				t.Errorf("refused input rendered %q", out.Sections)
			}
		})
	}
}

func TestHAProxyReportsEveryError(t *testing.T) {
	in := HAProxyInput{ListenAddress: "x", Listen: 70000, CertificateFile: "rel", Mode: "udp", VerifyClient: "on", ProxyPass: "ftp://x"}
	_, _, err := RenderHAProxy(in)
	var fields []string
	for _, fe := range FieldErrors(err) {
		fields = append(fields, fe.Field)
	}
	if strings.Join(fields, ",") != "listen_address,listen,certificate_file,ca_certificate_file,mode,verify_client,proxy_pass" {
		t.Errorf("errors on %v", fields)
	}
}

func TestHAProxyWarnings(t *testing.T) {
	in := validHAProxyInput()
	in.VerifyClient = VerifyClientOptional
	_, warnings, err := RenderHAProxy(in)
	if err != nil || len(warnings) != 1 || warnings[0].Field != "verify_client" || !strings.Contains(warnings[0].Detail, "forward_client_identity") {
		t.Fatalf("err %v, warnings %+v; want one on verify_client asking for forward_client_identity", err, warnings)
	}
	in.ForwardClientIdentity = true
	if _, warnings, err := RenderHAProxy(in); err != nil || len(warnings) != 0 {
		t.Fatalf("err %v, warnings %+v", err, warnings)
	}
}
