# Stop the plan when the certificate a server is given does not verify, for
# TLS servers, against the root its clients trust, and say why.
resource "terraform_data" "web_tls" {
  input = mtls_server_cert.web.fingerprint_sha256

  lifecycle {
    precondition {
      condition     = provider::mtls::verify_chain(mtls_server_cert.web.fullchain_pem, mtls_root_ca.root.cert_pem, "server_auth")
      error_message = "unreachable: verify_chain fails with the reason instead of returning false"
    }
  }
}

# A partner's certificate from a file, against its bundle of roots, old and
# new, during the partner's CA rotation.
output "partner_client_verifies" {
  value = provider::mtls::verify_chain(
    file("${path.module}/partner-client.pem"),
    file("${path.module}/partner-roots.pem"),
    "client_auth",
  )
}
