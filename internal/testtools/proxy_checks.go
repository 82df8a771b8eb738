package testtools

// Checks of what a proxy in front of a backend lets through: the forwarded
// client identity, protected locations and forged identity headers.

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// CheckForwardedIdentity checks the headers the backend received for a
// verified client: exactly one of each, describing client.
func CheckForwardedIdentity(t testing.TB, request *http.Request, client *x509.Certificate) {
	t.Helper()
	if request == nil {
		t.Fatal("the backend saw no request")
	}
	if got := request.Header.Values("X-SSL-Client-Verify"); len(got) != 1 || got[0] != "SUCCESS" {
		t.Errorf("X-SSL-Client-Verify = %q, want exactly [SUCCESS]", got)
	}
	subject := request.Header.Values("X-SSL-Client-S-DN")
	if len(subject) != 1 || !strings.Contains(subject[0], "CN="+client.Subject.CommonName) {
		t.Errorf("X-SSL-Client-S-DN = %q, want the client's subject only", subject)
	}
	if issuer := request.Header.Get("X-SSL-Client-I-DN"); !strings.Contains(issuer, "CN="+client.Issuer.CommonName) {
		t.Errorf("X-SSL-Client-I-DN = %q, want %q", issuer, client.Issuer.CommonName)
	}
	serial := strings.ToUpper(client.SerialNumber.Text(16))
	if got := strings.TrimLeft(strings.ToUpper(request.Header.Get("X-SSL-Client-Serial")), "0"); got != serial {
		t.Errorf("X-SSL-Client-Serial = %q, want %s", got, serial)
	}
	escaped := request.Header.Get("X-SSL-Client-Cert")
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		t.Fatalf("X-SSL-Client-Cert is not URL-escaped: %v: %q", err, escaped)
	}
	block, _ := pem.Decode([]byte(unescaped))
	if block == nil || !bytes.Equal(block.Bytes, client.Raw) {
		t.Errorf("X-SSL-Client-Cert does not decode to the client certificate: %q", escaped)
	}
}

// ProtectedLocations are the locations CheckLocationsCannotBeBypassed
// expects to need a certificate.
var ProtectedLocations = []string{"/admin", "/api/private"}

// LocationBypassTargets are request targets, sent as they are, whose path
// the server or a backend behind it may read as starting with one of
// ProtectedLocations: encodings, dot segments, empty segments, letter case,
// ;parameters (Tomcat strips them), backslashes (Windows reads "/") and
// "..;" segments (Tomcat resolves them once the parameter is gone).
var LocationBypassTargets = []string{
	"/admin", "/admin/secret", "/admin.html", "/administrator", "/admin%20", "/admin?x=1",
	"/admin;x/secret", "/admin%3bx/secret", "/admin%3Bx/secret", "/admin;/secret", "/;x/admin/secret",
	"/ADMIN", "/Admin/secret", "/%41DMIN", "/%61dmin",
	"//admin", "///admin/secret", "/./admin", "/%2e/admin", "/admin/../admin", "/x/../admin", "/x/%2e%2e/admin",
	"/%2fadmin", "/%2Fadmin/secret", "/admin%2Fsecret", "/x/..%2Fadmin", "/x%2F..%2Fadmin",
	"/admin./secret", "/admin%2e/secret", "/admin%00", "/admin#x",
	"/admin\\secret", "/x/..\\admin", "/x/..%5cadmin",
	"/foo/..;/admin/secret", "/.;/admin/secret", "/%2e%2e;/admin", "/x/.%2e;/admin",
	"https://localhost/admin", "https://localhost//ADMIN;x",
	"/api/private", "/api/private/data", "/API/Private", "/api;x/private", "/api/;x/private",
	"/api//private", "/api/./private", "/api/x/../private", "/api%2Fprivate", "/api/privateer",
}

