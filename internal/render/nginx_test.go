package render

import (
	"slices"
	"strings"
	"testing"
)

func TestNginxGolden(t *testing.T) {
	for name, in := range goldenServerInputs {
		t.Run(name, func(t *testing.T) {
			out, _, err := RenderNginx(NginxInput{in})
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "nginx_"+name+"_server_block", out.ServerBlock)
			checkGolden(t, "nginx_"+name+"_directives", out.Directives)
		})
	}
}

func TestNginxServerBlockMeaning(t *testing.T) {
	out, warnings, err := RenderNginx(NginxInput{goldenServerInputs["optional_proxy"]})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("err %v, warnings %v", err, warnings)
	}
	tree := parseNginx(t, out.ServerBlock)
	if len(tree) != 1 || tree[0].name != "server" {
		t.Fatalf("want one server block, got %v", flatten(tree, ""))
	}
	want := map[string][]string{
		"listen":                 {"8443 ssl"},
		"server_name":            {"api.example.com www.api.example.com *.api.example.com"},
		"ssl_certificate":        {"/etc/ssl/api/fullchain.pem"},
		"ssl_certificate_key":    {"/etc/ssl/api/privkey.pem"},
		"ssl_client_certificate": {"/etc/ssl/api/client-ca.pem"},
		"ssl_verify_client":      {"optional"},
		"ssl_verify_depth":       {"2"},
		"ssl_crl":                {"/etc/ssl/api/client-ca.crl"},
		"ssl_protocols":          {"TLSv1.2 TLSv1.3"},
		"error_page":             {"495 496 = @client_certificate_required"},
		"root":                   nil,
		"proxy_ssl_server_name":  nil, // only for an https backend
	}
	for name, args := range want {
		if got := argsOf(tree, "server", name); !slices.Equal(got, args) {
			t.Errorf("%s = %q, want %q", name, got, args)
		}
	}

	// proxy_set_header at server level replaces client-sent headers; with
	// optional verification the details come from variables that are only
	// filled for a verified certificate.
	headers := argsOf(tree, "server", "proxy_set_header")
	for _, header := range []string{
		"X-SSL-Client-Verify $ssl_client_verify",
		"X-SSL-Client-S-DN $mtls_client_s_dn",
		"X-SSL-Client-I-DN $mtls_client_i_dn",
		"X-SSL-Client-Serial $mtls_client_serial",
		"X-SSL-Client-Cert $mtls_client_cert",
		"Host $host",
		// Client-sent spellings with "_" are dropped.
		"X_SSL_Client_S_DN ",
		"X-SSL_Client-S-DN ",
		"X_SSL_Client_Verify ",
	} {
		if !slices.Contains(headers, header) {
			t.Errorf("no proxy_set_header %s in %q", header, headers)
		}
	}
	// So are the headers that make a backend serve another path.
	for _, header := range rewriteHeaderSpellings {
		header += " "
		if !slices.Contains(headers, header) {
			t.Errorf("no proxy_set_header %s in %q", header, headers)
		}
	}
	ifs := find(tree, "server", "if")
	if len(ifs) != 1 || strings.Join(ifs[0].args, " ") != "($ssl_client_verify = SUCCESS)" {
		t.Fatalf("want one server-level if on a verified certificate, got %v", flatten(ifs, ""))
	}
	if got := argsOf(ifs[0].block, "set"); !slices.Contains(got, "$mtls_client_s_dn $ssl_client_s_dn") ||
		!slices.Contains(got, "$mtls_client_cert $ssl_client_escaped_cert") {
		t.Errorf("the verified branch sets %q", got)
	}

	locations := find(tree, "server", "location")
	var paths []string
	for _, location := range locations {
		paths = append(paths, strings.Join(location.args, " "))
	}
	if !slices.Equal(paths, []string{"@client_certificate_required", "/",
		"~* " + locationPattern("/admin"), "~* " + locationPattern("/api/private"), "~ " + ambiguousPathPattern}) {
		t.Fatalf("locations = %q", paths)
	}
	if got := argsOf(locations[0].block, "return"); !slices.Equal(got, []string{"403 A valid client certificate is required.\\n"}) {
		t.Errorf("the error location returns %q", got)
	}
	if got := argsOf(locations[1].block, "proxy_pass"); !slices.Equal(got, []string{"http://127.0.0.1:8080"}) {
		t.Errorf("location / proxy_pass = %q", got)
	}
	for _, location := range locations[2:] {
		check := find(location.block, "if")
		if len(check) != 1 || strings.Join(check[0].args, " ") != "($ssl_client_verify != SUCCESS)" ||
			!slices.Equal(argsOf(check[0].block, "return"), []string{"403"}) {
			t.Errorf("location %s lacks the certificate check: %v", location.args[0], flatten(location.block, ""))
		}
		if got := argsOf(location.block, "proxy_pass"); !slices.Equal(got, []string{"http://127.0.0.1:8080"}) {
			t.Errorf("location %s proxy_pass = %q", location.args[0], got)
		}
		// A location's own proxy_set_header would hide the identity headers.
		if len(find(location.block, "proxy_set_header")) != 0 {
			t.Errorf("location %s sets proxy_set_header", location.args[0])
		}
	}
}

