package render

// Fuzz targets for every validator of user input in this package (make
// fuzz runs each; their seeds run with every go test). The property: no
// panic; a refused value yields field errors on its own attribute only; an
// accepted value takes exactly the place of a harmless placeholder in the
// rendered configuration, in the same directive and quoting, adding no
// token, line or block, and contains no character that Apache's or nginx's
// parser gives a meaning in that place. Kubernetes manifests decode back to
// the same objects with the value where the placeholder was.

import (
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// confToken is a word, a quoted string (quoted), or one of ; { } < > and,
// for Apache, "\n" at the end of a directive.
type confToken struct {
	text   string
	quoted bool
}

// nginxTokens splits nginx configuration the way nginx does for the
// characters the renderers emit: words, "..." strings, ; { } and # comments.
func nginxTokens(text string) []confToken {
	var tokens []confToken
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		case '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case ';', '{', '}':
			tokens = append(tokens, confToken{text: string(c)})
			i++
		case '"':
			end := strings.IndexByte(text[i+1:], '"')
			if end < 0 {
				return append(tokens, confToken{text: "unterminated " + text[i:]})
			}
			tokens = append(tokens, confToken{text: text[i+1 : i+1+end], quoted: true})
			i += end + 2
		default:
			start := i
			for i < len(text) && !strings.ContainsRune(" \t\n\r;{}\"", rune(text[i])) {
				i++
			}
			tokens = append(tokens, confToken{text: text[start:i]})
		}
	}
	return tokens
}

// apacheTokens splits Apache configuration into directives, one a line
// (comment lines dropped), each of words, "..." strings, section brackets
// and a closing "\n".
func apacheTokens(text string) []confToken {
	var tokens []confToken
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "<") {
			tokens = append(tokens, confToken{text: "<"})
			line = line[1:]
		}
		closing := strings.HasSuffix(line, ">")
		line = strings.TrimSuffix(line, ">")
		for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
			if line[0] == '"' {
				end := strings.IndexByte(line[1:], '"')
				if end < 0 {
					tokens = append(tokens, confToken{text: "unterminated " + line})
					break
				}
				tokens = append(tokens, confToken{text: line[1 : 1+end], quoted: true})
				line = line[end+2:]
				continue
			}
			word, rest, _ := strings.Cut(line, " ")
			tokens = append(tokens, confToken{text: word})
			line = rest
		}
		if closing {
			tokens = append(tokens, confToken{text: ">"})
		}
		tokens = append(tokens, confToken{text: "\n"})
	}
	return tokens
}

// Characters with a meaning to the parsers, bare and inside "...": ending a
// word or directive, opening a block, quoting, escaping, comments,
// variables (nginx $var, Apache ${VAR}) and section brackets.
const (
	nginxUnsafeBare    = " \t\r\n\v\f;{}\"'\\#$"
	nginxUnsafeQuoted  = "\"\\$\r\n"
	apacheUnsafeBare   = " \t\r\n\v\f\"'\\$<>#"
	apacheUnsafeQuoted = "\"\\$<>\r\n"
)

// serverSyntax is one server's tokenizer and unsafe characters.
type serverSyntax struct {
	name                 string
	tokens               func(string) []confToken
	unsafeBare, unsafeIn string
	render               func(ServerInput) (string, error)
}

var serverSyntaxes = []serverSyntax{
	{"apache", apacheTokens, apacheUnsafeBare, apacheUnsafeQuoted, func(in ServerInput) (string, error) {
		out, _, err := RenderApache(ApacheInput{ServerInput: in, RenderListen: true})
		return out.VirtualHost + out.Directives, err
	}},
	{"nginx", nginxTokens, nginxUnsafeBare, nginxUnsafeQuoted, func(in ServerInput) (string, error) {
		out, _, err := RenderNginx(NginxInput{ServerInput: in})
		return out.ServerBlock + out.Directives, err
	}},
}

// fuzzServerInput renders every feature: optional verification with
// locations, identity headers, a CRL, aliases, an address and a backend.
func fuzzServerInput() ServerInput {
	return ServerInput{
		ServerName:            "basefuzz.example.com",
		ServerAliases:         []string{"alias.example.com", "basefuzz-alias.example.com"},
		ListenAddress:         "192.0.2.10",
		Listen:                8443,
		CertificateFile:       "/basefuzz/cert.pem",
		CertificateKeyFile:    "/basefuzz/key.pem",
		CACertificateFile:     "/basefuzz/ca.pem",
		CRLFile:               "/basefuzz/crl.pem",
		VerifyClient:          VerifyClientOptional,
		CAChainDepth:          2,
		ForwardClientIdentity: true,
		ProxyPass:             "http://basefuzz.example:8080",
		Locations:             []string{"/admin", "/basefuzz"},
	}
}

