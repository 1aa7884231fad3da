#!/usr/bin/env bash
# CI's hardening steps, run by .ci/run after the test and conformance steps (docs/mock.md,
# "Fuzzing and sanitizers"):
#   fuzz  builds the libFuzzer targets (preset `fuzz`, clang-14, ASan+UBSan) and runs each
#         for BIS_FUZZ_SECONDS (default 30) from its committed seed corpus; a crash, a leak,
#         a timeout or a broken property fails the step and keeps the input;
#   asan  builds everything under ASan+UBSan (preset `asan`) and runs the whole test suite,
#         the kill matrix sampled (every BIS_ASAN_KILL_STRIDE-th row, default 3; see run_asan);
#   tsan  builds the concurrency tests under TSan (preset `tsan`) and runs them.
# Usage: bash scripts/ci-hardening.sh [fuzz] [asan] [tsan]   (no argument: all three)
# Prints how long each step took. Any sanitizer finding stops the process that made it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh clang-14 libclang-rt-14-dev llvm-14

# A finding fails: halt at the first report, with a stack (llvm-symbolizer names the lines).
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_init_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# scripts/tsan.supp: a report inside Debian's uninstrumented cpp-httplib client, explained there.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
export TSAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14

fuzz_seconds="${BIS_FUZZ_SECONDS:-30}"

run_fuzz() {
  cmake --preset fuzz >/dev/null
  nice cmake --build --preset fuzz -j2
  # New inputs and artifacts go to a scratch directory: the committed corpus is only read.
  local work=build-fuzz/run failed=0
  rm -rf "$work" && mkdir -p "$work"
  for seeds in fuzz/corpus/*/; do
    local name log
    name=$(basename "$seeds")
    log="$work/$name.log"
    mkdir -p "$work/$name"
    if build-fuzz/fuzz/"${name}"_fuzz "$work/$name" "$seeds" -max_total_time="$fuzz_seconds" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$name-" >"$log" 2>&1; then
      echo "fuzz $name: $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") executions," \
           "$(sed -n 's/^stat::new_units_added: *//p' "$log") new inputs, no finding"
    else
      failed=1
      echo "fuzz $name: FINDING; reproduce with build-fuzz/fuzz/${name}_fuzz <artifact>:" >&2
      ls "$work/$name"-* >&2 || true
      tail -n 60 "$log" >&2
    fi
  done
  return "$failed"
}

# The kill matrix (tests/e2e, Docs/DefectIsCaught: one row per defect, 171 rows) is half of the
# ASan step's test time, and its rows run the same mock code with a defect switch on: under
# ASan, every BIS_ASAN_KILL_STRIDE-th row (default 3; 1 = all) keeps the step inside CI's
# budget. scripts/test.sh runs every row without sanitizers.
run_asan() {
  local stride="${BIS_ASAN_KILL_STRIDE:-3}"
  if ! [[ "$stride" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: BIS_ASAN_KILL_STRIDE must be a whole number >= 1 (1 runs every row), got '$stride'" >&2
    return 2
  fi
  cmake --preset asan >/dev/null
  nice cmake --build --preset asan -j2
  ctest --preset asan -E 'Docs/DefectIsCaught'
  ctest --preset asan -R 'Docs/DefectIsCaught' -I ",,$stride"
}

run_tsan() {
  cmake --preset tsan >/dev/null
  nice cmake --build --preset tsan -j2
  ctest --preset tsan
}

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(fuzz asan tsan)
timings=()
for step in "${steps[@]}"; do
  case "$step" in
    fuzz | asan | tsan) ;;
    *) echo "error: unknown step '$step' (fuzz, asan, tsan)" >&2; exit 2 ;;
  esac
  start=$SECONDS
  "run_$step"
  timings+=("$step: $((SECONDS - start)) s")
done
printf 'ci-hardening %s\n' "${timings[@]}"
