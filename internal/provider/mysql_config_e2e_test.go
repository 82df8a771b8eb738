//go:build e2e

// Live end-to-end test of mtls_mysql_config through real Terraform: the
// certificates come from the resources, the configuration and the account
// SQL from the data source, and a throwaway MariaDB serves them. Run with:
//
//	TF_ACC=1 go test -tags e2e -run MariaDBLive ./internal/provider/

package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/pki"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// mariaDBLiveHCL issues subject-only client certificates (no subject
// alternative names) under the intermediate of configTestPKI: dba, whose
// subject has several RDNs with characters the server escapes, app, and
// revoked, which the intermediate's CRL lists; and stranger, with dba's
// subject from an unrelated root.
const mariaDBLiveHCL = `
locals {
  dba_subject = {
    country             = "IE"
    locality            = "Cork"
    organization        = "O'Brien & Söhne / Ops"
    organizational_unit = "DBA+Ops"
    common_name         = "dba"
  }
}

resource "mtls_client_cert" "dba" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = local.dba_subject
}

resource "mtls_client_cert" "app" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { organization = "Example", common_name = "app" }
}

resource "mtls_client_cert" "revoked" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "revoked" }
}

resource "mtls_client_cert" "stranger" {
  ca_cert_pem        = mtls_root_ca.other.cert_pem
  ca_private_key_pem = mtls_root_ca.other.private_key_pem
  subject            = local.dba_subject
}

resource "mtls_crl" "root" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
}

resource "mtls_crl" "issuing" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  revoked            = [{ serial_number = mtls_client_cert.revoked.serial_number }]
}
`

// hostileUser is a user name with a quote, a backslash and a semicolon,
// which users_sql must escape.
const hostileUser = `o'hara\;x`

func mariaDBLiveConfig(dir string, port int) string {
	file := func(name string) string { return strconv.Quote(filepath.Join(dir, name)) }
	return configTestPKI + mariaDBLiveHCL + fmt.Sprintf(`
data "mtls_mysql_config" "db" {
  certificate_file     = %s
  certificate_key_file = %s
  ca_certificate_file  = %s
  crl_file             = %s
  crls_pem             = "${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"
  ca_chain_pem         = mtls_client_cert.alice.ca_chain_pem
  users = [
    { name = "dba", client_cert_pem = mtls_client_cert.dba.cert_pem },
    { name = "app", host = "127.0.0.1", client_cert_pem = mtls_client_cert.app.cert_pem },
    { name = %q, client_cert_pem = mtls_client_cert.app.cert_pem },
    { name = "revoked", client_cert_pem = mtls_client_cert.revoked.cert_pem },
  ]
  client = {
    certificate_file     = %s
    certificate_key_file = %s
    ca_certificate_file  = %s
    host                 = "127.0.0.1"
    port                 = %d
    user                 = "dba"
  }
}
`, file("server.pem"), file("server.key"), file("client-ca.pem"), file("crls.pem"), hostileUser,
		file("dba.pem"), file("dba.key"), file("root.pem"), port)
}

// mismatch is the server's log line for a refused certificate name.
var mismatch = regexp.MustCompile(`X509 (subject|issuer) mismatch: should be '(.*)' but is '(.*)'`)

// The rendered [mysqld] section on a real MariaDB: users_sql applies twice,
// each certificate logs in as its own account only, and nothing else gets
// in: no certificate, another subject's, another CA's, plaintext, a
// revoked one. The server's own log confirms the derived name format.
func TestAccMariaDBLive_mutualTLS(t *testing.T) {
	db := testtools.NewMariaDB(t)
	clientDir := t.TempDir()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: mariaDBLiveConfig(db.Dir, db.Port),
			Check: func(s *terraform.State) error {
				checkMariaDBLive(t, db, clientDir, s)
				return nil
			},
		}},
	})
}