func TestNginxDirectivesArePartOfServerBlock(t *testing.T) {
	for name, in := range goldenServerInputs {
		out, _, err := RenderNginx(NginxInput{in})
		if err != nil {
			t.Fatal(err)
		}
		server := flatten(find(parseNginx(t, out.ServerBlock), "server")[0].block, "")
		directives := parseNginx(t, out.Directives)
		for _, line := range flatten(directives, "") {
			if !slices.Contains(server, line) {
				t.Errorf("%s: directive %q is missing from the server block", name, line)
			}
		}
		for _, notTLS := range []string{"listen", "server_name", "root", "proxy_pass"} {
			if len(find(directives, notTLS)) != 0 {
				t.Errorf("%s: directives contain %s", name, notTLS)
			}
		}
	}
}

func TestNginxVariants(t *testing.T) {
	render := func(change func(*ServerInput)) []directive {
		t.Helper()
		in := validServerInput()
		change(&in)
		out, _, err := RenderNginx(NginxInput{in})
		if err != nil {
			t.Fatal(err)
		}
		return find(parseNginx(t, out.ServerBlock), "server")[0].block
	}
	t.Run("defaults", func(t *testing.T) {
		server := render(func(*ServerInput) {})
		for name, want := range map[string]string{"listen": "443 ssl", "ssl_verify_client": "on", "ssl_verify_depth": "2", "ssl_protocols": "TLSv1.2 TLSv1.3"} {
			if got := argsOf(server, name); !slices.Equal(got, []string{want}) {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		for _, absent := range []string{"proxy_set_header", "ssl_crl", "if", "proxy_pass", "root"} {
			if len(find(server, absent)) != 0 {
				t.Errorf("%s rendered although not asked for", absent)
			}
		}
	})
	t.Run("require forwards the ssl variables directly", func(t *testing.T) {
		server := render(func(in *ServerInput) { in.ForwardClientIdentity = true })
		headers := argsOf(server, "proxy_set_header")
		for _, header := range []string{
			"X-SSL-Client-Verify $ssl_client_verify",
			"X-SSL-Client-S-DN $ssl_client_s_dn",
			"X-SSL-Client-I-DN $ssl_client_i_dn",
			"X-SSL-Client-Serial $ssl_client_serial",
			"X-SSL-Client-Cert $ssl_client_escaped_cert",
		} {
			if !slices.Contains(headers, header) {
				t.Errorf("no proxy_set_header %s in %q", header, headers)
			}
		}
		if len(find(server, "if")) != 0 || len(find(server, "set")) != 0 {
			t.Error("verify_client require needs no verified-only variables")
		}
		for _, header := range rewriteHeaderSpellings {
			if !slices.Contains(headers, header+" ") {
				t.Errorf("no proxy_set_header %s \"\" in %q", header, headers)
			}
		}
	})
	// Locations are checked on the request's path; a backend must not serve
	// another one.
	t.Run("locations alone drop the rewrite headers", func(t *testing.T) {
		server := render(func(in *ServerInput) {
			in.VerifyClient, in.Locations, in.ProxyPass = VerifyClientOptional, []string{"/admin"}, "http://127.0.0.1:8080"
		})
		want := []string{"Host $host"}
		for _, header := range rewriteHeaderSpellings {
			want = append(want, header+" ")
		}
		got := argsOf(server, "proxy_set_header")
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("proxy_set_header = %q, want %q", got, want)
		}
	})
	t.Run("https backend", func(t *testing.T) {
		server := render(func(in *ServerInput) { in.ProxyPass = "https://backend.internal" })
		if got := argsOf(server, "proxy_ssl_server_name"); !slices.Equal(got, []string{"on"}) {
			t.Errorf("proxy_ssl_server_name = %q", got)
		}
		if got := argsOf(server, "location", "proxy_pass"); !slices.Contains(got, "https://backend.internal") {
			t.Errorf("proxy_pass = %q", got)
		}
	})
	t.Run("IPv6 listen address", func(t *testing.T) {
		server := render(func(in *ServerInput) { in.ListenAddress = "::1" })
		if got := argsOf(server, "listen"); !slices.Equal(got, []string{"[::1]:443 ssl"}) {
			t.Errorf("listen = %q", got)
		}
	})
	t.Run("document root with locations", func(t *testing.T) {
		server := render(func(in *ServerInput) {
			in.DocumentRoot, in.VerifyClient, in.Locations = "/srv/www", VerifyClientOptionalNoCA, []string{"/private"}
		})
		if got := argsOf(server, "root"); !slices.Equal(got, []string{"/srv/www"}) {
			t.Errorf("root = %q", got)
		}
		if got := argsOf(server, "ssl_verify_client"); !slices.Equal(got, []string{"optional_no_ca"}) {
			t.Errorf("ssl_verify_client = %q", got)
		}
		// The location and the ambiguous paths.
		if got := argsOf(server, "location", "if", "return"); !slices.Equal(got, []string{"403", "403"}) {
			t.Errorf("location check returns %q", got)
		}
	})
}