// CheckLocationsCannotBeBypassed checks a server on port, proxying to
// backend with ProtectedLocations needing a certificate: anonymous requests
// for any of LocationBypassTargets are refused with a 4xx and never reach
// the backend, other paths do, and so do protected ones with client's
// certificate.
func CheckLocationsCannotBeBypassed(t testing.TB, rootFile string, port int, backend *IdentityBackend, client *ClientFiles) {
	t.Helper()
	for _, target := range LocationBypassTargets {
		before := backend.Count()
		result := RawRequest(t, rootFile, port, target, nil)
		if result.Err != nil || result.Status < 400 || result.Status > 499 {
			t.Errorf("anonymous %q: want a 4xx refusal, got %v", target, result)
		}
		if backend.Count() != before {
			request, _ := backend.Last()
			t.Errorf("anonymous %q reached the backend as %q", target, request.RequestURI)
		}
	}
	for _, target := range []string{"/", "/open", "/adm", "/public/admin", "/x/admin", "/open;x/y", "/api", "/api/privat", "/api/public"} {
		if result := RawRequest(t, rootFile, port, target, nil); result.Status != 200 || result.Body != BackendBody {
			t.Errorf("anonymous %q is not served: %v", target, result)
		}
	}
	for _, target := range []string{"/admin/secret", "/ADMIN", "/admin;x/secret", "/api/private/data", "/x/..;/admin"} {
		if result := RawRequest(t, rootFile, port, target, client); result.Status != 200 || result.Body != BackendBody {
			t.Errorf("valid client %q is not served: %v", target, result)
		}
	}
	// An open path with headers that make Symfony, Zend or IIS serve a
	// protected one instead: served, but without them.
	if result := RawRequest(t, rootFile, port, "/open", nil, ForgedRewriteHeaders...); result.Status != 200 || result.Body != BackendBody {
		t.Errorf("anonymous \"/open\" with rewrite headers is not served: %v", result)
	} else {
		request, _ := backend.Last()
		CheckNoRewriteHeaders(t, request)
	}
}

// ForgedRewriteHeaders are client-sent X-Original-URL and X-Rewrite-URL,
// which Symfony, Zend and IIS serve in place of the request's path, in odd
// letter case and spelt with "_" (which PHP, WSGI and Rack read as "-"), all
// naming a protected location.
var ForgedRewriteHeaders = []string{
	"X-Original-URL: /admin/secret",
	"x-rewrite-url: /admin/secret",
	"X-ORIGINAL-url: /api/private/data",
	"X_Original_URL: /admin/secret",
	"x_rewrite-URL: /admin/secret",
	"X-Rewrite_Url: /admin/secret",
}

// CheckNoRewriteHeaders fails on any header the backend received that reads
// as X-Original-URL or X-Rewrite-URL once "_" is taken for "-".
func CheckNoRewriteHeaders(t testing.TB, request *http.Request) {
	t.Helper()
	for name, values := range request.Header {
		if folded := strings.ToLower(strings.ReplaceAll(name, "_", "-")); folded == "x-original-url" || folded == "x-rewrite-url" {
			t.Errorf("the backend received %s: %q", name, values)
		}
	}
}

// ForgedHeaders are the forgeries a server that forwards the identity must
// drop: ForgedUnderscoreIdentityHeaders and ForgedRewriteHeaders.
var ForgedHeaders = append(append([]string{}, ForgedUnderscoreIdentityHeaders...), ForgedRewriteHeaders...)

// CheckNoForgedHeaders fails on any of ForgedHeaders the backend received,
// in any spelling (CheckNoUnderscoreIdentity and CheckNoRewriteHeaders).
func CheckNoForgedHeaders(t testing.TB, request *http.Request) {
	t.Helper()
	CheckNoUnderscoreIdentity(t, request)
	CheckNoRewriteHeaders(t, request)
}

// ForgedUnderscoreIdentityHeaders are client-sent identity headers spelt
// with "_" (and one with "-"), which backends that fold "_" and "-" (PHP,
// WSGI, Rack) would read as the verified ones.
var ForgedUnderscoreIdentityHeaders = []string{
	"X_SSL_Client_S_DN: CN=forged",
	"x_ssl_client_i_dn: CN=forged",
	"X-SSL_Client-S_DN: CN=forged",
	"X_SSL_CLIENT_VERIFY: SUCCESS",
	"X-SSL-Client_Serial: 01",
	"X_SSL_Client-Cert: forged",
	"X-SSL-Client-S-DN: CN=forged",
}

// CheckNoUnderscoreIdentity fails on any header the backend received that
// reads as an identity header once "_" is taken for "-".
func CheckNoUnderscoreIdentity(t testing.TB, request *http.Request) {
	t.Helper()
	for name, values := range request.Header {
		folded := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
		if strings.Contains(name, "_") && strings.HasPrefix(folded, "x-ssl-client-") {
			t.Errorf("the backend received %s: %q", name, values)
		}
	}
}
