#!/usr/bin/env bash
# Checks that the hvnet command line fails clearly on bad input: a non-zero exit and a message
# that names the problem, never a crash. Usage: scripts/cli-checks.sh PATH/TO/hvnet
set -uo pipefail
hvnet=${1:?usage: cli-checks.sh PATH/TO/hvnet}
# For the checks that run hvnet from another directory.
absolute_hvnet=$(cd "$(dirname "$hvnet")" && pwd)/$(basename "$hvnet")
work=$(mktemp -d)
root=$(cd "$(dirname "$0")/.." && pwd)
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

# Transmission delays: a fixed step longer than a delay names both keys; delays reach connectivity.csv.
expect_failure "delay below dt" "connections[0].delay_ms: '0.01' is not allowed; expected with the fixed-step method rk4, delays of 0 or at least solver.dt_ms" validate "$root/scenarios/delay-phase-locking.yaml" --set 'solver={method: rk4, dt_ms: 0.05}' --set 'connections[0].delay_ms=0.01'
expect_failure "negative delay" "connections[0].delay_ms" validate "$root/scenarios/delay-phase-locking.yaml" --set 'connections[0].delay_ms=-1'
"$hvnet" run "$root/scenarios/delay-phase-locking.yaml" --set duration_ms=50 --set 'connections[0].delay_ms=2.5' --out "$work/delay" --quiet >/dev/null 2>&1
grep -qx 'pre,post,receptor,channels,delay_ms' "$work/delay/connectivity.csv" && grep -qx '1,0,AMPA,30.0,2.5' "$work/delay/connectivity.csv" \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL delay_ms column in connectivity.csv"; }

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

# expect_status NAME STATUS PATTERN ARGS...: the command must exit with STATUS and print PATTERN.
expect_status() {
  local name=$1 want=$2 pattern=$3; shift 3
  local out status
  out=$("$hvnet" "$@" 2>&1); status=$?
  if [ "$status" -eq "$want" ] && grep -qF -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $status (expected $want), output:"; echo "$out" | head -c 2000 | sed 's/^/    /'
  fi
}

