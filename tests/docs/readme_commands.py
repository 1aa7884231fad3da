#!/usr/bin/env python3
"""Runs the commands of README.md's code blocks as a reader would, and checks what they print.

usage: readme_commands.py SOURCE_DIR BUILD_DIR

- A `sh` block line starting with `build/apps/bis-conform` runs from SOURCE_DIR with
  `build/` meaning BUILD_DIR, and must exit 0 (a `run` is then conformant).
- `build/apps/bis-mock` starts the mock on a free port instead of 8080; the later commands'
  `localhost:8080` / `127.0.0.1:8080` mean that port.
- A transcript block (lines starting `$ `) runs each command against a fresh mock and checks
  that the lines shown after it are, in order, lines of what it printed (headers the README
  leaves out may appear between them; times and ports are blurred).
- Commands that need something outside the machine (a staging server's profile), the two
  opening scripts (CI runs those) and the package's install and use (scripts/ci-package.sh
  checks them in CI) are listed as skipped, by name.
Exits 1 naming every command that failed.
"""
import os
import re
import subprocess
import sys

from bis_mock import Mock

SOURCE, BUILD = sys.argv[1], sys.argv[2]
NEEDS_NETWORK = ("staging.yaml",)  # a target profile of the reader's own staging server
OPENING = ("./scripts/conform.sh", "./scripts/test.sh")  # CI runs both; this test is part of one
# Installing the package and running what it installed: scripts/ci-package.sh does it in CI.
INSTALLS = ("apt install ", "bis-conform ", "bis-mock ")


def blocks(text):
    """(language, [lines]) for each fenced code block."""
    out, lang, lines = [], None, None
    for line in text.splitlines():
        if line.startswith("```"):
            if lines is None:
                lang, lines = line[3:].strip(), []
            else:
                out.append((lang, lines))
                lines = None
        elif lines is not None:
            lines.append(line)
    return out


def strip_comment(line):
    """The command without its trailing `  # comment` (README commands quote no '#')."""
    return re.sub(r"(^|\s+)#\s.*$", "", line).strip()


def run(command):
    command = command.replace("build/apps/", os.path.join(BUILD, "apps") + "/")
    return subprocess.run(["bash", "-c", command], cwd=SOURCE, capture_output=True, text=True,
                          timeout=300)


def shape(line):
    """A line with what differs from run to run blurred: times and ports."""
    line = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<time>", line.rstrip())
    return re.sub(r"(localhost|127\.0\.0\.1):\d+", "<host>", line)


def main():
    readme = open(os.path.join(SOURCE, "README.md"), encoding="utf-8").read()
    failures, ran, skipped = [], 0, []
    mock = None
    try:
        for lang, lines in blocks(readme):
            if lang != "sh":
                continue
            if any(l.startswith("$ ") for l in lines):
                # A transcript: commands (with continuation lines) and what they print.
                if mock:
                    mock.stop()
                mock = Mock(BUILD)
                i = 0
                while i < len(lines):
                    if not lines[i].startswith("$ "):
                        i += 1
                        continue
                    command = lines[i][2:]
                    while command.endswith("\\"):
                        i += 1
                        command = command[:-1] + " " + lines[i].strip()
                    i += 1
                    expected = []
                    while i < len(lines) and not lines[i].startswith("$ "):
                        if lines[i].strip():
                            expected.append(lines[i])
                        i += 1
                    r = run(mock.local(command))
                    ran += 1
                    actual = [shape(l) for l in (r.stdout.replace("\r", "")).splitlines()]
                    at = 0
                    for want in expected:
                        while at < len(actual) and actual[at] != shape(want):
                            at += 1
                        if at == len(actual):
                            failures.append(f"{command}\n  README shows: {want}\n  printed:\n"
                                            + r.stdout)
                            break
                        at += 1
                continue
            for line in lines:
                command = strip_comment(line) if line.strip() else ""
                if not command:
                    continue
                if (command.startswith(OPENING) or command.startswith(INSTALLS) or
                        any(n in command for n in NEEDS_NETWORK)):
                    skipped.append(command)
                    continue
                if command.startswith("build/apps/bis-mock"):
                    if mock:
                        mock.stop()
                    mock = Mock(BUILD)
                    ran += 1
                    continue
                if not command.startswith("build/apps/"):
                    failures.append(f"{command}\n  not a command this test knows how to run")
                    continue
                if mock is None and re.search(r"(localhost|127\.0\.0\.1):8080", command):
                    mock = Mock(BUILD)
                r = run(mock.local(command) if mock else command)
                ran += 1
                if r.returncode != 0:
                    failures.append(f"{command}\n  exit {r.returncode}\n{r.stdout[-2000:]}"
                                    f"{r.stderr[-2000:]}")
    finally:
        if mock:
            mock.stop()
    for s in skipped:
        print("skipped (needs a network, installs the package, or is CI's own):", s)
    print(f"{ran} README commands run, {len(skipped)} skipped, {len(failures)} failed")
    for f in failures:
        print("FAILED:", f, sep="\n", file=sys.stderr)
    return 1 if failures or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
