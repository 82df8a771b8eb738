# The issuing CA revokes client certificates: its CRL changes often, so it
# is valid for a week and renewed once half of that has passed.
resource "mtls_crl" "issuing" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem

  revoked = [
    {
      serial_number = mtls_client_cert.lost_laptop.serial_number
      reason        = "key_compromise"
    },
    # A certificate made elsewhere, by the hex `openssl x509 -noout -serial` prints.
    {
      serial_number = "0BADC0FFEE"
      reason        = "superseded"
      revoked_at    = "2026-01-15T09:30:00Z"
    },
  ]

  validity_period_hours = 7 * 24
  early_renewal_hours   = 4 * 24
}

# The root revokes only intermediates: its CRL rarely changes and can live longer.
resource "mtls_crl" "root" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  validity_period_hours = 30 * 24
  early_renewal_hours   = 15 * 24
}

# A server that checks the whole client chain needs the CRL of every CA in
# it, in one file: nginx ssl_crl, Apache SSLCARevocationFile.
resource "local_file" "client_crls" {
  filename = "/etc/ssl/mtls/client-crls.pem"
  content  = "${mtls_crl.issuing.crl_pem}${mtls_crl.root.crl_pem}"
}