// checkFieldRefusal checks that err consists of field errors on field alone,
// each with a summary and a detail.
func checkFieldRefusal(t *testing.T, err error, field string) {
	t.Helper()
	fieldErrors := FieldErrors(err)
	if len(fieldErrors) == 0 {
		t.Fatalf("refused without a field error: %v", err)
	}
	for _, fe := range fieldErrors {
		if fe.Field != field || fe.Summary == "" || fe.Detail == "" {
			t.Errorf("refusal %#v is not a complete error on %s", fe, field)
		}
	}
}

// checkPrintable fails on control characters and invalid UTF-8, which no
// accepted value may carry into a configuration.
func checkPrintable(t *testing.T, value string) {
	t.Helper()
	if !utf8.ValidString(value) || strings.IndexFunc(value, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		t.Errorf("accepted %q, which holds unprintable characters", value)
	}
}

// checkServerField sets value into field of the fuzz input; when both
// renderers accept it, rendered is what must appear where placeholder did.
func checkServerField(t *testing.T, field string, base ServerInput, set func(*ServerInput, string), placeholder, value string, rendered func(cfg serverConfig, raw string) string) {
	in := base
	set(&in, placeholder)
	baseCfg, _, err := in.resolve()
	if err != nil {
		t.Fatalf("the placeholder %q is refused: %v", placeholder, err)
	}
	from := rendered(baseCfg, placeholder)
	set(&in, value)
	if value == "" {
		// Unset: a default or a refusal, checked by the unit tests.
		for _, syntax := range serverSyntaxes {
			if _, err := syntax.render(in); err != nil {
				checkFieldRefusal(t, err, field)
			}
		}
		return
	}
	for _, syntax := range serverSyntaxes {
		baseline, err := syntax.render(func() ServerInput { b := base; set(&b, placeholder); return b }())
		if err != nil {
			t.Fatal(err)
		}
		out, err := syntax.render(in)
		if err != nil {
			checkFieldRefusal(t, err, field)
			continue
		}
		cfg, _, err := in.resolve()
		if err != nil {
			t.Fatalf("%s rendered what resolve refuses: %v", syntax.name, err)
		}
		checkPrintable(t, value)
		to := rendered(cfg, value)
		checkSubstitution(t, syntax, syntax.tokens(baseline), syntax.tokens(out), from, to)
	}
}

// checkSubstitution compares two renderings token by token: they differ
// only where the baseline holds from, which must read to instead, in the
// same quoting and free of characters unsafe there.
func checkSubstitution(t *testing.T, syntax serverSyntax, baseline, fuzzed []confToken, from, to string) {
	t.Helper()
	if len(baseline) != len(fuzzed) {
		t.Fatalf("%s: %q for %q changes the structure: %d tokens, baseline %d\n%v\n%v", syntax.name, to, from, len(fuzzed), len(baseline), fuzzed, baseline)
	}
	for i := range baseline {
		b, f := baseline[i], fuzzed[i]
		if b == f {
			continue
		}
		if !strings.Contains(b.text, from) || b.quoted != f.quoted || f.text != strings.ReplaceAll(b.text, from, to) {
			t.Fatalf("%s: token %d is %+v where the baseline has %+v; want %q in place of %q", syntax.name, i, f, b, to, from)
		}
		unsafe := syntax.unsafeBare
		if f.quoted {
			unsafe = syntax.unsafeIn
		}
		if strings.ContainsAny(to, unsafe) {
			t.Fatalf("%s: %q holds one of %q in %+v", syntax.name, to, unsafe, f)
		}
	}
}

func FuzzServerName(f *testing.F) {
	for _, seed := range []string{"api.example.com", "*.example.com", "API.Example.COM", "a", "xn--bcher-kva.example", "-a.com", "a..b", "a b", "a;b", "a\nServerName evil",
		"a}", "a{", "a$b", "a#b", "a\"b", "a'b", "ä.example", "*", "*.", "a.*.com", strings.Repeat("a", 64), strings.Repeat("a.", 127) + "a", ""} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, value string, alias bool) {
		field, set := "server_name", func(in *ServerInput, v string) { in.ServerName = v }
		if alias {
			field, set = "server_aliases", func(in *ServerInput, v string) { in.ServerAliases = []string{"alias.example.com", v} }
		}
		checkServerField(t, field, fuzzServerInput(), set, "basefuzz-name.example.com", value, func(_ serverConfig, raw string) string { return raw })
	})
}

