resource "mtls_server_cert" "web" {
  # An intermediate's chain_pem can be passed as is.
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem

  subject      = { common_name = "web.example.internal" }
  dns_names    = ["web.example.internal", "localhost"]
  ip_addresses = ["127.0.0.1"]

  validity_period_hours = 90 * 24
  early_renewal_hours   = 30 * 24
}

# Serve fullchain_pem (leaf + intermediates) with private_key_pem.
output "web_fullchain" {
  value = mtls_server_cert.web.fullchain_pem
}
