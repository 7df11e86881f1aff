#!/bin/sh
# mmdebstrap extract hook: make the unpacked packages a root filesystem that runs `sh` (for
# start.sh, and for Packer, which copies files in with it) and HAProxy as root.
set -eu
root="$1"
chroot "$root" /usr/bin/busybox --install -s /usr/bin
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
mkdir -p "$root/tmp" "$root/run" "$root/app"
chmod 1777 "$root/tmp"
