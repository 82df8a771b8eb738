package render

// Kubernetes name rules, decided by k8s.io/apimachinery's validation (the
// API server's own code); the messages name our attributes.

import (
	"strings"
	"unicode"

	"k8s.io/apimachinery/pkg/util/validation"
)

func checkDNSLabel(p *problems, field, value string, required bool) {
	if value == "" {
		if required {
			p.fail(field, "Missing "+field, "%s is required: a lowercase DNS label such as \"default\".", field)
		}
		return
	}
	if len(validation.IsDNS1123Label(value)) > 0 {
		p.fail(field, "Invalid Kubernetes name",
			"%q is not an RFC 1123 DNS label: use at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit.", value)
	}
}

func checkDNSSubdomain(p *problems, field, value string, required bool) bool {
	if value == "" {
		if required {
			p.fail(field, "Missing "+field, "%s is required: a lowercase DNS subdomain such as \"my-app\".", field)
		}
		return false
	}
	if !isDNSSubdomain(value) {
		p.fail(field, "Invalid Kubernetes name",
			"%q is not an RFC 1123 DNS subdomain: use lowercase letters, digits, hyphens and dots, at most 253 characters, each dot-separated part starting and ending with a letter or digit.", value)
		return false
	}
	return true
}

func isDNSSubdomain(value string) bool {
	return value != "" && len(validation.IsDNS1123Subdomain(value)) == 0
}

func checkDNS1035Label(p *problems, field, value string) {
	if value == "" {
		p.fail(field, "Missing "+field, "%s is required: the name of the Service to route to.", field)
		return
	}
	if len(validation.IsDNS1035Label(value)) > 0 {
		p.fail(field, "Invalid Service name",
			"%q is not a valid Service name (RFC 1035 label): use at most 63 lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit.", value)
	}
}

// derivedName returns explicit if set, else base+suffix, which must still be
// a valid name.
func derivedName(p *problems, explicit, base, suffix, overrideField string) string {
	if explicit != "" {
		return explicit
	}
	name := base + suffix
	if !isDNSSubdomain(name) {
		detail := "Shorten name."
		if overrideField != "" {
			detail = "Shorten name or set " + overrideField + "."
		}
		p.fail("name", "Name too long", "The derived name %q exceeds 253 characters. %s", name, detail)
		return ""
	}
	return name
}

// checkKubernetesHost applies the Ingress host rules (the API server's
// ValidateIngressSpec): a DNS subdomain, or a wildcard one starting with
// "*.", and never an IP address.
func checkKubernetesHost(p *problems, index int, host string) {
	var problems []string
	if strings.HasPrefix(host, "*.") {
		problems = validation.IsWildcardDNS1123Subdomain(host)
	} else {
		problems = validation.IsDNS1123Subdomain(host)
	}
	if len(problems) > 0 || !strings.ContainsFunc(host, unicode.IsLetter) {
		p.failAt("hosts", index, "Invalid host",
			"%q is not a DNS name Kubernetes accepts as an Ingress host: use lowercase letters, digits, hyphens and dots (not an IP address), optionally starting with \"*.\", e.g. \"*.example.com\".", host)
	}
}
