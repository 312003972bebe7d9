#!/usr/bin/env python3
"""Writes the DEP-5 copyright files of the four packages (server, kiosk,
board, data) from the licence texts in assets/. cargo-deb installs a
license-file whose first lines are DEP-5 fields as it is, as
/usr/share/doc/<package>/copyright.

Run from the repository root: python3 ops/debian/gen-copyright.py
(the draft's own folder is taken from this file's location).
"""

import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
FONTS = REPO / "assets" / "fonts"
VOICES = REPO / "assets" / "voices"

# TODO before the first release: the real holder(s) and the project's URL.
HOLDER = "2026 The Madoguchi contributors"
SOURCE = "https://madoguchi.example/source (TODO)"


def dep5_text(lines):
    """Lines as a DEP-5 continuation block (one space, '.' for empty)."""
    out = []
    for line in lines:
        line = line.rstrip()
        out.append(" ." if not line.strip() else " " + line)
    while out and out[-1] == " .":
        out.pop()
    while out and out[0] == " .":
        out.pop(0)
    return "\n".join(out)


def ofl():
    text = (FONTS / "OFL.txt").read_text().splitlines()
    start = next(i for i, l in enumerate(text) if l.startswith("SIL OPEN FONT LICENSE"))
    return dep5_text(text[start:])


def bitstream_vera():
    text = (FONTS / "LICENSE-DejaVu.txt").read_text()
    m = re.search(r"^License: bitstream-vera\n((?: .*\n)+)", text, re.M)
    return m.group(1).rstrip("\n")


def mei():
    lines = [l.strip("# ").rstrip(" #") if l.startswith("#") else l
             for l in (VOICES / "LICENSE-mei.txt").read_text().splitlines()]
    lines = [l for l in lines if not set(l) <= set("-# ")]
    return dep5_text(lines)


MIT = dep5_text("""Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.""".splitlines())

APACHE = dep5_text("""Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.

On Debian systems, the complete text of the Apache License, Version 2.0
can be found in /usr/share/common-licenses/Apache-2.0.""".splitlines())

HEADER = f"""Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Madoguchi
Source: {SOURCE}
"""

CODE = f"""Files: *
Copyright: {HOLDER}
License: MIT or Apache-2.0
Comment: The program is built with Rust crates from crates.io, linked
 statically; each keeps its own licence (the crates are listed in the
 source's Cargo.lock; TODO: list their licences, e.g. with cargo-about).
"""
APP_NOTE = """ .
 The fonts and the voice it uses are in package madoguchi-data.
"""

LICENSES_CODE = f"""
License: MIT
{MIT}

License: Apache-2.0
{APACHE}
"""

SERVER = HEADER + "\n" + CODE + f"""
Files: assets/fonts/BIZUDPGothic-Regular.ttf assets/fonts/BIZUDPGothic-Bold.ttf
Copyright: 2022 The BIZ UDGothic Project Authors (https://github.com/googlefonts/morisawa-biz-ud-gothic)
License: OFL-1.1
Comment: Embedded in /usr/bin/madoguchi-server (web pages, printed forms,
 summaries); copied unmodified from Debian's fonts-morisawa-bizud-gothic.

Files: assets/fonts/NanumGothic.ttf
Copyright: 2010 NAVER Corporation
License: OFL-1.1
Comment: Embedded in /usr/bin/madoguchi-server (summaries); Reserved Font
 Name: Nanum. Copied unmodified from Debian's fonts-nanum.

Files: assets/fonts/DejaVuSans.ttf
Copyright: 2003 Bitstream, Inc. Bitstream Vera is a trademark of Bitstream, Inc.
 DejaVu changes are in public domain.
License: bitstream-vera
Comment: Embedded in /usr/bin/madoguchi-server (summaries); copied
 unmodified from Debian's fonts-dejavu-core.

Files: assets/fonts/DroidSansFallbackFull.ttf
Copyright: 2006-2010 Google Corp. Droid is a trademark of Google Corp.
License: Apache-2.0
Comment: Embedded in /usr/bin/madoguchi-server (web pages, summaries);
 copied unmodified from Debian's fonts-droid-fallback.
""" + LICENSES_CODE + f"""
License: OFL-1.1
{ofl()}

License: bitstream-vera
{bitstream_vera()}
"""

APP = HEADER + "\n" + CODE + APP_NOTE + LICENSES_CODE

DATA = HEADER + "\n" + f"""Files: *
Copyright: {HOLDER}
License: MIT or Apache-2.0
Comment: The READMEs. The fonts in /usr/share/madoguchi/fonts are links to
 the files of Debian's font packages (their copyright files say theirs),
 except DroidSansFallback-guidance.ttf below.

Files: assets/fonts/DroidSansFallback-guidance.ttf
Copyright: 2006-2010 Google Corp. Droid is a trademark of Google Corp.
License: Apache-2.0
Comment: Modified: Droid Sans Fallback (Debian's fonts-droid-fallback) cut
 down to the characters of the board's Chinese guidance line by
 scripts/subset-fonts.

Files: assets/voices/mei_normal.htsvoice
Copyright: 2009-2013 Nagoya Institute of Technology, Department of Computer Science
License: CC-BY-3.0
Comment: HTS voice "Mei" (normal) of the MMDAgent project, unmodified; see
 /usr/share/doc/madoguchi-data/voices.README.md for where it came from.
""" + LICENSES_CODE + f"""
License: CC-BY-3.0
{mei()}
 .
 The licence: https://creativecommons.org/licenses/by/3.0/legalcode
"""

for name, text in [("server", SERVER), ("kiosk", APP), ("board", APP), ("data", DATA)]:
    (HERE / name / "copyright").write_text(text)
    print(HERE / name / "copyright")
