# Pin the server's key for curl (and HPKP-style pin-sha256 lists); the pin
# changes only when the key does.
output "curl_pin" {
  value = "sha256//${provider::mtls::public_key_fingerprint(mtls_server_cert.api.cert_pem)}"
}

# The resources' public_key_pem gives the same pin.
output "pin_from_public_key" {
  value = provider::mtls::public_key_fingerprint(mtls_server_cert.api.public_key_pem)
}
