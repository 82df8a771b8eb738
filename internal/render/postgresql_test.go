package render

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// postgresqlExample is a valid input that uses every feature.
func postgresqlExample() PostgreSQLInput {
	return PostgreSQLInput{
		CertificateFile:    "/etc/postgresql/tls/server-fullchain.pem",
		CertificateKeyFile: "/etc/postgresql/tls/server.key",
		CACertificateFile:  "/etc/postgresql/tls/client-ca.pem",
		CRLFile:            "/etc/postgresql/tls/client-crls.pem",
		MinProtocolVersion: TLSv13,
		CAChainDepth:       2,
		Rules: []PostgreSQLRule{
			{Database: "app", User: "alice", Address: "10.1.2.3/8"},
			{Database: "all", User: "+admins", Address: "::1", Map: "staff"},
			{Database: "replication", User: "replicator", Address: ".replicas.example.com"},
			{Database: "ALL", User: `o"neil #1 all`, Address: "samenet", AuthMethod: PostgreSQLAuthSCRAM},
		},
		IdentMaps: []PostgreSQLIdentMap{
			{Map: "staff", CertificateName: `/^(.*)@example\.com$`, Role: `\1`},
			{Map: "staff", CertificateName: "Jane Doe", Role: "jane"},
		},
		Host:                      "db.example.com",
		ClientRootCertificateFile: "/home/alice/.postgresql/root.crt",
		ClientCertificateFile:     "/home/alice/.postgresql/alice.crt",
		ClientKeyFile:             "/home/alice/.postgresql/alice.key",
	}
}

func TestPostgreSQLGolden(t *testing.T) {
	out, warnings, err := RenderPostgreSQL(postgresqlExample())
	if err != nil || len(warnings) != 0 {
		t.Fatalf("err %v, warnings %v", err, warnings)
	}
	checkGolden(t, "postgresql_postgresql_conf", out.PostgreSQLConf)
	checkGolden(t, "postgresql_pg_hba_conf", out.PgHBAConf)
	checkGolden(t, "postgresql_pg_ident_conf", out.PgIdentConf)
	want := "host=db.example.com sslmode=verify-full sslrootcert='/home/alice/.postgresql/root.crt' sslcert='/home/alice/.postgresql/alice.crt' sslkey='/home/alice/.postgresql/alice.key'"
	if out.ConnectionString != want {
		t.Errorf("connection_string = %q, want %q", out.ConnectionString, want)
	}
}

// pgToken is one token as PostgreSQL 15's pg_hba.conf and pg_ident.conf
// reader (next_token in src/backend/libpq/hba.c) returns it.
type pgToken struct {
	text   string
	quoted bool
}

// pgFields splits one line the way PostgreSQL does: fields at blanks
// outside double quotes, each a comma-separated list of tokens, "" inside
// quotes for one ", and # outside quotes starting a comment.
func pgFields(line string) [][]pgToken {
	var fields [][]pgToken
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) || line[i] == '#' {
			return fields
		}
		var field []pgToken
		for {
			var b strings.Builder
			inQuote, sawQuote, wasQuote := false, false, false
			for i < len(line) && (inQuote || (line[i] != ' ' && line[i] != '\t')) {
				c := line[i]
				if c == '#' && !inQuote {
					break
				}
				if c == ',' && !inQuote {
					break
				}
				if c != '"' || wasQuote {
					b.WriteByte(c)
				}
				wasQuote = inQuote && c == '"' && !wasQuote
				if c == '"' {
					inQuote, sawQuote = !inQuote, true
				}
				i++
			}
			field = append(field, pgToken{b.String(), sawQuote})
			if i < len(line) && line[i] == ',' {
				i++
				continue
			}
			break
		}
		fields = append(fields, field)
	}
}

// pgLines returns the fields of each line that is not blank or a comment.
func pgLines(text string) [][][]pgToken {
	var lines [][][]pgToken
	for _, line := range strings.Split(text, "\n") {
		if fields := pgFields(line); len(fields) > 0 {
			lines = append(lines, fields)
		}
	}
	return lines
}

