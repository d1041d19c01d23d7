#!/usr/bin/env bash
# Checks that the hvnet command line fails clearly on bad input: a non-zero exit and a message
# that names the problem, never a crash. Usage: scripts/cli-checks.sh PATH/TO/hvnet
set -uo pipefail
hvnet=${1:?usage: cli-checks.sh PATH/TO/hvnet}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# expect_failure NAME PATTERN ARGS...: the command must exit 1..127 (not a signal) and print PATTERN.
expect_failure() {
  local name=$1 pattern=$2; shift 2
  local out status
  out=$("$hvnet" "$@" 2>&1); status=$?
  if [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && grep -qF -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $status, output:"; echo "$out" | sed 's/^/    /'
  fi
}

base='duration_ms: 40
solver: {method: rk4, dt_ms: 1/70}
populations:
  - name: cell
    initial: {v_mV: -30, w: 0.001}'

printf '%s\n' "$base" | sed 's/duration_ms/duraton_ms/' > "$work/misspelt.yaml"
printf '%s\n' "$base" | sed 's/w: 0.001/w: -0.001/' > "$work/negative-w.yaml"
printf '%s\n' "$base" | sed 's/v_mV: -30/v_mV: thirty/' > "$work/string.yaml"
printf 'duration_ms: [1, 2\n' > "$work/broken.yaml"
printf '%s\n' "$base" > "$work/diverging.yaml"
printf 'stimuli:\n  - {type: current_step, amplitude_pA: 1e12, cells: [0], windows_ms: [[5, 6]]}\n' >> "$work/diverging.yaml"

expect_failure "misspelt key" "unknown key 'duraton_ms' at the top level" run "$work/misspelt.yaml" --out "$work/o1"
expect_failure "misspelt key (validate)" "did you mean 'duration_ms'?" validate "$work/misspelt.yaml"
expect_failure "negative w0" "populations[0].initial.w (line 5): '-0.001' is not allowed" run "$work/negative-w.yaml" --out "$work/o2"
expect_failure "string for a number" "populations[0].initial.v_mV (line 5): 'thirty' is not allowed" validate "$work/string.yaml"
expect_failure "missing file" "scenario file not found" run "$work/nope.yaml"
expect_failure "broken YAML" "not valid YAML or JSON" validate "$work/broken.yaml"
expect_failure "diverging run" "the run diverged: cell 0 (" run "$work/diverging.yaml" --out "$work/o3" --quiet
[ -f "$work/o3/summary.json" ] && grep -q '"status": "incomplete"' "$work/o3/summary.json" && passed=$((passed + 1)) || {
  failed=$((failed + 1)); echo "FAIL diverging run: summary.json missing or not marked incomplete"; }

expect_failure "diverging run under rkf45" "at t = 5.0000000" run "$work/diverging.yaml" --method rkf45 --hmax 0.05 --out "$work/o4" --quiet
expect_failure "diverging run under rkf45 names the cell" "state cell 0 (" run "$work/diverging.yaml" --method rkf45 --hmax 0.05 --out "$work/o7" --quiet
expect_failure "unknown method" "unknown method 'rk5'; valid methods: euler, heun, rk4" run "$work/diverging.yaml" --method rk5 --out "$work/o5"
expect_failure "option of another method" "rk4 takes only dt" run "$work/diverging.yaml" --rtol 1e-6 --out "$work/o6"

# hvnet analyze on malformed spike files: each stops with the line and column.
printf 'cell,time_ms\n0,10\n0,10\n' > "$work/dup.csv"
printf 'cell,time_ms\n0,150\n' > "$work/outside.csv"
printf 'neuron,time_ms\n0,10\n' > "$work/column.csv"
printf 'cell,time_ms\n0,ten\n' > "$work/text.csv"
expect_failure "duplicate spike" "line 3: duplicate spike at 10.0 ms in cell 0" analyze "$work/dup.csv" --t-start 0 --t-stop 100 --out "$work/a1"
expect_failure "spike outside the window" "line 2: spike at 150.0 ms is outside the window" analyze "$work/outside.csv" --t-start 0 --t-stop 100 --out "$work/a2"
expect_failure "misnamed column" "no column 'cell' (set it with --cell-column)" analyze "$work/column.csv" --t-start 0 --t-stop 100 --out "$work/a3"
expect_failure "non-numeric time" "line 2, column time_ms: 'ten' is not a finite number" analyze "$work/text.csv" --t-start 0 --t-stop 100 --out "$work/a4"
expect_failure "unknown measure" "unknown measure 'fano'" analyze "$work/dup.csv" --t-start 0 --t-stop 100 --measures fano

# --set overrides and sweep files: errors name the key path; a failing sweep point gives exit 3.
expect_failure "--set unknown key path" "noise.sd_pa: the scenario format has no key 'sd_pa' in noise" validate "$work/diverging.yaml" --set noise.sd_pa=3
expect_failure "--set bad value" "duration_ms: '-5' is not allowed" run "$work/diverging.yaml" --set duration_ms=-5 --out "$work/o8"
expect_failure "--set past a list's end" "it has 1 (indices 0 to 0)" validate "$work/diverging.yaml" --set 'populations[3].size=2'
expect_failure "--set without =" "expected KEY.PATH=VALUE" validate "$work/diverging.yaml" --set noise
printf 'scenario: diverging.yaml\naxes: [{key: noise.sd_pa, values: [1, 2]}]\n' > "$work/sweep-key.yaml"
printf 'scenario: diverging.yaml\naxes: [{key: duration_ms, values: []}]\n' > "$work/sweep-empty.yaml"
printf 'scenario: diverging.yaml\nmode: zip\naxes: [{key: duration_ms, values: [10, 20]}, {key: seed, values: [1]}]\n' > "$work/sweep-zip.yaml"
printf 'scenario: diverging.yaml\naxs: []\n' > "$work/sweep-unknown.yaml"
expect_failure "sweep: axis key path" "did you mean 'noise.sd_pA'?" sweep "$work/sweep-key.yaml" --out "$work/s1"
expect_failure "sweep: empty axis" "axes[0].values (line 2): '[]' is not allowed; expected at least one value" sweep "$work/sweep-empty.yaml" --out "$work/s2"
expect_failure "sweep: zip lengths" "expected as many values as axes[0] (2)" sweep "$work/sweep-zip.yaml" --out "$work/s3"
expect_failure "sweep: unknown key" "unknown key 'axs' at the top level" sweep "$work/sweep-unknown.yaml" --out "$work/s4"
printf 'scenario: diverging.yaml\naxes: [{key: duration_ms, values: [10, 20]}]\n' > "$work/sweep-ok.yaml"
expect_failure "sweep: bad shard" "expected K/N with whole numbers" sweep "$work/sweep-ok.yaml" --shard 3/2 --out "$work/s5"
expect_failure "sweep: shards need --out" "--out DIR is required" sweep "$work/sweep-ok.yaml" --shard 0/2
expect_failure "fi: bad currents" "--currents 'x': expected a list" fi "$work/diverging.yaml" --currents x --out "$work/f1"
# A sweep whose second point diverges: exit 3, the first point complete, the error in results.csv.
printf 'scenario: diverging.yaml\naxes: [{key: "stimuli[0].amplitude_pA", values: [1, 1e12]}]\n' > "$work/sweep-fail.yaml"
"$hvnet" sweep "$work/sweep-fail.yaml" --out "$work/s6" --quiet >"$work/s6.log" 2>&1; status=$?
if [ "$status" -eq 3 ] && grep -q '^0,1,0,cell,1,.*,complete$' "$work/s6/results.csv" && grep -q '^1,1e12,0,cell,1,.*diverged' "$work/s6/results.csv"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL sweep with a diverging point: exit $status (expected 3)"; sed 's/^/    /' "$work/s6.log"; cat "$work/s6/results.csv" 2>/dev/null
fi

echo "cli-checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
