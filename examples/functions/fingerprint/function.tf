# The same string as a resource's fingerprint_sha256, for certificates made
# elsewhere: here, to allow one client certificate by its fingerprint.
locals {
  allowed_client_fingerprints = [
    mtls_client_cert.ops.fingerprint_sha256,
    provider::mtls::fingerprint(file("${path.module}/partner-client.pem")),
  ]
}