func FuzzServerPath(f *testing.F) {
	for _, seed := range []string{"/etc/ssl/a.pem", "/srv/my files/a.pem", "C:/ssl/a.pem", "c:\\ssl", "rel/a.pem", "/a\"b", "/a'b", "/a\\b", "/a;b", "/a{b}", "/a#b",
		"/${HOME}", "/a<b>", "/a\nSSLEngine off", "/a\tb", "/a`id`", "/données/é.pem", "/a\u00a0b", "/a\u2028b", "/a%20b", "/a*b?[c]", "/", "//", "/a\x00b", "/a\x7fb", ""} {
		for field := range uint8(5) {
			f.Add(seed, field)
		}
	}
	fields := []struct {
		name string
		set  func(*ServerInput, string)
	}{
		{"certificate_file", func(in *ServerInput, v string) { in.CertificateFile = v }},
		{"certificate_key_file", func(in *ServerInput, v string) { in.CertificateKeyFile = v }},
		{"ca_certificate_file", func(in *ServerInput, v string) { in.CACertificateFile = v }},
		{"crl_file", func(in *ServerInput, v string) { in.CRLFile = v }},
		{"document_root", func(in *ServerInput, v string) { in.DocumentRoot = v }},
	}
	f.Fuzz(func(t *testing.T, value string, which uint8) {
		field := fields[int(which)%len(fields)]
		base := fuzzServerInput()
		if field.name == "document_root" {
			base.ProxyPass = ""
		}
		checkServerField(t, field.name, base, field.set, "/basefuzz/placeholder", value, func(_ serverConfig, raw string) string { return raw })
	})
}

func FuzzListenAddress(f *testing.F) {
	for _, seed := range []string{"127.0.0.1", "::1", "::ffff:10.0.0.1", "fe80::1%eth0", "2001:db8::1", "0.0.0.0", "::", "localhost", "1.2.3", "01.2.3.4", "[::1]", "1.2.3.4:80", "1.2.3.4;", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		checkServerField(t, "listen_address", fuzzServerInput(), func(in *ServerInput, v string) { in.ListenAddress = v }, "192.0.2.99", value,
			func(cfg serverConfig, raw string) string {
				// The canonical form is the same address.
				got, err := netip.ParseAddr(strings.Trim(cfg.ListenAddress, "[]"))
				want, _ := netip.ParseAddr(raw)
				if err != nil || got != want.Unmap() {
					t.Errorf("listen_address %q rendered as %q", raw, cfg.ListenAddress)
				}
				return cfg.ListenAddress
			})
	})
}

func FuzzProxyPass(f *testing.F) {
	for _, seed := range []string{"http://127.0.0.1:8080", "https://backend.internal", "https://[::1]:8443/", "HTTP://Back.End", "http://b:080", "http://[fe80::1%25eth0]",
		"http://user:pw@b", "http://b?x", "http://b#x", "http://b/app", "http://b//", "http://b:0", "http://b:70000", "http://b:+1", "ftp://b", "http://", "b:8080",
		"http://b;x", "http://$host", "http://b}", "http://b\n", "http://b c", "http://ho%73t", "http://[::ffff:127.0.0.1]:1", "http://b.", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		base := fuzzServerInput()
		placeholder := "http://basefuzz-backend.example:8080"
		if strings.HasPrefix(strings.ToLower(value), "https:") {
			// https adds the TLS proxy lines; compare like with like.
			placeholder = "https://basefuzz-backend.example:8080"
		}
		checkServerField(t, "proxy_pass", base, func(in *ServerInput, v string) { in.ProxyPass = v }, placeholder, value, func(cfg serverConfig, raw string) string {
			// The rebuilt URL names the same scheme, host and port.
			got, err1 := url.Parse(cfg.ProxyPass)
			want, err2 := url.Parse(raw)
			if err1 != nil || err2 != nil || got.Scheme != want.Scheme || !sameHost(got.Hostname(), want.Hostname()) || strings.TrimLeft(got.Port(), "0") != strings.TrimLeft(want.Port(), "0") {
				t.Errorf("proxy_pass %q rendered as %q", raw, cfg.ProxyPass)
			}
			return cfg.ProxyPass
		})
	})
}

func sameHost(a, b string) bool {
	if x, err := netip.ParseAddr(a); err == nil {
		y, err := netip.ParseAddr(b)
		return err == nil && x == y
	}
	return strings.EqualFold(a, b)
}

