#!/bin/sh
# Builds madoguchi-data_VERSION_all.deb: the fonts and the voice the kiosk
# and the board read at run time, in /usr/share/madoguchi. With dpkg-deb,
# not cargo-deb: the package holds no binary (Architecture: all) and no
# crate of the workspace describes it (cargo-deb takes the synopsis from
# the crate's description).
#
#   ops/debian/data/build-madoguchi-data.sh [OUTDIR]    (from the repository root)
#
# OUTDIR defaults to $CARGO_TARGET_DIR/debian (or target/debian), where
# cargo deb puts the other three. DEB_REVISION (default 1) as in cargo-deb.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${1:-${CARGO_TARGET_DIR:-$repo/target}/debian}
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$repo/Cargo.toml")
[ -n "$version" ] || { echo "no [workspace.package] version in Cargo.toml" >&2; exit 1; }
version="$version-${DEB_REVISION:-1}"
pkg=madoguchi-data

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
share="$stage/usr/share/madoguchi"
doc="$stage/usr/share/doc/$pkg"
install -d "$share/fonts" "$share/voices" "$doc"

# The fonts Debian ships, byte for byte the ones in assets/fonts: links.
for f in bizud-gothic/BIZUDPGothic-Regular.ttf bizud-gothic/BIZUDPGothic-Bold.ttf \
         nanum/NanumGothic.ttf wqy/wqy-microhei.ttc dejavu/DejaVuSans.ttf; do
    ln -s "../../fonts/truetype/$f" "$share/fonts/$(basename "$f")"
done
# The subset no Debian package has, and the voice.
install -m 0644 "$repo/assets/fonts/DroidSansFallback-guidance.ttf" "$share/fonts/"
install -m 0644 "$repo/assets/voices/mei_normal.htsvoice" "$share/voices/"

install -m 0644 "$here/copyright" "$doc/copyright"
gzip -9n < "$here/../changelog" > "$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"
install -m 0644 "$repo/assets/fonts/README.md" "$doc/fonts.README.md"
install -m 0644 "$repo/assets/voices/README.md" "$doc/voices.README.md"
if [ -f "$here/lintian-overrides" ]; then
    install -D -m 0644 "$here/lintian-overrides" "$stage/usr/share/lintian/overrides/$pkg"
fi

install -d "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<EOF
Package: $pkg
Version: $version
Architecture: all
Multi-Arch: foreign
Section: misc
Priority: optional
Maintainer: Madoguchi maintainers <maintainers@madoguchi.example>
Installed-Size: $size
Depends: fonts-morisawa-bizud-gothic, fonts-nanum, fonts-wqy-microhei, fonts-dejavu-core
Description: fonts and voice for the Madoguchi kiosk and display board
 The files the Madoguchi kiosk and display board read at run time, in
 /usr/share/madoguchi: links to the Debian fonts they use (BIZ UDPGothic,
 Nanum Gothic, WenQuanYi Micro Hei, DejaVu Sans), the subset of Droid Sans
 Fallback for the board's Chinese guidance line, and the HTS voice "Mei"
 that Open JTalk speaks Japanese with.
EOF
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/${pkg}_${version}_all.deb" >/dev/null
echo "$out/${pkg}_${version}_all.deb"
