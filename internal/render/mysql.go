package render

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Values of MySQLInput.Flavor.
const (
	MySQLFlavorMariaDB = "mariadb"
	MySQLFlavorMySQL   = "mysql"
)

// DefaultMySQLUserHost is the host of a user that names none: any host,
// since the certificate identifies the client.
const DefaultMySQLUserHost = "%"

// mysqlUserNameLimit is the longest user name, in characters, each server
// stores: MariaDB's mysql.global_priv.User is CHAR(128), MySQL 8 allows 32.
var mysqlUserNameLimit = map[string]int{MySQLFlavorMariaDB: 128, MySQLFlavorMySQL: 32}

// mysqlHostLimit is the longest host part both servers store (MySQL 8.0.17
// and later, MariaDB 10.4 and later).
const mysqlHostLimit = 255

// MySQLUser is one account that must log in with a certificate; the
// attribute names are what FieldError.Nested reports under "users".
type MySQLUser struct {
	Name string // name
	Host string // host: "" means DefaultMySQLUserHost
	// Subject and Issuer are distinguished names in the server's own
	// X509_NAME_oneline form ("/C=SE/O=Example/CN=alice"), which the provider
	// derives from client_cert_pem or takes from subject and issuer.
	Subject string
	Issuer  string
	// Source is the attribute the names came from: "client_cert_pem", or
	// "" for subject and issuer; errors about the names point at it.
	Source string
}

// MySQLClient configures the [client] section for the mysql and mariadb
// command-line clients; the attribute names are what FieldError.Nested
// reports under "client".
type MySQLClient struct {
	CertificateFile    string // certificate_file: the client certificate
	CertificateKeyFile string // certificate_key_file
	CACertificateFile  string // ca_certificate_file: the CAs that verify the server
	Host               string // host: the name in the server certificate; optional
	Port               int    // port: optional
	User               string // user: one of the users' names; optional
}

// MySQLInput configures MariaDB or MySQL for client certificates.
type MySQLInput struct {
	Flavor string // flavor: "mariadb" (default) or "mysql"

	CertificateFile    string // certificate_file: server certificate with its chain
	CertificateKeyFile string // certificate_key_file
	CACertificateFile  string // ca_certificate_file: CAs client certificates chain to
	CRLFile            string // crl_file: optional

	TLSVersions            []string // tls_versions: "TLSv1.2", "TLSv1.3"; empty means both
	RequireSecureTransport bool     // require_secure_transport

	Users  []MySQLUser  // users
	Client *MySQLClient // client: nil renders no [client] section
}

// MySQLOutput is the rendered configuration.
type MySQLOutput struct {
	// MyCnf (my_cnf) is a [mysqld] section.
	MyCnf string
	// UsersSQL (users_sql) creates the users and sets the certificate each
	// must present; empty without users.
	UsersSQL string
	// ClientCnf (client_cnf) is a [client] section; empty without Client.
	ClientCnf string
}

// mysqlView is what the MySQL templates see.
type mysqlView struct {
	Flavor                 string
	ServerName             string // "MariaDB" or "MySQL", for comments
	CertificateFile        string
	CertificateKeyFile     string
	CACertificateFile      string
	CRLFile                string
	TLSVersions            string
	RequireSecureTransport bool
	Users                  []MySQLUser
	Client                 *MySQLClient
}