# Odd option values: each is refused (exit 1) with a message naming the option, never a trap.
printf '%s\n' "$base" > "$work/ok.yaml"
printf 'cell,time_ms\n0,10\n0,20\n1,10\n1,25\n' > "$work/ok.csv"
expect_status "--dt inf" 1 "--dt: 'inf' is not allowed" validate "$work/ok.yaml" --dt inf
expect_status "--dt nan" 1 "--dt: 'nan' is not allowed" run "$work/ok.yaml" --dt nan --out "$work/r1"
expect_status "--dt negative" 1 "--dt: '-1.0' is not allowed" run "$work/ok.yaml" --dt -1 --out "$work/r2"
expect_status "--dt 1e-300" 1 "duration_ms" validate "$work/ok.yaml" --dt 1e-300
expect_status "--hmax inf" 1 "--hmax: 'inf' is not allowed" validate "$work/ok.yaml" --method rkf45 --hmax inf
: > "$work/plain-file"
expect_status "--out under a file (run)" 1 "--out: cannot create $work/plain-file/run: $work/plain-file is a file, not a directory" run "$work/ok.yaml" --out "$work/plain-file/run" --quiet
expect_status "--out under a file (analyze)" 1 "$work/plain-file is a file, not a directory" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --out "$work/plain-file/a"
expect_status "--threads 0" 1 "--threads must be at least 1" run "$work/ok.yaml" --threads 0 --out "$work/r3"
expect_status "--t-stop inf" 1 "--t-stop: 'inf' is not allowed" analyze "$work/ok.csv" --t-start 0 --t-stop inf --out "$work/a5"
expect_status "--t-stop 1e12" 1 "exceeds the limit" analyze "$work/ok.csv" --t-start 0 --t-stop 1e12 --out "$work/a6"
expect_status "--bin-ms 1e-9" 1 "bins (cells × window / bin)" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --bin-ms 1e-9 --out "$work/a7"
expect_status "--kernel-sigma-ms inf" 1 "--kernel-sigma-ms: 'inf' is not allowed" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --kernel-sigma-ms inf --out "$work/a8"
expect_status "--kernel-sigma-ms 1e-9" 1 "cannot be sampled" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --kernel-sigma-ms 1e-9 --out "$work/a9"
expect_status "--kernel-sigma-ms 1e300" 1 "--kernel-sigma-ms" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --kernel-sigma-ms 1e300 --out "$work/a10"
expect_status "--cch-window-bins max" 1 "--cch-window-bins 9223372036854775807" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --cch-window-bins 9223372036854775807 --out "$work/a11"
expect_status "--fano-window-ms 1e-300" 1 "Fano-factor windows" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --fano-window-ms 1e-300 --out "$work/a12"
expect_status "--cells max" 1 "--cells: '9223372036854775807' is not allowed" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --cells 9223372036854775807 --out "$work/a13"
printf 'cell,time_ms\n0,10\n9223372036854775807,12.5\n' > "$work/bigcell.csv"
expect_status "cell index 2^63-1" 1 "line 3, column cell" analyze "$work/bigcell.csv" --t-start 0 --t-stop 100 --out "$work/a14"
expect_status "negative option values" 0 "hvnet analyze" analyze "$work/ok.csv" --t-start -100 --t-stop 100 --out "$work/a15"
expect_status "--vp-cost inf" 0 "hvnet analyze" analyze "$work/ok.csv" --t-start 0 --t-stop 100 --vp-cost inf --measures victor_purpura --out "$work/a16"
expect_status "compare --duration=-5" 1 "--duration must be a positive finite number" compare "$work/ok.yaml" --method rk4:dt=0.01 --duration=-5
expect_status "compare --match-window nan" 1 "--match-window must be a positive finite number" compare "$work/ok.yaml" --method rk4:dt=0.01 --match-window nan
expect_status "compare --threads 0" 1 "--threads must be at least 1" compare "$work/ok.yaml" --method rk4:dt=0.01 --threads 0
expect_status "compare --method rk4:dt=inf" 1 "--method 'rk4:dt=inf'" compare "$work/ok.yaml" --method rk4:dt=inf
expect_status "compare --trials max" 1 "--trials" compare "$work/ok.yaml" --method rk4:dt=0.01 --trials 9223372036854775807
expect_status "compare: a failed reference exits 2" 2 "the reference failed" compare "$work/diverging.yaml" --method rk4:dt=0.05 --duration 20 --out "$work/c1" --quiet
expect_status "diverging run exits 2" 2 "the run diverged" run "$work/diverging.yaml" --out "$work/o8" --quiet

# Scenario values: non-finite numbers, fractions, huge counts, alias bombs, long keys.
printf '%s\n' "$base" | sed 's/duration_ms: 40/duration_ms: 1e300/' > "$work/long.yaml"
printf '%s\n' "$base" | sed 's|dt_ms: 1/70|dt_ms: 1/2/32|' > "$work/fraction.yaml"
printf '%s\n' "$base" | sed 's/duration_ms: 40/duration_ms: .inf/' > "$work/inf.yaml"
printf '%s\nrecording: {interval_ms: 1e-6}\n' "$base" > "$work/trace.yaml"
cat > "$work/bomb.yaml" <<'YAML'
description:
  - &a [x, x, x, x, x, x, x, x, x]
  - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  - &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  - &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  - &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  - &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  - &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
