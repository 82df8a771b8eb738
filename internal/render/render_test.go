package render

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// checkGolden compares got with testdata/name.golden, or rewrites the file
// with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/render/ -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output; if the change is intended, run go test ./internal/render/ -update\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

// directive is one parsed configuration directive, with its block if any.
type directive struct {
	name  string
	args  []string
	block []directive
}

// find returns the directives reached by following names, e.g.
// find(tree, "server", "location") returns every location of every server.
func find(tree []directive, names ...string) []directive {
	var found []directive
	for _, d := range tree {
		if !strings.EqualFold(d.name, names[0]) {
			continue
		}
		if len(names) == 1 {
			found = append(found, d)
		} else {
			found = append(found, find(d.block, names[1:]...)...)
		}
	}
	return found
}

// argsOf returns the argument lists of the directives found.
func argsOf(tree []directive, names ...string) []string {
	var all []string
	for _, d := range find(tree, names...) {
		all = append(all, strings.Join(d.args, " "))
	}
	return all
}

// flatten lists every directive as "name args" with its enclosing blocks.
func flatten(tree []directive, prefix string) []string {
	var lines []string
	for _, d := range tree {
		line := prefix + d.name + " " + strings.Join(d.args, " ")
		lines = append(lines, line)
		lines = append(lines, flatten(d.block, line+" > ")...)
	}
	return lines
}

// parseNginx parses nginx configuration syntax: words and quoted strings,
// ";" ending a directive, "{ }" blocks and "#" comments. It fails on
// anything unbalanced, as nginx would.
func parseNginx(t *testing.T, text string) []directive {
	t.Helper()
	var tokens []string
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		case '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case ';', '{', '}':
			tokens = append(tokens, string(c))
			i++
		case '"', '\'':
			end := strings.IndexByte(text[i+1:], c)
			if end < 0 {
				t.Fatalf("unterminated quote in:\n%s", text)
			}
			// A leading NUL marks a quoted word, so it is never taken for ";" or "{".
			tokens = append(tokens, "\x00"+text[i+1:i+1+end])
			i += end + 2
		default:
			start := i
			for i < len(text) && !strings.ContainsRune(" \t\n\r;{}\"'", rune(text[i])) {
				i++
			}
			tokens = append(tokens, text[start:i])
		}
	}
	tree, rest := parseNginxBlock(t, tokens)
	if len(rest) != 0 {
		t.Fatalf("unbalanced } in:\n%s", text)
	}
	return tree
}

func parseNginxBlock(t *testing.T, tokens []string) ([]directive, []string) {
	t.Helper()
	var tree []directive
	var current []string
	for len(tokens) > 0 {
		token := tokens[0]
		tokens = tokens[1:]
		switch token {
		case ";":
			if len(current) == 0 {
				t.Fatal("empty directive")
			}
			tree = append(tree, directive{name: current[0], args: current[1:]})
			current = nil
		case "{":
			if len(current) == 0 {
				t.Fatal("block without a name")
			}
			var block []directive
			block, tokens = parseNginxBlock(t, tokens)
			if len(tokens) == 0 || tokens[0] != "}" {
				t.Fatal("unclosed block " + current[0])
			}
			tokens = tokens[1:]
			tree = append(tree, directive{name: current[0], args: current[1:], block: block})
			current = nil
		case "}":
			if len(current) != 0 {
				t.Fatalf("directive %v lacks its ;", current)
			}
			return tree, append([]string{"}"}, tokens...)
		default:
			current = append(current, strings.TrimPrefix(token, "\x00"))
		}
	}
	if len(current) != 0 {
		t.Fatalf("directive %v lacks its ;", current)
	}
	return tree, nil
}

