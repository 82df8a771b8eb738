// Package render turns validated mutual-TLS settings into server
// configuration: Apache mod_ssl, nginx, HAProxy, PostgreSQL and MariaDB/MySQL
// text (MySQL option files and account SQL) from embedded templates, and
// Kubernetes ingress manifests marshalled from typed structs.
//
// Every value that reaches a template has been validated so it cannot end a
// directive or open a block; the template helpers check again and fail
// rather than emit something unsafe.
package render

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"quote":  quote,
	"indent": indent,
	"join":   strings.Join,
	// PostgreSQL: single-quoted postgresql.conf values, checked
	// pg_hba.conf and pg_ident.conf tokens.
	"pgstring": pgString,
	"hba":      hbaToken,
	"sql":      sqlString,
	"option":   optionValue,
}).ParseFS(templateFiles, "templates/*.tmpl"))

func execute(name string, data any) (string, error) {
	var out bytes.Buffer
	if err := templates.ExecuteTemplate(&out, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return out.String(), nil
}

// quote wraps a validated value in double quotes, which Apache, nginx and
// HAProxy accept around paths and URLs.
func quote(value string) (string, error) {
	if strings.ContainsAny(value, unsafeInConfig+"\n\r\t") {
		return "", fmt.Errorf("refusing to quote unsafe value %q", value)
	}
	return `"` + value + `"`, nil
}

// indent prefixes every non-empty line of text with spaces.
func indent(spaces int, text string) string {
	prefix := strings.Repeat(" ", spaces)
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, line := range lines {
		if line != "" {
			lines[i] = prefix + line
		}
	}
	return strings.Join(lines, "\n")
}
