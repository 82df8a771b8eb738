package testtools

// Backends behind the servers under test: a TCP echo and an HTTP server that
// records the headers a proxy forwards.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// NewEchoBackend runs a TCP server on 127.0.0.1 that sends back whatever it
// receives, and returns its address.
func NewEchoBackend(t testing.TB) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = conn.Close() }()
				_, _ = io.Copy(conn, conn)
			}()
		}
	}()
	return listener.Addr().String()
}

// IdentityBackend records the headers of the requests a proxy forwards.
type IdentityBackend struct {
	URL      string
	mu       sync.Mutex
	requests []*http.Request
}

// BackendBody is what the backend answers every request with.
const BackendBody = "backend reached\n"

func NewIdentityBackend(t testing.TB) *IdentityBackend {
	backend := &IdentityBackend{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		backend.mu.Lock()
		backend.requests = append(backend.requests, r)
		backend.mu.Unlock()
		_, _ = fmt.Fprint(w, BackendBody)
	}))
	t.Cleanup(server.Close)
	backend.URL = server.URL
	return backend
}

// Last returns the most recent request and how many arrived in all.
func (b *IdentityBackend) Last() (*http.Request, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) == 0 {
		return nil, 0
	}
	return b.requests[len(b.requests)-1], len(b.requests)
}

func (b *IdentityBackend) Count() int {
	_, n := b.Last()
	return n
}
