#!/usr/bin/env bash
# The hwprobe action's step (action.yml): install hwprobe, probe, gate, then write the outputs, the
# job summary and the annotations. Reads the INPUT_* variables action.yml sets and the variables
# GitHub provides (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_ACTION_PATH).
# HWPROBE_PACKAGE_DIR: an installed hwprobe package (its dist/ built) to use instead of installing
# one — for self-hosted runners that have it, and for this script's tests.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/hwprobe"
mkdir -p "$work"

fail() { # message, exit code
  echo "::error title=hwprobe::$1"
  exit "${2:-2}"
}

output() { # name, value
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; else echo "$1=$2"; fi
}

calibrate="${INPUT_CALIBRATE:-quick}"
case "$calibrate" in off | quick | full) ;; *) fail "input calibrate: must be off, quick or full, got '$calibrate'" ;; esac
format="${INPUT_FORMAT:-text}"
case "$format" in
  text) ext=txt ;; markdown) ext=md ;; junit) ext=xml ;; github) ext=log ;; nfd) ext=nfd ;; prometheus) ext=prom ;; json) ext=json ;;
  *) fail "input format: must be one of text, markdown, junit, github, nfd, prometheus, json; got '$format'" ;;
esac

# The package: one given, else this action's own version from the registry.
if [ -n "${HWPROBE_PACKAGE_DIR:-}" ]; then
  pkg="$HWPROBE_PACKAGE_DIR"
else
  spec="${INPUT_VERSION:-}"
  if [ -z "$spec" ]; then
    version="$(node -p 'require(process.argv[1]).version' "$here/../../package.json")" || fail "cannot read the action's package.json"
    spec="hwprobe@$version"
  fi
  echo "::group::install $spec"
  npm install --prefix "$work/tool" --no-save --no-audit --no-fund --omit=dev "$spec" || fail "npm install $spec failed"
  echo "::endgroup::"
  pkg="$work/tool/node_modules/hwprobe"
fi
[ -f "$pkg/dist/src/cli.js" ] || fail "$pkg is not a built hwprobe package (no dist/src/cli.js)"

# Expectation specs: newline-, comma- or space-separated.
expect=()
while IFS= read -r item; do
  [ -n "$item" ] && expect+=("$item")
done < <(printf '%s\n' "${INPUT_EXPECT:-}" | tr ', \t' '\n\n\n')

args=(run --json --no-tui --calibrate "$calibrate" --out "$work/report.json")
for e in "${expect[@]+"${expect[@]}"}"; do args+=(--expect "$e"); done
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE" --tolerance "${INPUT_TOLERANCE:-0.25}")
[ -n "${INPUT_PROBES:-}" ] && args+=(--probes "$INPUT_PROBES")

rm -f "$work/report.json"
echo "hwprobe ${args[*]}"
node "$pkg/dist/src/cli.js" "${args[@]}"
code=$?
output exit-code "$code"
# 0 ok, 1 an expectation failed or a regression: a report was written. 2 input error, 3 internal error,
# 130 interrupted: hwprobe said why on stderr.
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
  output passed false
  fail "hwprobe exited with $code (see the log above)" "$code"
fi
[ -f "$work/report.json" ] || fail "hwprobe wrote no report" 3
output report "$work/report.json"

# Summary, annotations and the extra rendering, from the saved report through the library.
node "$here/render.mjs" "$pkg" "$work" "$format" "$ext" "${expect[@]+"${expect[@]}"}" || fail "rendering the report failed" 3
output summary "$work/summary.md"
output output "$work/hwprobe.$ext"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$work/summary.md" >>"$GITHUB_STEP_SUMMARY"; fi

if [ "$code" -eq 0 ]; then output passed true; else output passed false; fi
exit "$code"
