package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// mysqlConfigDefaults is a valid mtls_mysql_config for alice of
// configTestPKI.
var mysqlConfigDefaults = map[string]string{
	"certificate_file":     `"/etc/mysql/ssl/server.pem"`,
	"certificate_key_file": `"/etc/mysql/ssl/server.key"`,
	"ca_certificate_file":  `"/etc/mysql/ssl/client-ca.pem"`,
	"ca_chain_pem":         `mtls_client_cert.alice.ca_chain_pem`,
	"users":                `[{ name = "alice", host = "10.0.0.%", client_cert_pem = mtls_client_cert.alice.cert_pem }]`,
}

func mysqlConfig(overrides map[string]string) string {
	return configTestPKI + dataBlock("mtls_mysql_config", mysqlConfigDefaults, overrides)
}

// mysqlTestClients adds a client certificate whose subject has several
// RDNs, an apostrophe, a slash and a letter outside ASCII.
const mysqlTestClients = `
resource "mtls_client_cert" "obrien" {
  ca_cert_pem        = "${mtls_intermediate_ca.issuing.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject = {
    country             = "IE"
    locality            = "Cork"
    organization        = "O'Brien & Söhne / Ops"
    organizational_unit = "DBA+Ops"
    common_name         = "obrien"
  }
}
`

func TestAccMySQLConfig_renders(t *testing.T) {
	check := func(attr, pattern string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.mtls_mysql_config.web", tfjsonpath.New(attr), knownvalue.StringRegexp(regexp.MustCompile(pattern)))
	}
	obrien := map[string]string{"users": `[
    { name = "alice", client_cert_pem = mtls_client_cert.alice.cert_pem },
    { name = "o'brien\\x", client_cert_pem = mtls_client_cert.obrien.cert_pem },
    { name = "legacy", host = "db_1.example.com", subject = "/O=Example/CN=legacy", issuer = "/CN=Config Test Issuing CA" },
  ]`, "client": `{
    certificate_file     = "/home/alice/.mysql/client.pem"
    certificate_key_file = "/home/alice/.mysql/client.key"
    ca_certificate_file  = "/home/alice/.mysql/ca.pem"
    host                 = "127.0.0.1"
    port                 = 3307
    user                 = "alice"
  }`}
	mysqlFlavor := map[string]string{"flavor": `"mysql"`, "tls_versions": `["TLSv1.3"]`, "require_secure_transport": "false", "crl_file": `"/etc/mysql/ssl/crls.pem"`}
	for k, v := range obrien {
		mysqlFlavor[k] = v
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mysqlConfig(nil),
				ConfigStateChecks: []statecheck.StateCheck{
					check("my_cnf", `\A\[mysqld\]\n`),
					check("my_cnf", `(?m)^ssl_cert = /etc/mysql/ssl/server\.pem\nssl_key = /etc/mysql/ssl/server\.key\n(?s:.*)^ssl_ca = /etc/mysql/ssl/client-ca\.pem\ntls_version = TLSv1\.2,TLSv1\.3\n(?s:.*)^require_secure_transport = ON\n\z`),
					check("users_sql", `(?m)^CREATE USER IF NOT EXISTS 'alice'@'10\.0\.0\.%';\nALTER USER 'alice'@'10\.0\.0\.%' REQUIRE SUBJECT '/CN=alice' AND ISSUER '/CN=Config Test Issuing CA';$`),
					check("users_sql", `(?m)^SET SESSION sql_mode = '';$`),
					check("client_cnf", `\A\z`),
				},
			},
			{
				Config: configTestPKI + mysqlTestClients + dataBlock("mtls_mysql_config", mysqlConfigDefaults, obrien),
				ConfigStateChecks: []statecheck.StateCheck{
					check("users_sql", `(?m)^ALTER USER 'alice'@'%' REQUIRE SUBJECT '/CN=alice' AND ISSUER '/CN=Config Test Issuing CA';$`),
					// In the certificate's order (the resource writes C, L, O,
					// OU, CN), escaped as OpenSSL does, then as SQL.
					check("users_sql", `(?m)^ALTER USER 'o''brien\\\\x'@'%' REQUIRE SUBJECT '/C=IE/L=Cork/O=O''Brien & S\\\\xC3\\\\xB6hne \\\\/ Ops/OU=DBA\\\\\+Ops/CN=obrien' AND ISSUER '/CN=Config Test Issuing CA';$`),
					check("users_sql", `(?m)^ALTER USER 'legacy'@'db_1\.example\.com' REQUIRE SUBJECT '/O=Example/CN=legacy' AND ISSUER '/CN=Config Test Issuing CA';$`),
					check("client_cnf", `(?m)\A\[client\]\nhost = 127\.0\.0\.1\nport = 3307\nuser = alice\nssl-cert = /home/alice/\.mysql/client\.pem\nssl-key = /home/alice/\.mysql/client\.key\n(?s:.*)ssl-ca = /home/alice/\.mysql/ca\.pem\n(?s:.*)^ssl\nssl-verify-server-cert\n\z`),
				},
			},
			{
				Config: configTestPKI + mysqlTestClients + dataBlock("mtls_mysql_config", mysqlConfigDefaults, mysqlFlavor),
				ConfigStateChecks: []statecheck.StateCheck{
					check("my_cnf", `(?m)^ssl_crl = /etc/mysql/ssl/crls\.pem\ntls_version = TLSv1\.3\nrequire_secure_transport = OFF\n`),
					check("client_cnf", `(?m)^ssl-mode = VERIFY_IDENTITY\n\z`),
				},
			},
		},
	})
}

