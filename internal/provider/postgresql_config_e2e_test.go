//go:build e2e

// Live test through real Terraform: the certificates and the CRLs come from
// the resources, the configuration from mtls_postgresql_config, and a real
// PostgreSQL (a throwaway cluster on loopback, see testtools.PostgreSQL)
// authenticates psql clients with them.
//
//	TF_ACC=1 go test -tags e2e -run TestAccPostgreSQLLive ./internal/provider/

package provider

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// postgresqlWeirdRole is a role whose name would break a pg_hba.conf line
// unquoted: a double quote, blanks, # and the keyword all.
const postgresqlWeirdRole = `o"neil #1 all`

// postgresqlLiveClient is a subject-only client certificate: its common
// name is the role it logs in as.
func postgresqlLiveClient(name, issuer, commonName string) string {
	ca := `"${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"`
	key := `mtls_intermediate_ca.issuing.private_key_pem`
	if issuer == "other" {
		ca, key = `mtls_root_ca.other.cert_pem`, `mtls_root_ca.other.private_key_pem`
	}
	return fmt.Sprintf(`
resource "mtls_client_cert" %q {
  ca_cert_pem        = %s
  ca_private_key_pem = %s
  subject            = { common_name = %s }
}
`, name, ca, key, strconv.Quote(commonName))
}

