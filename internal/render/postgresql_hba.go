package render

// The lines of pg_hba.conf and pg_ident.conf: each rule and ident map
// checked field by field and written as tokens that stay one value of one
// line. postgresql.go renders them with the rest of the configuration.

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hbaLine is a checked rule, and identLine a checked ident map, as the
// tokens the templates write.
type hbaLine struct{ Database, User, Address, Method, Map string }

type identLine struct{ Map, CertificateName, Role string }

// hbaKeywords are the words pg_hba.conf reads specially in each field when
// unquoted; any other value is written quoted, as a literal name.
var (
	hbaDatabaseKeywords = []string{"all", "sameuser", "samerole", "replication"}
	hbaAddressKeywords  = []string{"all", "samehost", "samenet"}
)

// pgMapName is what map names may be: they go unquoted into map= options.
var pgMapName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// pgGroup is +group in a user field; PostgreSQL reads the + only unquoted,
// so the name must need no quotes.
var pgGroup = regexp.MustCompile(`^\+[A-Za-z_][A-Za-z0-9_$]{0,62}$`)

// pgMaxNameBytes is the longest name PostgreSQL keeps (NAMEDATALEN - 1);
// a longer one never matches a role or database.
const pgMaxNameBytes = 63

// resolveHBARule checks one rule and writes its fields as pg_hba.conf
// tokens.
func resolveHBARule(p *problems, i int, rule PostgreSQLRule, maps map[string]bool) (hbaLine, bool) {
	const field = "rules"
	failures := len(p.errs)
	var line hbaLine
	line.Database = hbaName(p, i, "database", rule.Database, hbaDatabaseKeywords, false)
	line.User = hbaName(p, i, "user", rule.User, []string{"all"}, true)

	switch {
	case rule.Address == "":
		p.failNested(field, i, "address", "Missing address",
			"address is required: a CIDR range such as \"10.0.0.0/8\", an IP address, a host name, a \".example.com\" domain suffix, or all, samehost or samenet.")
	case slices.Contains(hbaAddressKeywords, rule.Address):
		line.Address = rule.Address
	default:
		if prefix, err := netip.ParsePrefix(rule.Address); err == nil {
			line.Address = prefix.Masked().String()
		} else if addr, err := netip.ParseAddr(rule.Address); err == nil && addr.Zone() == "" {
			line.Address = netip.PrefixFrom(addr, addr.BitLen()).String()
		} else if name := strings.TrimPrefix(rule.Address, "."); isHostname(name, false) && !allDigits(name[strings.LastIndex(name, ".")+1:]) {
			// A numeric last label is no host name: PostgreSQL would read
			// "10.0.0" as an IP address and the next field as its mask.
			line.Address = rule.Address
		} else {
			p.failNested(field, i, "address", "Invalid address",
				"%q is not an address pg_hba.conf accepts. Give a CIDR range such as \"10.0.0.0/8\" or \"::1/128\", an IP address, a host name, a \".example.com\" domain suffix, or one of all, samehost, samenet.", rule.Address)
		}
	}

	method := rule.AuthMethod
	if method == "" {
		method = PostgreSQLAuthCert
	}
	known := false
	for _, m := range PostgreSQLAuthMethods {
		if m.Name == method {
			line.Method, known = m.HBA, true
		}
	}
	if !known {
		p.failNested(field, i, "auth_method", "Unknown authentication method",
			"%q is not offered; use one of %s.", rule.AuthMethod, quoteAll(PostgreSQLAuthMethodNames()))
	}

	if rule.Map != "" {
		switch {
		case !pgMapName.MatchString(rule.Map):
			p.failNested(field, i, "map", "Invalid map name",
				"%q is not a map name: use letters, digits and _ (at most 63), starting with a letter or _, e.g. \"certificates\".", rule.Map)
		case method != PostgreSQLAuthCert:
			p.failNested(field, i, "map", "Map needs certificate authentication",
				"PostgreSQL applies a pg_ident map to the certificate's common name only with auth_method \"cert\"; with %q the certificate's name is not checked at all. Remove map, or set auth_method = \"cert\".", method)
		case !maps[rule.Map]:
			p.failNested(field, i, "map", "Unknown map",
				"No entry of ident_maps has map = %q, so every certificate would be refused on this rule. Add the certificate names and roles of map %q to ident_maps, or remove map.", rule.Map, rule.Map)
		default:
			line.Map = rule.Map
		}
	}
	return line, len(p.errs) == failures
}