func checkMariaDBLive(t *testing.T, db *testtools.MariaDB, clientDir string, s *terraform.State) {
	const data = "data.mtls_mysql_config.db"
	testtools.WriteFile(t, db.Dir, "server.pem", stateAttr(s, "mtls_server_cert.web", "fullchain_pem"))
	testtools.WriteFile(t, db.Dir, "server.key", stateAttr(s, "mtls_server_cert.web", "private_key_pem"))
	testtools.WriteFile(t, db.Dir, "client-ca.pem", stateAttr(s, "mtls_client_cert.alice", "ca_chain_pem"))
	testtools.WriteFile(t, db.Dir, "crls.pem", stateAttr(s, "mtls_crl.issuing", "crl_pem")+stateAttr(s, "mtls_crl.root", "crl_pem"))
	// The client side: client_cnf names these paths under db.Dir, which
	// root (the client) reads even when the server owns them.
	testtools.WriteFile(t, db.Dir, "root.pem", stateAttr(s, "mtls_root_ca.root", "cert_pem"))
	type client struct{ cert, key string }
	clients := map[string]client{}
	for _, name := range []string{"dba", "app", "revoked", "stranger"} {
		clients[name] = client{
			testtools.WriteFile(t, clientDir, name+".pem", stateAttr(s, "mtls_client_cert."+name, "cert_pem")),
			testtools.WriteFile(t, clientDir, name+".key", stateAttr(s, "mtls_client_cert."+name, "private_key_pem")),
		}
	}
	testtools.WriteFile(t, db.Dir, "dba.pem", stateAttr(s, "mtls_client_cert.dba", "cert_pem"))
	testtools.WriteFile(t, db.Dir, "dba.key", stateAttr(s, "mtls_client_cert.dba", "private_key_pem"))
	clientCnf := testtools.WriteFile(t, clientDir, "client.cnf", stateAttr(s, data, "client_cnf"))
	usersSQL := stateAttr(s, data, "users_sql")
	t.Logf("my_cnf:\n%s\nusers_sql:\n%s\nclient_cnf:\n%s", stateAttr(s, data, "my_cnf"), usersSQL, stateAttr(s, data, "client_cnf"))

	db.Start(t, stateAttr(s, data, "my_cnf"))
	if out := db.Admin(t, "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('have_ssl', 'require_secure_transport', 'tls_version', 'ssl_crl');"); !strings.Contains(out, "have_ssl\tYES") || !strings.Contains(out, "require_secure_transport\tON") ||
		!strings.Contains(out, "ssl_crl\t"+filepath.Join(db.Dir, "crls.pem")) {
		t.Fatalf("the server did not take the TLS settings:\n%s", out)
	}

	// Idempotent: twice, and a third time from a session that reads
	// backslashes literally, whose sql_mode it restores.
	db.Admin(t, usersSQL)
	db.Admin(t, usersSQL)
	if out := db.Admin(t, "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES';\n"+usersSQL+"SELECT @@SESSION.sql_mode;"); strings.TrimSpace(out) != "NO_BACKSLASH_ESCAPES" {
		t.Fatalf("sql_mode not restored: %q", out)
	}
	accounts := db.Admin(t, "SELECT CONCAT(User, '@', Host) FROM mysql.global_priv WHERE Priv LIKE '%x509_subject%' ORDER BY 1;")
	if want := "app@127.0.0.1\ndba@%\n" + hostileUser + "@%\nrevoked@%\n"; accounts != want {
		t.Fatalf("accounts with a certificate:\n%s\nwant:\n%s", accounts, want)
	}

	// An account without a certificate requirement gets in over TLS, so
	// that its refusal in plaintext is require_secure_transport's doing.
	db.Admin(t, "CREATE USER 'plain'@'%';")
	if result := db.Connect(t, "SELECT current_user()", "--user=plain", "--ssl", "--ssl-ca="+filepath.Join(db.Dir, "root.pem"), "--ssl-verify-server-cert"); result.Err != nil || result.Output != "plain@%" {
		t.Fatalf("plain over TLS: %v", result)
	}

	tls := func(c client, user string) []string {
		return []string{"--user=" + user, "--ssl-ca=" + filepath.Join(db.Dir, "root.pem"), "--ssl-verify-server-cert", "--ssl-cert=" + c.cert, "--ssl-key=" + c.key}
	}
	const who = "SELECT current_user(), (SELECT variable_value FROM information_schema.session_status WHERE variable_name = 'Ssl_version')"
	accepted := []struct {
		name    string
		options []string
		want    string
	}{
		{"dba with client_cnf", []string{"--defaults-file=" + clientCnf}, "dba@%"},
		{"dba with its certificate", tls(clients["dba"], "dba"), "dba@%"},
		{"app from 127.0.0.1", tls(clients["app"], "app"), "app@127.0.0.1"},
		{"hostile user name", tls(clients["app"], hostileUser), hostileUser + "@%"},
	}
	for _, tc := range accepted {
		t.Run(tc.name+" connects", func(t *testing.T) {
			result := db.Connect(t, who, tc.options...)
			if result.Err != nil || !strings.HasPrefix(result.Output, tc.want+"\t") || !strings.Contains(result.Output, "TLSv1.3") {
				t.Fatalf("want %s over TLS 1.3, got %v", tc.want, result)
			}
			t.Logf("%s", result.Output)
		})
	}

	dbaSubject, err := certName(s, "mtls_client_cert.dba", true)
	if err != nil {
		t.Fatal(err)
	}
	appSubject, err := certName(s, "mtls_client_cert.app", true)
	if err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name    string
		options []string
		want    string // in the client's message
		log     string // the server's log: "should be X but is Y"
	}{
		{"no certificate", []string{"--user=dba", "--ssl", "--ssl-ca=" + filepath.Join(db.Dir, "root.pem")}, "Access denied", ""},
		{"another subject's certificate", tls(clients["app"], "dba"), "Access denied", "X509 subject mismatch: should be '" + dbaSubject + "' but is '" + appSubject + "'"},
		{"the right subject from another CA", tls(clients["stranger"], "dba"), "", ""},
		{"dba in plaintext", []string{"--user=dba", "--skip-ssl"}, "Access denied", ""},
		// plain has no REQUIRE clause and gets in over TLS: only
		// require_secure_transport stops it, which MariaDB reports as a
		// denied login.
		{"an account without REQUIRE in plaintext", []string{"--user=plain", "--skip-ssl"}, "Access denied", ""},
		{"revoked certificate", tls(clients["revoked"], "revoked"), "", ""},
	}
	for _, tc := range refused {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			_, before := db.LogSince(t, 0)
			result := db.Connect(t, who, tc.options...)
			if result.Err == nil || strings.Contains(result.Output, "\tTLSv") || !strings.Contains(result.Output, tc.want) {
				t.Fatalf("not refused as expected (want %q): %v", tc.want, result)
			}
			log, _ := db.LogSince(t, before)
			if tc.log != "" && !strings.Contains(log, tc.log) {
				t.Errorf("the server log lacks %q:\n%s", tc.log, log)
			}
			t.Logf("refused: %s; server log: %q", result.Output, strings.TrimSpace(log))
		})
	}

	// The server's own string for dba's certificate, from its log once an
	// account asks for another: the derived subject, byte for byte, with
	// several RDNs in certificate order and the escapes OpenSSL writes.
	t.Run("the server writes the subject as derived", func(t *testing.T) {
		db.Admin(t, "SET SESSION sql_mode = '';\nCREATE USER IF NOT EXISTS 'probe'@'%' REQUIRE SUBJECT '/CN=nobody' AND ISSUER '/CN=Config Test Issuing CA';")
		_, before := db.LogSince(t, 0)
		if result := db.Connect(t, who, tls(clients["dba"], "probe")...); result.Err == nil {
			t.Fatalf("probe logged in with dba's certificate: %v", result)
		}
		log, _ := db.LogSince(t, before)
		m := mismatch.FindStringSubmatch(log)
		if m == nil || m[3] != dbaSubject || !strings.Contains(usersSQL, "'"+strings.ReplaceAll(strings.ReplaceAll(m[3], `\`, `\\`), "'", "''")+"'") {
			t.Fatalf("server log %q, derived %q", log, dbaSubject)
		}
		t.Logf("the server reports %s", m[3])
		// The RFC 4514 order of the same name is refused.
		reversed := "/CN=dba/OU=DBA\\\\+Ops/O=O''Brien & S\\\\xC3\\\\xB6hne \\\\/ Ops/L=Cork/C=IE"
		db.Admin(t, "SET SESSION sql_mode = '';\nALTER USER 'probe'@'%' REQUIRE SUBJECT '"+reversed+"' AND ISSUER '/CN=Config Test Issuing CA';")
		if result := db.Connect(t, who, tls(clients["dba"], "probe")...); result.Err == nil {
			t.Fatalf("probe logged in with the subject in reverse order: %v", result)
		}
	})
}

// certName is the subject (or issuer) of the certificate in state, in the
// server's form.
func certName(s *terraform.State, name string, subject bool) (string, error) {
	certs, err := stateCerts(s, name, "cert_pem")
	if err != nil {
		return "", err
	}
	if subject {
		return pki.OnelineName(certs[0].RawSubject)
	}
	return pki.OnelineName(certs[0].RawIssuer)
}