func TestAccMySQLConfig_invalidInputs(t *testing.T) {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		return planErrorCase{configTestPKI + mysqlTestClients + dataBlock("mtls_mysql_config", mysqlConfigDefaults, overrides), pattern}
	}
	users := func(user string) map[string]string { return map[string]string{"users": "[" + user + "]"} }
	testPlanErrors(t, configTestPKI+mysqlTestClients, map[string]planErrorCase{
		"certificate of another CA": bad(users(`{ name = "x", client_cert_pem = mtls_root_ca.other.cert_pem }`),
			`(?s)CA certificate instead of a client certificate.*"CN=Unrelated Root"`),
		"client of a CA outside the chain": bad(map[string]string{"ca_chain_pem": `mtls_root_ca.other.cert_pem`},
			`(?s)Client certificate does not verify.*issue it from\s+a\s+CA\s+in\s+ca_chain_pem`),
		"server certificate": bad(users(`{ name = "x", client_cert_pem = mtls_server_cert.web.cert_pem }`),
			`(?s)(Certificate not for client authentication|Client certificate does not verify)`),
		"chain instead of a certificate": bad(users(`{ name = "x", client_cert_pem = "${mtls_client_cert.alice.cert_pem}${mtls_client_cert.alice.ca_chain_pem}" }`),
			`(?s)More than one certificate.*cert_pem, not a chain`),
		"no certificate": bad(users(`{ name = "x" }`), `(?s)No certificate for the user.*client_cert_pem`),
		"RFC 4514 subject": bad(users(`{ name = "x", subject = "CN=x,O=Example", issuer = "/CN=Config Test Issuing CA" }`),
			`(?s)Not in the server's form.*"/C=SE/O=Example/CN=alice"`),
		"newline in subject": bad(users(`{ name = "x", subject = "/CN=x\n' OR '1'='1", issuer = "/CN=y" }`),
			`(?s)Unexpected character in subject.*printable ASCII`),
		"NUL in issuer": bad(users(`{ name = "x", subject = "/CN=x", issuer = "/CN=y\u0000" }`),
			`(?s)Unexpected character in issuer`),
		"NUL in name":     bad(users(`{ name = "x\u0000", client_cert_pem = mtls_client_cert.alice.cert_pem }`), `(?s)Control character in user name`),
		"newline in name": bad(users(`{ name = "x\n; DROP USER root; --", client_cert_pem = mtls_client_cert.alice.cert_pem }`), `(?s)Control character in user name`),
		"percent in name": bad(users(`{ name = "%", client_cert_pem = mtls_client_cert.alice.cert_pem }`), `(?s)Wildcard in user name.*host`),
		"empty name":      bad(users(`{ name = "", client_cert_pem = mtls_client_cert.alice.cert_pem }`), `(?s)Missing user name.*anonymous`),
		"quote in host": bad(users(`{ name = "x", host = "%'; DROP USER root; --", client_cert_pem = mtls_client_cert.alice.cert_pem }`),
			`(?s)Invalid host.*contains '\\''`),
		"name too long for MySQL": bad(map[string]string{"flavor": `"mysql"`, "users": `[{ name = "abcdefghijklmnopqrstuvwxyz0123456", client_cert_pem = mtls_client_cert.alice.cert_pem }]`},
			`(?s)User name too long.*at most\s+32`),
		"duplicate account": bad(users(`{ name = "a", client_cert_pem = mtls_client_cert.alice.cert_pem }, { name = "a", subject = "/CN=b", issuer = "/CN=c" }`),
			`(?s)Duplicate user`),
		"unsafe path":   bad(map[string]string{"ssl_cert": "", "certificate_file": `"/etc/mysql/server.pem\nssl_ca=/tmp/x"`}, `(?s)Unsafe character in path`),
		"relative path": bad(map[string]string{"crl_file": `"crls.pem"`}, `(?s)Path is not absolute`),
		"client unknown user": bad(map[string]string{"client": `{ certificate_file = "/c.pem", certificate_key_file = "/c.key", ca_certificate_file = "/ca.pem", user = "root" }`},
			`(?s)Unknown user.*"root" is not the name`),
		"client bad host": bad(map[string]string{"client": `{ certificate_file = "/c.pem", certificate_key_file = "/c.key", ca_certificate_file = "/ca.pem", host = "db example" }`},
			`(?s)Invalid host.*neither a host name`),
		"CA chain without CAs": bad(map[string]string{"ca_chain_pem": `mtls_client_cert.alice.cert_pem`}, `(?s)Not a CA certificate`),
	})
}

