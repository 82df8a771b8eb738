# Warns on every plan once the CRL is within its renewal window, e.g. when
# the scheduled apply that renews it has stopped running.
check "issuing_crl_fresh" {
  assert {
    condition     = timecmp(plantimestamp(), timeadd(mtls_crl.issuing.next_update, "-${mtls_crl.issuing.early_renewal_hours}h")) < 0
    error_message = "The issuing CA's CRL (number ${mtls_crl.issuing.crl_number}) expires at ${mtls_crl.issuing.next_update}: apply to renew it, or servers will refuse every client."
  }
}
