package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/mtlsforge/terraform-provider-mtls/internal/keystore"
	"github.com/mtlsforge/terraform-provider-mtls/internal/testtools"
)

// Checks shared by the mtls_pkcs12 and mtls_truststore acceptance tests: the
// stored file from state, and what OpenSSL, NSS and keytool make of it.

// storeChainConfig is a root, an intermediate and a client certificate whose
// key is also offered encrypted, the chain the stores are built from.
const storeChainConfig = `
resource "mtls_root_ca" "root" {
  subject = { common_name = "Store Root CA" }
}

resource "mtls_intermediate_ca" "inter" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Store Issuing CA" }
}

resource "mtls_client_cert" "alice" {
  ca_cert_pem            = "${mtls_intermediate_ca.inter.chain_pem}${mtls_root_ca.root.cert_pem}"
  ca_private_key_pem     = mtls_intermediate_ca.inter.private_key_pem
  subject                = { common_name = "Alice" }
  email_addresses        = ["alice@example.com"]
  private_key_passphrase = "key-passphrase"
}
`

const toolTimeout = 60 * time.Second

// storedFileOf decodes a store from state and checks that its SHA-256
// attribute and the id both name those bytes.
func storedFileOf(s *terraform.State, name, prefix string) ([]byte, error) {
	der, err := base64.StdEncoding.DecodeString(stateAttr(s, name, prefix+"_base64"))
	if err != nil || len(der) == 0 {
		return nil, fmt.Errorf("%s.%s_base64 is not a non-empty base64 file: %v", name, prefix, err)
	}
	sum := sha256.Sum256(der)
	want := hex.EncodeToString(sum[:])
	if got := stateAttr(s, name, prefix+"_sha256"); got != want {
		return nil, fmt.Errorf("%s.%s_sha256 = %q, but the file hashes to %q", name, prefix, got, want)
	}
	if id := stateAttr(s, name, "id"); id != want {
		return nil, fmt.Errorf("%s.id = %q, want the file's SHA-256 %q", name, id, want)
	}
	return der, nil
}

