# A Java truststore holding the CA that signs the servers a Java client talks
# to: -Djavax.net.ssl.trustStore=truststore.p12
#     -Djavax.net.ssl.trustStorePassword=...
#     -Djavax.net.ssl.trustStoreType=PKCS12
resource "mtls_truststore" "java" {
  certs_pem = [mtls_root_ca.root.cert_pem]
  password  = var.truststore_password
}

resource "local_file" "truststore" {
  filename       = "${path.module}/truststore.p12"
  content_base64 = mtls_truststore.java.truststore_base64
}

# The same as JKS for an old Java stack, trusting a partner's root as well,
# each under an alias of its own.
resource "mtls_truststore" "legacy_java" {
  format    = "jks"
  certs_pem = [mtls_root_ca.root.cert_pem, file("${path.module}/partner-root.pem")]
  aliases   = ["example-root", "partner-root"]
  password  = var.truststore_password
}

variable "truststore_password" {
  type      = string
  sensitive = true
}
