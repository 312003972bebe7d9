#!/usr/bin/env bash
# Sourced by scripts/test and scripts/demo: installs what Madoguchi needs on
# a Debian machine (or says exactly what is missing) and sets the cargo
# target dir outside the clone, so repeated runs build incrementally.

# Debian packages the workspace needs to build and test.
#   gcc, pkg-config: the bundled SQLite and other C parts of dependencies.
#   libasound2-dev, libudev-dev, libwayland-dev, libxkbcommon-dev: Bevy and
#     rodio (kiosk, board) build against them.
#   xvfb, mesa-vulkan-drivers, libvulkan1 and the X11 client libraries: real
#     windows without a display or GPU (screenshot tests, headless demo).
#   open-jtalk, open-jtalk-mecab-naist-jdic: the Japanese voice of board
#     and kiosk (with the HTS voice shipped in assets/voices).
#   espeak-ng: the voice of English, Korean, Vietnamese and Portuguese.
#   pulseaudio, pulseaudio-utils, libasound2-plugins: a real audio path in
#     the sound test (a null sink whose monitor is recorded).
#   tesseract-ocr, tesseract-ocr-jpn: read screenshots back in the tests.
#   fonts-nanum: Hangul for the test browser (phones bring their own).
#   xdotool: the kiosk benchmark types into the kiosk like a USB scanner.
#   python3-venv: schemathesis (PyPI) fuzzes the HTTP API from its OpenAPI.
#   python3-aiosmtpd: the real SMTP server the e-mail tests send to.
#   strace: the durability test watches the fsync before an answer.
#   postgresql-15: the tests start throw-away PostgreSQL clusters of their
#     own from its binaries (pgtest/); no service is used or set up.
#   nginx: the failover test runs the shipped ops/nginx site in front of
#     two servers, from a temporary prefix (Debian's own nginx service, if
#     it starts, is not used).
#   chromium, chromium-driver: browser tests of the web pages.
#   slapd: the directory test starts a throw-away OpenLDAP server of its own
#     from its binaries (slapadd, slapd) in a temporary directory.
#   poppler-utils: the forms tests read the PDFs back (pdftotext, pdffonts,
#     pdfinfo) and render a page to look at (pdftoppm).
#   lintian, desktop-file-utils, man-db: the package test checks the .deb
#     files (scripts/test-packages) and their menu entries and man pages.
#   fonts-morisawa-bizud-gothic, fonts-wqy-microhei, fonts-dejavu-core: the
#     madoguchi-data package links to them; the package test checks that
#     every link finds its font.
MADOGUCHI_DEBIAN_PACKAGES=(
  gcc pkg-config ca-certificates
  libasound2-dev libudev-dev libwayland-dev libxkbcommon-dev
  xvfb mesa-vulkan-drivers libvulkan1 libx11-6 libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0
  open-jtalk open-jtalk-mecab-naist-jdic espeak-ng pulseaudio pulseaudio-utils libasound2-plugins
  tesseract-ocr tesseract-ocr-jpn fonts-nanum xdotool chromium chromium-driver python3-venv python3-aiosmtpd strace
  postgresql-15 nginx poppler-utils slapd
  lintian desktop-file-utils man-db fonts-morisawa-bizud-gothic fonts-wqy-microhei fonts-dejavu-core
)

