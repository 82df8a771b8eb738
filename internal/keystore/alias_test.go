package keystore

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"slices"
	"strings"
	"testing"
)

func certNamed(cn string, dnsNames ...string) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: dnsNames}
}

func TestDefaultAliases(t *testing.T) {
	got := DefaultAliases([]*x509.Certificate{
		certNamed("Root CA"),
		certNamed("root ca"), // same alias ignoring case
		certNamed("Root CA-2"),
		certNamed("", "Svc.Example.COM"),
		certNamed(" \t "),
		certNamed(""),
		certNamed("Tab\tName"),
	})
	want := []string{"root ca", "root ca-3", "root ca-2", "svc.example.com", "cert", "cert-2", "tabname"}
	if !slices.Equal(got, want) {
		t.Errorf("DefaultAliases = %q, want %q", got, want)
	}
}

func TestResolveAliases(t *testing.T) {
	got, err := ResolveAliases([]TrustedEntry{
		{Cert: certNamed("Partner Root")},
		{Alias: "partner root", Cert: certNamed("Other")},
		{Alias: "Corp-CA", Cert: certNamed("Corp CA")},
		{Cert: certNamed("Partner Root")},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Explicit aliases are kept verbatim and reserved before derived ones.
	want := []string{"partner root-2", "partner root", "Corp-CA", "partner root-3"}
	if !slices.Equal(got, want) {
		t.Errorf("ResolveAliases = %q, want %q", got, want)
	}
}

func TestResolveAliasesErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []TrustedEntry
		want    string
	}{
		{"case-insensitive duplicate", []TrustedEntry{{Alias: "CA", Cert: certNamed("a")}, {Alias: "ca", Cert: certNamed("b")}}, `truststore entries 0 and 1 both use alias "ca"`},
		{"missing certificate", []TrustedEntry{{Alias: "a"}}, "truststore entry 0 has no certificate"},
		{"control character", []TrustedEntry{{Alias: "a\x00", Cert: certNamed("a")}}, "alias of truststore entry 0: \"a\\x00\" contains control characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ResolveAliases(tc.entries)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
