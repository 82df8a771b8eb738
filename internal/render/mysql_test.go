package render

import (
	"strings"
	"testing"
)

// validMySQLInput is a complete MariaDB configuration with two users and
// a client section.
func validMySQLInput() MySQLInput {
	return MySQLInput{
		CertificateFile:        "/etc/mysql/ssl/server.pem",
		CertificateKeyFile:     "/etc/mysql/ssl/server.key",
		CACertificateFile:      "/etc/mysql/ssl/client-ca.pem",
		CRLFile:                "/etc/mysql/ssl/client-ca.crl",
		RequireSecureTransport: true,
		Users: []MySQLUser{
			{Name: "cmon", Host: "127.0.0.1", Subject: "/C=SE/O=Severalnines AB/CN=cmon", Issuer: "/CN=Issuing CA", Source: "client_cert_pem"},
			{Name: "O'Brien", Subject: `/O=O'Brien \/ Sons/CN=x\y`, Issuer: "/CN=Issuing CA"},
		},
		Client: &MySQLClient{
			CertificateFile:    "/home/cmon/.mysql/client.pem",
			CertificateKeyFile: "/home/cmon/.mysql/client.key",
			CACertificateFile:  "/home/cmon/.mysql/ca.pem",
			Host:               "db.example.com",
			Port:               3306,
			User:               "cmon",
		},
	}
}

func TestMySQLGolden(t *testing.T) {
	for _, flavor := range []string{MySQLFlavorMariaDB, MySQLFlavorMySQL} {
		t.Run(flavor, func(t *testing.T) {
			in := validMySQLInput()
			in.Flavor = flavor
			out, warnings, err := RenderMySQL(in)
			if err != nil || len(warnings) != 0 {
				t.Fatalf("err %v, warnings %v", err, warnings)
			}
			checkGolden(t, "mysql_"+flavor+"_my_cnf", out.MyCnf)
			checkGolden(t, "mysql_"+flavor+"_users_sql", out.UsersSQL)
			checkGolden(t, "mysql_"+flavor+"_client_cnf", out.ClientCnf)
		})
	}
}

// parseOptionFile reads an option file as the servers do: [group] headers,
// "name = value" or a bare "name", "#" comments.
func parseOptionFile(t *testing.T, text string) map[string]map[string]string {
	t.Helper()
	groups := map[string]map[string]string{}
	var group map[string]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			group = map[string]string{}
			groups[line[1:len(line)-1]] = group
		case group == nil:
			t.Fatalf("option outside a group: %q", line)
		default:
			name, value, _ := strings.Cut(line, "=")
			name = strings.TrimSpace(name)
			if _, dup := group[name]; dup {
				t.Fatalf("option %s twice", name)
			}
			group[name] = strings.TrimSpace(value)
		}
	}
	return groups
}

func TestMySQLOptionFiles(t *testing.T) {
	in := validMySQLInput()
	in.TLSVersions = []string{TLSv13}
	out, _, err := RenderMySQL(in)
	if err != nil {
		t.Fatal(err)
	}
	server := parseOptionFile(t, out.MyCnf)
	if len(server) != 1 {
		t.Fatalf("want only [mysqld], got %v", server)
	}
	want := map[string]string{
		"ssl_cert": in.CertificateFile, "ssl_key": in.CertificateKeyFile, "ssl_ca": in.CACertificateFile,
		"ssl_crl": in.CRLFile, "tls_version": "TLSv1.3", "require_secure_transport": "ON",
	}
	if got := server["mysqld"]; len(got) != len(want) {
		t.Errorf("[mysqld] = %v, want %v", got, want)
	}
	for name, value := range want {
		if got := server["mysqld"][name]; got != value {
			t.Errorf("%s = %q, want %q", name, got, value)
		}
	}

	in.CRLFile, in.TLSVersions, in.RequireSecureTransport = "", nil, false
	out, warnings, err := RenderMySQL(in)
	if err != nil || len(warnings) != 1 || warnings[0].Field != "require_secure_transport" {
		t.Fatalf("err %v, warnings %v", err, warnings)
	}
	mysqld := parseOptionFile(t, out.MyCnf)["mysqld"]
	if _, ok := mysqld["ssl_crl"]; ok || mysqld["require_secure_transport"] != "OFF" || mysqld["tls_version"] != "TLSv1.2,TLSv1.3" {
		t.Errorf("[mysqld] = %v", mysqld)
	}

	for flavor, verify := range map[string][]string{MySQLFlavorMariaDB: {"ssl", "ssl-verify-server-cert"}, MySQLFlavorMySQL: {"ssl-mode"}} {
		in := validMySQLInput()
		in.Flavor = flavor
		out, _, err := RenderMySQL(in)
		if err != nil {
			t.Fatal(err)
		}
		client := parseOptionFile(t, out.ClientCnf)["client"]
		for _, option := range verify {
			if _, ok := client[option]; !ok {
				t.Errorf("%s: [client] lacks %s: %v", flavor, option, client)
			}
		}
		if client["ssl-cert"] != in.Client.CertificateFile || client["user"] != "cmon" || client["host"] != "db.example.com" || client["port"] != "3306" {
			t.Errorf("%s: [client] = %v", flavor, client)
		}
	}
}

