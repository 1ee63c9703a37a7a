#!/usr/bin/env bash
# Prints the Debian packages that provide the shared libraries a binary loads, one per line.
# The Dockerfile's runtime stage installs exactly these, so adding a library to the build
# (libpqxx, rabbitmq-c, libcurl...) needs no second list to keep in sync by hand.
# Fails when a library belongs to no package: the runtime image could not provide it.
set -euo pipefail
binary=${1:?usage: runtime-packages.sh BINARY}

owner_of() {
  local lib=$1 real
  real=$(readlink -f "$lib")
  # Debian 12 merged /lib into /usr/lib, but dpkg records whichever path the package shipped:
  # try the path ldd printed, then the resolved one.
  dpkg-query -S "$lib" 2>/dev/null || dpkg-query -S "$real" 2>/dev/null ||
    { echo "runtime-packages: no Debian package owns $lib" >&2; return 1; }
}

libs=$(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
[[ -n "$libs" ]] || { echo "runtime-packages: ldd found no libraries in $binary" >&2; exit 1; }
for lib in $libs; do
  # "libfoo1:amd64, libfoo-bar:amd64: /path" -> one package name per line, without the arch.
  owner_of "$lib" | sed 's/: \/.*//' | tr ',' '\n' | sed 's/:.*//; s/ //g'
done | sort -u
