package render

import "strings"

// Protected locations (ServerInput.Locations) are plain path prefixes of the
// decoded, normalised request path, compared without regard to letter case:
// "/admin" covers "/admin", "/admin/x", "/admin.html", "/administrator" and
// "/ADMIN". Both servers decode percent-escapes, resolve "." and ".."
// segments and merge slashes before matching, so encodings and dot segments
// cannot dodge a prefix.
//
// What the servers leave alone, some backends do not, and a request that
// the server lets through as unprotected would reach a protected path there:
//   - ";parameters": Tomcat and other servlet containers strip them from
//     every segment, so "/admin;x/secret" and "/;x/admin" are "/admin/...".
//   - letter case: case-insensitive file systems and frameworks serve
//     "/ADMIN" as "/admin".
//   - backslashes, which Windows backends take for "/", and "..;" or ".;"
//     segments, which become dot segments once Tomcat strips the parameter
//     ("/x/..;/admin" is "/admin" there).
//
// Hence a regular expression per prefix rather than Apache's <Location>
// (which matches whole segments, so "/admin.html" and "/admin;x" escape it)
// or an nginx prefix location (case-sensitive, and "^~" would not help):
// it matches the prefix in any case, with ";parameters" on each of its
// segments and empty segments anywhere before it. One more expression,
// ambiguousPathPattern, catches the paths a backend may resolve differently
// altogether. Both are PCRE as Apache's <LocationMatch> and nginx's
// "location ~" read them, and use neither quotes nor backslash escapes that
// the configuration parsers would take for their own.

// emptySegments matches any run of empty path segments, each optionally
// carrying ";parameters" ("/", "/;x").
const emptySegments = `(?:/(?:;[^/]*)?)*`

// ambiguousPathPattern matches paths that a backend may read as a different
// path than the server did: any backslash (a literal one, or %5C decoded),
// and a "." or ".." segment followed by ";parameters".
const ambiguousPathPattern = `\x5c|(?:^|/)[.][.]?;`

// locationPattern returns the case-sensitive part of the regular expression
// that matches every path starting with prefix in the sense above; callers
// make it case-insensitive ("(?i)" for Apache, "~*" for nginx). prefix is a
// valid location: "/" followed by segments of [A-Za-z0-9._~-], no empty or
// dot segments except that it may end with "/".
func locationPattern(prefix string) string {
	segments := strings.Split(strings.TrimPrefix(prefix, "/"), "/")
	var b strings.Builder
	b.WriteString("^")
	for i, segment := range segments {
		b.WriteString(emptySegments + "/")
		b.WriteString(strings.ReplaceAll(segment, ".", "[.]"))
		if i < len(segments)-1 {
			// A whole segment: its parameters go before the next "/". The
			// last one is a plain prefix, which covers parameters already.
			b.WriteString(`(?:;[^/]*)?`)
		}
	}
	return b.String()
}
