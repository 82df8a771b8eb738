package render

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FieldError is a validation failure of one input attribute. Field is the
// Terraform attribute name (snake_case) so the provider can attach the
// diagnostic to the attribute path.
type FieldError struct {
	// Field is the attribute name, e.g. "verify_depth".
	Field string
	// Index is the position of the offending element when Field is a list,
	// or -1 when the error concerns the attribute as a whole.
	Index int
	// Nested names the attribute at fault within element Index of a list of
	// objects (rules[2].address), or is empty.
	Nested string
	// Summary says what is wrong in a few words.
	Summary string
	// Detail says why, and how to fix it.
	Detail string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.path(), e.Summary, e.Detail)
}

func (e *FieldError) path() string {
	path := e.Field
	if e.Index >= 0 {
		path = fmt.Sprintf("%s[%d]", e.Field, e.Index)
	}
	if e.Nested != "" {
		path += "." + e.Nested
	}
	return path
}

// FieldErrors returns every *FieldError in err, which the renderers build
// with errors.Join so that all problems are reported at once.
func FieldErrors(err error) []*FieldError {
	var found []*FieldError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if fe, ok := err.(*FieldError); ok {
			found = append(found, fe)
			return
		}
		switch unwrapped := err.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range unwrapped.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(unwrapped.Unwrap())
		}
	}
	walk(err)
	return found
}

// Warning is advice about input that renders but is probably not what the
// user wants. Field is the Terraform attribute it concerns; Index and Nested
// locate it in a list of objects as in FieldError, when Nested is set.
type Warning struct {
	Field   string
	Index   int
	Nested  string
	Summary string
	Detail  string
}

// problems collects errors and warnings for one render call.
type problems struct {
	errs     []error
	warnings []Warning
}

func (p *problems) fail(field, summary, detail string, args ...any) {
	p.failAt(field, -1, summary, detail, args...)
}

func (p *problems) failAt(field string, index int, summary, detail string, args ...any) {
	p.errs = append(p.errs, &FieldError{Field: field, Index: index, Summary: summary, Detail: fmt.Sprintf(detail, args...)})
}

// failNested reports attribute nested of element index of the list of
// objects field.
func (p *problems) failNested(field string, index int, nested, summary, detail string, args ...any) {
	p.errs = append(p.errs, &FieldError{Field: field, Index: index, Nested: nested, Summary: summary, Detail: fmt.Sprintf(detail, args...)})
}

func (p *problems) warnNested(field string, index int, nested, summary, detail string, args ...any) {
	p.warnings = append(p.warnings, Warning{Field: field, Index: index, Nested: nested, Summary: summary, Detail: fmt.Sprintf(detail, args...)})
}

func (p *problems) warn(field, summary, detail string, args ...any) {
	p.warnings = append(p.warnings, Warning{Field: field, Summary: summary, Detail: fmt.Sprintf(detail, args...)})
}

func (p *problems) err() error { return errors.Join(p.errs...) }

// hostnameLabel is one RFC 1123 label; case is accepted because Apache and
// nginx compare server names case-insensitively.
var hostnameLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// isHostname reports whether name is a DNS host name, optionally with a
// leading "*." wildcard label.
func isHostname(name string, allowWildcard bool) bool {
	if allowWildcard {
		name = strings.TrimPrefix(name, "*.")
	}
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if !hostnameLabel.MatchString(label) {
			return false
		}
	}
	return true
}

func checkHostname(p *problems, field string, index int, name string) {
	if !isHostname(name, true) {
		p.failAt(field, index, "Invalid host name",
			"%q is not a DNS host name. Use letters, digits and hyphens in dot-separated labels of at most 63 characters (253 in all), optionally starting with \"*.\" for a wildcard, e.g. \"*.example.com\".", name)
	}
}

