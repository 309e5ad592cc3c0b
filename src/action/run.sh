#!/usr/bin/env bash
# The hwprobe action's step (action.yml): get hwprobe, probe, gate, then write the outputs, the job
# summary and the annotations. Reads the INPUT_* variables action.yml sets and the variables GitHub
# provides (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_ACTION_PATH).
#
# Which hwprobe runs, in order:
# - HWPROBE_PACKAGE_DIR: an installed, built hwprobe (self-hosted runners that have one; the tests);
# - INPUT_VERSION: an npm spec or tarball the user names explicitly, installed under RUNNER_TEMP;
# - else the action's own checkout ($GITHUB_ACTION_PATH/../..), installed with its lockfile
#   (`npm ci`) and built there. The install is skipped when node_modules was made from the same
#   lockfile (actions/cache in action.yml restores it, keyed on the lockfile's hash). Never a bare
#   registry name: whoever registered it would decide what every workflow runs.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/hwprobe"
mkdir -p "$work"

# Workflow-command escaping (as @actions/core does): data escapes % CR LF, properties also : and ,.
escape_data() { local s="${1//%/%25}"; s="${s//$'\r'/%0D}"; printf '%s' "${s//$'\n'/%0A}"; }
escape_prop() { local s; s="$(escape_data "$1")"; s="${s//:/%3A}"; printf '%s' "${s//,/%2C}"; }

fail() { # message, exit code
  echo "::error title=$(escape_prop hwprobe)::$(escape_data "$1")"
  exit "${2:-2}"
}

output() { # name, value (a value with a newline uses the multi-line form)
  local dest="${GITHUB_OUTPUT:-/dev/stdout}"
  if [[ "$2" == *$'\n'* ]]; then
    local d="hwprobe_$RANDOM$RANDOM"
    printf '%s<<%s\n%s\n%s\n' "$1" "$d" "$2" "$d" >>"$dest"
  else
    printf '%s=%s\n' "$1" "$2" >>"$dest"
  fi
}

lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

calibrate="$(lower "${INPUT_CALIBRATE:-quick}")"
case "$calibrate" in off | quick | full) ;; *) fail "input calibrate: must be off, quick or full, got '${INPUT_CALIBRATE}'" ;; esac
format="$(lower "${INPUT_FORMAT:-text}")"
case "$format" in
  text) ext=txt ;; markdown) ext=md ;; junit) ext=xml ;; github) ext=log ;; nfd) ext=nfd ;; prometheus) ext=prom ;; json) ext=json ;;
  *) fail "input format: must be one of text, markdown, junit, github, nfd, prometheus, json; got '${INPUT_FORMAT}'" ;;
esac
fail_on="$(lower "${INPUT_FAIL_ON:-error}")"
case "$fail_on" in error | warning | never) ;; *) fail "input fail-on: must be error, warning or never, got '${INPUT_FAIL_ON}'" ;; esac

if [ -n "${HWPROBE_PACKAGE_DIR:-}" ]; then
  pkg="$HWPROBE_PACKAGE_DIR"
elif [ -n "${INPUT_VERSION:-}" ]; then
  echo "::group::install ${INPUT_VERSION}"
  npm install --prefix "$work/tool" --no-save --no-audit --no-fund --omit=dev "$INPUT_VERSION" || fail "npm install ${INPUT_VERSION} failed"
  echo "::endgroup::"
  pkg="$work/tool/node_modules/hwprobe"
else
  pkg="$(cd "$here/../.." && pwd)"
  [ -f "$pkg/package-lock.json" ] || fail "$pkg has no package-lock.json: not a checkout of hwprobe"
  lock="$(sha256sum "$pkg/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$pkg/node_modules/.hwprobe-lock" 2>/dev/null)" != "$lock" ]; then
    echo "::group::npm ci (the action's checkout, $pkg)"
    (cd "$pkg" && npm ci --no-audit --no-fund --prefer-offline) || fail "npm ci in $pkg failed"
    echo "$lock" >"$pkg/node_modules/.hwprobe-lock"
    echo "::endgroup::"
  else
    echo "node_modules of $pkg is from this lockfile (cached): no install"
  fi
  echo "::group::build (npm run build)"
  (cd "$pkg" && npm run build --silent) || fail "npm run build in $pkg failed"
  echo "::endgroup::"
fi
[ -f "$pkg/dist/src/cli.js" ] || fail "$pkg is not a built hwprobe package (no dist/src/cli.js)"

# Expectation specs, one per line (so paths may hold spaces); a line that is not an existing file
# is split on commas and spaces, so "x86-64-v2, aes-hw" still names two profiles.
expect=()
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [ -z "$line" ] && continue
  if [ -f "$line" ]; then
    expect+=("$line")
  else
    while IFS= read -r item; do [ -n "$item" ] && expect+=("$item"); done < <(printf '%s\n' "$line" | tr ', \t' '\n\n\n')
  fi
done < <(printf '%s\n' "${INPUT_EXPECT:-}")

args=(run --json --no-tui --calibrate "$calibrate" --out "$work/report.json")
for e in "${expect[@]+"${expect[@]}"}"; do args+=(--expect "$e"); done
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE" --tolerance "${INPUT_TOLERANCE:-0.25}")
[ -n "${INPUT_PROBES:-}" ] && args+=(--probes "$INPUT_PROBES")

rm -f "$work/report.json" "$work/verdicts.json"
echo "hwprobe ${args[*]}"
node "$pkg/dist/src/cli.js" "${args[@]}"
code=$?
output exit-code "$code"
# 0 ok, 1 an expectation failed or a regression: a report was written. 2 input error, 3 internal error,
# 130 interrupted: hwprobe said why on stderr. These fail the step whatever fail-on says.
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
  output passed false
  fail "hwprobe exited with $code (see the log above)" "$code"
fi
[ -f "$work/report.json" ] || fail "hwprobe wrote no report" 3
output report "$work/report.json"

# Summary, annotations, the extra rendering and verdicts.json, from the saved report through the library.
node "$here/render.mjs" "$pkg" "$work" "$format" "$ext" "${expect[@]+"${expect[@]}"}" || fail "rendering the report failed" 3
output summary "$work/summary.md"
output output "$work/hwprobe.$ext"
output verdicts "$(cat "$work/verdicts.json")"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$work/summary.md" >>"$GITHUB_STEP_SUMMARY"; fi

if [ "$code" -eq 0 ]; then output passed true; else output passed false; fi
# fail-on: error (default) fails on what hwprobe fails on; warning also on a failed or inconclusive
# warning-severity requirement; never only reports.
warned="$(node -e 'const v=require(process.argv[1]);process.stdout.write(String(v.verdicts.filter((x)=>x.status!=="pass").length))' "$work/verdicts.json")"
case "$fail_on" in
  never) exit 0 ;;
  warning) if [ "$code" -eq 0 ] && [ "${warned:-0}" -gt 0 ]; then echo "hwprobe: $warned requirement(s) not passed, and fail-on is warning"; exit 1; fi ;;
esac
exit "$code"
