#!/usr/bin/env bash
# The test-time figures of bench/README.md ("Test time"), as a newcomer and CI meet them: a fresh clone
# of this repository (its HEAD, or the commit given) in a temporary folder, with ../shared linked beside
# it when this checkout has one, then
#   npm-test  `npm ci`, then `npm test` with terraform off PATH and no Chromium (a newcomer's machine)
#   ci        `bash .ci/run` (everything required: real Terraform with the provider mirror, Chromium)
# Prints each phase's wall and CPU seconds (user + system, children included) and jest's counts; the
# folder is removed afterwards. Nothing else should run on the machine meanwhile.
#
#   bash bench/fresh-clone.sh npm-test [<commit>]
#   bash bench/fresh-clone.sh ci [<commit>]
set -euo pipefail
mode=${1:-}
commit=${2:-HEAD}
if [[ $mode != npm-test && $mode != ci ]]; then
  echo "usage: bash bench/fresh-clone.sh npm-test|ci [<commit>]" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-fresh-clone-XXXXXX")
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/tollgate"
git -C "$work/tollgate" checkout -q "$commit"
[[ -d $repo/../shared ]] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
cd "$work/tollgate"
echo "fresh clone of $(git rev-parse --short HEAD) in $work; $(nproc) cores, 1-minute load $(cut -d' ' -f1 /proc/loadavg)"

# Wall and CPU of one command, its output kept in a file and shown only when it fails.
timed() {
  local name=$1
  shift
  local log="$work/$name.log" rc=0
  /usr/bin/time -f "%e %U %S" -o "$work/$name.time" "$@" >"$log" 2>&1 || rc=$?
  read -r wall user sys <"$work/$name.time"
  printf '%-9s %7.1f s wall %7.1f s CPU (exit %d)\n' "$name" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$rc"
  grep -E '^(✓|✗) npm run|^Tests: ' "$log" | sed 's/^/  /' || true
  if ((rc != 0)); then
    tail -40 "$log"
    exit "$rc"
  fi
}

if [[ $mode == ci ]]; then
  timed ci bash .ci/run
  exit 0
fi

# A newcomer's machine: no terraform (PATH keeps every other command), no Chromium, no provider mirror.
bin="$work/bin-without-terraform"
mkdir "$bin"
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  for file in "$dir"/*; do
    name=$(basename "$file")
    [[ -x $file && ! -d $file && $name != terraform && ! -e $bin/$name ]] && ln -s "$file" "$bin/$name"
  done
done
unset TOLLGATE_TF_PROVIDER_MIRROR TOLLGATE_TERRAFORM_TESTS TOLLGATE_BROWSER_TESTS TOLLGATE_PACKAGE_TEST
export PATH=$bin TOLLGATE_CHROMIUM=/nonexistent
timed npm-ci npm ci --no-audit --no-fund
timed npm-test npm test
