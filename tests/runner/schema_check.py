#!/usr/bin/env python3
"""Checks YAML suite files against docs/suite-format.schema.json.

usage: schema_check.py SCHEMA [--invalid] PATH...
Every file (directories: their *.yaml except requirements.yaml) must validate, or with
--invalid must fail to validate. Exit 1 on any file that does not behave.
"""
import json
import pathlib
import sys

import jsonschema
import yaml


def files(paths):
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*.y*ml") if f.name not in ("requirements.yaml", "requirements.yml"))
        elif p.exists():
            yield p


def main():
    schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    expect_invalid = "--invalid" in sys.argv
    bad = 0
    checked = 0
    for f in files(a for a in sys.argv[2:] if a != "--invalid"):
        checked += 1
        # YAML 1.1 booleans aside, the schema sees what the loader sees.
        doc = yaml.safe_load(f.read_text())
        errors = list(validator.iter_errors(doc))
        if expect_invalid and not errors:
            print(f"{f}: validates, but should not")
            bad += 1
        elif not expect_invalid and errors:
            for e in errors[:5]:
                print(f"{f}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
            bad += 1
    print(f"{checked} files checked, {bad} wrong")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
