#!/bin/sh
# Checks the packaging files without building anything:
#   - systemd-analyze verify of the system units, in a scratch root with
#     stub executables (verify wants ExecStart's binary to exist) and the
#     man pages on MANPATH (verify runs man for Documentation=);
#   - systemd-analyze --user verify of the user units (no --root for the
#     user manager on systemd 252: copies whose ExecStart names the stubs);
#   - systemd-analyze security --offline of the two system services;
#   - desktop-file-validate, man page warnings (as lintian runs man),
#     sh -n of the maintainer scripts.
# Needs systemd (252+), man-db and desktop-file-utils. Exits non-zero on
# the first failure.
#
#   sh ops/debian/verify.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
root="$scratch/root"

echo "== system units: systemd-analyze verify --root"
mkdir -p "$root/usr/bin" "$root/usr/lib/systemd" "$root/etc/systemd/system" "$scratch/man/man1"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
for d in bin sbin lib lib64; do [ -e "$root/$d" ] || ln -s "usr/$d" "$root/$d"; done
for b in madoguchi-server madoguchi-kiosk madoguchi-board; do
    printf '#!/bin/sh\nexit 0\n' > "$root/usr/bin/$b"
    chmod 0755 "$root/usr/bin/$b"
done
# ExecReload= runs /bin/kill.
cp /usr/bin/kill "$root/usr/bin/"
cp "$here"/server/*.service "$here"/server/*.timer "$root/etc/systemd/system/"
cp "$here"/*/*.1 "$scratch/man/man1/"
MANPATH="$scratch/man" systemd-analyze verify --root="$root" \
    madoguchi-server.service madoguchi-backup.service madoguchi-backup.timer
echo ok

echo "== user units: systemd-analyze --user verify"
mkdir -p "$scratch/user" "$scratch/xdg"
chmod 0700 "$scratch/xdg"
for b in kiosk board; do
    sed "s#/usr/bin/madoguchi-$b#$root/usr/bin/madoguchi-$b#" \
        "$here/$b/madoguchi-$b.service" > "$scratch/user/madoguchi-$b.service"
done
(cd "$scratch/user" && MANPATH="$scratch/man" XDG_RUNTIME_DIR="$scratch/xdg" \
    systemd-analyze --user verify madoguchi-kiosk.service madoguchi-board.service)
echo ok

echo "== systemd-analyze security --offline"
for u in madoguchi-server.service madoguchi-backup.service; do
    systemd-analyze security --offline=yes --root="$root" "$u" 2>&1 | tail -n 1
done

echo "== desktop-file-validate"
for f in "$here"/kiosk/*.desktop "$here"/board/*.desktop; do
    desktop-file-validate "$f"
done
echo ok

echo "== man pages"
for f in "$here"/*/*.1; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null)
    if [ -n "$warnings" ]; then echo "$f: $warnings"; exit 1; fi
done
echo ok

echo "== maintainer scripts"
for f in "$here"/server/postinst "$here"/server/postrm "$here"/data/build-madoguchi-data.sh; do
    sh -n "$f"
done
grep -q '^#DEBHELPER#$' "$here/server/postinst"
grep -q '^#DEBHELPER#$' "$here/server/postrm"
echo ok