// parseApache parses Apache configuration syntax: one directive per line,
// "<Section args>" ... "</Section>" blocks, quoted arguments and "#"
// comment lines. It fails on unbalanced sections.
func parseApache(t *testing.T, text string) []directive {
	t.Helper()
	type frame struct {
		name string
		args []string
		tree []directive
	}
	stack := []frame{{}}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "</"):
			name := strings.TrimSuffix(strings.TrimPrefix(line, "</"), ">")
			top := stack[len(stack)-1]
			if len(stack) == 1 || !strings.EqualFold(top.name, name) {
				t.Fatalf("unexpected %s in:\n%s", line, text)
			}
			stack = stack[:len(stack)-1]
			parent := &stack[len(stack)-1]
			parent.tree = append(parent.tree, directive{name: top.name, args: top.args, block: top.tree})
		case strings.HasPrefix(line, "<"):
			if !strings.HasSuffix(line, ">") {
				t.Fatalf("unterminated section %s", line)
			}
			words := splitApacheArgs(t, strings.TrimSuffix(line[1:], ">"))
			stack = append(stack, frame{name: words[0], args: words[1:]})
		default:
			words := splitApacheArgs(t, line)
			top := &stack[len(stack)-1]
			top.tree = append(top.tree, directive{name: words[0], args: words[1:]})
		}
	}
	if len(stack) != 1 {
		t.Fatalf("unclosed section %s in:\n%s", stack[len(stack)-1].name, text)
	}
	return stack[0].tree
}

func splitApacheArgs(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] == '"' {
			end := strings.IndexByte(line[1:], '"')
			if end < 0 {
				t.Fatalf("unterminated quote: %s", line)
			}
			words = append(words, line[1:1+end])
			line = line[end+2:]
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		words = append(words, word)
		line = rest
	}
	return words
}

// wantFieldError checks that err holds a FieldError for field (and index,
// -1 for the whole attribute) whose text mentions every fragment.
func wantFieldError(t *testing.T, err error, field string, index int, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one on %s", field)
	}
	var fieldErr *FieldError
	if !errors.As(err, &fieldErr) {
		t.Fatalf("error %v is not a *FieldError", err)
	}
	for _, fe := range FieldErrors(err) {
		if fe.Field != field || fe.Index != index {
			continue
		}
		if fe.Summary == "" || fe.Detail == "" {
			t.Errorf("FieldError on %s lacks a summary or detail: %#v", field, fe)
		}
		text := fe.Summary + " " + fe.Detail
		for _, fragment := range fragments {
			if !strings.Contains(text, fragment) {
				t.Errorf("FieldError on %s does not mention %q: %s", field, fragment, text)
			}
		}
		return
	}
	t.Fatalf("no FieldError on %s[%d]; got %v", field, index, err)
}

func TestFieldErrorText(t *testing.T) {
	whole := &FieldError{Field: "verify_depth", Index: -1, Summary: "Too small", Detail: "Set it to 2."}
	if got, want := whole.Error(), "verify_depth: Too small: Set it to 2."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	element := &FieldError{Field: "locations", Index: 1, Summary: "Invalid location", Detail: "Start with /."}
	if got, want := element.Error(), "locations[1]: Invalid location: Start with /."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	joined := errors.Join(whole, element)
	if got := FieldErrors(joined); len(got) != 2 || got[0] != whole || got[1] != element {
		t.Errorf("FieldErrors(joined) = %v, want both errors in order", got)
	}
	if got := FieldErrors(errors.New("plain")); len(got) != 0 {
		t.Errorf("FieldErrors(plain error) = %v, want none", got)
	}
}

func TestQuoteRefusesUnsafeValues(t *testing.T) {
	if got, err := quote("/etc/ssl/my cert.pem"); err != nil || got != `"/etc/ssl/my cert.pem"` {
		t.Errorf("quote(path with space) = %q, %v", got, err)
	}
	for _, unsafe := range []string{`a"b`, `a\b`, "a\nb", "a;b", "a{b", "a}b", "a#b", "a$b", "a<b", "a>b", "a'b", "a`b"} {
		if got, err := quote(unsafe); err == nil {
			t.Errorf("quote(%q) = %q, want an error", unsafe, got)
		}
	}
}
