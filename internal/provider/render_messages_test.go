package provider

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

// snakeWord is how the render messages name attributes.
var snakeWord = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)

// valueWords are snake_case words in messages that are values or file
// names (pg_hba.conf), not attributes.
var valueWords = []string{"optional_no_ca", "pg_hba", "pg_ident"}

// checkMessagesNameAttributes fails on a warning or error whose field (and
// nested attribute, in a list of objects), or any snake_case word of its
// text, is not an attribute of the data source: the user could not set what
// the message asks for.
func checkMessagesNameAttributes(t *testing.T, ds datasource.DataSource, warnings []render.Warning, err error) {
	t.Helper()
	var resp datasource.SchemaResponse
	ds.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	names := map[string]bool{} // every attribute, nested ones too
	for name, attr := range resp.Schema.Attributes {
		names[name] = true
		if list, ok := attr.(schema.ListNestedAttribute); ok {
			for nested := range list.NestedObject.Attributes {
				names[nested] = true
			}
		}
	}
	check := func(field, nested, text string) {
		t.Helper()
		attr, ok := resp.Schema.Attributes[field]
		if !ok {
			t.Errorf("message on %q, which is no attribute: %s", field, text)
		}
		if list, isList := attr.(schema.ListNestedAttribute); nested != "" && (!isList || list.NestedObject.Attributes[nested] == nil) {
			t.Errorf("message on %s.%s, which is no attribute: %s", field, nested, text)
		}
		for _, word := range snakeWord.FindAllString(text, -1) {
			if !names[word] && !slices.Contains(valueWords, word) {
				t.Errorf("message names %q, which is no attribute: %s", word, text)
			}
		}
	}
	for _, w := range warnings {
		check(w.Field, w.Nested, w.Summary+" "+w.Detail)
	}
	for _, fe := range render.FieldErrors(err) {
		check(fe.Field, fe.Nested, fe.Summary+" "+fe.Detail)
	}
}

// Every warning and error of the server renderers names attributes of the
// data sources, e.g. "set ca_chain_pem" where it said "set ca_chain_depth".
func TestServerConfigMessagesNameAttributes(t *testing.T) {
	valid := render.ServerInput{
		ServerName:         "api.example.com",
		CertificateFile:    "/etc/ssl/server.pem",
		CertificateKeyFile: "/etc/ssl/server.key",
		CACertificateFile:  "/etc/ssl/client-ca.pem",
	}
	inputs := map[string]func(*render.ServerInput){
		"depth defaulted":     func(*render.ServerInput) {},
		"depth too small":     func(in *render.ServerInput) { in.VerifyDepth, in.CAChainDepth = 1, 3 },
		"negative depth":      func(in *render.ServerInput) { in.VerifyDepth = -1 },
		"negative chain":      func(in *render.ServerInput) { in.CAChainDepth = -1 },
		"nothing required":    func(in *render.ServerInput) { in.VerifyClient = render.VerifyClientOptional },
		"redundant locations": func(in *render.ServerInput) { in.Locations = []string{"/admin"} },
		"no CA, with CRL": func(in *render.ServerInput) {
			in.VerifyClient, in.CRLFile = render.VerifyClientOptionalNoCA, "/etc/ssl/crl.pem"
		},
		"everything wrong": func(in *render.ServerInput) {
			*in = render.ServerInput{
				ServerName: "*.bad name", ServerAliases: []string{"a", "a"}, ListenAddress: "x", Listen: -1,
				CertificateFile: "rel", CACertificateFile: "/a;b", CRLFile: "c", VerifyClient: "on",
				Protocols: []string{"SSLv3"}, ProxyPass: "ftp://x", DocumentRoot: "www", Locations: []string{"/", "x", "/a//b"},
			}
		},
	}
	for name, change := range inputs {
		t.Run(name, func(t *testing.T) {
			in := valid
			change(&in)
			_, warnings, err := render.RenderApache(render.ApacheInput{ServerInput: in})
			checkMessagesNameAttributes(t, NewApacheConfigDataSource(), warnings, err)
			_, warnings, err = render.RenderNginx(render.NginxInput{ServerInput: in})
			checkMessagesNameAttributes(t, NewNginxConfigDataSource(), warnings, err)
		})
	}
}

