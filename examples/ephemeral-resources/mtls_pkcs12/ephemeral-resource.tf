# A keystore for a Java batch job that reads it from AWS Secrets Manager at
# start. Its key and certificate come from an ephemeral mtls_client_cert, so
# neither they nor the archive are ever in state or plan: Terraform writes
# the archive through the write-only secret_string_wo (Terraform 1.11+) when
# secret_string_wo_version changes. Raise var.keystore_version to issue a new
# certificate and store a new keystore.
ephemeral "mtls_client_cert" "batch" {
  ca_cert_pem           = mtls_root_ca.root.cert_pem
  ca_private_key_pem    = mtls_root_ca.root.private_key_pem
  subject               = { common_name = "batch" }
  validity_period_hours = 30 * 24
}

ephemeral "mtls_pkcs12" "batch" {
  cert_pem        = ephemeral.mtls_client_cert.batch.fullchain_pem
  private_key_pem = ephemeral.mtls_client_cert.batch.private_key_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  password        = var.keystore_password
}

resource "aws_secretsmanager_secret" "batch_keystore" {
  name = "batch-keystore"
}

resource "aws_secretsmanager_secret_version" "batch_keystore" {
  secret_id                = aws_secretsmanager_secret.batch_keystore.id
  secret_string_wo         = ephemeral.mtls_pkcs12.batch.pkcs12_base64
  secret_string_wo_version = var.keystore_version
}

variable "keystore_password" {
  type      = string
  sensitive = true
}

variable "keystore_version" {
  type    = number
  default = 1
}