func FuzzLocation(f *testing.F) {
	for _, seed := range []string{"/admin", "/admin/", "/api/private", "/a.b", "/~user", "/a-b_c", "/", "admin", "/a b", "/a;", "/a{", "/$uri", "/a#b", "/a>", "/a\"",
		"/a*", "/a%20b", "/a//b", "/a/../b", "/./a", "/ADMIN", "/a\nb", "/é", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		checkServerField(t, "locations", fuzzServerInput(), func(in *ServerInput, v string) { in.Locations = []string{"/admin", v} }, "/basefuzz", value,
			func(cfg serverConfig, _ string) string { return cfg.Locations[1].Pattern })
	})
}

// backendReading is the path as a servlet container reads it once the
// server has decoded and normalised it: ";parameters" stripped from every
// segment and the empty segments that leaves merged.
func backendReading(path string) string {
	segments := strings.Split(path, "/")
	for i, segment := range segments {
		segments[i], _, _ = strings.Cut(segment, ";")
	}
	reading := strings.Join(segments, "/")
	for strings.Contains(reading, "//") {
		reading = strings.ReplaceAll(reading, "//", "/")
	}
	return reading
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// ambiguousPath is ambiguousPathPattern written out: a backslash, or a "."
// or ".." segment with ";parameters".
func ambiguousPath(path string) bool {
	if strings.Contains(path, `\`) {
		return true
	}
	for _, segment := range strings.Split(path, "/") {
		if strings.HasPrefix(segment, ".;") || strings.HasPrefix(segment, "..;") {
			return true
		}
	}
	return false
}

func TestLocationPatternMeaning(t *testing.T) {
	cases := []struct {
		prefix string
		match  []string
		miss   []string
	}{
		{"/admin", []string{"/admin", "/admin/", "/admin/x", "/admin.html", "/administrator", "/ADMIN", "/aDmIn/x", "/admin;x/y", "/admin;", "/;x/admin", "//admin", "/;/;a=b/admin"},
			[]string{"/", "/adm", "/x/admin", "/adm;x/in", "/x;/admin", "admin", "/ad/min"}},
		{"/api/private", []string{"/api/private", "/api/private/x", "/API/PRIVATE", "/api;v=1/private", "/api/;x/private", "/api//private", "/api;a;b/;c//private.txt"},
			[]string{"/api", "/api/", "/api/priv", "/api/x/private", "/apix/private", "/api/p;x/rivate"}},
		{"/files/", []string{"/files/", "/files/a", "/files;x/", "/FILES//a"}, []string{"/files", "/files.txt", "/files;x"}},
		{"/a.b", []string{"/a.b", "/A.B/c"}, []string{"/axb", "/a"}},
	}
	for _, tc := range cases {
		re := regexp.MustCompile("(?i)" + locationPattern(tc.prefix))
		for _, path := range tc.match {
			if !re.MatchString(path) {
				t.Errorf("%s does not cover %q", tc.prefix, path)
			}
		}
		for _, path := range tc.miss {
			if re.MatchString(path) {
				t.Errorf("%s covers %q", tc.prefix, path)
			}
		}
	}
	ambiguous := regexp.MustCompile(ambiguousPathPattern)
	for path, want := range map[string]bool{`/a\b`: true, `\`: true, "/x/..;/admin": true, "/.;/a": true, "/..;": true, "/a/.;x": true,
		"/a..;/b": false, "/a;/..": false, "/a/./b": false, "/a.;b": false, "/.well-known/x": false, "/a;b/c": false} {
		if got := ambiguous.MatchString(path); got != want || ambiguousPath(path) != want {
			t.Errorf("ambiguous(%q) = %v, reference %v, want %v", path, got, ambiguousPath(path), want)
		}
	}
}

// The regular expressions mean what locations.go says: a location covers
// exactly the paths whose servlet reading, in any ASCII letter case, starts
// with it; the ambiguous paths are those with a backslash or a dot segment
// with parameters. Go's regexp agrees with PCRE on this syntax, and the
// live tests run the expressions in Apache and nginx.
func FuzzLocationPattern(f *testing.F) {
	for _, seed := range [][2]string{{"/admin", "/admin;x/secret"}, {"/admin", "/;x/admin"}, {"/api/private", "/api;x/;y//private"}, {"/files/", "/files;x/"},
		{"/a.b", "/a.b;c"}, {"/admin", "/x/..;/admin"}, {"/admin", `/x\admin`}, {"/admin", "/ADMIN"}, {"/admin", "/adm"}} {
		f.Add(seed[0], seed[1])
	}
	ambiguous := regexp.MustCompile(ambiguousPathPattern)
	f.Fuzz(func(t *testing.T, prefix, path string) {
		var p problems
		if !checkLocation(&p, "locations", 0, prefix) || strings.IndexFunc(path, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0 {
			return // only valid locations; PCRE folds ASCII letters only
		}
		re, err := regexp.Compile("(?i)" + locationPattern(prefix))
		if err != nil {
			t.Fatalf("%s: %v", prefix, err)
		}
		want := hasPrefixFold(path, prefix) || hasPrefixFold(backendReading(path), prefix)
		if got := re.MatchString(path); got != want {
			t.Errorf("location %q on %q: matches %v, want %v (read as %q)", prefix, path, got, want, backendReading(path))
		}
		if got := ambiguous.MatchString(path); got != ambiguousPath(path) {
			t.Errorf("ambiguous(%q) = %v, want %v", path, got, !got)
		}
	})
}

// haproxyTokens splits HAProxy configuration into lines (comment lines and
// blank lines dropped), each of words and "..." or '...' strings and a
// closing "\n"; a "#" outside quotes ends the line.
func haproxyTokens(text string) []confToken {
	var tokens []confToken
	for _, line := range strings.Split(text, "\n") {
		var lineTokens []confToken
	scan:
		for i := 0; i < len(line); {
			switch c := line[i]; c {
			case ' ', '\t', '\r':
				i++
			case '#':
				break scan
			case '"', '\'':
				end := strings.IndexByte(line[i+1:], c)
				if end < 0 {
					lineTokens = append(lineTokens, confToken{text: "unterminated " + line[i:]})
					break scan
				}
				lineTokens = append(lineTokens, confToken{text: line[i+1 : i+1+end], quoted: true})
				i += end + 2
			default:
				start := i
				for i < len(line) && !strings.ContainsRune(" \t\r#\"'", rune(line[i])) {
					i++
				}
				lineTokens = append(lineTokens, confToken{text: line[start:i]})
			}
		}
		if len(lineTokens) > 0 {
			tokens = append(append(tokens, lineTokens...), confToken{text: "\n"})
		}
	}
	return tokens
}

// HAProxy's parser gives a meaning to these, bare and inside "...":
// separators, quotes, escapes, comments and environment variables.
const (
	haproxyUnsafeBare   = " \t\r\n\v\f\"'\\#$"
	haproxyUnsafeQuoted = "\"\\$\r\n"
)

var haproxySyntax = serverSyntax{name: "haproxy", tokens: haproxyTokens, unsafeBare: haproxyUnsafeBare, unsafeIn: haproxyUnsafeQuoted}

// fuzzHAProxyInput renders every feature of http mode: an address, a CRL,
// optional verification and the identity headers.
func fuzzHAProxyInput() HAProxyInput {
	return HAProxyInput{
		ListenAddress:         "192.0.2.10",
		Listen:                8443,
		CertificateFile:       "/basefuzz/crt.pem",
		CACertificateFile:     "/basefuzz/ca.pem",
		CRLFile:               "/basefuzz/crl.pem",
		VerifyClient:          VerifyClientOptional,
		ForwardClientIdentity: true,
		ProxyPass:             "http://basefuzz-backend.example:8080",
	}
}

// checkHAProxyField sets value into field of in and, when the renderer
// accepts it, compares the output with the placeholder's: to must take the
// place of from and nothing else change.
func checkHAProxyField(t *testing.T, field string, in HAProxyInput, set func(*HAProxyInput, string), placeholder, value, from, to string) {
	t.Helper()
	set(&in, placeholder)
	baseline, _, err := RenderHAProxy(in)
	if err != nil {
		t.Fatalf("the placeholder %q is refused: %v", placeholder, err)
	}
	set(&in, value)
	out, _, err := RenderHAProxy(in)
	if err != nil {
		checkFieldRefusal(t, err, field)
		return
	}
	if value == "" {
		return // unset: a default, checked by the unit tests
	}
	checkPrintable(t, value)
	for name, pair := range map[string][2]string{"sections": {baseline.Sections, out.Sections}, "bind_line": {baseline.BindLine, out.BindLine}} {
		t.Run(name, func(t *testing.T) {
			checkSubstitution(t, haproxySyntax, haproxyTokens(pair[0]), haproxyTokens(pair[1]), from, to)
		})
	}
}

func FuzzHAProxyPath(f *testing.F) {
	for _, seed := range []string{"/etc/haproxy/a.pem", "/srv/my files/a.pem", "rel/a.pem", "/a\"b", "/a'b", "/a\\b", "/a#b", "/${HOME}", "/$HOME", "/a\nbind :80",
		"/a\rbackend x", "/a\tb", "/a\\x22b", "/a verify none", "/données/é.pem", "/a\u00a0b", "/a\x00b", "/a%[src]", ""} {
		for field := range uint8(3) {
			f.Add(seed, field)
		}
	}
	fields := []struct {
		name string
		set  func(*HAProxyInput, string)
	}{
		{"certificate_file", func(in *HAProxyInput, v string) { in.CertificateFile = v }},
		{"ca_certificate_file", func(in *HAProxyInput, v string) { in.CACertificateFile = v }},
		{"crl_file", func(in *HAProxyInput, v string) { in.CRLFile = v }},
	}
	f.Fuzz(func(t *testing.T, value string, which uint8) {
		field := fields[int(which)%len(fields)]
		checkHAProxyField(t, field.name, fuzzHAProxyInput(), field.set, "/basefuzz/placeholder", value, "/basefuzz/placeholder", value)
	})
}

func FuzzHAProxyListenAddress(f *testing.F) {
	for _, seed := range []string{"127.0.0.1", "::1", "::ffff:10.0.0.1", "fe80::1%eth0", "0.0.0.0", "::", "localhost", "1.2.3.4:80", "1.2.3.4 ssl", "1.2.3.4#", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		var p problems
		to := resolveListenAddress(&p, value)
		checkHAProxyField(t, "listen_address", fuzzHAProxyInput(), func(in *HAProxyInput, v string) { in.ListenAddress = v }, "192.0.2.99", value, "192.0.2.99", to)
	})
}

func FuzzHAProxyBackend(f *testing.F) {
	for _, seed := range []string{"http://127.0.0.1:8080", "https://backend.internal", "https://[::1]:8443/", "tcp://10.0.0.5:5432", "tcp://db", "HTTP://Back.End",
		"http://b:080", "http://user:pw@b", "http://b?x", "http://b/app", "http://b:0", "ftp://b", "http://b ssl", "http://b\nserver x 1.2.3.4:80", "http://$HOST",
		"http://b#x", "https://b'", "tcp://b:1 check", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		in := fuzzHAProxyInput()
		if strings.HasPrefix(value, "tcp:") {
			in.Mode, in.VerifyClient, in.ForwardClientIdentity = HAProxyModeTCP, VerifyClientRequire, false
		}
		set := func(in *HAProxyInput, v string) { in.ProxyPass = v }
		var p problems
		parsed, ok := parseBackendURL(&p, value, "", "", "http", "https", "tcp")
		if !ok || parsed.Port == "" && parsed.Scheme == "tcp" {
			// Refused here; the renderer must refuse it on proxy_pass too.
			placeholder := "http://basefuzz-backend.example:8080"
			if in.Mode == HAProxyModeTCP {
				placeholder = "tcp://basefuzz-backend.example:5432"
			}
			checkHAProxyField(t, "proxy_pass", in, set, placeholder, value, "", "")
			return
		}
		// The placeholder has the value's scheme and port and a host of the
		// same kind (an https backend's host name is also its SNI).
		host, from := "basefuzz-backend.example", "basefuzz-backend.example"
		if _, err := netip.ParseAddr(parsed.Host); err == nil {
			host, from = "192.0.2.55", "192.0.2.55"
		}
		placeholder := backendURL{Scheme: parsed.Scheme, Host: host, Port: parsed.Port}
		to := backendURL{Host: parsed.Host}.HostPort()
		checkHAProxyField(t, "proxy_pass", in, set, placeholder.String(), value, from, to)
	})
}

// fuzzIngressInput renders every object an ingress can have: traefik with
// its middleware, or istio with a Service in another namespace.
func fuzzIngressInput(controller string) IngressInput {
	in := IngressInput{
		Controller:  controller,
		Namespace:   "basefuzz-ns",
		Name:        "basefuzz-name",
		Hosts:       []string{"basefuzz-host.example.com", "other.example.com"},
		ServiceName: "basefuzz-svc",
		ServicePort: 8080,
		TLSCertPEM:  fakeCertPEM,
		TLSKeyPEM:   fakeKeyPEM,
		ClientCAPEM: fakeCAPEM,
	}
	switch controller {
	case ControllerIngressNginx:
		in.ClientCRLPEM, in.CAChainDepth, in.MatchCN, in.IngressClassName = fakeCRLPEM, 2, "CN=basefuzz-cn", "basefuzz-class"
		in.TLSSecretName, in.CASecretName = "basefuzz-tls-secret", "basefuzz-ca-secret"
	case ControllerTraefik:
		in.PassCertificateToUpstream, in.IngressClassName = true, "basefuzz-class"
		in.TLSSecretName, in.CASecretName = "basefuzz-tls-secret", "basefuzz-ca-secret"
	case ControllerIstio:
		in.ServiceNamespace, in.TLSSecretName = "basefuzz-svc-ns", "basefuzz-tls-secret"
	}
	return in
}

// manifestTrees decodes multi-document YAML split the way kubectl splits it.
func manifestTrees(t *testing.T, manifests string) []any {
	t.Helper()
	var trees []any
	for _, document := range strings.Split("\n"+manifests, "\n---\n") {
		var tree any
		if err := yaml.Unmarshal([]byte(document), &tree); err != nil {
			t.Fatalf("not YAML: %v\n%s", err, document)
		}
		trees = append(trees, tree)
	}
	return trees
}

// checkTreeSubstitution compares decoded manifests: the same shape, with
// strings differing only by to in place of from.
func checkTreeSubstitution(t *testing.T, where string, baseline, fuzzed any, from, to string) {
	t.Helper()
	switch b := baseline.(type) {
	case map[string]any:
		f, ok := fuzzed.(map[string]any)
		if !ok || len(f) != len(b) {
			t.Fatalf("%s: %v where the baseline has %v", where, fuzzed, baseline)
		}
		for key, value := range b {
			checkTreeSubstitution(t, where+"."+key, value, f[key], from, to)
		}
	case []any:
		f, ok := fuzzed.([]any)
		if !ok || len(f) != len(b) {
			t.Fatalf("%s: %v where the baseline has %v", where, fuzzed, baseline)
		}
		for i := range b {
			checkTreeSubstitution(t, where, b[i], f[i], from, to)
		}
	case string:
		if f, ok := fuzzed.(string); !ok || f != strings.ReplaceAll(b, from, to) {
			t.Fatalf("%s: %#v where the baseline has %q; want %q in place of %q", where, fuzzed, b, to, from)
		}
	default:
		if fuzzed != baseline {
			t.Fatalf("%s: %#v where the baseline has %#v", where, fuzzed, baseline)
		}
	}
}

// checkIngressField sets value into field for every controller that takes
// it and compares the output with the placeholder's.
func checkIngressField(t *testing.T, field string, set func(*IngressInput, string), placeholder, value string) {
	for _, controller := range []string{ControllerIngressNginx, ControllerTraefik, ControllerIstio} {
		in := fuzzIngressInput(controller)
		set(&in, placeholder)
		baseline, _, err := RenderIngress(in)
		if err != nil {
			if FieldErrors(err)[0].Field == field {
				continue // the controller does not take this field
			}
			t.Fatal(err)
		}
		set(&in, value)
		out, _, err := RenderIngress(in)
		if err != nil {
			checkFieldRefusal(t, err, field)
			continue
		}
		if value == "" {
			continue // unset: a default, checked by the unit tests
		}
		checkPrintable(t, value)
		base, fuzzed := manifestTrees(t, baseline.ManifestsYAML), manifestTrees(t, out.ManifestsYAML)
		if len(base) != len(fuzzed) {
			t.Fatalf("%s: %q makes %d documents, the placeholder %d", controller, value, len(fuzzed), len(base))
		}
		for i := range base {
			checkTreeSubstitution(t, controller, base[i], fuzzed[i], placeholder, value)
		}
		for key, annotation := range out.Annotations {
			if want := strings.ReplaceAll(baseline.Annotations[key], placeholder, value); annotation != want {
				t.Errorf("%s: annotation %s = %q, want %q", controller, key, annotation, want)
			}
		}
	}
}

func FuzzIngressName(f *testing.F) {
	for _, seed := range []string{"web", "my-app", "a.b", "a", "-a", "a-", "A", "a_b", "a..b", "a b", "a\nkind: Secret", "a: b", "'a'", "\"a\"", "a#b", "{a}", "1a", "é",
		strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a.", 126) + "a", ""} {
		for field := range uint8(7) {
			f.Add(seed, field)
		}
	}
	fields := []struct {
		name string
		set  func(*IngressInput, string)
	}{
		{"namespace", func(in *IngressInput, v string) { in.Namespace = v }},
		{"name", func(in *IngressInput, v string) { in.Name = v }},
		{"tls_secret_name", func(in *IngressInput, v string) { in.TLSSecretName = v }},
		{"ca_secret_name", func(in *IngressInput, v string) { in.CASecretName = v }},
		{"ingress_class_name", func(in *IngressInput, v string) { in.IngressClassName = v }},
		{"service_name", func(in *IngressInput, v string) { in.ServiceName = v }},
		{"service_namespace", func(in *IngressInput, v string) { in.ServiceNamespace = v }},
	}
	f.Fuzz(func(t *testing.T, value string, which uint8) {
		field := fields[int(which)%len(fields)]
		checkIngressField(t, field.name, field.set, "basefuzz-value", value)
	})
}

func FuzzIngressHost(f *testing.F) {
	for _, seed := range []string{"web.example.com", "*.example.com", "localhost", "10.0.0.1", "::1", "Web.Example.com", "a_b.com", "*", "*.*.com", "a b", "a\n- b", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		checkIngressField(t, "hosts", func(in *IngressInput, v string) { in.Hosts = []string{v, "other.example.com"} }, "basefuzz-value.example.com", value)
	})
}

// match_cn also ends up unquoted in the nginx configuration ingress-nginx
// writes ("if ($ssl_client_s_dn !~ <match_cn>)"), so it must stay one
// nginx word there.
func FuzzMatchCN(f *testing.F) {
	for _, seed := range []string{"CN=client", "CN=(a|b)-client", `CN=a\.b`, `CN=a\\`, `CN=a\`, "CN=a b", "CN=a;b", "CN=a{2}", "CN=a}", "CN=a#", "CN=a\"", "CN=a'", "CN=a$", "CN=(", "cn=a", "a", "CN=\x00", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		checkIngressField(t, "match_cn", func(in *IngressInput, v string) { in.MatchCN = v }, "CN=basefuzz-cn", value)
		in := fuzzIngressInput(ControllerIngressNginx)
		in.MatchCN = value
		if _, _, err := RenderIngress(in); err != nil {
			return
		}
		trailing := len(value) - len(strings.TrimRight(value, `\`))
		if strings.ContainsAny(value, " \t\r\n\v\f;{}\"'#") || trailing%2 == 1 {
			t.Errorf("match_cn %q would not stay one word in ingress-nginx's configuration", value)
		}
	})
}

// PEM inputs are checked for their framing only; what is accepted reaches
// the Secrets byte for byte.
func FuzzIngressPEM(f *testing.F) {
	for _, seed := range []string{fakeCertPEM, fakeCAPEM, fakeKeyPEM, fakeCRLPEM, "x" + fakeCertPEM, fakeCertPEM + "x", "-----BEGIN CERTIFICATE-----\n", "-----BEGIN X-----\nAA==\n-----END X-----\n",
		fakeCertPEM + fakeKeyPEM, "  \n" + fakeCertPEM + "\n\n", "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----", ""} {
		for field := range uint8(4) {
			f.Add(seed, field)
		}
	}
	fields := []struct {
		name, key string
		set       func(*IngressInput, string)
	}{
		{"tls_cert_pem", keyTLSCert, func(in *IngressInput, v string) { in.TLSCertPEM = v }},
		{"tls_key_pem", keyTLSKey, func(in *IngressInput, v string) { in.TLSKeyPEM = v }},
		{"client_ca_pem", keyCACert, func(in *IngressInput, v string) { in.ClientCAPEM = v }},
		{"client_crl_pem", keyCACRL, func(in *IngressInput, v string) { in.ClientCRLPEM = v }},
	}
	f.Fuzz(func(t *testing.T, value string, which uint8) {
		field := fields[int(which)%len(fields)]
		in := fuzzIngressInput(ControllerIngressNginx)
		field.set(&in, value)
		out, _, err := RenderIngress(in)
		if err != nil {
			checkFieldRefusal(t, err, field.name)
			return
		}
		var found []string
		for _, document := range strings.Split("\n"+out.ManifestsYAML, "\n---\n") {
			var secret corev1.Secret
			if err := yaml.Unmarshal([]byte(document), &secret); err != nil {
				t.Fatal(err)
			}
			if data, ok := secret.Data[field.key]; ok {
				found = append(found, string(data))
			}
		}
		if value != "" && !slices.Equal(found, []string{value}) {
			t.Errorf("%s reaches the Secrets as %q, want %q once", field.name, found, value)
		}
	})
}