YAML
printf '%s\n' "$base" >> "$work/bomb.yaml"
expect_status "duration 1e300" 1 "duration_ms: '1e+300' is not allowed" validate "$work/long.yaml"
expect_status "nested fraction" 1 "solver.dt_ms (line 2): '1/2/32' is not allowed" validate "$work/fraction.yaml"
expect_status "duration inf" 1 "duration_ms (line 1): '.inf' is not allowed" run "$work/inf.yaml" --out "$work/r4"
expect_status "trace interval 1e-6" 1 "trace file bytes" run "$work/trace.yaml" --out "$work/r5"
[ ! -e "$work/r5" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL trace interval: a directory was created"; }
expect_status "alias bomb" 1 "too large to read" validate "$work/bomb.yaml"
expect_status "validate prints the estimate" 0 "estimate: 1 cell(s)" validate "$work/ok.yaml"

# Run directories: a foreign directory is refused; a re-run leaves only the new run's files.
mkdir -p "$work/foreign" && echo mine > "$work/foreign/notes.txt"
expect_status "foreign directory" 1 "is not an output directory of this hvnet command" run "$work/ok.yaml" --out "$work/foreign" --quiet
"$hvnet" run "$work/ok.yaml" --out "$work/again" --quiet && "$hvnet" run "$work/ok.yaml" --out "$work/again" --quiet
if [ -f "$work/again/scenario.yaml" ] && grep -q '"status": "complete"' "$work/again/summary.json" && ! ls -a "$work/again" | grep -q '\.tmp$'; then
  passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL re-run: $(ls -a "$work/again")"; fi
expect_status "resolved scenario reproduces the run" 0 "wrote" run "$work/again/scenario.yaml" --out "$work/again2"

# Success paths: every command exits 0 and writes its files.
# expect_success NAME DIR FILES... -- ARGS...: exit 0, and each FILE exists and is non-empty in DIR.
expect_success() {
  local name=$1 dir=$2; shift 2
  local files=()
  while [ "$1" != "--" ]; do files+=("$1"); shift; done
  shift
  local out status missing=""
  out=$("$hvnet" "$@" 2>&1); status=$?
  for f in "${files[@]}"; do [ -s "$dir/$f" ] || missing="$missing $f"; done
  if [ "$status" -eq 0 ] && [ -z "$missing" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $status, missing:${missing:- none}, output:"; echo "$out" | sed 's/^/    /'
  fi
}

printf '%s\n' "$base" > "$work/seed.yaml"
expect_success "validate" "$work" seed.yaml -- validate "$work/seed.yaml"
# validate takes run's shorthands, and the estimate follows them.
out=$("$hvnet" validate "$work/seed.yaml" --duration 7 --trials 3 --seed 5 2>&1)
echo "$out" | grep -q ', 7.0 ms' && echo "$out" | grep -q '× 3 trial(s)' \
  && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL validate --duration/--trials: $out"; }
expect_failure "validate --duration bad" "duration_ms" validate "$work/seed.yaml" --duration -1
expect_success "run" "$work/ok-r1" spikes.csv connectivity.csv summary.json traces.csv voltage.svg -- run "$work/seed.yaml" --out "$work/ok-r1" --quiet
expect_success "compare" "$work/ok-c1" compare.json compare.csv -- compare "$work/seed.yaml" --duration 5 --method rk4:dt=0.05 --out "$work/ok-c1" --quiet
printf 'cell,time_ms\n0,10\n0,30\n1,20\n' > "$work/ok2.csv"
expect_success "analyze" "$work/ok-a5" analysis.json -- analyze "$work/ok2.csv" --t-start 0 --t-stop 100 --cells 2 --out "$work/ok-a5"
expect_success "help" "$work" seed.yaml -- --help

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
expect_status "sweep: --out under a file" 1 "--out: cannot create $work/plain-file/sw: $work/plain-file is a file, not a directory" sweep "$work/sweep-ok.yaml" --out "$work/plain-file/sw" --quiet
expect_failure "fi: bad currents" "--currents 'x': value 1 'x' is not a finite number" fi "$work/diverging.yaml" --currents x --out "$work/f1"
# A sweep whose second point diverges: exit 3, the first point complete, the error in results.csv.
printf 'scenario: diverging.yaml\naxes: [{key: "stimuli[0].amplitude_pA", values: [1, 1e12]}]\n' > "$work/sweep-fail.yaml"
"$hvnet" sweep "$work/sweep-fail.yaml" --out "$work/s6" --quiet >"$work/s6.log" 2>&1; status=$?
if [ "$status" -eq 3 ] && grep -q '^0,1,0,cell,1,.*,complete$' "$work/s6/results.csv" && grep -q '^1,1e12,0,cell,1,.*diverged' "$work/s6/results.csv"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL sweep with a diverging point: exit $status (expected 3)"; sed 's/^/    /' "$work/s6.log"; cat "$work/s6/results.csv" 2>/dev/null
fi

# Found by trying hvnet as a hostile user would: each is a clear refusal, never a trap.
expect_status "compare: empty method name" 1 "unknown method ''" compare "$work/seed.yaml" --duration 5 --method ':dt=1'
printf 'scenario: %s\naxes: [{key: noise.sd_pA, linspace: [0, 1, 10000]}, {key: noise.mean_pA, linspace: [0, 1, 10000]}]\n' "$work/seed.yaml" > "$work/sweep-huge.yaml"
expect_status "sweep: too many points" 1 "at most 10000 points" sweep "$work/sweep-huge.yaml" --out "$work/s-huge"
printf 'scenario: %s\naxes: [{key: duration_ms, range: {from: 1/2, to: 2, step: 1/2}}]\n' "$work/seed.yaml" > "$work/sweep-frac.yaml"
if "$hvnet" sweep "$work/sweep-frac.yaml" --out "$work/s-frac" --quiet >/dev/null 2>&1 && [ "$(cut -d, -f2 "$work/s-frac/points.csv" | tail -n +2 | tr '\n' ' ')" = "0.5 1 1.5 2 " ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL sweep: fractions in range:"; cat "$work/s-frac/points.csv" 2>/dev/null
fi
mkdir -p "$work/foreign2" && echo keep > "$work/foreign2/results.csv"
expect_status "sweep into a foreign directory" 1 "is not an output directory of this hvnet command" sweep "$work/sweep-frac.yaml" --out "$work/foreign2"
expect_status "analyze into a foreign directory" 1 "is not an output directory of this hvnet command" analyze "$work/ok2.csv" --t-start 0 --t-stop 100 --out "$work/foreign2"
grep -q keep "$work/foreign2/results.csv" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL a foreign file was overwritten"; }
expect_status "negative --duration is a value, refused by range" 1 "--duration" fi "$work/seed.yaml" --currents 200 --duration -1

# Adaptive methods take no step cap by default: their cost estimate must use the block length
# the run uses, so a noisy compare or run is not refused.
expect_success "compare rkf45 on a noisy network" "$work/ok-c2" compare.json -- compare "$root/scenarios/ten-cell-ei.yaml" --duration 50 --method rkf45:rtol=1e-6 --out "$work/ok-c2" --quiet
expect_success "run rkf45 on a noisy network" "$work/ok-r3" spikes.csv -- run "$root/scenarios/ten-cell-ei.yaml" --duration 50 --method rkf45 --out "$work/ok-r3" --quiet

# Poisson input: its keys are key paths for --set; a huge rate is refused by the estimate.
expect_success "poisson input with --set" "$work/ok-p1" spikes.csv -- run "$root/scenarios/poisson-driven-network.yaml" --duration 50 --set "stimuli[0].rate_Hz=800" --set "stimuli[1].shared=false" --out "$work/ok-p1" --quiet
expect_status "poisson rate × duration × cells" 1 "Poisson input spikes per trial" validate "$root/scenarios/poisson-driven-network.yaml" --set "stimuli[0].rate_Hz=1e6"
expect_status "poisson negative rate" 1 "stimuli[0].rate_Hz" validate "$root/scenarios/poisson-driven-network.yaml" --set "stimuli[0].rate_Hz=-5"
# Names with terminal control characters are printed escaped.
printf 'name: "evil\\e[2J"\nduration_ms: 5\nsolver: {method: rk4, dt_ms: 1/32}\npopulations: [{name: "p\\e]0;x\\a", size: 1}]\n' > "$work/evil.yaml"
evil_out=$("$hvnet" run "$work/evil.yaml" --out "$work/evil" 2>&1)
if printf '%s' "$evil_out" | grep -q $'\e' || ! printf '%s' "$evil_out" | grep -qF 'evil\u{1B}[2J'; then
  failed=$((failed + 1)); echo "FAIL a control character from a name reached the terminal"
else
  passed=$((passed + 1))
fi
# One trial on two threads splits the network (W1000 has at least 128 cells): the same spikes.csv
# byte for byte, and summary.json says how many threads evaluated it.
expect_success "run W1000 on one thread" "$work/split1" spikes.csv -- run "$root/Benchmarks/workloads/random-1000.yaml" --duration 40 --threads 1 --out "$work/split1" --quiet
expect_success "run W1000 split over two threads" "$work/split2" spikes.csv -- run "$root/Benchmarks/workloads/random-1000.yaml" --duration 40 --threads 2 --out "$work/split2" --quiet
if cmp -s "$work/split1/spikes.csv" "$work/split2/spikes.csv" && grep -q '"cell_threads": 2' "$work/split2/summary.json"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL a network split over two threads changed spikes.csv or was not split"
fi
# A failed write of run.nwb (a file-size limit inside HDF5) is an error (exit 2) naming the file
# and the system's reason (it named HDF5's temporary file), not a crash at exit in HDF5's own
# clean-up (it was SIGSEGV, exit 139).
out=$( (trap '' XFSZ; ulimit -f 775; "$hvnet" run "$root/Benchmarks/workloads/random-1000.yaml" --duration 100 --nwb \
  --out "$work/nwb-fsize" --quiet) 2>&1); status=$?
if [ "$status" -eq 2 ] && grep -q "cannot write .*run.nwb: File too large" <<<"$out" && ! grep -q "crashed" <<<"$out"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL failed write of run.nwb: exit $status, output: $(head -c 300 <<<"$out")"
fi
# A write that fails after the loop (a file-size limit: spikes.csv too large, or the raster) ends
# the output as the serial order does, on one and on two threads (which make the outputs
# concurrently): the same file named, no plot left after a failed spikes.csv, and summary.json
# saying status failed (it said running).
for limit in 400 4000; do
  for threads in 1 2; do
    rm -rf "$work/fsize-$threads"
    out=$( (trap '' XFSZ; ulimit -f "$limit"; "$hvnet" run "$root/Benchmarks/workloads/random-1000.yaml" --duration "$([ "$limit" = 400 ] && echo 150 || echo 600)" \
      --threads "$threads" --out "$work/fsize-$threads" --quiet) 2>&1); status=$?
    echo "$status $(grep -o 'cannot write [^:]*' <<<"$out" | sed "s|$work/fsize-$threads/||") $(ls "$work/fsize-$threads" | tr '\n' ' ')$(grep -o '"status": "[a-z]*"' "$work/fsize-$threads/summary.json")" > "$work/fsize-$threads.seen"
  done
  want=$([ "$limit" = 400 ] && echo "2 cannot write spikes.csv connectivity.csv scenario.yaml summary.json \"status\": \"failed\"" \
    || echo "2 cannot write raster.svg connectivity.csv scenario.yaml spikes.csv summary.json \"status\": \"failed\"")
  if [ "$(cat "$work/fsize-1.seen")" = "$want" ] && [ "$(cat "$work/fsize-2.seen")" = "$want" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL failed write (ulimit -f $limit): 1 thread '$(cat "$work/fsize-1.seen")', 2 threads '$(cat "$work/fsize-2.seen")', expected '$want'"
  fi
done

# Solver options on the command line are part of the scenario before it is checked: a delay
# drawn from a lognormal needs an adaptive method, and --method rkf45 gives one; --method rk4
# with --set solver.dt_ms turns an adaptive scenario into a fixed-step one.
printf 'duration_ms: 20\nsolver: {method: rk4, dt_ms: 1/32}\npopulations: [{name: P, size: 2, initial: rest}]\nconnections:\n  - {receptor: AMPA, from: P, to: P, rule: all_to_all, channels_per_contact: 20, delay_ms: {distribution: lognormal, mean: 2, sd: 1}}\n' > "$work/lognormal-delay.yaml"
expect_status "lognormal delay with rk4" 1 "use an adaptive method such as rkf45" validate "$work/lognormal-delay.yaml"
expect_success "lognormal delay with --method rkf45" "$work/ok-m1" spikes.csv -- run "$work/lognormal-delay.yaml" --method rkf45 --out "$work/ok-m1" --quiet
printf 'duration_ms: 20\nsolver: {method: rkf45, rtol: 1e-6}\npopulations: [{name: c, size: 1}]\n' > "$work/adaptive.yaml"
expect_success "--method rk4 with --set solver.dt_ms on an adaptive scenario" "$work/ok-m2" spikes.csv -- run "$work/adaptive.yaml" --method rk4 --set solver.dt_ms=0.05 --out "$work/ok-m2" --quiet
expect_status "--dt with an adaptive method" 1 "--dt: rkf45 is adaptive" validate "$work/adaptive.yaml" --dt 0.01

# A population without a stable resting state is input: run, fi and compare refuse it with exit 1
# before writing anything (no directory left behind).
printf 'duration_ms: 20\nsolver: {method: rk4, dt_ms: 1/64}\npopulations:\n  - {name: a, size: 2}\n  - {name: b, size: 2, parameters: {KaD: {reversal_mV: 50}}}\n' > "$work/no-rest.yaml"
expect_status "no resting state (run)" 1 "populations[1].initial" run "$work/no-rest.yaml" --out "$work/no-rest-run" --quiet
if [ -e "$work/no-rest-run" ]; then failed=$((failed + 1)); echo "FAIL a refused run left $work/no-rest-run"; else passed=$((passed + 1)); fi
expect_status "no resting state (fi)" 1 "populations[1].initial" fi "$work/no-rest.yaml" --currents 100 --population a --out "$work/no-rest-fi" --quiet
expect_status "no resting state (compare)" 1 "populations[1].initial" compare "$work/no-rest.yaml" --method rk4:dt=0.03125 --out "$work/no-rest-cmp" --quiet
if [ -e "$work/no-rest-fi" ] || [ -e "$work/no-rest-cmp" ]; then failed=$((failed + 1)); echo "FAIL a refused fi or compare left outputs"; else passed=$((passed + 1)); fi
# Rates that overflow at rest: no fixed step can follow them (validate said "valid" before).
expect_status "overflowing rates with a fixed step" 1 "populations[0].parameters: 'rates that overflow'" validate "$work/no-rest.yaml" --set 'populations[1].parameters.KaD.reversal_mV=-90' --set 'populations[0].parameters.KaD.amplitude_pA=1e308'
expect_status "empty --out" 1 "--out: '' is not allowed" run "$work/no-rest.yaml" --out ''
expect_status "blank --out" 1 "is a name of blanks or with a control character" run "$work/adaptive.yaml" --out "$work/ " --quiet
expect_status "--out with a newline" 1 "is a name of blanks or with a control character" fi "$work/adaptive.yaml" --currents 100 --population c --out "$work/a"$'\n'"b" --quiet
# A run that diverges names the same cell on one and on three threads: the cell whose own
# parameters blow up (140), not one its NaN reached through a dense product, and not cell 0.
python3 - "$work/nan-spread.yaml" <<'PY'
import sys
rows = ", ".join("[%d]" % ((1 + i % 2) if 50 <= i < 70 else 0) for i in range(140))
open(sys.argv[1], "w").write("""duration_ms: 5
solver: {method: rkf45}
noise: {mean_pA: 100, sd_pA: 10, tau_ms: 5}
populations:
  - {name: A, size: 140}
  - {name: B, size: 1, parameters: {KaD: {amplitude_pA: 1e200}}}
connections:
  - {receptor: AMPA, from: B, to: A, rule: explicit, matrix: [%s], channels_per_contact: 10}
recording: {cells: none}
""" % rows)
PY
expect_status "diverging cell on one thread" 2 "cell 140 (v) became NaN or infinite" run "$work/nan-spread.yaml" --threads 1 --out "$work/nan1" --quiet
expect_status "diverging cell on three threads" 2 "cell 140 (v) became NaN or infinite" run "$work/nan-spread.yaml" --threads 3 --out "$work/nan3" --quiet
# A cell driven by 1e14 pA blows up within one step and its NaN reaches the 40 cells it drives
# (0-39) in the same step: the message names the cell that blew up (150), not the first NaN (0),
# for fixed and adaptive steps, plain and shifted noise, on one and two threads (plain fixed steps
# on two threads run several steps as one job).
python3 - "$work/blow-up.yaml" <<'PY'
import sys
rows = ", ".join("[%s]" % ", ".join("1" if (j == 150 and i < 40) else "0" for j in range(200)) for i in range(200))
open(sys.argv[1], "w").write("""duration_ms: 20
solver: {method: rk4, dt_ms: 1/64}
noise: {mean_pA: 100, sd_pA: 10, tau_ms: 5}
populations:
  - {name: A, size: 200}
connections:
  - {receptor: AMPA, from: A, to: A, rule: explicit, matrix: [%s], channels_per_contact: 10}
stimuli:
  - {type: current_step, amplitude_pA: 1e14, cells: [150], windows_ms: [[5, 20]]}
recording: {cells: none}
""" % rows)
PY
for variant in "rk4 plain 1" "rk4 plain 2" "rk4 shifted 2" "heun shifted 1" "heun plain 2" "bs32-dyadic plain 2"; do
  read -r method noise threads <<<"$variant"
  expect_status "cell that blows up within a step ($method, $noise noise, $threads thread(s))" 2 "cell 150 (v) became NaN or infinite" \
    run "$work/blow-up.yaml" --method "$method" --set "solver.noise_integration=$noise" --threads "$threads" --out "$work/blow-up-$method-$threads" --quiet
done
# The same with a cell whose own parameters blow up at the first step (cell 150, driving 0-39),
# for GSL's methods too: their callbacks and Jacobian name the cell, not the first NaN (0) a
# stage or a linear solve spread.
python3 - "$work/blow-up-t0.yaml" <<'PY'
import sys
rows = ", ".join("[%d]" % (1 if i < 40 else 0) for i in range(150))
open(sys.argv[1], "w").write("""duration_ms: 5
solver: {method: rk4, dt_ms: 1/64, noise_integration: plain}
noise: {mean_pA: 100, sd_pA: 10, tau_ms: 5}
populations:
  - {name: A, size: 150}
  - {name: B, size: 1, parameters: {KaD: {gain: 1e300}}, initial: {v_mV: -60, w: 0.01}}
  - {name: C, size: 49}
connections:
  - {receptor: AMPA, from: B, to: A, rule: explicit, matrix: [%s], channels_per_contact: 10}
recording: {cells: none}
""" % rows)
PY
for variant in "rkf45 1" "rk8pd 2" "bsimp 1" "msbdf 2" "euler 2"; do
  read -r method threads <<<"$variant"
  expect_status "cell whose parameters blow up ($method, $threads thread(s))" 2 "cell 150 (" \
    run "$work/blow-up-t0.yaml" --method "$method" --threads "$threads" --out "$work/blow-up-t0-$method" --quiet
done

# A run killed at any moment stops: at once (the default action, before the handler is in place)
# or through the handler (summary.json says interrupted); never runs on to completion.
# What the handler says matches summary.json; a second signal adds nothing.
for delay in 0 0.002 0.01 0.02 0.03 0.05 0.3; do
  rm -rf "$work/killed"
  "$hvnet" run "$root/scenarios/random-100.yaml" --out "$work/killed" --quiet >/dev/null 2>"$work/killed.err" &
  victim=$!; sleep "$delay"; kill -TERM "$victim" 2>/dev/null; kill -INT "$victim" 2>/dev/null; wait "$victim"; status=$?
  said_ok=yes
  if grep -q 'says status: interrupted' "$work/killed.err"; then
    grep -q '"status": "interrupted"' "$work/killed/summary.json" 2>/dev/null || said_ok=no
  fi
  [ "$(grep -c '^hvnet:' "$work/killed.err")" -le 1 ] && ! grep -q '^Error' "$work/killed.err" || said_ok=no
  if { [ "$status" -eq 143 ] || [ "$status" -eq 130 ]; } && [ "$said_ok" = yes ] && ! grep -q '"status": "complete"' "$work/killed/summary.json" 2>/dev/null; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL SIGTERM after ${delay} s: exit $status, said: $(cat "$work/killed.err")"
  fi
done

# Without --out the run makes its directory under runs/: a kill at any moment leaves none empty
# (the handlers are in place before the directory is made). The window this guards was well
# under a millisecond, about 50 ms after the start here, so the kills cover 0-100 ms finely.
mkdir -p "$work/no-out"
for delay in 0 0.01 0.02 0.03 $(seq 0.040 0.003 0.080) 0.1; do
  (cd "$work/no-out" && exec "$absolute_hvnet" run "$root/scenarios/random-100.yaml" --quiet >/dev/null 2>&1) &
  victim=$!; sleep "$delay"; kill -TERM "$victim" 2>/dev/null; wait "$victim"
done
empty=$(find "$work/no-out/runs" -mindepth 1 -maxdepth 1 -type d -empty 2>/dev/null | wc -l)
if [ "$empty" -eq 0 ]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL killed runs without --out left $empty empty run directories"; fi

# A signal the shell started hvnet with ignored stays ignored (a script's background job has
# SIGINT ignored): the run completes. SIGTERM still stops it.
"$hvnet" run "$root/scenarios/random-100.yaml" --duration 1000 --out "$work/ignored-int" --quiet >/dev/null 2>&1 &
victim=$!; sleep 0.3; kill -INT "$victim" 2>/dev/null; wait "$victim"; status=$?
if [ "$status" -eq 0 ] && grep -q '"status": "complete"' "$work/ignored-int/summary.json"; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL an inherited SIGINT-ignore was not kept: exit $status"; fi

# An analysis stopped before it wrote anything leaves no directory it made itself (either it
# finished first and its outputs are complete, or the directory is gone).
python3 - "$work/many-spikes.csv" <<'PY'
import random, sys
random.seed(1)
rows = sorted((random.uniform(0, 20000), c) for c in range(60) for _ in range(400))
with open(sys.argv[1], "w") as f:
    f.write("cell,time_ms\n")
    for t, c in rows: f.write("%d,%.4f\n" % (c, t))
PY
# The directory appears only when the outputs are written, at the end: kills at fractions of
# the time a whole analysis takes here.
start=$EPOCHREALTIME
"$hvnet" analyze "$work/many-spikes.csv" --t-start 0 --t-stop 20000 --out "$work/an-whole" >/dev/null 2>&1
whole=$(echo "$EPOCHREALTIME - $start" | bc)
for fraction in 0.3 0.6 0.75 0.85 0.92 0.97; do
  delay=$(echo "$whole * $fraction" | bc)
  rm -rf "$work/an-killed"
  "$hvnet" analyze "$work/many-spikes.csv" --t-start 0 --t-stop 20000 --out "$work/an-killed" >/dev/null 2>&1 &
  victim=$!; sleep "$delay"; kill -TERM "$victim" 2>/dev/null; wait "$victim"; status=$?
  if { [ "$status" -eq 143 ] && [ ! -e "$work/an-killed" ]; } || { [ "$status" -eq 0 ] && [ -f "$work/an-killed/analysis.json" ]; }; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL analyze killed after ${delay} s: exit $status, left: $(ls -A "$work/an-killed" 2>&1 | head -3)"
  fi
done

# A sweep stopped before its first point completed removes the directories it made (its --out,
# the parents it made, points/); a pre-existing --out is kept, without an empty points/ in it.
mkdir -p "$work/sweep-pre"
for target in "$work/sweep-new/a/out" "$work/sweep-pre"; do
  "$hvnet" sweep "$root/scenarios/sweeps/ci-2x2.yaml" --out "$target" --quiet >/dev/null 2>&1 &
  victim=$!; sleep 0.05; kill -TERM "$victim" 2>/dev/null; wait "$victim"; status=$?
  if [ "$status" -eq 0 ] || { [ "$status" -eq 143 ] && [ ! -e "$work/sweep-new" ] && [ -d "$work/sweep-pre" ] && [ ! -e "$work/sweep-pre/points" ]; }; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL sweep into $target killed at 50 ms: exit $status, left: $(find "$work/sweep-new" "$work/sweep-pre" 2>/dev/null | head -5 | tr '\n' ' ')"
  fi
done

# One-character and nested relative --out names (Foundation's path methods trapped on "s"):
# every command completes.
mkdir -p "$work/short-names"
printf 'cell,time_ms\n0,10\n1,20\n0,500\n' > "$work/short-names/sp.csv"
for command in "sweep $root/scenarios/sweeps/ci-2x2.yaml --out s --quiet" \
               "analyze sp.csv --t-start 0 --t-stop 1000 --out v" \
               "compare $root/scenarios/ten-cell-ei.yaml --duration 5 --method rk4:dt=0.0625 --out y --quiet" \
               "fi $root/scenarios/ten-cell-ei.yaml --population E --currents 150 --duration 100 --out f/g --quiet"; do
  (cd "$work/short-names" && "$absolute_hvnet" $command >/dev/null 2>&1); status=$?
  if [ "$status" -eq 0 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL short --out name: hvnet $command: exit $status"; fi
done

echo "cli-checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
