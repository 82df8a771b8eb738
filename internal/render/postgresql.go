package render

import (
	"fmt"
	"net/netip"
	"strings"
)

// PostgreSQLAuthMethod is one value of a rule's auth_method: what the
// pg_hba.conf line says after the address, and what that means.
type PostgreSQLAuthMethod struct {
	Name        string
	HBA         string // method and clientcert option, as pg_hba.conf spells them
	Description string
}

// Values of PostgreSQLRule.AuthMethod.
const (
	PostgreSQLAuthCert  = "cert"
	PostgreSQLAuthSCRAM = "scram-sha-256"
)

// PostgreSQLAuthMethods is the one list of auth_method values: the schema's
// validator and description and the renderer all read it.
var PostgreSQLAuthMethods = []PostgreSQLAuthMethod{
	{PostgreSQLAuthCert, "cert clientcert=verify-full",
		"the certificate alone (the default): it must chain to `ca_certificate_file`, and its common name must be the role, or map to it through `map`"},
	{PostgreSQLAuthSCRAM, "scram-sha-256 clientcert=verify-ca",
		"a certificate that chains to `ca_certificate_file` (any common name) and the role's SCRAM password; `map` does not apply"},
}

// PostgreSQLAuthMethodNames lists the names of PostgreSQLAuthMethods.
func PostgreSQLAuthMethodNames() []string {
	names := make([]string, len(PostgreSQLAuthMethods))
	for i, m := range PostgreSQLAuthMethods {
		names[i] = m.Name
	}
	return names
}

// PostgreSQLDefaultMinProtocol is ssl_min_protocol_version when unset.
const PostgreSQLDefaultMinProtocol = TLSv12

// openSSLDefaultVerifyDepth is the chain depth OpenSSL accepts by default;
// PostgreSQL sets no other.
const openSSLDefaultVerifyDepth = 100

// PostgreSQLRule (an element of rules) is one hostssl line of pg_hba.conf.
type PostgreSQLRule struct {
	Database   string // database: a name or all, sameuser, samerole, replication
	User       string // user: a role name, all, or +group
	Address    string // address: CIDR, IP, host name, .domain suffix, all, samehost, samenet
	AuthMethod string // auth_method: one of PostgreSQLAuthMethods; "" means cert
	Map        string // map: a pg_ident.conf map, with cert only
}

// PostgreSQLIdentMap (an element of ident_maps) is one pg_ident.conf line.
type PostgreSQLIdentMap struct {
	Map             string // map
	CertificateName string // certificate_name: a common name, or /regex
	Role            string // role: may use \1 after a /regex with a group
}

// PostgreSQLInput configures TLS and certificate authentication for a
// PostgreSQL server and its clients; attribute names are in the comments.
type PostgreSQLInput struct {
	CertificateFile    string // certificate_file
	CertificateKeyFile string // certificate_key_file
	CACertificateFile  string // ca_certificate_file
	CRLFile            string // crl_file: optional
	MinProtocolVersion string // min_protocol_version: "" means TLSv1.2
	// CAChainDepth is the number of CA certificates in the longest chain of
	// ca_chain_pem, counted by the caller; 0 if unknown.
	CAChainDepth int

	Rules     []PostgreSQLRule     // rules
	IdentMaps []PostgreSQLIdentMap // ident_maps

	// For connection_string; all optional.
	Host                      string // host
	ClientRootCertificateFile string // client_root_certificate_file
	ClientCertificateFile     string // client_certificate_file
	ClientKeyFile             string // client_key_file
}

// PostgreSQLOutput is the rendered configuration.
type PostgreSQLOutput struct {
	PostgreSQLConf   string // postgresql_conf: ssl settings to include
	PgHBAConf        string // pg_hba_conf
	PgIdentConf      string // pg_ident_conf
	ConnectionString string // connection_string: libpq TLS keywords
}

// postgresqlView is what the PostgreSQL templates see: every value already
// quoted or checked for the file it goes to.
type postgresqlView struct {
	CertificateFile, CertificateKeyFile, CACertificateFile, CRLFile string
	MinProtocolVersion                                              string
	Rules                                                           []hbaLine
	IdentMaps                                                       []identLine
}

