package render

import (
	"slices"
	"strings"
	"testing"
)

func TestApacheGolden(t *testing.T) {
	for name, in := range goldenServerInputs {
		t.Run(name, func(t *testing.T) {
			out, _, err := RenderApache(ApacheInput{ServerInput: in})
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "apache_"+name+"_virtual_host", out.VirtualHost)
			checkGolden(t, "apache_"+name+"_directives", out.Directives)
		})
	}
}

func TestApacheVirtualHostMeaning(t *testing.T) {
	out, warnings, err := RenderApache(ApacheInput{ServerInput: goldenServerInputs["optional_proxy"]})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("err %v, warnings %v", err, warnings)
	}
	tree := parseApache(t, out.VirtualHost)
	vhost := find(tree, "VirtualHost")
	if len(tree) != 1 || len(vhost) != 1 || strings.Join(vhost[0].args, " ") != "*:8443" {
		t.Fatalf("want exactly one <VirtualHost *:8443>, got %v", flatten(tree, ""))
	}
	want := map[string][]string{
		"ServerName":            {"api.example.com"},
		"ServerAlias":           {"www.api.example.com *.api.example.com"},
		"SSLEngine":             {"on"},
		"SSLCertificateFile":    {"/etc/ssl/api/fullchain.pem"},
		"SSLCertificateKeyFile": {"/etc/ssl/api/privkey.pem"},
		"SSLCACertificateFile":  {"/etc/ssl/api/client-ca.pem"},
		"SSLVerifyClient":       {"optional"},
		"SSLVerifyDepth":        {"2"},
		"SSLProtocol":           {"-all +TLSv1.2 +TLSv1.3"},
		"SSLCARevocationFile":   {"/etc/ssl/api/client-ca.crl"},
		"SSLCARevocationCheck":  {"chain"},
		"SSLOptions":            {"+StdEnvVars +ExportCertData"},
		"ProxyPass":             {"/ http://127.0.0.1:8080/"},
		"ProxyPassReverse":      {"/ http://127.0.0.1:8080/"},
		"SSLProxyEngine":        nil, // only for an https backend
		"DocumentRoot":          nil,
	}
	for name, args := range want {
		if got := argsOf(tree, "VirtualHost", name); !slices.Equal(got, args) {
			t.Errorf("%s = %q, want %q", name, got, args)
		}
	}

	// Every identity header is set (overwriting the client's), and its
	// details are removed when the certificate was not verified.
	requestHeaders := argsOf(tree, "VirtualHost", "RequestHeader")
	for header, variable := range map[string]string{
		"X-SSL-Client-Verify": "%{SSL_CLIENT_VERIFY}s",
		"X-SSL-Client-S-DN":   "%{SSL_CLIENT_S_DN}s",
		"X-SSL-Client-I-DN":   "%{SSL_CLIENT_I_DN}s",
		"X-SSL-Client-Serial": "%{SSL_CLIENT_M_SERIAL}s",
		"X-SSL-Client-Cert":   "expr=%{escape:%{SSL_CLIENT_CERT}}",
	} {
		if !slices.Contains(requestHeaders, "set "+header+" "+variable) {
			t.Errorf("no RequestHeader set %s %s in %q", header, variable, requestHeaders)
		}
		unset := "unset " + header + " expr=%{SSL_CLIENT_VERIFY} != 'SUCCESS'"
		if header != "X-SSL-Client-Verify" && !slices.Contains(requestHeaders, unset) {
			t.Errorf("no RequestHeader %s", unset)
		}
	}

	// Client-sent spellings with "_" are dropped, whatever the mode, and so
	// are the headers that make a backend serve another path.
	for _, variant := range append([]string{"X_SSL_Client_S_DN", "X-SSL_Client-S-DN", "X_SSL_Client_Verify", "X-SSL-Client_Cert"}, rewriteHeaderSpellings...) {
		if !slices.Contains(requestHeaders, "unset "+variant) {
			t.Errorf("no RequestHeader unset %s", variant)
		}
	}

	// Locations are regular expressions in any letter case (see
	// locations.go), checked per request, never with a per-directory
	// SSLVerifyClient that would need renegotiation; one more covers the
	// paths a backend may read differently.
	if len(find(tree, "VirtualHost", "Location")) != 0 {
		t.Error("<Location> matches whole segments only; want <LocationMatch>")
	}
	locations := find(tree, "VirtualHost", "LocationMatch")
	if len(locations) != 3 || locations[0].args[0] != "(?i)"+locationPattern("/admin") ||
		locations[1].args[0] != "(?i)"+locationPattern("/api/private") || locations[2].args[0] != ambiguousPathPattern {
		t.Fatalf("locations = %v", flatten(locations, ""))
	}
	for _, location := range locations {
		if got := argsOf(location.block, "Require"); !slices.Equal(got, []string{"expr %{SSL_CLIENT_VERIFY} == 'SUCCESS'"}) {
			t.Errorf("<Location %s> Require = %q", location.args[0], got)
		}
		if len(find(location.block, "SSLVerifyClient")) != 0 {
			t.Errorf("<Location %s> sets SSLVerifyClient", location.args[0])
		}
	}
}

