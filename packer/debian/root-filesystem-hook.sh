#!/bin/sh
# mmdebstrap extract hook: what an unpacked set of packages lacks to run a daemon as root, since
# extracting configures no package.
set -eu
root="$1"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
mkdir -p "$root/tmp" "$root/run" "$root/root"
chmod 1777 "$root/tmp"