// RenderMySQL validates in and renders it. Validation failures are
// *FieldError values joined into the returned error; see FieldErrors.
func RenderMySQL(in MySQLInput) (MySQLOutput, []Warning, error) {
	var p problems
	view := mysqlView{
		Flavor:                 in.Flavor,
		CertificateFile:        in.CertificateFile,
		CertificateKeyFile:     in.CertificateKeyFile,
		CACertificateFile:      in.CACertificateFile,
		CRLFile:                in.CRLFile,
		RequireSecureTransport: in.RequireSecureTransport,
	}
	switch in.Flavor {
	case "", MySQLFlavorMariaDB:
		view.Flavor, view.ServerName = MySQLFlavorMariaDB, "MariaDB"
	case MySQLFlavorMySQL:
		view.ServerName = "MySQL"
	default:
		p.fail("flavor", "Unknown flavor", "%q is not a supported server; use \"mariadb\" (MariaDB 10.5 or later) or \"mysql\" (MySQL 8.0 or later).", in.Flavor)
	}

	checkOptionFilePath(&p, "certificate_file", "", in.CertificateFile, true)
	checkOptionFilePath(&p, "certificate_key_file", "", in.CertificateKeyFile, true)
	checkOptionFilePath(&p, "ca_certificate_file", "", in.CACertificateFile, true)
	checkOptionFilePath(&p, "crl_file", "", in.CRLFile, false)
	view.TLSVersions = strings.Join(resolveProtocols(&p, "tls_versions", in.TLSVersions), ",")
	if !in.RequireSecureTransport {
		p.warn("require_secure_transport", "Unencrypted connections are allowed",
			"require_secure_transport is false, so users without REQUIRE clauses may connect over TCP without TLS and send their passwords in the clear. The users listed here still need their certificate. Leave it true unless an old client cannot use TLS.")
	}

	seen := map[string]int{}
	for i, user := range in.Users {
		if user.Host == "" {
			user.Host = DefaultMySQLUserHost
		}
		checkMySQLUserName(&p, i, user.Name, view.Flavor)
		checkMySQLHost(&p, i, user.Host)
		// Host names compare without regard to case; user names do not.
		key := user.Name + "\x00" + strings.ToLower(user.Host)
		if first, dup := seen[key]; dup {
			p.failNested("users", i, "name", "Duplicate user",
				"users[%d] and users[%d] are both %s; an account is its name and host together, so list it once.", first, i, mysqlAccountText(user))
		} else {
			seen[key] = i
		}
		checkDistinguishedName(&p, i, user, "subject", user.Subject)
		checkDistinguishedName(&p, i, user, "issuer", user.Issuer)
		view.Users = append(view.Users, user)
	}

	if c := in.Client; c != nil {
		checkOptionFilePath(&p, "client", "certificate_file", c.CertificateFile, true)
		checkOptionFilePath(&p, "client", "certificate_key_file", c.CertificateKeyFile, true)
		checkOptionFilePath(&p, "client", "ca_certificate_file", c.CACertificateFile, true)
		if c.Host != "" {
			if addr, err := netip.ParseAddr(c.Host); (err != nil || addr.Zone() != "") && !isHostname(c.Host, false) {
				p.failNested("client", -1, "host", "Invalid host",
					"%q is neither a host name nor an IP address. Give the name the server certificate carries, e.g. \"db.example.com\" or \"127.0.0.1\"; the client checks the certificate against it.", c.Host)
			} else if c.Host == "localhost" {
				p.warn("client", "localhost means the socket",
					"The mysql and mariadb clients connect to \"localhost\" through the Unix socket, without TLS and without the certificate. Give \"127.0.0.1\" (in the server certificate's ip_addresses) or the server's host name to connect over TCP with TLS.")
			}
		}
		if c.Port != 0 {
			if c.Port < 1 || c.Port > 65535 {
				p.failNested("client", -1, "port", "Port out of range", "%d is not a TCP port; use a number from 1 to 65535, or leave it unset for 3306.", c.Port)
			}
		}
		if c.User != "" {
			found := false
			for _, user := range in.Users {
				found = found || user.Name == c.User
			}
			switch {
			case !found:
				p.failNested("client", -1, "user", "Unknown user",
					"%q is not the name of any of users; give the name of the account this certificate logs in as, or leave user unset and pass --user.", c.User)
			case !isSafeOptionValue(c.User):
				p.failNested("client", -1, "user", "User name unsafe in an option file",
					"%q has a quote, backslash, # or space at either end, which an option file would read differently; leave user unset and pass --user on the command line.", c.User)
			}
		}
		view.Client = c
	}

	if err := p.err(); err != nil {
		return MySQLOutput{}, p.warnings, err
	}
	var out MySQLOutput
	var err error
	if out.MyCnf, err = execute("mysql_my_cnf", view); err != nil {
		return MySQLOutput{}, p.warnings, err
	}
	if len(view.Users) > 0 {
		if out.UsersSQL, err = execute("mysql_users_sql", view); err != nil {
			return MySQLOutput{}, p.warnings, err
		}
	}
	if view.Client != nil {
		if out.ClientCnf, err = execute("mysql_client_cnf", view); err != nil {
			return MySQLOutput{}, p.warnings, err
		}
	}
	return out, p.warnings, nil
}

func mysqlAccountText(user MySQLUser) string {
	return fmt.Sprintf("%q@%q", user.Name, user.Host)
}

// checkOptionFilePath accepts an absolute path that an option file reads
// back unchanged: written unquoted, it must not hold a backslash (an escape
// there), a quote, "#" (a comment), a control character or a space at the
// end (trimmed). nested, when set, names the attribute within field.
func checkOptionFilePath(p *problems, field, nested, path string, required bool) {
	name := field
	if nested != "" {
		name = field + "." + nested
	}
	fail := func(summary, detail string, args ...any) {
		p.failNested(field, -1, nested, summary, detail, args...)
	}
	switch {
	case path == "":
		if required {
			fail("Missing file path", "%s is required: give the absolute path of the file on the database host.", name)
		}
	case !utf8.ValidString(path):
		fail("Path is not UTF-8", "%q is not valid UTF-8 text; give the path as the file system names it.", path)
	case !isSafeOptionValue(path) || strings.ContainsAny(path, unsafeInConfig):
		fail("Unsafe character in path",
			"%q could end the option or change its meaning in my.cnf. Rename the file or directory so the path has no quotes, backslashes, control characters, trailing spaces or any of ; { } # $ < > `.", path)
	case !isAbsolutePath(path):
		fail("Path is not absolute",
			"%q is relative, which the server resolves against its data directory. Give the full path, e.g. \"/etc/mysql/ssl/server.key\".", path)
	}
}

// isSafeOptionValue reports whether value can follow "option = " in an
// option file and be read back as it is.
func isSafeOptionValue(value string) bool {
	if value == "" || value != strings.TrimSpace(value) || strings.ContainsAny(value, "\"'`\\#") {
		return false
	}
	return strings.IndexFunc(value, func(r rune) bool { return unicode.IsControl(r) || !unicode.IsPrint(r) && r != ' ' }) < 0
}

