package provider

import (
	"testing"
	"time"
)

// verify_chain fails with the reason: each way a chain can be wrong, with
// certificates the provider itself would never issue where needed.
func TestAccVerifyChainFunction_reasons(t *testing.T) {
	fx := newFunctionFixtures(t, time.Now())
	verify := func(cert, bundle, purpose string) string {
		return "output \"x\" {\n  value = provider::mtls::verify_chain(" + cert + ", " + bundle + ", \"" + purpose + "\")\n}\n"
	}
	// The provider's clock is two hours ahead: the short-lived fixture has
	// expired for it, although it is valid by the wall clock.
	clock := newTestClock()
	clock.Advance(2 * time.Hour)
	testFunctionErrors(t, factoriesWithClock(clock), map[string]planErrorCase{
		"expired": {verify(heredoc(fx.shortLivedPEM), heredoc(fx.rootPEM), "server_auth"),
			wrapped(`Certificate does not verify: cert_pem does not verify against ca_bundle_pem for server_auth: expired: "CN=short.example.com" (certificate 1 of cert_pem) expired at`)},
	})
	testFunctionErrors(t, testAccProtoV6ProviderFactories, map[string]planErrorCase{
		"unknown authority": {verify(heredoc(fx.shortLivedPEM), heredoc(fx.constrainedRootPEM), "server_auth"),
			wrapped(`unknown authority: "CN=short.example.com" (certificate 1 of cert_pem) was issued by "CN=Fixture Root", which is neither a root in ca_bundle_pem`)},
		"wrong EKU": {verify(heredoc(fx.shortLivedPEM), heredoc(fx.rootPEM), "client_auth"),
			wrapped(`for client_auth: wrong extended key usage: "CN=short.example.com" (certificate 1 of cert_pem) has extended key usages server_auth, not client_auth`)},
		"name constraints": {verify(heredoc(fx.outsidePEM), heredoc(fx.constrainedRootPEM), "server_auth"),
			wrapped(`name constraints: "CN=evil.org" (certificate 1 of cert_pem) has a name outside the name constraints of a CA above it ("CN=Constrained Root" (certificate 1 of ca_bundle_pem)): DNS name "evil.org" is not permitted`)},
		"not a CA": {verify(heredoc(fx.underNotCAPEM+fx.notCAPEM), heredoc(fx.rootPEM), "server_auth"),
			wrapped(`not a CA: "CN=Not A CA" (certificate 2 of cert_pem) issued "CN=under.example.com" (certificate 1 of cert_pem) but is not a CA certificate`)},
		"missing intermediate": {verify(heredoc(fx.underNotCAPEM), heredoc(fx.rootPEM), "server_auth"),
			wrapped(`unknown authority: "CN=under.example.com" (certificate 1 of cert_pem) was issued by "CN=Not A CA"`)},
	})
}