func TestIngressConfigMessagesNameAttributes(t *testing.T) {
	const pem = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"
	valid := render.IngressInput{
		Controller: render.ControllerIngressNginx, Namespace: "apps", Name: "web", Hosts: []string{"web.example.com"},
		ServiceName: "web", ServicePort: 8080, TLSCertPEM: pem, TLSKeyPEM: "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n",
		ClientCAPEM: pem, CAChainDepth: 2,
	}
	inputs := map[string]func(*render.IngressInput){
		"depth defaulted":  func(in *render.IngressInput) { in.CAChainDepth = 0 },
		"depth too small":  func(in *render.IngressInput) { in.VerifyDepth = 1 },
		"negative depth":   func(in *render.IngressInput) { in.VerifyDepth = -1 },
		"negative chain":   func(in *render.IngressInput) { in.CAChainDepth = -1 },
		"optional":         func(in *render.IngressInput) { in.VerifyClient = "optional" },
		"unauthenticated":  func(in *render.IngressInput) { in.VerifyClient = "optional_no_ca" },
		"traefik with CRL": func(in *render.IngressInput) { in.Controller, in.ClientCRLPEM = render.ControllerTraefik, pem },
		"traefik depth":    func(in *render.IngressInput) { in.Controller, in.VerifyDepth = render.ControllerTraefik, 3 },
		"istio extras": func(in *render.IngressInput) {
			in.Controller, in.IngressClassName, in.CASecretName, in.PassCertificateToUpstream, in.MatchCN = render.ControllerIstio, "x", "y", true, "CN=a"
		},
		"everything wrong": func(in *render.IngressInput) {
			*in = render.IngressInput{
				Controller: "haproxy", Namespace: "A", Name: "B_", Hosts: []string{"1.2.3.4"}, ServiceName: "9", ServicePort: 0,
				ServiceNamespace: "C", TLSSecretName: "x_", CASecretName: "x_", TLSKeyPEM: pem, ClientCAPEM: "x", MatchCN: "x",
			}
		},
	}
	for name, change := range inputs {
		t.Run(name, func(t *testing.T) {
			in := valid
			change(&in)
			_, warnings, err := render.RenderIngress(in)
			checkMessagesNameAttributes(t, NewIngressConfigDataSource(), warnings, err)
		})
	}
}

func TestPostgreSQLConfigMessagesNameAttributes(t *testing.T) {
	valid := func() render.PostgreSQLInput {
		return render.PostgreSQLInput{
			CertificateFile: "/etc/pg/server.pem", CertificateKeyFile: "/etc/pg/server.key", CACertificateFile: "/etc/pg/ca.pem",
			Rules:     []render.PostgreSQLRule{{Database: "app", User: "alice", Address: "10.0.0.0/8", Map: "m"}},
			IdentMaps: []render.PostgreSQLIdentMap{{Map: "m", CertificateName: "/^(.*)$", Role: `\1`}},
		}
	}
	inputs := map[string]func(*render.PostgreSQLInput){
		"unanchored regex": func(in *render.PostgreSQLInput) { in.IdentMaps[0].CertificateName = "/(.*)" },
		"no rules":         func(in *render.PostgreSQLInput) { in.Rules = nil },
		"map with scram":   func(in *render.PostgreSQLInput) { in.Rules[0].AuthMethod = render.PostgreSQLAuthSCRAM },
		"unknown map":      func(in *render.PostgreSQLInput) { in.Rules[0].Map = "x" },
		"substitution":     func(in *render.PostgreSQLInput) { in.IdentMaps[0].CertificateName = "alice" },
		"everything wrong": func(in *render.PostgreSQLInput) {
			*in = render.PostgreSQLInput{
				CertificateFile: "rel", CACertificateFile: "/a;b", CRLFile: "c", MinProtocolVersion: "SSLv3", CAChainDepth: 101, Host: "a b",
				ClientRootCertificateFile: "r", ClientCertificateFile: "c", ClientKeyFile: "k",
				Rules: []render.PostgreSQLRule{
					{}, {Database: "a,b", User: "+\"g\"", Address: "x y", AuthMethod: "md5", Map: "m m"},
					{Database: "@f", User: "/r", Address: "all", Map: "m"}, {Database: strings.Repeat("d", 64), User: "a\nb", Address: "all"},
				},
				IdentMaps: []render.PostgreSQLIdentMap{{}, {Map: "m", CertificateName: "a\nb", Role: "\\1"}},
			}
		},
	}
	for name, change := range inputs {
		t.Run(name, func(t *testing.T) {
			in := valid()
			change(&in)
			_, warnings, err := render.RenderPostgreSQL(in)
			if err == nil && len(warnings) == 0 {
				t.Fatal("no message to check")
			}
			checkMessagesNameAttributes(t, NewPostgreSQLConfigDataSource(), warnings, err)
		})
	}
}
