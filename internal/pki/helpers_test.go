package pki

import (
	"crypto"
	"crypto/rand"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func nil2rand() io.Reader { return rand.Reader }

func encodeKey(t *testing.T, key crypto.Signer) string {
	t.Helper()
	enc, err := EncodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return enc.PKCS8PEM
}

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q not found in %q", sub, s)
	}
}

// requireTool finds an external program: in CI a missing tool fails the
// test, elsewhere the test is skipped with the reason.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI but not installed", name)
		}
		t.Skipf("skipping: %s not installed", name)
	}
	return path
}
