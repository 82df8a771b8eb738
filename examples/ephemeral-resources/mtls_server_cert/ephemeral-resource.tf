# A server certificate written into AWS Secrets Manager, where a service
# loads its TLS identity at start, without the key ever reaching Terraform
# state or plan: the certificate is made while Terraform runs and passed to
# the write-only secret_string_wo (Terraform 1.11+). Secrets Manager stores a
# new value only when secret_string_wo_version changes: raise var.tls_version
# to issue and store a new certificate, well before the 90 days are over.
ephemeral "mtls_server_cert" "api" {
  ca_cert_pem           = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem    = mtls_intermediate_ca.issuing.private_key_pem
  subject               = { common_name = "api.example.internal" }
  dns_names             = ["api.example.internal"]
  validity_period_hours = 90 * 24
}

resource "aws_secretsmanager_secret" "api_tls" {
  name = "api-tls"
}

resource "aws_secretsmanager_secret_version" "api_tls" {
  secret_id = aws_secretsmanager_secret.api_tls.id
  secret_string_wo = jsonencode({
    certificate = ephemeral.mtls_server_cert.api.fullchain_pem
    private_key = ephemeral.mtls_server_cert.api.private_key_pem
  })
  secret_string_wo_version = var.tls_version
}

variable "tls_version" {
  type    = number
  default = 1
}