// pgWords flattens lines whose fields are all single tokens into words,
// marking quoted ones with a leading Q.
func pgWords(t *testing.T, lines [][][]pgToken) [][]string {
	t.Helper()
	var words [][]string
	for _, line := range lines {
		var w []string
		for _, field := range line {
			if len(field) != 1 {
				t.Fatalf("a field is a list of %d tokens: %v", len(field), line)
			}
			if field[0].quoted {
				w = append(w, "Q"+field[0].text)
			} else {
				w = append(w, field[0].text)
			}
		}
		words = append(words, w)
	}
	return words
}

// The tokenizer reads what the live test saw PostgreSQL read.
func TestPGFields(t *testing.T) {
	got := pgFields(`hostssl "a""b, c#d" all,"x" 10.0.0.0/8 cert # comment`)
	want := [][]pgToken{{{"hostssl", false}}, {{`a"b, c#d`, true}}, {{"all", false}, {"x", true}}, {{"10.0.0.0/8", false}}, {{"cert", false}}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// Each rule is one hostssl line and one hostnossl reject line, each field
// one token: keywords bare, names quoted, the group bare.
func TestPostgreSQLHBAMeaning(t *testing.T) {
	out, _, err := RenderPostgreSQL(postgresqlExample())
	if err != nil {
		t.Fatal(err)
	}
	got := pgWords(t, pgLines(out.PgHBAConf))
	want := [][]string{
		{"hostssl", "Qapp", "Qalice", "10.0.0.0/8", "cert", "clientcert=verify-full"},
		{"hostssl", "all", "+admins", "::1/128", "cert", "clientcert=verify-full", "map=staff"},
		{"hostssl", "replication", "Qreplicator", ".replicas.example.com", "cert", "clientcert=verify-full"},
		{"hostssl", "QALL", `Qo"neil #1 all`, "samenet", "scram-sha-256", "clientcert=verify-ca"},
		{"hostnossl", "Qapp", "Qalice", "10.0.0.0/8", "reject"},
		{"hostnossl", "all", "+admins", "::1/128", "reject"},
		{"hostnossl", "replication", "Qreplicator", ".replicas.example.com", "reject"},
		{"hostnossl", "QALL", `Qo"neil #1 all`, "samenet", "reject"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("pg_hba.conf reads as\n%q\nwant\n%q\n%s", got, want, out.PgHBAConf)
	}
	ident := pgWords(t, pgLines(out.PgIdentConf))
	wantIdent := [][]string{{"staff", `Q/^(.*)@example\.com$`, `Q\1`}, {"staff", "QJane Doe", "Qjane"}}
	if !slices.EqualFunc(ident, wantIdent, slices.Equal) {
		t.Errorf("pg_ident.conf reads as %q, want %q", ident, wantIdent)
	}
}

var pgSetting = regexp.MustCompile(`^([a-z_]+) = (on|'[^'\\\n]*')$`)

// postgresql_conf is settings alone, each value a plain or quoted string.
func TestPostgreSQLConfMeaning(t *testing.T) {
	in := postgresqlExample()
	out, _, err := RenderPostgreSQL(in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimRight(out.PostgreSQLConf, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		m := pgSetting.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a setting: %q", line)
		}
		got[m[1]] = m[2]
	}
	want := map[string]string{
		"ssl": "on", "ssl_cert_file": "'" + in.CertificateFile + "'", "ssl_key_file": "'" + in.CertificateKeyFile + "'",
		"ssl_ca_file": "'" + in.CACertificateFile + "'", "ssl_crl_file": "'" + in.CRLFile + "'", "ssl_min_protocol_version": "'TLSv1.3'",
	}
	if len(got) != len(want) {
		t.Errorf("settings %v, want %v", got, want)
	}
	for name, value := range want {
		if got[name] != value {
			t.Errorf("%s = %s, want %s", name, got[name], value)
		}
	}

	// Defaults: TLS 1.2, no CRL, no client files, no host.
	in.MinProtocolVersion, in.CRLFile, in.Host, in.ClientRootCertificateFile, in.ClientCertificateFile, in.ClientKeyFile = "", "", "", "", "", ""
	out, _, err = RenderPostgreSQL(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.PostgreSQLConf, "\nssl_min_protocol_version = 'TLSv1.2'\n") || strings.Contains(out.PostgreSQLConf, "ssl_crl_file") {
		t.Errorf("defaults not rendered:\n%s", out.PostgreSQLConf)
	}
	if out.ConnectionString != "sslmode=verify-full" {
		t.Errorf("connection_string = %q, want sslmode=verify-full alone", out.ConnectionString)
	}
}

// wantNestedError checks for a FieldError on field[index].nested that
// mentions every fragment.
func wantNestedError(t *testing.T, err error, field string, index int, nested string, fragments ...string) {
	t.Helper()
	for _, fe := range FieldErrors(err) {
		if fe.Field != field || fe.Index != index || fe.Nested != nested {
			continue
		}
		text := fe.Summary + " " + fe.Detail
		for _, fragment := range fragments {
			if !strings.Contains(text, fragment) {
				t.Errorf("%s does not mention %q: %s", fe.path(), fragment, text)
			}
		}
		return
	}
	t.Fatalf("no FieldError on %s[%d].%s; got %v", field, index, nested, err)
}

func TestPostgreSQLInvalidInputs(t *testing.T) {
	type edit func(*PostgreSQLInput)
	rule := func(f func(*PostgreSQLRule)) edit { return func(in *PostgreSQLInput) { f(&in.Rules[0]) } }
	ident := func(f func(*PostgreSQLIdentMap)) edit { return func(in *PostgreSQLInput) { f(&in.IdentMaps[0]) } }
	for _, tc := range []struct {
		name      string
		edit      edit
		field     string
		index     int
		nested    string
		fragments []string
	}{
		{"relative certificate", func(in *PostgreSQLInput) { in.CertificateFile = "server.pem" }, "certificate_file", -1, "", []string{"is relative"}},
		{"quote in key path", func(in *PostgreSQLInput) { in.CertificateKeyFile = "/etc/x'.key" }, "certificate_key_file", -1, "", []string{"Unsafe character"}},
		{"setting injected through the CA path", func(in *PostgreSQLInput) { in.CACertificateFile = "/etc/ca.pem'\nssl = off\n#" }, "ca_certificate_file", -1, "", []string{"Unsafe character"}},
		{"newline in CRL path", func(in *PostgreSQLInput) { in.CRLFile = "/etc/crl.pem\nssl=off" }, "crl_file", -1, "", []string{"Unsafe character"}},
		{"backslash in client key path", func(in *PostgreSQLInput) { in.ClientKeyFile = `/home/a\' sslmode=disable` }, "client_key_file", -1, "", []string{"Unsafe character"}},
		{"quote in client root path", func(in *PostgreSQLInput) { in.ClientRootCertificateFile = "/x' sslmode='disable" }, "client_root_certificate_file", -1, "", []string{"Unsafe character"}},
		{"relative client certificate", func(in *PostgreSQLInput) { in.ClientCertificateFile = "alice.crt" }, "client_certificate_file", -1, "", []string{"is relative"}},
		{"old protocol", func(in *PostgreSQLInput) { in.MinProtocolVersion = "TLSv1.1" }, "min_protocol_version", -1, "", []string{`"TLSv1.2" or "TLSv1.3"`}},
		{"chain too deep", func(in *PostgreSQLInput) { in.CAChainDepth = 101 }, "ca_chain_pem", -1, "", []string{"101 CA certificates", "100"}},
		{"host with a blank", func(in *PostgreSQLInput) { in.Host = "db.example.com sslmode=disable" }, "host", -1, "", []string{"neither a host name"}},
		{"no rules", func(in *PostgreSQLInput) { in.Rules = nil }, "rules", -1, "", []string{"at least one rule"}},
		{"missing database", rule(func(r *PostgreSQLRule) { r.Database = "" }), "rules", 0, "database", []string{"database is required"}},
		{"newline in database", rule(func(r *PostgreSQLRule) { r.Database = "app\nhost all all all trust" }), "rules", 0, "database", []string{"line break"}},
		{"database list", rule(func(r *PostgreSQLRule) { r.Database = "app,all" }), "rules", 0, "database", []string{"comma", "one rule per database"}},
		{"database file", rule(func(r *PostgreSQLRule) { r.Database = "@dbs" }), "rules", 0, "database", []string{"from a file"}},
		{"database regex", rule(func(r *PostgreSQLRule) { r.Database = "/^app" }), "rules", 0, "database", []string{"regular expression"}},
		{"long database", rule(func(r *PostgreSQLRule) { r.Database = strings.Repeat("d", 64) }), "rules", 0, "database", []string{"64 bytes", "at most 63"}},
		{"missing user", rule(func(r *PostgreSQLRule) { r.User = "" }), "rules", 0, "user", []string{"user is required"}},
		{"user list", rule(func(r *PostgreSQLRule) { r.User = "alice, all" }), "rules", 0, "user", []string{"comma"}},
		{"carriage return in user", rule(func(r *PostgreSQLRule) { r.User = "alice\rhost" }), "rules", 0, "user", []string{"line break"}},
		{"tab in user", rule(func(r *PostgreSQLRule) { r.User = "alice\tall" }), "rules", 0, "user", []string{"tab"}},
		{"invalid UTF-8 user", rule(func(r *PostgreSQLRule) { r.User = "al\xffice" }), "rules", 0, "user", []string{"UTF-8"}},
		{"quoted group", rule(func(r *PostgreSQLRule) { r.User = `+"admins" all` }), "rules", 0, "user", []string{"members of role", "unquoted"}},
		{"sameuser is no user keyword", rule(func(r *PostgreSQLRule) { r.User = "@users" }), "rules", 0, "user", []string{"from a file"}},
		{"missing address", rule(func(r *PostgreSQLRule) { r.Address = "" }), "rules", 0, "address", []string{"address is required"}},
		{"address with injected method", rule(func(r *PostgreSQLRule) { r.Address = "0.0.0.0/0 trust" }), "rules", 0, "address", []string{"not an address pg_hba.conf accepts"}},
		{"address that is neither IP nor host name", rule(func(r *PostgreSQLRule) { r.Address = "10.0.0" }), "rules", 0, "address", []string{"not an address"}},
		{"address with a zone", rule(func(r *PostgreSQLRule) { r.Address = "fe80::1%eth0" }), "rules", 0, "address", []string{"not an address"}},
		{"address with a quote", rule(func(r *PostgreSQLRule) { r.Address = `"all"` }), "rules", 0, "address", []string{"not an address"}},
		{"unknown method", rule(func(r *PostgreSQLRule) { r.AuthMethod = "trust" }), "rules", 0, "auth_method", []string{`"trust" is not offered`, `"cert", "scram-sha-256"`}},
		{"md5", rule(func(r *PostgreSQLRule) { r.AuthMethod = "md5" }), "rules", 0, "auth_method", []string{"not offered"}},
		{"map with scram", rule(func(r *PostgreSQLRule) { r.Map, r.AuthMethod = "staff", PostgreSQLAuthSCRAM }), "rules", 0, "map", []string{`auth_method "cert"`}},
		{"unknown map", rule(func(r *PostgreSQLRule) { r.Map = "nobody" }), "rules", 0, "map", []string{`map = "nobody"`, "ident_maps"}},
		{"map with an option", rule(func(r *PostgreSQLRule) { r.Map = "staff clientcert=verify-ca" }), "rules", 0, "map", []string{"not a map name"}},
		{"ident map name", ident(func(m *PostgreSQLIdentMap) { m.Map = "staff x" }), "ident_maps", 0, "map", []string{"not a map name"}},
		{"missing certificate name", ident(func(m *PostgreSQLIdentMap) { m.CertificateName = "" }), "ident_maps", 0, "certificate_name", []string{"required"}},
		{"newline in certificate name", ident(func(m *PostgreSQLIdentMap) { m.CertificateName = "/^a$\nstaff /.* postgres" }), "ident_maps", 0, "certificate_name", []string{"line break"}},
		{"missing role", ident(func(m *PostgreSQLIdentMap) { m.Role = "" }), "ident_maps", 0, "role", []string{"role is required"}},
		{"newline in role", ident(func(m *PostgreSQLIdentMap) { m.Role = "jane\nstaff /.* postgres" }), "ident_maps", 0, "role", []string{"line break"}},
		{"substitution without regex", func(in *PostgreSQLInput) { in.IdentMaps[1].Role = `\1` }, "ident_maps", 1, "role", []string{`\1`, "regular expression"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := postgresqlExample()
			tc.edit(&in)
			out, _, err := RenderPostgreSQL(in)
			if out != (PostgreSQLOutput{}) {
				t.Errorf("rendered despite the error: %#v", out)
			}
			if tc.nested == "" {
				wantFieldError(t, err, tc.field, tc.index, tc.fragments...)
			} else {
				wantNestedError(t, err, tc.field, tc.index, tc.nested, tc.fragments...)
			}
		})
	}
}

func TestPostgreSQLWarnings(t *testing.T) {
	in := postgresqlExample()
	in.IdentMaps[0].CertificateName = `/(.*)@example\.com`
	_, warnings, err := RenderPostgreSQL(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || warnings[0].Field != "ident_maps" || warnings[0].Index != 0 || warnings[0].Nested != "certificate_name" ||
		!strings.Contains(warnings[0].Detail, `"/alice" matches "malice"`) {
		t.Errorf("want one warning on ident_maps[0].certificate_name about anchors, got %#v", warnings)
	}
}

// FuzzPostgreSQLName feeds any string as a database, a role and a
// certificate name: it is refused on that attribute, or each ends up as
// exactly one token of its line that reads back as the value, so no value
// can add a line, a field or an option.
func FuzzPostgreSQLName(f *testing.F) {
	for _, seed := range []string{"app", "all", "ALL", "sameuser", "+admins", `o"neil`, `a""b`, "a b # c", "x\ny", "x\r", `"`, `\`, "a,b", "@f", "/re", "é", "\x00", "x\u2028y", `all" all 0.0.0.0/0 trust #`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		in := postgresqlExample()
		in.Rules = []PostgreSQLRule{{Database: value, User: value, Address: "127.0.0.1/32"}}
		in.IdentMaps = []PostgreSQLIdentMap{{Map: "m", CertificateName: value, Role: value}}
		out, _, err := RenderPostgreSQL(in)
		if err != nil {
			for _, fe := range FieldErrors(err) {
				if fe.Summary == "" || fe.Detail == "" || (fe.Field != "rules" && fe.Field != "ident_maps") {
					t.Errorf("refusal %#v is not a complete error on the value", fe)
				}
			}
			if len(FieldErrors(err)) == 0 {
				t.Fatalf("refused without a field error: %v", err)
			}
			return
		}
		checkPrintable(t, value)
		lines := pgLines(out.PgHBAConf)
		if len(lines) != 2 {
			t.Fatalf("%q made %d pg_hba.conf lines:\n%s", value, len(lines), out.PgHBAConf)
		}
		for _, line := range lines {
			if len(line) != 5 && len(line) != 6 {
				t.Fatalf("%q made a line of %d fields: %v", value, len(line), line)
			}
			// Only a keyword (or +group) is bare; any other name is quoted,
			// so PostgreSQL reads it as a literal name.
			bare := []bool{slices.Contains(hbaDatabaseKeywords, value), value == "all" || pgGroup.MatchString(value)}
			for i, field := range line[1:3] {
				if len(field) != 1 || field[0].text != value || field[0].quoted == bare[i] {
					t.Errorf("%q reads back as %v", value, field)
				}
			}
		}
		idents := pgLines(out.PgIdentConf)
		if len(idents) != 1 || len(idents[0]) != 3 || idents[0][1][0].text != value || idents[0][2][0].text != value || len(idents[0][1]) != 1 {
			t.Errorf("%q made pg_ident.conf\n%s", value, out.PgIdentConf)
		}
	})
}
