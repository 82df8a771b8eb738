package render

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

func (cfg ingressConfig) ingressNginx() (IngressOutput, []any) {
	const prefix = "nginx.ingress.kubernetes.io/"
	annotations := map[string]string{
		prefix + "auth-tls-secret":                       cfg.Namespace + "/" + cfg.caSecretName,
		prefix + "auth-tls-verify-client":                cfg.VerifyClient,
		prefix + "auth-tls-verify-depth":                 strconv.Itoa(cfg.verifyDepth),
		prefix + "auth-tls-pass-certificate-to-upstream": strconv.FormatBool(cfg.PassCertificateToUpstream),
	}
	if cfg.MatchCN != "" {
		annotations[prefix+"auth-tls-match-cn"] = cfg.MatchCN
	}
	caSecret, tlsSecret := cfg.caSecret(), cfg.tlsSecret()
	out := IngressOutput{Annotations: annotations, CASecret: caSecret, TLSSecret: tlsSecret}
	return out, []any{secretManifest(caSecret), secretManifest(tlsSecret), cfg.ingress("nginx", annotations)}
}

// checkMatchCN follows ingress-nginx's own check ("CN=" and a valid regular
// expression) and also refuses characters that would break out of the nginx
// configuration ingress-nginx writes the value into.
func checkMatchCN(p *problems, matchCN string) {
	pattern, ok := strings.CutPrefix(matchCN, "CN=")
	if !ok {
		p.fail("match_cn", "Missing CN= prefix",
			"ingress-nginx ignores match_cn unless it starts with \"CN=\"; write e.g. \"CN=client\\\\.example\\\\.com\".")
		return
	}
	if strings.ContainsFunc(pattern, func(r rune) bool {
		return unicode.IsSpace(r) || !unicode.IsPrint(r) || strings.ContainsRune("\"'`;{}#", r)
	}) {
		p.fail("match_cn", "Unsafe character in match_cn",
			"%q contains whitespace, a quote or one of ; { } #, which ingress-nginx would write unquoted into its nginx configuration. Use \\s for spaces and avoid {n} repetition.", matchCN)
		return
	}
	if _, err := regexp.Compile(pattern); err != nil {
		p.fail("match_cn", "Invalid regular expression", "%q after \"CN=\" is not a valid regular expression: %v.", pattern, err)
	}
}