madoguchi_missing_packages() {
  local p
  # npm (for axe-core) may come from elsewhere (nodesource, nvm); else Debian's.
  command -v npm >/dev/null 2>&1 || echo npm
  for p in "${MADOGUCHI_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

madoguchi_setup() {
  local missing
  if command -v dpkg-query >/dev/null 2>&1; then
    mapfile -t missing < <(madoguchi_missing_packages)
    if ((${#missing[@]})); then
      echo "== installing Debian packages: ${missing[*]}"
      if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
      elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
      else
        echo "missing Debian packages: ${missing[*]}" >&2
        echo "install them with: apt-get install ${missing[*]}" >&2
        return 1
      fi
    fi
  else
    echo "not a Debian system: make sure these are installed: ${MADOGUCHI_DEBIAN_PACKAGES[*]}" >&2
  fi

  if ! command -v cargo >/dev/null 2>&1; then
    echo "Rust is missing: install it with rustup (https://rustup.rs), rustc 1.95 or newer" >&2
    return 1
  fi
  local version
  version=$(rustc --version | awk '{print $2}')
  if [ "$(printf '%s\n1.95.0\n' "$version" | sort -V | head -n1)" != "1.95.0" ]; then
    echo "rustc $version is too old: Madoguchi needs 1.95 or newer (rustup update)" >&2
    return 1
  fi
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/madoguchi/target}"
  mkdir -p "$CARGO_TARGET_DIR"
  madoguchi_trim_target
  madoguchi_axe
  madoguchi_schemathesis
  madoguchi_prometheus_client
  madoguchi_cargo_deb
}

# cargo-deb (crates.io, pinned), built once into a tools folder outside the
# clone: scripts/package makes the .deb files with it, and the package test
# (scripts/test-packages) makes them from the test build.
MADOGUCHI_CARGO_DEB_VERSION=3.8.0
madoguchi_cargo_deb() {
  local root="$HOME/.cache/madoguchi/tools"
  export PATH="$root/bin:$PATH"
  if cargo-deb --version 2>/dev/null | grep -qx "cargo-deb $MADOGUCHI_CARGO_DEB_VERSION"; then
    return 0
  fi
  echo "== installing cargo-deb $MADOGUCHI_CARGO_DEB_VERSION (crates.io) into $root"
  # Its own target dir: the workspace's must not hold a second profile.
  CARGO_TARGET_DIR="$root/build" cargo install -q cargo-deb --version "$MADOGUCHI_CARGO_DEB_VERSION" --locked --root "$root" &&
    rm -rf "$root/build"
}

# prometheus_client (PyPI, pinned) in its own virtualenv outside the clone:
# the reference parser the metrics test reads /metrics with
# (server/tests/api/metrics.rs).
MADOGUCHI_PROMETHEUS_CLIENT_VERSION=0.26.0
madoguchi_prometheus_client() {
  local venv="$HOME/.cache/madoguchi/promparse"
  export MADOGUCHI_PROMETHEUS_PYTHON="$venv/bin/python"
  if [ -x "$MADOGUCHI_PROMETHEUS_PYTHON" ] &&
    "$MADOGUCHI_PROMETHEUS_PYTHON" -c "import importlib.metadata as m; assert m.version('prometheus-client') == '$MADOGUCHI_PROMETHEUS_CLIENT_VERSION'" 2>/dev/null; then
    return 0
  fi
  echo "== installing prometheus-client $MADOGUCHI_PROMETHEUS_CLIENT_VERSION (PyPI) into $venv"
  python3 -m venv "$venv" && "$venv/bin/pip" install -q "prometheus-client==$MADOGUCHI_PROMETHEUS_CLIENT_VERSION"
}

# schemathesis (PyPI, pinned) in its own virtualenv outside the clone, for
# the API schema fuzzing test (server/tests/api/schema_fuzz.rs).
MADOGUCHI_SCHEMATHESIS_VERSION=4.32.5
madoguchi_schemathesis() {
  local venv="$HOME/.cache/madoguchi/schemathesis"
  export MADOGUCHI_SCHEMATHESIS="$venv/bin/schemathesis"
  if [ -x "$MADOGUCHI_SCHEMATHESIS" ] &&
    "$MADOGUCHI_SCHEMATHESIS" --version 2>/dev/null | grep -q "$MADOGUCHI_SCHEMATHESIS_VERSION"; then
    return 0
  fi
  echo "== installing schemathesis $MADOGUCHI_SCHEMATHESIS_VERSION (PyPI) into $venv"
  python3 -m venv "$venv" && "$venv/bin/pip" install -q "schemathesis==$MADOGUCHI_SCHEMATHESIS_VERSION"
}

# The shared target dir keeps every build of the workspace's own crates:
# each clone at a new path (as CI makes) adds ~5 GB of test binaries, and a
# session of runs filled a 90 GB disk. Past 30 GB, drop our crates'
# artifacts and the incremental caches; third-party crates (Bevy) stay, so
# the next build is still minutes, not a cold start.
madoguchi_trim_target() {
  local debug="$CARGO_TARGET_DIR/debug" size
  [ -d "$debug" ] || return 0
  size=$(du -s --block-size=1G "$debug" 2>/dev/null | cut -f1)
  if [ "${size:-0}" -gt 30 ]; then
    echo "== trimming $debug (${size} GB): the workspace's own artifacts and incremental caches"
    rm -rf "$debug/incremental"
    (cd "$debug/deps" && rm -f madoguchi_* libmadoguchi_* logic-* screenshot-* api-* kiosk-* board-* server-*)
    rm -f "$debug"/madoguchi-*
  fi
}

# axe-core (npm, pinned in server/tests/a11y) for the accessibility check of
# the staff console; installed next to the target dir, outside the clone.
madoguchi_axe() {
  local repo dir
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  dir="$HOME/.cache/madoguchi/a11y"
  export MADOGUCHI_AXE_JS="$dir/node_modules/axe-core/axe.min.js"
  if [ -f "$MADOGUCHI_AXE_JS" ] && cmp -s "$repo/server/tests/a11y/package-lock.json" "$dir/package-lock.json"; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is missing (Debian package npm): the accessibility test needs it" >&2
    return 1
  fi
  mkdir -p "$dir"
  cp "$repo/server/tests/a11y/package.json" "$repo/server/tests/a11y/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}
