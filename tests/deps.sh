#!/bin/sh
# Install the Debian packages given as arguments when any is missing; on
# other systems print what to install.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "crm: please install:$missing" >&2
	echo "crm: (Debian names; elsewhere: sqlite3, libyaml, libcsv, pkg-config, cmocka, bats with bats-assert and bats-support, GNU parallel, mandoc, gnuplot)" >&2
	exit 1
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "crm: installing:$missing" >&2
$sudo apt-get update -qq &&
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
