#!/usr/bin/env bash
# The office server and the CLI for the installers: built in release for
# TRIPLE and put where Tauri takes its "external binaries" from
# (src-tauri/binaries/NAME-TRIPLE[.exe]); the installer places them beside
# the app as orderdesk-server and orderdesk-cli. universal-apple-darwin is
# both Mac architectures joined by lipo. Used by .github/workflows/release.yml.
set -euo pipefail
triple="${1:?usage: sidecars.sh TARGET-TRIPLE}"
cd "$(dirname "$0")/../.."
out=src-tauri/binaries
mkdir -p "$out"
exe=""
case "$triple" in *windows*) exe=".exe" ;; esac

build() {
  cargo build --release --target "$1" -p orderdesk-server -p orderdesk-cli
}

if [ "$triple" = universal-apple-darwin ]; then
  build aarch64-apple-darwin
  build x86_64-apple-darwin
  for bin in orderdesk-server orderdesk-cli; do
    lipo -create -output "$out/$bin-$triple" \
      "target/aarch64-apple-darwin/release/$bin" \
      "target/x86_64-apple-darwin/release/$bin"
  done
else
  build "$triple"
  for bin in orderdesk-server orderdesk-cli; do
    cp "target/$triple/release/$bin$exe" "$out/$bin-$triple$exe"
  done
fi
ls -l "$out"