// RenderPostgreSQL validates in and renders it. Validation failures are
// *FieldError values joined into the returned error; see FieldErrors.
func RenderPostgreSQL(in PostgreSQLInput) (PostgreSQLOutput, []Warning, error) {
	var p problems
	checkFilePath(&p, "certificate_file", in.CertificateFile, true)
	checkFilePath(&p, "certificate_key_file", in.CertificateKeyFile, true)
	checkFilePath(&p, "ca_certificate_file", in.CACertificateFile, true)
	checkFilePath(&p, "crl_file", in.CRLFile, false)
	checkFilePath(&p, "client_root_certificate_file", in.ClientRootCertificateFile, false)
	checkFilePath(&p, "client_certificate_file", in.ClientCertificateFile, false)
	checkFilePath(&p, "client_key_file", in.ClientKeyFile, false)

	view := postgresqlView{
		CertificateFile: in.CertificateFile, CertificateKeyFile: in.CertificateKeyFile,
		CACertificateFile: in.CACertificateFile, CRLFile: in.CRLFile,
		MinProtocolVersion: in.MinProtocolVersion,
	}
	switch in.MinProtocolVersion {
	case "":
		view.MinProtocolVersion = PostgreSQLDefaultMinProtocol
	case TLSv12, TLSv13:
	default:
		p.fail("min_protocol_version", "Unsupported protocol",
			"%q is not supported; use \"TLSv1.2\" or \"TLSv1.3\". Older versions are insecure and not offered.", in.MinProtocolVersion)
	}
	if in.CAChainDepth > openSSLDefaultVerifyDepth {
		p.fail("ca_chain_pem", "CA chain too deep",
			"The longest chain in ca_chain_pem has %d CA certificates; PostgreSQL verifies client chains with OpenSSL's default depth of %d and has no setting to raise it. Shorten the chain.", in.CAChainDepth, openSSLDefaultVerifyDepth)
	}

	maps := map[string]bool{}
	for i, m := range in.IdentMaps {
		line, ok := resolveIdentMap(&p, i, m)
		if ok {
			view.IdentMaps = append(view.IdentMaps, line)
		}
		maps[m.Map] = true
	}
	if len(in.Rules) == 0 {
		p.fail("rules", "No rules", "rules is empty: give at least one rule (database, user and address) that may connect with a certificate.")
	}
	for i, rule := range in.Rules {
		if line, ok := resolveHBARule(&p, i, rule, maps); ok {
			view.Rules = append(view.Rules, line)
		}
	}

	host := ""
	if in.Host != "" {
		if addr, err := netip.ParseAddr(in.Host); err == nil && addr.Zone() == "" {
			host = addr.String()
		} else if isHostname(in.Host, false) {
			host = in.Host
		} else {
			p.fail("host", "Invalid host",
				"%q is neither a host name nor an IP address. Give the name clients connect to, as it appears in the server certificate, e.g. \"db.example.com\".", in.Host)
		}
	}

	if err := p.err(); err != nil {
		return PostgreSQLOutput{}, p.warnings, err
	}
	var out PostgreSQLOutput
	var err error
	if out.PostgreSQLConf, err = execute("postgresql_conf", view); err != nil {
		return PostgreSQLOutput{}, p.warnings, err
	}
	if out.PgHBAConf, err = execute("pg_hba_conf", view); err != nil {
		return PostgreSQLOutput{}, p.warnings, err
	}
	if out.PgIdentConf, err = execute("pg_ident_conf", view); err != nil {
		return PostgreSQLOutput{}, p.warnings, err
	}
	if out.ConnectionString, err = libpqConnectionString(host, in); err != nil {
		return PostgreSQLOutput{}, p.warnings, err
	}
	return out, p.warnings, nil
}

// pgString writes a checked path as a single-quoted postgresql.conf or libpq
// value; it refuses what checkFilePath refuses.
func pgString(value string) (string, error) {
	if strings.ContainsAny(value, unsafeInConfig+"\n\r\t") {
		return "", fmt.Errorf("refusing to quote unsafe value %q", value)
	}
	return "'" + value + "'", nil
}

// libpqConnectionString is the TLS part of a libpq connection string.
func libpqConnectionString(host string, in PostgreSQLInput) (string, error) {
	var parts []string
	if host != "" {
		parts = append(parts, "host="+host)
	}
	parts = append(parts, "sslmode=verify-full")
	for _, kv := range []struct{ key, value string }{
		{"sslrootcert", in.ClientRootCertificateFile},
		{"sslcert", in.ClientCertificateFile},
		{"sslkey", in.ClientKeyFile},
	} {
		if kv.value == "" {
			continue
		}
		quoted, err := pgString(kv.value)
		if err != nil {
			return "", err
		}
		parts = append(parts, kv.key+"="+quoted)
	}
	return strings.Join(parts, " "), nil
}
