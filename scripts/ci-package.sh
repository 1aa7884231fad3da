#!/usr/bin/env bash
# CI's package check (README.md, "Install"): builds the .deb from build/, checks that its
# Depends are Debian packages this machine has (dpkg --dry-run, which installs nothing),
# unpacks it into a fresh root, and runs the installed bis-conform, from an empty folder and
# without arguments, against the installed bis-mock. Run after scripts/test.sh (it reuses build/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
rm -rf build/packages
(cd build && cpack -G DEB >/dev/null)
debs=(build/packages/bis-conformance_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { echo "expected one .deb, found: ${debs[*]}" >&2; exit 1; }
deb=${debs[0]}
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB)"
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
[ -n "$depends" ] || { echo "the package declares no Depends" >&2; exit 1; }
dpkg --dry-run --install "$deb" >/dev/null

root=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$root" "$work"' EXIT
dpkg-deb --extract "$deb" "$root"
for f in bin/bis-conform bin/bis-mock share/bis-conformance/suites/requirements.yaml \
         share/bis-conformance/fixtures/default.yaml share/doc/bis-conformance/README.md \
         share/doc/bis-conformance/docs/runner.md share/man/man1/bis-conform.1 \
         share/man/man1/bis-mock.1; do
  [ -f "$root/usr/$f" ] || { echo "the package lacks /usr/$f" >&2; exit 1; }
done
# The man pages carry the options, the subcommands' included.
man -l "$root/usr/share/man/man1/bis-conform.1" 2>/dev/null | grep -q -- "--require-all" ||
  { echo "bis-conform.1 does not document run's --require-all" >&2; exit 1; }
man -l "$root/usr/share/man/man1/bis-mock.1" 2>/dev/null | grep -q -- "--fixtures" ||
  { echo "bis-mock.1 does not document --fixtures" >&2; exit 1; }

cd "$work"
lint=$("$root/usr/bin/bis-conform" lint 2>&1)
echo "$lint"
case "$lint" in
  *"($root/usr/share/bis-conformance/suites/requirements.yaml)"*) ;;
  *) echo "the installed bis-conform did not use the installed suites" >&2; exit 1 ;;
esac
"$root/usr/bin/bis-conform" run --no-progress | tail -n 3
echo "installed package: CONFORMANT against its own bis-mock"