// The whole PostgreSQL setup from real Terraform on a real server: clients
// whose certificate names their role get in as that role (directly, through
// a pg_ident regular expression, and with a name that needs quoting), a
// client with a password and any valid certificate gets in on the
// scram-sha-256 rule, and everything else is refused. After the rendered
// pg_hba.conf lines the test appends "host all all all trust", as if the
// administrator's own lines let anyone in: the rendered lines must stop every
// refused case before it.
func TestAccPostgreSQLLive_certificateAuthentication(t *testing.T) {
	pg := testtools.NewPostgreSQL(t)
	dir := t.TempDir()
	files := map[string]string{} // server files, in the cluster's directory
	for _, name := range []string{"server-fullchain.pem", "server.key", "client-ca.pem", "client-crls.pem"} {
		files[name] = pg.Dir + "/" + name
	}
	root, aliceCert, aliceKey := dir+"/root.pem", dir+"/alice-fullchain.pem", dir+"/alice.key"

	config := configTestPKI +
		postgresqlLiveClient("db_alice", "issuing", "alice") +
		postgresqlLiveClient("db_bob", "issuing", "bob") +
		postgresqlLiveClient("db_mallory", "issuing", "mallory") +
		postgresqlLiveClient("db_reporting", "issuing", "reporting.svc") +
		postgresqlLiveClient("db_weird", "issuing", postgresqlWeirdRole) +
		postgresqlLiveClient("db_stranger", "other", "alice") + `
resource "mtls_crl" "root" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
}

resource "mtls_crl" "issuing" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  revoked            = [{ serial_number = mtls_client_cert.db_mallory.serial_number }]
}

data "mtls_postgresql_config" "db" {
  certificate_file     = ` + strconv.Quote(files["server-fullchain.pem"]) + `
  certificate_key_file = ` + strconv.Quote(files["server.key"]) + `
  ca_certificate_file  = ` + strconv.Quote(files["client-ca.pem"]) + `
  ca_chain_pem         = mtls_client_cert.db_alice.ca_chain_pem
  crl_file             = ` + strconv.Quote(files["client-crls.pem"]) + `
  crls_pem             = "${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"
  min_protocol_version = "TLSv1.3"

  rules = [
    { database = "app", user = "alice", address = "127.0.0.1/32" },
    { database = "app", user = "bob", address = "127.0.0.1" },
    { database = "app", user = "mallory", address = "127.0.0.1/32" },
    { database = "app", user = "reporting", address = "samehost", map = "services" },
    { database = "app", user = ` + strconv.Quote(postgresqlWeirdRole) + `, address = "127.0.0.0/8" },
    { database = "app", user = "keeper", address = "127.0.0.1/32", auth_method = "scram-sha-256" },
  ]
  ident_maps = [
    { map = "services", certificate_name = "/^(.*)\\.svc$", role = "\\1" },
  ]

  host                         = "localhost"
  client_root_certificate_file = ` + strconv.Quote(root) + `
  client_certificate_file      = ` + strconv.Quote(aliceCert) + `
  client_key_file              = ` + strconv.Quote(aliceKey) + `
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				const data = "data.mtls_postgresql_config.db"
				pg.WriteFile(t, "server-fullchain.pem", stateAttr(s, "mtls_server_cert.web", "fullchain_pem"))
				pg.WriteFile(t, "server.key", stateAttr(s, "mtls_server_cert.web", "private_key_pem"))
				pg.WriteFile(t, "client-ca.pem", stateAttr(s, "mtls_client_cert.db_alice", "ca_chain_pem"))
				pg.WriteFile(t, "client-crls.pem", stateAttr(s, "mtls_crl.issuing", "crl_pem")+stateAttr(s, "mtls_crl.root", "crl_pem"))
				testtools.WriteFile(t, dir, "root.pem", stateAttr(s, "mtls_root_ca.root", "cert_pem"))
				testtools.WriteFile(t, dir, "alice-fullchain.pem", stateAttr(s, "mtls_client_cert.db_alice", "fullchain_pem"))
				testtools.WriteFile(t, dir, "alice.key", stateAttr(s, "mtls_client_cert.db_alice", "private_key_pem"))
				client := func(name string) string {
					cert := testtools.WriteFile(t, dir, name+".pem", stateAttr(s, "mtls_client_cert."+name, "cert_pem"))
					key := testtools.WriteFile(t, dir, name+".key", stateAttr(s, "mtls_client_cert."+name, "private_key_pem"))
					return fmt.Sprintf("sslcert='%s' sslkey='%s'", cert, key)
				}

				hba := stateAttr(s, data, "pg_hba_conf")
				pg.Start(t, stateAttr(s, data, "postgresql_conf"), hba+"host all all all trust\n", stateAttr(s, data, "pg_ident_conf"))
				t.Logf("pg_hba.conf:\n%s", hba)
				// PostgreSQL parsed every rendered line as one rule, the
				// odd role name as one literal name.
				if errors := pg.Exec(t, "select line_number, error from pg_hba_file_rules where error is not null"); errors != "" {
					return fmt.Errorf("pg_hba.conf has errors:\n%s", errors)
				}
				if users := pg.Exec(t, `select user_name from pg_hba_file_rules where type = 'hostssl' order by line_number`); users !=
					strings.Join([]string{"{alice}", "{bob}", "{mallory}", "{reporting}", `{"o\"neil #1 all"}`, "{keeper}"}, "\n") {
					return fmt.Errorf("hostssl rules name the users\n%s", users)
				}
				if errors := pg.Exec(t, "select line_number, error from pg_ident_file_mappings where error is not null"); errors != "" {
					return fmt.Errorf("pg_ident.conf has errors:\n%s", errors)
				}
				pg.Exec(t, "create database app")
				for _, role := range []string{"alice", "bob", "mallory", "reporting", postgresqlWeirdRole} {
					pg.Exec(t, `create role "`+strings.ReplaceAll(role, `"`, `""`)+`" login`)
				}
				pg.Exec(t, "create role keeper login password 'keeper-secret'")

				base := stateAttr(s, data, "connection_string") + fmt.Sprintf(" hostaddr=127.0.0.1 port=%d dbname=app", pg.Port)
				noCert := fmt.Sprintf("host=localhost hostaddr=127.0.0.1 port=%d dbname=app sslmode=verify-full sslrootcert='%s'", pg.Port, root)
				cases := []struct {
					name, conninfo, want string // want: the current_user, or the refusal's message
					connects             bool
				}{
					{"alice's certificate as alice (the rendered connection string)", base + " user=alice", "alice", true},
					{"a mapped certificate (reporting.svc) as reporting", base + " " + client("db_reporting") + " user=reporting", "reporting", true},
					{"a quoted role name", base + " " + client("db_weird") + " user='o\"neil #1 all'", postgresqlWeirdRole, true},
					{"bob's certificate with keeper's password on the scram-sha-256 rule", base + " " + client("db_bob") + " user=keeper password=keeper-secret", "keeper", true},
					{"TLS 1.2 (min_protocol_version is TLSv1.3)", base + " ssl_max_protocol_version=TLSv1.2 user=alice", `protocol version|unsupported protocol`, false},
					{"no certificate", noCert + " user=alice", `connection requires a valid client certificate`, false},
					{"bob's certificate as alice", base + " " + client("db_bob") + " user=alice", `certificate authentication failed for user "alice"`, false},
					{"plaintext (sslmode=disable)", base + " sslmode=disable user=alice", `pg_hba.conf rejects connection for host "127.0.0.1", user "alice", database "app", no encryption`, false},
					{"a certificate of another CA", base + " " + client("db_stranger") + " user=alice", `unknown ca|certificate verify failed`, false},
					{"a revoked certificate", base + " " + client("db_mallory") + " user=mallory", `certificate revoked`, false},
					{"alice's certificate as reporting (not in the map)", base + " user=reporting", `certificate authentication failed for user "reporting"`, false},
					{"keeper's password without a certificate", noCert + " user=keeper password=keeper-secret", `connection requires a valid client certificate`, false},
					{"keeper's certificate-less plaintext login", base + " sslmode=disable user=keeper password=keeper-secret", `pg_hba.conf rejects connection .* no encryption`, false},
					{"bob's certificate with a wrong password", base + " " + client("db_bob") + " user=keeper password=wrong", `password authentication failed for user "keeper"`, false},
				}
				for _, tc := range cases {
					stdout, stderr, err := pg.Connect(t, tc.conninfo, "select current_user")
					switch {
					case tc.connects && (err != nil || strings.TrimSpace(stdout) != tc.want):
						t.Errorf("%s: want to connect as %q, got %q, %v\n%s", tc.name, tc.want, strings.TrimSpace(stdout), err, stderr)
					case !tc.connects && (err == nil || !regexp.MustCompile(tc.want).MatchString(stderr)):
						t.Errorf("%s: want a refusal matching %q, got %q, %v\n%s", tc.name, tc.want, strings.TrimSpace(stdout), err, stderr)
					case tc.connects:
						t.Logf("%s: connected as %s", tc.name, strings.TrimSpace(stdout))
					default:
						t.Logf("%s: refused: %s", tc.name, strings.TrimSpace(stderr))
					}
				}
				return nil
			},
		}},
	})
}