func checkMySQLUserName(p *problems, i int, name, flavor string) {
	fail := func(summary, detail string, args ...any) { p.failNested("users", i, "name", summary, detail, args...) }
	switch {
	case name == "":
		fail("Missing user name", "An empty name is the anonymous user, which matches every user name. Give the account's name, e.g. \"cmon\".")
	case !utf8.ValidString(name):
		fail("User name is not UTF-8", "%q is not valid UTF-8 text.", name)
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || !unicode.IsPrint(r) && r != ' ' }) >= 0:
		fail("Control character in user name",
			"%q contains a control character (a NUL, newline or tab, say), which no client can send as a user name and which would break the SQL. Use printable characters only.", name)
	case name != strings.TrimSpace(name):
		fail("Space around user name", "%q starts or ends with a space, which clients strip. Remove it.", name)
	case strings.Contains(name, "%"):
		fail("Wildcard in user name",
			"%q contains %%: user names have no wildcards, so it would be a literal %% that nobody types. Put patterns in host, e.g. host = \"10.0.0.%%\".", name)
	default:
		if limit := mysqlUserNameLimit[flavor]; limit > 0 && utf8.RuneCountInString(name) > limit {
			fail("User name too long", "%q is %d characters; %s allows at most %d.", name, utf8.RuneCountInString(name), flavorName(flavor), limit)
		}
	}
}

func flavorName(flavor string) string {
	if flavor == MySQLFlavorMySQL {
		return "MySQL"
	}
	return "MariaDB"
}

// checkMySQLHost accepts a host name, an IP address, a pattern of either
// with the % and _ wildcards, or an IPv4 address with a netmask.
func checkMySQLHost(p *problems, i int, host string) {
	fail := func(summary, detail string, args ...any) { p.failNested("users", i, "host", summary, detail, args...) }
	if len(host) > mysqlHostLimit {
		fail("Host too long", "%q is %d characters; the servers store at most %d.", host, len(host), mysqlHostLimit)
		return
	}
	if i := strings.IndexFunc(host, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && !strings.ContainsRune(".-:%_/", r)
	}); i >= 0 {
		r, _ := utf8.DecodeRuneInString(host[i:])
		fail("Invalid host",
			"%q contains %q. A host is a host name, an IP address, a pattern of either with the wildcards %% (any characters) and _ (one character), or an IPv4 address with a netmask, e.g. \"db.example.com\", \"10.0.0.%%\" or \"10.0.0.0/255.255.255.0\".", host, r)
	}
}

// checkDistinguishedName checks a name in the X509_NAME_oneline form: only
// printable ASCII (OpenSSL writes other bytes as \xHH), starting with "/"
// and naming an attribute.
func checkDistinguishedName(p *problems, i int, user MySQLUser, nested, dn string) {
	attr := nested
	if user.Source != "" {
		attr = user.Source
	}
	fail := func(summary, detail string, args ...any) { p.failNested("users", i, attr, summary, detail, args...) }
	switch {
	case dn == "":
		fail("Missing "+nested, "users[%d] needs the %s distinguished name its certificate must carry: give client_cert_pem, or subject and issuer in the server's form, e.g. \"/O=Example/CN=alice\".", i, nested)
	case strings.IndexFunc(dn, func(r rune) bool { return r < ' ' || r > '~' }) >= 0:
		fail("Unexpected character in "+nested,
			"%q contains a character outside printable ASCII (a NUL, newline or letter with an accent, say). The server writes such bytes of a certificate's name as \\xHH, so this could never match: give client_cert_pem to derive the exact string, or write each byte as the server does, e.g. \"/O=M\\xC3\\xBCller/CN=alice\".", dn)
	case !strings.HasPrefix(dn, "/") || !strings.Contains(dn, "="):
		fail("Not in the server's form",
			"%q is not a distinguished name as MariaDB and MySQL compare it: \"/\" before every attribute, in the certificate's order, e.g. \"/C=SE/O=Example/CN=alice\" (not \"CN=alice,O=Example,C=SE\"). Give client_cert_pem to derive it.", dn)
	}
}

// sqlString quotes value as an SQL string literal for a session whose
// sql_mode lacks NO_BACKSLASH_ESCAPES, which users_sql sets first: a
// backslash and a quote are doubled. NUL and other control characters are
// refused: validation has let none through.
func sqlString(value string) (string, error) {
	if !utf8.ValidString(value) || strings.IndexFunc(value, unicode.IsControl) >= 0 {
		return "", fmt.Errorf("refusing to quote unsafe SQL value %q", value)
	}
	value = strings.ReplaceAll(value, `\`, `\\`)
	return "'" + strings.ReplaceAll(value, "'", "''") + "'", nil
}

// optionValue writes a validated value after "option = " in an option file.
func optionValue(value string) (string, error) {
	if !isSafeOptionValue(value) {
		return "", fmt.Errorf("refusing to write unsafe option value %q", value)
	}
	return value, nil
}