// hbaName checks the database or user field of a rule and returns its
// token: a keyword as it is, +group unquoted when groups are allowed, any
// other name quoted as a literal.
func hbaName(p *problems, i int, attr, name string, keywords []string, groups bool) string {
	const field = "rules"
	what := map[string]string{"database": "database", "user": "role"}[attr]
	switch {
	case name == "":
		p.failNested(field, i, attr, "Missing "+attr,
			"%s is required: a %s name, or one of %s.", attr, what, strings.Join(keywords, ", "))
	case slices.Contains(keywords, name):
		return name
	case groups && strings.HasPrefix(name, "+"):
		if pgGroup.MatchString(name) {
			return name
		}
		p.failNested(field, i, attr, "Invalid group",
			"%q: pg_hba.conf reads +name as the members of role name only unquoted, so the name must be letters, digits, _ and $ (at most 63 bytes), starting with a letter or _. Use a plain group role name.", name)
	case strings.HasPrefix(name, "@"):
		p.failNested(field, i, attr, "File inclusion not supported",
			"%q would make pg_hba.conf read names from a file. Write one rule per %s instead.", name, what)
	case strings.HasPrefix(name, "/"):
		p.failNested(field, i, attr, "Regular expression not supported",
			"%q starts with \"/\", which PostgreSQL 16 and later read as a regular expression. Give a plain %s name.", name, what)
	case strings.Contains(name, ","):
		p.failNested(field, i, attr, "List in a name",
			"%q contains a comma, which pg_hba.conf would read as a list of names. Write one rule per %s.", name, what)
	default:
		if detail := checkPostgreSQLName(name); detail != "" {
			p.failNested(field, i, attr, "Invalid "+what+" name", "%q %s", name, detail)
			return ""
		}
		return hbaQuote(name)
	}
	return ""
}

// checkPostgreSQLName says what makes name unusable as a role or database
// name in the configuration files, or "". A name with \1 is a pattern whose
// length is only known once PostgreSQL substitutes the group.
func checkPostgreSQLName(name string) string {
	switch {
	case hasControl(name):
		return "is not valid UTF-8 or contains a line break, tab or other control character, which would end or split a line of the configuration. Remove it."
	case len(name) > pgMaxNameBytes && !strings.Contains(name, `\1`):
		return fmt.Sprintf("is %d bytes long; PostgreSQL names are at most %d bytes, so it never matches. Shorten it.", len(name), pgMaxNameBytes)
	}
	return ""
}

// resolveIdentMap checks one ident_maps entry.
func resolveIdentMap(p *problems, i int, m PostgreSQLIdentMap) (identLine, bool) {
	const field = "ident_maps"
	failures := len(p.errs)
	if !pgMapName.MatchString(m.Map) {
		p.failNested(field, i, "map", "Invalid map name",
			"%q is not a map name: use letters, digits and _ (at most 63), starting with a letter or _, e.g. \"certificates\".", m.Map)
	}
	regex := strings.HasPrefix(m.CertificateName, "/")
	switch {
	case m.CertificateName == "" || m.CertificateName == "/":
		p.failNested(field, i, "certificate_name", "Missing certificate name",
			"certificate_name is required: the common name of the client certificates, or a regular expression after \"/\", e.g. \"/^(.*)\\\\.clients\\\\.example\\\\.com$\".")
	case hasControl(m.CertificateName):
		p.failNested(field, i, "certificate_name", "Unsafe certificate name",
			"%q is not valid UTF-8 or contains a line break, tab or other control character, which would end or split a line of pg_ident.conf. Remove it.", m.CertificateName)
	case regex && (!strings.HasPrefix(m.CertificateName, "/^") || !strings.HasSuffix(m.CertificateName, "$")):
		p.warnNested(field, i, "certificate_name", "Regular expression not anchored",
			"%q is matched anywhere in the common name: without ^ at its start and $ at its end it also matches longer names (\"/alice\" matches \"malice\"). Anchor it, e.g. \"/^(.*)@example\\\\.com$\".", m.CertificateName)
	}
	switch {
	case m.Role == "":
		p.failNested(field, i, "role", "Missing role", "role is required: the role the certificate may log in as.")
	case strings.Contains(m.Role, `\1`) && !regex:
		p.failNested(field, i, "role", "Substitution without a regular expression",
			"%q uses \\1, which PostgreSQL replaces with the first parenthesized group of certificate_name; that is only a regular expression when it starts with \"/\". Give the role name, or make certificate_name a regular expression.", m.Role)
	default:
		if detail := checkPostgreSQLName(m.Role); detail != "" {
			p.failNested(field, i, "role", "Invalid role name", "%q %s", m.Role, detail)
		}
	}
	if len(p.errs) != failures {
		return identLine{}, false
	}
	return identLine{Map: m.Map, CertificateName: hbaQuote(m.CertificateName), Role: hbaQuote(m.Role)}, true
}

// hbaQuote writes a name as one double-quoted token of pg_hba.conf or
// pg_ident.conf: quoted, a keyword is a plain name and blanks, commas and #
// are part of it; a double quote is written twice.
func hbaQuote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// hbaToken is the templates' last check of a pg_hba.conf or pg_ident.conf
// token: nothing in it may end the line.
func hbaToken(token string) (string, error) {
	if token == "" || hasControl(token) {
		return "", fmt.Errorf("refusing unsafe configuration token %q", token)
	}
	return token, nil
}

// hasControl reports a line break, tab or other control character (or
// invalid UTF-8, read as U+FFFD, which is printable: checked apart).
func hasControl(s string) bool {
	return !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0
}

func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}
