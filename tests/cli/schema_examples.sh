#!/usr/bin/env bash
# The published JSON Schema against real files: every examples/*/programme.json and
# tests/data/programme_valid_*.json must pass it (Draft 2020-12, Debian's python3-jsonschema), every
# tests/data/programme_invalid_*.json must fail it, and `regiokpi validate` must agree on each file.
#   bash tests/cli/schema_examples.sh <path-to-regiokpi> <source-dir>
set -euo pipefail
bin=$1
src=$2
schema=$src/docs/schema/programme.schema.json

# No silent skip: without the validator this test fails (scripts/install-deps.sh test installs it).
if ! python3 -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null; then
  echo "FAIL: python3-jsonschema with Draft202012Validator is not installed (run scripts/install-deps.sh test)" >&2
  exit 1
fi

valid=("$src"/examples/*/programme.json "$src"/tests/data/programme_valid_*.json)
invalid=("$src"/tests/data/programme_invalid_*.json)
if ((${#invalid[@]} < 3)) || [ ! -e "${valid[0]}" ]; then
  echo "FAIL: expected example programmes and at least three invalid test files" >&2
  exit 1
fi

python3 - "$schema" "${#valid[@]}" "${valid[@]}" "${invalid[@]}" <<'PY'
import json, sys
import jsonschema
schema_path, n_valid, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failed = False
for i, path in enumerate(files):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    should_pass = i < n_valid
    if should_pass and errors:
        failed = True
        print(f"FAIL: {path} breaks the schema:", file=sys.stderr)
        for e in errors[:10]:
            print("   /" + "/".join(map(str, e.absolute_path)) + ": " + e.message[:200], file=sys.stderr)
    elif not should_pass and not errors:
        failed = True
        print(f"FAIL: {path} is accepted by the schema but should not be", file=sys.stderr)
    else:
        print(f"ok   schema {'accepts' if should_pass else 'rejects'} {path}")
sys.exit(1 if failed else 0)
PY

for f in "${valid[@]}"; do
  "$bin" validate "$f" >/dev/null || { echo "FAIL: regiokpi validate rejects $f" >&2; exit 1; }
  echo "ok   regiokpi accepts $f"
done
for f in "${invalid[@]}"; do
  set +e
  "$bin" validate "$f" >/dev/null 2>/tmp/schema_examples_err.$$
  rc=$?
  set -e
  if [ "$rc" -ne 1 ] || [ ! -s /tmp/schema_examples_err.$$ ]; then
    echo "FAIL: regiokpi validate $f exited $rc (want 1 with errors on stderr)" >&2
    rm -f /tmp/schema_examples_err.$$
    exit 1
  fi
  echo "ok   regiokpi rejects $f: $(head -1 /tmp/schema_examples_err.$$)"
done
rm -f /tmp/schema_examples_err.$$
