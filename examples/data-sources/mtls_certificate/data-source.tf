# Every certificate of the chain a server presents, the hours each has left,
# and whether the chain verifies for TLS servers against the root clients trust.
data "mtls_certificate" "web" {
  content       = mtls_server_cert.web.fullchain_pem
  ca_bundle_pem = mtls_root_ca.root.cert_pem
  purpose       = "server_auth"
}

# A check block warns on every plan and apply, without stopping them, when a
# certificate of the chain has fewer than 30 days left or the chain is broken.
check "web_certificate" {
  assert {
    condition = alltrue([for c in data.mtls_certificate.web.certificates : c.hours_remaining > 720])
    error_message = "A certificate of the web chain expires in fewer than 720 hours: ${join(", ", [
      for c in data.mtls_certificate.web.certificates : "${c.subject_dn} at ${c.not_after}" if c.hours_remaining <= 720
    ])}."
  }
  assert {
    condition     = data.mtls_certificate.web.verified
    error_message = "The web chain does not verify: ${data.mtls_certificate.web.verification_error}"
  }
}

output "web_chain" {
  value = [for c in data.mtls_certificate.web.certificates : {
    subject   = c.subject_dn
    not_after = c.not_after
    is_ca     = c.is_ca
  }]
}
