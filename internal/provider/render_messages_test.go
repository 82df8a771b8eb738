package provider

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/mtlsforge/terraform-provider-mtls/internal/render"
)

// snakeWord is how the render messages name attributes.
var snakeWord = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)

// valueWords are snake_case words in messages that are values, not
// attributes.
var valueWords = []string{"optional_no_ca"}

// checkMessagesNameAttributes fails on a warning or error whose field, or
// any snake_case word of its text, is not an attribute of the data source:
// the user could not set what the message asks for.
func checkMessagesNameAttributes(t *testing.T, ds datasource.DataSource, warnings []render.Warning, err error) {
	t.Helper()
	var resp datasource.SchemaResponse
	ds.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	check := func(field, text string) {
		t.Helper()
		if _, ok := resp.Schema.Attributes[field]; !ok {
			t.Errorf("message on %q, which is no attribute: %s", field, text)
		}
		for _, word := range snakeWord.FindAllString(text, -1) {
			if _, ok := resp.Schema.Attributes[word]; !ok && !slices.Contains(valueWords, word) {
				t.Errorf("message names %q, which is no attribute: %s", word, text)
			}
		}
	}
	for _, w := range warnings {
		check(w.Field, w.Summary+" "+w.Detail)
	}
	for _, fe := range render.FieldErrors(err) {
		check(fe.Field, fe.Summary+" "+fe.Detail)
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