// unsafeInConfig lists characters that would let a value end a directive,
// open or close a block, start a comment, expand a variable or close a
// quoted string in Apache or nginx configuration. Paths are always written
// quoted, so a plain space is harmless.
const unsafeInConfig = "\"'`\\;{}#$<>"

// checkFilePath accepts an absolute path that can be written quoted into
// Apache and nginx configuration without changing its meaning.
func checkFilePath(p *problems, field, path string, required bool) {
	if path == "" {
		if required {
			p.fail(field, "Missing file path", "%s is required: give the absolute path of the file on the server.", field)
		}
		return
	}
	if !utf8.ValidString(path) {
		// IndexFunc below would see U+FFFD, which is printable.
		p.fail(field, "Path is not UTF-8", "%q is not valid UTF-8 text; give the path as the server's file system names it.", path)
		return
	}
	if i := strings.IndexFunc(path, func(r rune) bool {
		return strings.ContainsRune(unsafeInConfig, r) || (unicode.IsSpace(r) && r != ' ') || !unicode.IsPrint(r)
	}); i >= 0 {
		p.fail(field, "Unsafe character in path",
			"%q contains %q, which could change the meaning of the generated configuration. Rename the file or directory so the path has no quotes, backslashes, control characters or any of ; { } # $ < > `.", path, []rune(path[i:])[0])
		return
	}
	if !isAbsolutePath(path) {
		p.fail(field, "Path is not absolute",
			"%q is relative, and Apache and nginx resolve relative paths against different directories. Give the full path, e.g. \"/etc/ssl/private/server.key\".", path)
	}
}

func isAbsolutePath(path string) bool {
	if strings.HasPrefix(path, "/") {
		return true
	}
	// Windows builds of Apache and nginx take drive paths with forward slashes.
	return len(path) >= 3 && path[1] == ':' && path[2] == '/' &&
		(path[0] >= 'A' && path[0] <= 'Z' || path[0] >= 'a' && path[0] <= 'z')
}

// urlPathPrefix is what a location may contain: it is written unquoted into
// nginx and must not contain Apache wildcards (* ?) or percent-escapes, which
// the servers match against the decoded path and would never match.
var urlPathPrefix = regexp.MustCompile(`^/[A-Za-z0-9._~/-]*$`)

func checkLocation(p *problems, field string, index int, location string) bool {
	switch {
	case !urlPathPrefix.MatchString(location):
		p.failAt(field, index, "Invalid location",
			"%q must be a URL path prefix starting with \"/\" and containing only letters, digits and . _ ~ / -, e.g. \"/admin\".", location)
	case location == "/":
		p.failAt(field, index, "Location covers the whole site",
			"\"/\" would require a client certificate everywhere; set verify_client = \"require\" instead of listing \"/\" in %s.", field)
	case strings.Contains(location, "//") || hasDotSegment(location):
		p.failAt(field, index, "Location is not normalized",
			"%q contains an empty, \".\" or \"..\" segment; the servers match locations against the normalized request path, so this prefix would never match. Write it in normal form, e.g. \"/admin/api\".", location)
	default:
		return true
	}
	return false
}

func hasDotSegment(path string) bool {
	for _, segment := range strings.Split(path, "/") {
		if segment == "." || segment == ".." {
			return true
		}
	}
	return false
}

// checkDistinct reports the second and later occurrences of a list value.
func checkDistinct(p *problems, field string, values []string) {
	seen := make(map[string]bool, len(values))
	for i, v := range values {
		key := strings.ToLower(v)
		if seen[key] {
			p.failAt(field, i, "Duplicate value", "%q is listed more than once in %s; remove the duplicate.", v, field)
		}
		seen[key] = true
	}
}

// checkIPAddress accepts an empty value or an IPv4/IPv6 address literal.
func checkIPAddress(p *problems, field, address string) (netip.Addr, bool) {
	if address == "" {
		return netip.Addr{}, true
	}
	addr, err := netip.ParseAddr(address)
	if err != nil || addr.Zone() != "" {
		p.fail(field, "Invalid IP address",
			"%q is not an IP address. Give an IPv4 or IPv6 address such as \"127.0.0.1\" or \"::1\", or leave %s unset to listen on all addresses.", address, field)
		return netip.Addr{}, false
	}
	return addr, true
}

