package provider

import (
	"sync"
	"testing"

	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

func TestIssuerCache(t *testing.T) {
	t.Parallel()
	ca := testtools.Issue(t, testtools.CATemplate("Cache CA"), nil)
	other := testtools.Issue(t, testtools.CATemplate("Other CA"), nil)
	certPEM, keyPEM := string(ca.CertPEM()), string(ca.KeyPEM(t))
	c := &issuerCache{}

	first, errs := c.issuer(certPEM, keyPEM, "")
	if len(errs) > 0 || first == nil {
		t.Fatalf("issuer: %v", errs)
	}
	if !first.Cert.Equal(ca.Cert) {
		t.Fatal("the cached issuer is not the CA it was given")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if again, _ := c.issuer(certPEM, keyPEM, ""); again != first {
				t.Error("the same CA was parsed again instead of coming from the cache")
			}
		}()
	}
	wg.Wait()

	// Another key for the same certificate is checked, not served from the
	// cache, and its failure is not kept.
	for range 2 {
		if iss, errs := c.issuer(certPEM, string(other.KeyPEM(t)), ""); iss != nil || len(errs) == 0 {
			t.Fatal("a key of another CA was accepted")
		}
	}
	if len(c.issuers) != 1 {
		t.Fatalf("cache holds %d issuers, want the one that passed its checks", len(c.issuers))
	}
	if iss, _ := c.issuer(string(other.CertPEM()), string(other.KeyPEM(t)), ""); iss == nil || iss == first || !iss.Cert.Equal(other.Cert) {
		t.Fatal("another CA came back as the cached one")
	}
}

func TestIssuerCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := &issuerCache{}
	ca := testtools.Issue(t, testtools.CATemplate("Bounded CA"), nil)
	certPEM, keyPEM := string(ca.CertPEM()), string(ca.KeyPEM(t))
	for i := range maxCachedIssuers + 3 {
		// Trailing text after the PEM blocks makes distinct inputs for the same CA.
		if iss, errs := c.issuer(certPEM+string(rune('a'+i%26))+string(rune('a'+i/26)), keyPEM, ""); iss == nil {
			t.Fatalf("issuer %d: %v", i, errs)
		}
		if len(c.issuers) > maxCachedIssuers {
			t.Fatalf("cache grew to %d entries, bound is %d", len(c.issuers), maxCachedIssuers)
		}
	}
}

func TestIssuerCacheKeySeparatesFields(t *testing.T) {
	t.Parallel()
	if issuerCacheKey("ab", "c", "") == issuerCacheKey("a", "bc", "") {
		t.Fatal("inputs that run together into the same bytes share a cache key")
	}
}
