package render

import (
	"net/netip"
	"strconv"
	"strings"
)

// Values of HAProxyInput.Mode.
const (
	HAProxyModeHTTP = "http"
	HAProxyModeTCP  = "tcp"
)

// HAProxyInput configures an HAProxy 2.6+ frontend that terminates mutual
// TLS and the backend it forwards to. The attribute names in the comments
// are what FieldError.Field reports; they mean what they mean for Apache and
// nginx (ServerInput) where the names are shared.
type HAProxyInput struct {
	ListenAddress string // listen_address: optional local IP address
	Listen        int    // listen: TCP port; 0 means 443

	// CertificateFile (certificate_file) is HAProxy's crt: the server
	// certificate, its intermediate CAs and its private key in one PEM file.
	CertificateFile   string
	CACertificateFile string // ca_certificate_file
	CRLFile           string // crl_file: optional; needs a CRL from every CA in the chain

	VerifyClient string // verify_client: "require" (default) or "optional"

	// ForwardClientIdentity (forward_client_identity) sets the X-SSL-Client-*
	// request headers; http mode only.
	ForwardClientIdentity bool

	// ProxyPass (proxy_pass) is the backend: http(s)://host[:port] in http
	// mode, tcp://host:port in tcp mode.
	ProxyPass string
	Mode      string // mode: "http" (default) or "tcp"
}

// HAProxyOutput is the rendered configuration.
type HAProxyOutput struct {
	// Sections (sections) are a frontend and its backend, to follow the
	// global and defaults sections of haproxy.cfg.
	Sections string
	// BindLine (bind_line) is the frontend's bind line alone.
	BindLine string
}

// haproxyIdentityHeaders are the headers ForwardClientIdentity sets: those
// of Apache and nginx, and the certificate's SHA-256, which HAProxy can
// compute.
var haproxyIdentityHeaders = append(append([]string{}, identityHeaders...), "X-SSL-Client-Fingerprint")

// haproxyView is what the HAProxy templates see.
type haproxyView struct {
	ListenAddress     string // as bind writes it before ":port"
	Port              int
	CertificateFile   string
	CACertificateFile string
	CRLFile           string
	// Verify is the bind line's verify in HAProxy's spelling.
	Verify                string
	ClientOptional        bool
	ForwardClientIdentity bool
	Mode                  string
	Backend               backendURL
	BindLine              string
}

// Frontend and BackendName name the sections after the port, so that
// configurations rendered for different ports can share one file.
func (v haproxyView) Frontend() string    { return "mtls_" + strconv.Itoa(v.Port) }
func (v haproxyView) BackendName() string { return v.Frontend() + "_backend" }

// BackendTLS reports an https:// backend.
func (v haproxyView) BackendTLS() bool { return v.Backend.Scheme == "https" }

// BackendSNI is the name sent to and checked against an https backend; an
// IP address is neither sent nor checked (HAProxy matches names only).
func (v haproxyView) BackendSNI() string {
	if _, err := netip.ParseAddr(v.Backend.Host); err == nil {
		return ""
	}
	return v.Backend.Host
}

// BackendAddress is host:port with the scheme's default port.
func (v haproxyView) BackendAddress() string {
	b := v.Backend
	if b.Port == "" {
		b.Port = "80"
		if v.BackendTLS() {
			b.Port = "443"
		}
	}
	return b.HostPort()
}

// IdentityHeaders are the headers the frontend sets, every spelling of
// which a client sends is removed first.
func (haproxyView) IdentityHeaders() []string { return haproxyIdentityHeaders }

// ForgeableHeaders are all spellings of IdentityHeaders and of the rewrite
// headers (see rewriteHeaders), "-" and "_" mixed; HAProxy compares header
// names without regard to case.
func (haproxyView) ForgeableHeaders() []string {
	headers := append(append([]string{}, haproxyIdentityHeaders...), underscoreVariants(haproxyIdentityHeaders)...)
	return append(headers, forgedRewriteHeaders()...)
}