func checkPort(p *problems, field string, port int) {
	if port < 1 || port > 65535 {
		p.fail(field, "Port out of range", "%d is not a TCP port; use a number from 1 to 65535.", port)
	}
}

// resolveVerifyDepth decides the client-certificate verification depth.
//
// Apache rejects a client whose chain, counted from the leaf's issuer up to
// the root, is longer than the depth; nginx (OpenSSL) is more lenient by one.
// Requiring depth >= number of CA certificates therefore works for both.
// verifyDepth 0 means "not set" and caChainDepth 0 means "not known";
// chainField names the attribute the caller counted caChainDepth from
// (ca_chain_pem, client_ca_pem), so that messages point the user at it.
func resolveVerifyDepth(p *problems, verifyDepth, caChainDepth int, chainField string) int {
	if verifyDepth < 0 {
		p.fail("verify_depth", "Negative verification depth",
			"verify_depth is %d; set it to the number of CA certificates above the client certificate (1 for a client certificate issued directly by a root CA), or leave it unset to derive it from %s.", verifyDepth, chainField)
		return 0
	}
	if caChainDepth < 0 {
		p.fail(chainField, "Negative CA chain depth",
			"%s was counted as %d CA certificates; a client CA chain has at least 1.", chainField, caChainDepth)
		return 0
	}
	switch {
	case verifyDepth == 0 && caChainDepth == 0:
		p.warn("verify_depth", "Verification depth defaulted to 1",
			"Neither verify_depth nor %s is set, so the depth is 1: only client certificates issued directly by a CA in the CA file are accepted. If clients are issued by an intermediate CA, set %s to the client CA chain (the depth is then derived from it), or set verify_depth to the number of CA certificates above a client certificate.", chainField, chainField)
		return 1
	case verifyDepth == 0:
		return caChainDepth
	case caChainDepth > 0 && verifyDepth < caChainDepth:
		p.fail("verify_depth", "Verification depth too small for the CA chain",
			"verify_depth is %d but the longest chain in %s has %d CA certificates, so clients issued by its lowest CA would be rejected with \"certificate chain too long\". Set verify_depth to at least %d, or leave it unset to derive it.",
			verifyDepth, chainField, caChainDepth, caChainDepth)
		return 0
	default:
		return verifyDepth
	}
}

// checkPEM accepts text made only of PEM blocks of the given types.
// It does not parse the DER inside: the provider has done that already.
func checkPEM(p *problems, field, text string, required bool, blockTypes ...string) (blocks int) {
	if strings.TrimSpace(text) == "" {
		if required {
			p.fail(field, "Missing PEM data", "%s is required: give the PEM text (a %s block).", field, blockTypes[0])
		}
		return 0
	}
	rest := []byte(text)
	// pem.Decode skips text before a block; insist there is none.
	for bytes.HasPrefix(bytes.TrimSpace(rest), []byte("-----BEGIN ")) {
		block, remaining := pem.Decode(rest)
		if block == nil {
			break
		}
		if !slices.Contains(blockTypes, block.Type) {
			p.fail(field, "Unexpected PEM block",
				"%s contains a %q block; only %s blocks belong here.", field, block.Type, strings.Join(blockTypes, ", "))
			return blocks
		}
		blocks++
		rest = remaining
	}
	if blocks == 0 || strings.TrimSpace(string(rest)) != "" {
		p.fail(field, "Not PEM data",
			"%s must consist of PEM blocks (\"-----BEGIN %s-----\" ... \"-----END %s-----\") and nothing else.", field, blockTypes[0], blockTypes[0])
	}
	return blocks
}