func TestAccMySQLConfig_schemaErrors(t *testing.T) {
	bad := func(overrides map[string]string, pattern string) planErrorCase {
		// The schema check needs no PKI.
		overrides["ca_chain_pem"] = ""
		if overrides["users"] == "" {
			overrides["users"] = `[{ name = "alice", subject = "/CN=alice", issuer = "/CN=CA" }]`
		}
		return planErrorCase{dataBlock("mtls_mysql_config", mysqlConfigDefaults, overrides), pattern}
	}
	testPlanErrors(t, "", map[string]planErrorCase{
		"unknown flavor": bad(map[string]string{"flavor": `"postgres"`}, `(?s)flavor value must be one of: \["mariadb" "mysql"\]`),
		"old TLS":        bad(map[string]string{"tls_versions": `["TLSv1.1"]`}, `(?s)tls_versions\[0\] value must be one of`),
		"certificate and subject": bad(map[string]string{"users": `[{ name = "x", client_cert_pem = "x", subject = "/CN=x", issuer = "/CN=y" }]`},
			`(?s)"users\[0\]\.subject" cannot be specified when\s+"users\[0\]\.client_cert_pem" is specified`),
		"subject without issuer": bad(map[string]string{"users": `[{ name = "x", subject = "/CN=x" }]`},
			`(?s)Attribute "users\[0\]\.issuer" must be specified when "users\[0\]\.subject"\s+is\s+specified`),
		"no users": bad(map[string]string{"users": `[]`}, `(?s)users list must contain at least 1 elements`),
		"client port": bad(map[string]string{"client": `{ certificate_file = "/c.pem", certificate_key_file = "/c.key", ca_certificate_file = "/ca.pem", port = 0 }`},
			`(?s)client\.port value must be between 1 and 65535`),
	})
}