// RenderHAProxy validates in and renders it. Validation failures are
// *FieldError values joined into the returned error; see FieldErrors.
func RenderHAProxy(in HAProxyInput) (HAProxyOutput, []Warning, error) {
	var p problems
	view := haproxyView{
		Port:                  in.Listen,
		CertificateFile:       in.CertificateFile,
		CACertificateFile:     in.CACertificateFile,
		CRLFile:               in.CRLFile,
		ForwardClientIdentity: in.ForwardClientIdentity,
		Mode:                  in.Mode,
	}
	view.ListenAddress = resolveListenAddress(&p, in.ListenAddress)
	if view.Port == 0 {
		view.Port = DefaultListenPort
	}
	checkPort(&p, "listen", view.Port)
	checkFilePath(&p, "certificate_file", in.CertificateFile, true)
	checkFilePath(&p, "ca_certificate_file", in.CACertificateFile, true)
	checkFilePath(&p, "crl_file", in.CRLFile, false)

	switch in.Mode {
	case "":
		view.Mode = HAProxyModeHTTP
	case HAProxyModeHTTP, HAProxyModeTCP:
	default:
		p.fail("mode", "Unknown proxy mode",
			"%q is not an HAProxy mode here; use \"http\" (the default) to proxy HTTP requests, or \"tcp\" to pass the decrypted connection to a non-HTTP service.", in.Mode)
	}
	tcp := view.Mode == HAProxyModeTCP

	switch in.VerifyClient {
	case "", VerifyClientRequire:
		view.Verify = "required"
	case VerifyClientOptional:
		view.Verify, view.ClientOptional = "optional", true
		if tcp {
			p.fail("verify_client", "Optional verification in tcp mode",
				"In tcp mode the backend receives the decrypted bytes only and cannot tell clients with a certificate from clients without one, so \"optional\" would let every client through. Use \"require\", or mode = \"http\" with forward_client_identity.")
		} else if !in.ForwardClientIdentity {
			p.warn("verify_client", "Nothing requires a client certificate",
				"verify_client is \"optional\" but forward_client_identity is not set, so the backend cannot tell clients with a certificate from clients without one and serves them alike. Set forward_client_identity = true and check X-SSL-Client-Verify in the backend, or use \"require\".")
		}
	default:
		p.fail("verify_client", "Unknown verification mode",
			"%q is not a client verification mode for HAProxy; use \"require\" (every client needs a valid certificate) or \"optional\" (clients without a certificate get through without identity headers).", in.VerifyClient)
	}

	if in.ForwardClientIdentity && tcp {
		p.fail("forward_client_identity", "No headers in tcp mode",
			"mode is \"tcp\", which forwards the decrypted bytes as they are, so there are no request headers to carry the client identity. Remove forward_client_identity, or use mode = \"http\" for an HTTP backend.")
	}

	switch {
	case in.ProxyPass == "":
		p.fail("proxy_pass", "Missing backend", "proxy_pass is required: the backend HAProxy forwards to, e.g. \"http://127.0.0.1:8080\" (mode http) or \"tcp://127.0.0.1:5432\" (mode tcp).")
	case tcp:
		if backend, ok := parseBackendURL(&p, in.ProxyPass, "a tcp://host:port URL, e.g. \"tcp://127.0.0.1:5432\", as mode is \"tcp\"", "tcp://db.internal:5432", "tcp"); ok {
			if backend.Port == "" {
				p.fail("proxy_pass", "Backend port missing", "%q has no port; a tcp:// backend has no default port, so give one, e.g. \"tcp://127.0.0.1:5432\".", in.ProxyPass)
			}
			view.Backend = backend
		}
	default:
		view.Backend, _ = parseBackendURL(&p, in.ProxyPass, "an http:// or https:// URL with a host, e.g. \"http://127.0.0.1:8080\" (mode is \"http\"; use mode = \"tcp\" with a tcp:// backend for other protocols)", "https://backend.internal:8443", "http", "https")
	}

	if err := p.err(); err != nil {
		return HAProxyOutput{}, p.warnings, err
	}
	bindLine, err := execute("haproxy_bind_line", view)
	if err != nil {
		return HAProxyOutput{}, p.warnings, err
	}
	view.BindLine = strings.TrimSuffix(bindLine, "\n")
	sections, err := execute("haproxy_sections", view)
	if err != nil {
		return HAProxyOutput{}, p.warnings, err
	}
	return HAProxyOutput{Sections: sections, BindLine: view.BindLine}, p.warnings, nil
}
