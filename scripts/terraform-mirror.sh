#!/usr/bin/env bash
# Prints `export TOLLGATE_TF_PROVIDER_MIRROR=<dir>` for this machine's hashicorp/aws filesystem
# mirror, for CI and for a shell: eval "$(scripts/terraform-mirror.sh)".
# tollgate itself never searches the disk: it reads TOLLGATE_TF_PROVIDER_MIRROR or the Terraform
# CLI configuration. This script looks once, in the folders machine images put mirrors in.
# Prints nothing (exit 0) when there is none or the variable is already set.
set -euo pipefail
if [ -n "${TOLLGATE_TF_PROVIDER_MIRROR:-}" ]; then exit 0; fi
suffix='registry.terraform.io/hashicorp/aws'
for root in /opt /usr/local/share /usr/share /var/lib /srv "${HOME:-/root}"; do
  [ -d "$root" ] || continue
  # A mirror holds <dir>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/terraform-provider-aws_*
  # (unpacked) or <dir>/registry.terraform.io/hashicorp/aws/terraform-provider-aws_*.zip (packed).
  hit=$(find "$root" -maxdepth 7 -path "*/$suffix/*" -name 'terraform-provider-aws*' -print -quit 2>/dev/null || true)
  if [ -n "$hit" ]; then
    dir=${hit%%/$suffix/*}
    printf 'export TOLLGATE_TF_PROVIDER_MIRROR=%q\n' "$dir"
    exit 0
  fi
done
echo "terraform-mirror.sh: no hashicorp/aws filesystem mirror found under /opt, /usr/local/share, /usr/share, /var/lib, /srv or \$HOME" >&2
