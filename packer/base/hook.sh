#!/bin/sh
# mmdebstrap extract hook: make the unpacked packages a root filesystem that runs `sh` and `python3`.
set -eu
root="$1"
chroot "$root" /usr/bin/busybox --install -s /usr/bin
ln -sf python3.11 "$root/usr/bin/python3"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
mkdir -p "$root/tmp" "$root/app"
chmod 1777 "$root/tmp"