// runTool runs an external program with a deadline and stdin (for keytool's
// empty password prompt), returning its combined output.
func runTool(t *testing.T, stdin string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, testtools.RequireTool(t, name), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var opensslMajorMinor = regexp.MustCompile(`OpenSSL (\d+)\.(\d+)`)

// opensslReadsPBMAC1 reports whether the installed OpenSSL can verify the
// PBMAC1 MAC of modern2026 (3.4 and later), with its version banner.
func opensslReadsPBMAC1(t *testing.T) (bool, string) {
	banner, err := runTool(t, "", "openssl", "version")
	if err != nil {
		t.Fatalf("openssl version: %v\n%s", err, banner)
	}
	m := opensslMajorMinor.FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("no version in %q", banner)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major > 3 || major == 3 && minor >= 4, strings.TrimSpace(banner)
}

// opensslInfo runs `openssl pkcs12 -info -nokeys`, which verifies the MAC and
// decrypts the certificates; RC2 needs OpenSSL 3's legacy provider.
func opensslInfo(t *testing.T, file string, enc keystore.Encoding, password string) (string, error) {
	args := []string{"pkcs12", "-in", file, "-info", "-nokeys", "-passin", "pass:" + password}
	if enc == keystore.EncodingLegacyRC2 {
		args = append(args, "-legacy")
	}
	return runTool(t, "", "openssl", args...)
}

// checkOpenSSLReads proves OpenSSL opens the file with the password, lists
// every wanted friendly name, and refuses a wrong password.
func checkOpenSSLReads(t *testing.T, dir string, der []byte, enc keystore.Encoding, password string, friendlyNames ...string) error {
	file := testtools.WriteFile(t, dir, string(enc)+".p12", string(der))
	out, err := opensslInfo(t, file, enc, password)
	if err != nil {
		return fmt.Errorf("openssl cannot read the %s file: %v\n%s", enc, err, out)
	}
	for _, name := range friendlyNames {
		if !strings.Contains(out, "friendlyName: "+name+"\n") {
			return fmt.Errorf("openssl shows no friendlyName %q in the %s file:\n%s", name, enc, out)
		}
	}
	if enc == keystore.EncodingPasswordless {
		return nil
	}
	if out, err := opensslInfo(t, file, enc, "wrong-"+password); err == nil || !strings.Contains(out, "Mac verify error") {
		return fmt.Errorf("openssl accepted a wrong password for the %s file (%v):\n%s", enc, err, out)
	}
	return nil
}

// nssImport imports a keyed archive into a fresh NSS database, as Firefox
// and Chrome on Linux do, and returns `certutil -L`.
func nssImport(t *testing.T, dir string, der []byte, password string) (string, error) {
	dbDir := filepath.Join(dir, "nssdb")
	if err := os.Mkdir(dbDir, 0o700); err != nil {
		return "", err
	}
	db := "sql:" + dbDir
	if out, err := runTool(t, "", "certutil", "-N", "-d", db, "--empty-password"); err != nil {
		return "", fmt.Errorf("certutil -N: %v\n%s", err, out)
	}
	file := testtools.WriteFile(t, dir, "import.p12", string(der))
	if out, err := runTool(t, "", "pk12util", "-i", file, "-d", db, "-W", password); err != nil {
		return "", fmt.Errorf("pk12util -i: %v\n%s", err, out)
	}
	return runTool(t, "", "certutil", "-L", "-d", db)
}

// keytoolList runs `keytool -list -v`; an empty password is answered on
// stdin, because keytool refuses an empty -storepass.
func keytoolList(t *testing.T, storeType string, der []byte, password string) (string, error) {
	file := testtools.WriteFile(t, t.TempDir(), "store", string(der))
	args := []string{"-list", "-v", "-storetype", storeType, "-keystore", file}
	if password != "" {
		args = append(args, "-storepass", password)
	}
	return runTool(t, "\n", "keytool", args...)
}

// checkKeytoolEntries proves keytool lists exactly the wanted aliases, each
// with the wanted entry type, and every wanted line of detail; and that it
// refuses a wrong password.
func checkKeytoolEntries(t *testing.T, storeType string, der []byte, password string, want map[string]string, wantLines ...string) error {
	out, err := keytoolList(t, storeType, der, password)
	if err != nil {
		return fmt.Errorf("keytool -list %s: %v\n%s", storeType, err, out)
	}
	if got := testtools.KeytoolEntries(out); fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("keytool lists %v, want %v:\n%s", got, want, out)
	}
	for _, line := range wantLines {
		if !strings.Contains(out, line+"\n") {
			return fmt.Errorf("keytool -list %s does not show %q:\n%s", storeType, line, out)
		}
	}
	if password == "" {
		return nil
	}
	if out, err := keytoolList(t, storeType, der, "wrong-"+password); err == nil || !strings.Contains(out, "password was incorrect") {
		return fmt.Errorf("keytool accepted a wrong password (%v):\n%s", err, out)
	}
	return nil
}

// loadJKS reads a JKS store with keystore-go, the reference Go reader.
func loadJKS(der []byte, password string) (jks.KeyStore, error) {
	store := jks.New()
	if err := store.Load(bytes.NewReader(der), []byte(password)); err != nil {
		return store, fmt.Errorf("loading JKS: %w", err)
	}
	return store, nil
}

// sameCerts compares certificate lists by DER.
func sameCerts(got, want []*x509.Certificate) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d certificates, want %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i].Raw, want[i].Raw) {
			return fmt.Errorf("certificate %d is %q, want %q", i, got[i].Subject, want[i].Subject)
		}
	}
	return nil
}

// checkOpenSSLReadsEveryEncoding reads the file of each encoding (named
// prefix+encoding in files) with openssl, expecting the given friendly
// names; modern2026 only where openssl can verify PBMAC1 (3.4+).
func checkOpenSSLReadsEveryEncoding(t *testing.T, files map[string][]byte, prefix string, names ...string) {
	readsPBMAC1, banner := opensslReadsPBMAC1(t)
	for _, enc := range keystore.Encodings() {
		if enc == keystore.EncodingModern2026 && !readsPBMAC1 {
			t.Logf("%s cannot verify the PBMAC1 MAC of modern2026 (needs 3.4+); go-pkcs12 decoded it instead", banner)
			continue
		}
		if err := checkOpenSSLReads(t, t.TempDir(), files[prefix+string(enc)], enc, pkcs12Password(enc), names...); err != nil {
			t.Error(err)
		}
	}
}
