package render

import (
	"strings"
	"testing"
)

// FuzzMySQLUser: any user name, host, subject and issuer is either refused
// with errors on users[0] alone, or comes back unchanged from every string
// literal of users_sql, which keeps exactly its statements.
func FuzzMySQLUser(f *testing.F) {
	for _, seed := range [][4]string{
		{"cmon", "127.0.0.1", "/C=SE/O=Example/CN=cmon", "/CN=CA"},
		{"o'brien\\", "%", `/O=O'Brien \/ S\+n/CN=\xC3\xA9`, `/CN=x\`},
		{"a\x00b", "10.0.0.%", "/CN=a\nb", "/CN=\x00"},
		{"x'; DROP USER root; --", "x'@'%", "CN=a,O=b", ""},
		{"%", "db_1.example.com", "/CN=é", "/CN=\\'"},
		{"\\'", "::1", "/CN=\\", "/CN=''"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, name, host, subject, issuer string) {
		in := validMySQLInput()
		in.Client = nil
		in.Users = []MySQLUser{{Name: name, Host: host, Subject: subject, Issuer: issuer}}
		out, _, err := RenderMySQL(in)
		if err != nil {
			for _, fe := range FieldErrors(err) {
				if fe.Field != "users" || fe.Index != 0 {
					t.Fatalf("error outside users[0]: %v", fe)
				}
			}
			return
		}
		if host == "" {
			host = DefaultMySQLUserHost
		}
		var statements []string
		for _, line := range strings.Split(strings.TrimSpace(out.UsersSQL), "\n") {
			if !strings.HasPrefix(line, "--") {
				statements = append(statements, line)
			}
		}
		if len(statements) != 5 {
			t.Fatalf("want 5 statements, got:\n%s", out.UsersSQL)
		}
		rest := strings.TrimPrefix(statements[2], "CREATE USER IF NOT EXISTS ")
		gotName, rest := unquoteSQL(t, rest)
		gotHost, rest := unquoteSQL(t, strings.TrimPrefix(rest, "@"))
		if gotName != name || gotHost != host || rest != ";" {
			t.Fatalf("%q reads as %q@%q then %q", statements[2], gotName, gotHost, rest)
		}
		rest = strings.TrimPrefix(statements[3], "ALTER USER ")
		gotName, rest = unquoteSQL(t, rest)
		gotHost, rest = unquoteSQL(t, strings.TrimPrefix(rest, "@"))
		gotSubject, rest := unquoteSQL(t, strings.TrimPrefix(rest, " REQUIRE SUBJECT "))
		gotIssuer, rest := unquoteSQL(t, strings.TrimPrefix(rest, " AND ISSUER "))
		if gotName != name || gotHost != host || gotSubject != subject || gotIssuer != issuer || rest != ";" {
			t.Fatalf("%q reads as %q@%q %q %q then %q", statements[3], gotName, gotHost, gotSubject, gotIssuer, rest)
		}
	})
}

// FuzzMySQLPath: any path is either refused on its own attribute, or is the
// whole value of its option line in my_cnf, which keeps its lines.
func FuzzMySQLPath(f *testing.F) {
	for _, seed := range []string{"/etc/mysql/ssl/ca.pem", "/etc/a b.pem", "/etc/a#b", "/etc/x\nssl_ca = /tmp/y", `/etc/a\b`, "/etc/a ", "C:/ssl/ca.pem", "/etc/\"q\"", "/etc/é.pem"} {
		f.Add(seed)
	}
	want := validMySQLInput()
	placeholder, _, err := RenderMySQL(want)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path string) {
		in := validMySQLInput()
		in.CACertificateFile = path
		out, _, err := RenderMySQL(in)
		if err != nil {
			for _, fe := range FieldErrors(err) {
				if fe.Field != "ca_certificate_file" {
					t.Fatalf("error outside ca_certificate_file: %v", fe)
				}
			}
			return
		}
		if got := strings.Replace(out.MyCnf, "ssl_ca = "+path+"\n", "ssl_ca = "+want.CACertificateFile+"\n", 1); got != placeholder.MyCnf {
			t.Fatalf("the path changed more than its value:\n%s", out.MyCnf)
		}
		mysqld := parseOptionFile(t, out.MyCnf)["mysqld"]
		if mysqld["ssl_ca"] != path {
			t.Fatalf("ssl_ca reads back as %q, want %q", mysqld["ssl_ca"], path)
		}
	})
}
