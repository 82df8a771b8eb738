# Adopt a root CA made by hand, e.g. with
#   openssl genrsa -out rootCA.key 4096
#   openssl req -x509 -new -nodes -key rootCA.key -sha256 -days 1024 -out rootCA.crt
# The ID is "CERT_PATH,KEY_PATH". For an encrypted key, put its passphrase in
# MTLS_IMPORT_KEY_PASSPHRASE (never in the ID, which Terraform logs).
terraform import mtls_root_ca.example ./rootCA.crt,./rootCA.key

# Then write the configuration to match what `terraform state show` prints:
# key_algorithm, subject, validity_period_hours and backdate_minutes = 0 (a
# hand-made certificate is not backdated), so that the next plan is empty.