func TestApacheDirectivesArePartOfVirtualHost(t *testing.T) {
	for name, in := range goldenServerInputs {
		out, _, err := RenderApache(ApacheInput{ServerInput: in})
		if err != nil {
			t.Fatal(err)
		}
		vhost := flatten(find(parseApache(t, out.VirtualHost), "VirtualHost")[0].block, "")
		directives := flatten(parseApache(t, out.Directives), "")
		for _, line := range directives {
			if !slices.Contains(vhost, line) {
				t.Errorf("%s: directive %q is missing from the virtual host", name, line)
			}
		}
		for _, notTLS := range []string{"ServerName", "ProxyPass", "DocumentRoot"} {
			if len(find(parseApache(t, out.Directives), notTLS)) != 0 {
				t.Errorf("%s: directives contain %s", name, notTLS)
			}
		}
	}
}

func TestApacheRejectsWildcardServerName(t *testing.T) {
	in := validServerInput()
	in.ServerName = "*.example.com"
	_, _, err := RenderApache(ApacheInput{ServerInput: in})
	wantFieldError(t, err, "server_name", -1, "server_aliases")
	// nginx matches wildcard server names itself.
	if _, _, err := RenderNginx(NginxInput{in}); err != nil {
		t.Errorf("nginx: %v", err)
	}
}

func TestApacheVariants(t *testing.T) {
	render := func(change func(*ServerInput)) []directive {
		t.Helper()
		in := validServerInput()
		change(&in)
		out, _, err := RenderApache(ApacheInput{ServerInput: in})
		if err != nil {
			t.Fatal(err)
		}
		return find(parseApache(t, out.VirtualHost), "VirtualHost")
	}
	t.Run("defaults", func(t *testing.T) {
		vhost := render(func(*ServerInput) {})
		if got := strings.Join(vhost[0].args, ""); got != "*:443" {
			t.Errorf("VirtualHost %s, want *:443", got)
		}
		for name, want := range map[string]string{"SSLVerifyClient": "require", "SSLVerifyDepth": "2", "SSLProtocol": "-all +TLSv1.2 +TLSv1.3"} {
			if got := argsOf(vhost[0].block, name); !slices.Equal(got, []string{want}) {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		for _, absent := range []string{"RequestHeader", "SSLCARevocationFile", "Location", "ProxyPass", "SSLOptions"} {
			if len(find(vhost[0].block, absent)) != 0 {
				t.Errorf("%s rendered although not asked for", absent)
			}
		}
	})
	t.Run("require forwards identity without unset", func(t *testing.T) {
		vhost := render(func(in *ServerInput) { in.ForwardClientIdentity = true })
		requestHeaders := argsOf(vhost[0].block, "RequestHeader")
		for _, header := range requestHeaders {
			// Only the "_" spellings and the rewrite headers are dropped;
			// every verified header stays.
			if name, unset := strings.CutPrefix(header, "unset "); unset && slices.Contains(identityHeaders, strings.Fields(name)[0]) {
				t.Errorf("RequestHeader %s with verify_client require", header)
			}
		}
		for _, header := range rewriteHeaderSpellings {
			if !slices.Contains(requestHeaders, "unset "+header) {
				t.Errorf("no RequestHeader unset %s in %q", header, requestHeaders)
			}
		}
	})
	// Locations are checked on the request's path; a backend must not serve
	// another one.
	t.Run("locations alone drop the rewrite headers", func(t *testing.T) {
		vhost := render(func(in *ServerInput) {
			in.VerifyClient, in.Locations, in.ProxyPass = VerifyClientOptional, []string{"/admin"}, "http://127.0.0.1:8080"
		})
		var want []string
		for _, header := range rewriteHeaderSpellings {
			want = append(want, "unset "+header)
		}
		if got := argsOf(vhost[0].block, "RequestHeader"); !slices.Equal(got, want) {
			t.Errorf("RequestHeader = %q, want %q", got, want)
		}
	})
	t.Run("https backend enables SSLProxyEngine", func(t *testing.T) {
		vhost := render(func(in *ServerInput) { in.ProxyPass = "https://[::1]:8443/" })
		if got := argsOf(vhost[0].block, "SSLProxyEngine"); !slices.Equal(got, []string{"on"}) {
			t.Errorf("SSLProxyEngine = %q", got)
		}
		if got := argsOf(vhost[0].block, "ProxyPass"); !slices.Equal(got, []string{"/ https://[::1]:8443/"}) {
			t.Errorf("ProxyPass = %q", got)
		}
	})
	t.Run("listen address", func(t *testing.T) {
		vhost := render(func(in *ServerInput) { in.ListenAddress, in.Listen = "127.0.0.1", 9443 })
		if got := strings.Join(vhost[0].args, ""); got != "127.0.0.1:9443" {
			t.Errorf("VirtualHost %s", got)
		}
	})
	t.Run("optional_no_ca", func(t *testing.T) {
		vhost := render(func(in *ServerInput) { in.VerifyClient = VerifyClientOptionalNoCA })
		if got := argsOf(vhost[0].block, "SSLVerifyClient"); !slices.Equal(got, []string{"optional_no_ca"}) {
			t.Errorf("SSLVerifyClient = %q", got)
		}
	})
	t.Run("optional_no_ca with a CRL warns", func(t *testing.T) {
		in := validServerInput()
		in.VerifyClient, in.CRLFile = VerifyClientOptionalNoCA, "/etc/ssl/crl.pem"
		_, warnings, err := RenderApache(ApacheInput{ServerInput: in})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(warnings, func(w Warning) bool { return w.Field == "crl_file" }) {
			t.Errorf("no warning on crl_file: %+v", warnings)
		}
		// nginx accepts such certificates, so it has nothing to warn about.
		_, warnings, _ = RenderNginx(NginxInput{in})
		if slices.ContainsFunc(warnings, func(w Warning) bool { return w.Field == "crl_file" }) {
			t.Errorf("nginx warns on crl_file: %+v", warnings)
		}
	})
}
