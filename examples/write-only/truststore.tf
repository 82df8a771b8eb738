resource "mtls_truststore" "java" {
  certs_pem           = [local.ca_cert_pem]
  format              = "jks"
  password_wo         = var.p12_password
  password_wo_version = 1
}
