"""Rewrites the generated parts of BENCHMARKS.md from benchmark output.

Benchmarks print lines `FIGURE|section|figure|result|goal|met` (met is
`true`, `false` or empty when there is no goal). BENCHMARKS.md marks the
parts this script owns:

    <!-- bench-report:machine --> ... <!-- /bench-report -->
    <!-- bench-report:SECTION --> ... <!-- /bench-report -->

Each marked part is replaced; everything else (the notes) is kept. A
section without new figures keeps its old table, marked as not re-run.
Usage: bench_report.py BENCHMARKS.md OUTPUT.log
"""

import datetime
import os
import platform
import re
import subprocess
import sys


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
            mem = f"{kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    virt = ""
    try:
        virt = subprocess.run(["systemd-detect-virt"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    try:
        rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.split("(")[0].strip()
    except OSError:
        rustc = "rustc ?"
    guest = f", {virt} guest" if virt and virt != "none" else ""
    return (
        f"**Machine**: {os.cpu_count()} × {cpu}{guest}, Linux {platform.release()}, {mem}, "
        f"{rustc}, release profile.\n"
        f"**Date**: {datetime.date.today().isoformat()} (written by `scripts/bench-report`)."
    )


def table(rows) -> str:
    out = ["| figure | result | goal |", "|---|---|---|"]
    for _, figure, result, goal, met in rows:
        mark = {"true": " ✅", "false": " ❌"}.get(met, "")
        out.append(f"| {figure} | {result} | {goal}{mark} |")
    return "\n".join(out)


def main() -> None:
    doc_path, log_path = sys.argv[1], sys.argv[2]
    with open(log_path, encoding="utf-8", errors="replace") as f:
        figures = [line.rstrip("\n").split("|")[1:] for line in f if line.startswith("FIGURE|")]
    sections = {}
    for f in figures:
        if len(f) == 5:
            sections.setdefault(f[0], []).append(f)
    with open(doc_path, encoding="utf-8") as f:
        doc = f.read()

    def replace(m):
        name, old = m.group(1), m.group(2)
        if name == "machine":
            body = machine()
        elif name in sections:
            body = table(sections[name])
        else:
            note = "*(not re-run by the last report; figures from an earlier run)*"
            body = old.strip()
            if note not in body:
                body = f"{body}\n\n{note}"
        return f"<!-- bench-report:{name} -->\n{body}\n<!-- /bench-report -->"

    doc = re.sub(r"<!-- bench-report:([a-z]+) -->\n(.*?)\n?<!-- /bench-report -->", replace, doc, flags=re.S)
    with open(doc_path, "w", encoding="utf-8") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
