# Scenario: a Java service that serves mutual TLS, such as Tomcat, Spring
# Boot, Kafka or Elasticsearch. Java wants two files: a keystore with its own
# key and certificate chain, and a truststore with the CAs its clients'
# certificates must chain to. Both are PKCS#12, Java's default store type
# since Java 9; set format = "jks" for stacks that still insist on JKS.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

resource "mtls_root_ca" "root" {
  subject         = { common_name = "Example Root CA" }
  max_path_length = 1
}

resource "mtls_intermediate_ca" "issuing" {
  ca_cert_pem        = mtls_root_ca.root.cert_pem
  ca_private_key_pem = mtls_root_ca.root.private_key_pem
  subject            = { common_name = "Example Issuing CA" }
  max_path_length    = 0
}

resource "mtls_server_cert" "service" {
  ca_cert_pem        = mtls_intermediate_ca.issuing.chain_pem
  ca_private_key_pem = mtls_intermediate_ca.issuing.private_key_pem
  subject            = { common_name = "orders.example.internal" }
  dns_names          = ["orders.example.internal"]
}

# The service's identity. Java looks the key up by alias: friendly_name.
resource "mtls_pkcs12" "keystore" {
  cert_pem        = mtls_server_cert.service.fullchain_pem
  ca_certs_pem    = mtls_root_ca.root.cert_pem
  private_key_pem = mtls_server_cert.service.private_key_pem
  friendly_name   = "orders"
  password        = var.store_password
}

# Whom the service trusts: clients issued by the issuing CA under this root.
resource "mtls_truststore" "clients" {
  certs_pem = [mtls_root_ca.root.cert_pem]
  aliases   = ["example-root"]
  password  = var.store_password
}

resource "local_sensitive_file" "keystore" {
  filename        = "${path.module}/tls/keystore.p12"
  content_base64  = mtls_pkcs12.keystore.pkcs12_base64
  file_permission = "0600"
}

resource "local_file" "truststore" {
  filename       = "${path.module}/tls/truststore.p12"
  content_base64 = mtls_truststore.clients.truststore_base64
}

# The standard JSSE system properties; frameworks have their own names for
# the same four values (Spring Boot: server.ssl.key-store and friends).
output "java_options" {
  value = join(" ", [
    "-Djavax.net.ssl.keyStore=${local_sensitive_file.keystore.filename}",
    "-Djavax.net.ssl.keyStoreType=PKCS12",
    "-Djavax.net.ssl.trustStore=${local_file.truststore.filename}",
    "-Djavax.net.ssl.trustStoreType=PKCS12",
  ])
}

variable "store_password" {
  description = "Password of both stores; pass it to Java as javax.net.ssl.keyStorePassword and trustStorePassword."
  type        = string
  sensitive   = true
}
