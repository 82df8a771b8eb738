# The provider this example uses, so that this directory is a whole
# configuration (terraform init && terraform validate pass here). The docs
# show only resource.tf.

terraform {
  required_providers {
    mtls = {
      source = "mtlsforge/mtls"
    }
  }
}