// unquoteSQL reads the SQL string literal at the start of s as a server
// does with a sql_mode without NO_BACKSLASH_ESCAPES, and returns the rest.
func unquoteSQL(t *testing.T, s string) (value, rest string) {
	t.Helper()
	if !strings.HasPrefix(s, "'") {
		t.Fatalf("no string literal at %q", s)
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
			b.WriteByte('\'')
		case c == '\'':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	t.Fatalf("unterminated literal %q", s)
	return "", ""
}

// TestMySQLUsersSQLRoundTrip reads every literal back and checks that each
// statement is exactly the expected shape, for values with quotes,
// backslashes and semicolons.
func TestMySQLUsersSQLRoundTrip(t *testing.T) {
	in := validMySQLInput()
	in.Users = append(in.Users,
		MySQLUser{Name: `a\'; DROP USER root; --`, Host: "10.0.%", Subject: `/CN=a\' OR 1=1; --\`, Issuer: `/CN='\\'`},
		MySQLUser{Name: `\`, Host: "db_1.example.com", Subject: `/CN=\x00`, Issuer: `/CN=''`},
	)
	out, _, err := RenderMySQL(in)
	if err != nil {
		t.Fatal(err)
	}
	var statements []string
	for _, line := range strings.Split(strings.TrimSpace(out.UsersSQL), "\n") {
		if !strings.HasPrefix(line, "--") {
			statements = append(statements, line)
		}
	}
	if len(statements) != 2+2*len(in.Users)+1 ||
		statements[0] != "SET @mtls_saved_sql_mode = @@SESSION.sql_mode;" ||
		statements[1] != "SET SESSION sql_mode = '';" ||
		statements[len(statements)-1] != "SET SESSION sql_mode = @mtls_saved_sql_mode;" {
		t.Fatalf("unexpected statements:\n%s", out.UsersSQL)
	}
	for i, user := range in.Users {
		if user.Host == "" {
			user.Host = DefaultMySQLUserHost
		}
		create, alter := statements[2+2*i], statements[3+2*i]
		rest := strings.TrimPrefix(create, "CREATE USER IF NOT EXISTS ")
		name, rest := unquoteSQL(t, rest)
		host, rest := unquoteSQL(t, strings.TrimPrefix(rest, "@"))
		if name != user.Name || host != user.Host || rest != ";" {
			t.Errorf("%q reads as %q@%q then %q", create, name, host, rest)
		}
		rest = strings.TrimPrefix(alter, "ALTER USER ")
		name, rest = unquoteSQL(t, rest)
		host, rest = unquoteSQL(t, strings.TrimPrefix(rest, "@"))
		subject, rest := unquoteSQL(t, strings.TrimPrefix(rest, " REQUIRE SUBJECT "))
		issuer, rest := unquoteSQL(t, strings.TrimPrefix(rest, " AND ISSUER "))
		if name != user.Name || host != user.Host || subject != user.Subject || issuer != user.Issuer || rest != ";" {
			t.Errorf("%q reads as %q@%q %q %q then %q", alter, name, host, subject, issuer, rest)
		}
	}

	in.Users, in.Client.User = nil, ""
	if out, _, err := RenderMySQL(in); err != nil || out.UsersSQL != "" {
		t.Errorf("without users: %q, %v", out.UsersSQL, err)
	}
	in.Client = nil
	if out, _, err := RenderMySQL(in); err != nil || out.ClientCnf != "" {
		t.Errorf("without client: %q, %v", out.ClientCnf, err)
	}
}

func TestMySQLRefuses(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*MySQLInput)
		path   string // FieldError path
		want   string // in the summary or detail
	}{
		{"unknown flavor", func(in *MySQLInput) { in.Flavor = "postgres" }, "flavor", "mariadb"},
		{"missing certificate", func(in *MySQLInput) { in.CertificateFile = "" }, "certificate_file", "required"},
		{"relative key", func(in *MySQLInput) { in.CertificateKeyFile = "ssl/server.key" }, "certificate_key_file", "relative"},
		{"newline in CA path", func(in *MySQLInput) { in.CACertificateFile = "/etc/ca.pem\nssl_ca = /tmp/evil.pem" }, "ca_certificate_file", "Unsafe"},
		{"comment in CRL path", func(in *MySQLInput) { in.CRLFile = "/etc/a#b.crl" }, "crl_file", "Unsafe"},
		{"backslash in path", func(in *MySQLInput) { in.CRLFile = `/etc/a\nb.crl` }, "crl_file", "Unsafe"},
		{"trailing space in path", func(in *MySQLInput) { in.CertificateFile = "/etc/server.pem " }, "certificate_file", "Unsafe"},
		{"quote in path", func(in *MySQLInput) { in.CertificateFile = `/etc/"server.pem` }, "certificate_file", "Unsafe"},
		{"old TLS", func(in *MySQLInput) { in.TLSVersions = []string{"TLSv1.1"} }, "tls_versions[0]", "TLSv1.2"},
		{"empty user name", func(in *MySQLInput) { in.Client.User = ""; in.Users[0].Name = "" }, "users[0].name", "anonymous"},
		{"NUL in user name", func(in *MySQLInput) { in.Client.User = ""; in.Users[0].Name = "cmon\x00" }, "users[0].name", "control character"},
		{"newline in user name", func(in *MySQLInput) { in.Client.User = ""; in.Users[0].Name = "cmon\n; DROP USER root" }, "users[0].name", "control character"},
		{"percent in user name", func(in *MySQLInput) { in.Users[1].Name = "cmon%" }, "users[1].name", "host"},
		{"user name too long for MySQL", func(in *MySQLInput) {
			in.Client.User = ""
			in.Flavor = "mysql"
			in.Users[0].Name = strings.Repeat("u", 33)
		}, "users[0].name", "at most 32"},
		{"user name too long for MariaDB", func(in *MySQLInput) { in.Client.User = ""; in.Users[0].Name = strings.Repeat("u", 129) }, "users[0].name", "at most 128"},
		{"quote in host", func(in *MySQLInput) { in.Users[0].Host = "x'@'%" }, "users[0].host", `contains '\''`},
		{"backslash in host", func(in *MySQLInput) { in.Users[0].Host = `10.0.0.\%` }, "users[0].host", `contains '\\'`},
		{"NUL in host", func(in *MySQLInput) { in.Users[0].Host = "a\x00b" }, "users[0].host", "Invalid host"},
		{"long host", func(in *MySQLInput) { in.Users[0].Host = strings.Repeat("h", 256) }, "users[0].host", "at most 255"},
		{"duplicate account", func(in *MySQLInput) { in.Users[1].Name, in.Users[1].Host = "cmon", "127.0.0.1" }, "users[1].name", "Duplicate"},
		{"newline in subject", func(in *MySQLInput) { in.Users[1].Subject = "/CN=a\n' OR '" }, "users[1].subject", "printable ASCII"},
		{"NUL in issuer", func(in *MySQLInput) { in.Users[1].Issuer = "/CN=a\x00" }, "users[1].issuer", "printable ASCII"},
		{"UTF-8 in subject", func(in *MySQLInput) { in.Users[1].Subject = "/O=Müller" }, "users[1].subject", `\xC3\xBC`},
		{"RFC 4514 subject", func(in *MySQLInput) { in.Users[1].Subject = "CN=alice,O=Example" }, "users[1].subject", "server's form"},
		{"missing issuer", func(in *MySQLInput) { in.Users[1].Issuer = "" }, "users[1].issuer", "Missing issuer"},
		{"derived names point at the certificate", func(in *MySQLInput) { in.Users[0].Subject = "" }, "users[0].client_cert_pem", "Missing subject"},
		{"client path", func(in *MySQLInput) { in.Client.CertificateKeyFile = "client.key" }, "client.certificate_key_file", "relative"},
		{"client host", func(in *MySQLInput) { in.Client.Host = "db example" }, "client.host", "host name"},
		{"client port", func(in *MySQLInput) { in.Client.Port = 70000 }, "client.port", "1 to 65535"},
		{"client unknown user", func(in *MySQLInput) { in.Client.User = "root" }, "client.user", "not the name"},
		{"client user unsafe in option file", func(in *MySQLInput) { in.Client.User = "O'Brien" }, "client.user", "--user"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validMySQLInput()
			tc.modify(&in)
			_, _, err := RenderMySQL(in)
			errs := FieldErrors(err)
			if len(errs) != 1 {
				t.Fatalf("want one field error, got %v", err)
			}
			if errs[0].path() != tc.path || !strings.Contains(errs[0].Summary+" "+errs[0].Detail, tc.want) {
				t.Errorf("got %s, want %s with %q", errs[0], tc.path, tc.want)
			}
		})
	}
}

func TestMySQLLocalhostClientWarns(t *testing.T) {
	in := validMySQLInput()
	in.Client.Host = "localhost"
	_, warnings, err := RenderMySQL(in)
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0].Detail, "socket") {
		t.Fatalf("err %v, warnings %v", err, warnings)
	}
}

// The template helpers refuse what validation lets through by mistake.
func TestMySQLHelpersRefuse(t *testing.T) {
	for _, value := range []string{"a\x00", "a\nb", "\xff"} {
		if _, err := sqlString(value); err == nil {
			t.Errorf("sqlString(%q) accepted", value)
		}
	}
	for _, value := range []string{"a\nb", "a#b", `a\b`, " a", "a ", `a"b`, ""} {
		if _, err := optionValue(value); err == nil {
			t.Errorf("optionValue(%q) accepted", value)
		}
	}
}
