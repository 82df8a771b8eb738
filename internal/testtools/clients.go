package testtools

// Clients of the servers under test: curl, a raw HTTP/1.1 request and a TLS
// echo, each trusting only the test root.

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TLSEcho connects to localhost:port over TLS, trusting only rootFile and
// presenting client when given, sends message and returns what comes back
// (as much as was sent). A refused client gets an error: the handshake's,
// or with TLS 1.3, where the server checks the client certificate after the
// client has finished, the alert on the first read.
func TLSEcho(t testing.TB, rootFile string, port int, client *ClientFiles, message string) (string, error) {
	t.Helper()
	conn, err := dialTLS(t, rootFile, port, client)
	if err != nil {
		return "", err
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, message); err != nil {
		return "", err
	}
	reply := make([]byte, len(message))
	n, err := io.ReadFull(conn, reply)
	return string(reply[:n]), err
}

// dialTLS connects to localhost:port (127.0.0.1) trusting only rootFile,
// presenting client when given, even to a server that asks for another CA's.
func dialTLS(t testing.TB, rootFile string, port int, client *ClientFiles) (*tls.Conn, error) {
	t.Helper()
	rootPEM, err := os.ReadFile(rootFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(rootPEM) {
		t.Fatalf("%s holds no certificate", rootFile)
	}
	config := &tls.Config{ServerName: "localhost", RootCAs: roots}
	if client != nil {
		pair, err := tls.LoadX509KeyPair(client.Cert, client.Key)
		if err != nil {
			t.Fatal(err)
		}
		// Sent whatever CAs the server names, as curl does: crypto/tls would
		// otherwise send no certificate to a server that names other CAs.
		config.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &pair, nil }
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	return tls.DialWithDialer(dialer, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), config)
}

// ClientFiles is a client certificate and its key on disk.
type ClientFiles struct{ Cert, Key string }

// CurlResult is what a request with curl produced. ExitCode is non-zero
// when TLS or the connection failed.
type CurlResult struct {
	ExitCode int
	Status   int
	Body     string
	Stderr   string
}

func (r CurlResult) String() string {
	return fmt.Sprintf("curl exit %d, HTTP %d, body %q, stderr %q", r.ExitCode, r.Status, r.Body, r.Stderr)
}

// Fetch requests https://localhost:port/path trusting only rootFile, with an
// optional client certificate; localhost is pinned to 127.0.0.1 and proxies
// are bypassed.
func Fetch(t testing.TB, rootFile string, port int, path string, client *ClientFiles, headers ...string) CurlResult {
	t.Helper()
	curl := RequireTool(t, "curl")
	bodyFile := filepath.Join(t.TempDir(), "body")
	args := []string{"-sS", "--noproxy", "*", "--max-time", "10",
		"--resolve", fmt.Sprintf("localhost:%d:127.0.0.1", port),
		"--cacert", rootFile, "-o", bodyFile, "-w", "%{http_code}"}
	if client != nil {
		args = append(args, "--cert", client.Cert, "--key", client.Key)
	}
	for _, header := range headers {
		args = append(args, "-H", header)
	}
	args = append(args, fmt.Sprintf("https://localhost:%d%s", port, path))
	stdout, stderr, err := RunCommand(t, 20*time.Second, curl, args...)
	result := CurlResult{Stderr: strings.TrimSpace(stderr)}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		result.ExitCode = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running curl: %v", err)
	}
	result.Status, _ = strconv.Atoi(strings.TrimSpace(stdout))
	body, _ := os.ReadFile(bodyFile)
	result.Body = string(body)
	return result
}

// RawResult is the answer to a request sent with RawRequest; Err is set when
// the TLS handshake, the connection or the response failed.
type RawResult struct {
	Status int
	Body   string
	Err    error
}

func (r RawResult) String() string {
	if r.Err != nil {
		return fmt.Sprintf("error %v", r.Err)
	}
	return fmt.Sprintf("HTTP %d, body %q", r.Status, r.Body)
}

// RawRequest sends "GET target HTTP/1.1" to https://localhost:port exactly
// as given, so that attack strings (dot segments, encodings, ;parameters)
// reach the server unnormalised, which curl does not promise. It trusts only
// rootFile and presents client when given.
func RawRequest(t testing.TB, rootFile string, port int, target string, client *ClientFiles, headers ...string) RawResult {
	t.Helper()
	conn, err := dialTLS(t, rootFile, port, client)
	if err != nil {
		return RawResult{Err: err}
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	request := "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
	for _, header := range headers {
		request += header + "\r\n"
	}
	if _, err := io.WriteString(conn, request+"\r\n"); err != nil {
		return RawResult{Err: err}
	}
	response, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return RawResult{Err: err}
	}
	defer func() { _ = response.Body.Close() }()
	body, err := io.ReadAll(response.Body)
	return RawResult{Status: response.StatusCode, Body: string(body), Err: err}
}
