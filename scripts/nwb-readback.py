#!/usr/bin/env python3
"""Checks an hvnet NWB export against the CSV files of the same run.

usage: nwb-readback.py FILE.nwb SPIKES.csv [TRACES.csv ...]

1. pynwb reads the file; the Units table's spike times equal time_ms / 1000 of SPIKES.csv
   exactly (per cell, or per trial and cell when SPIKES.csv has a trial column), and every
   trace column of TRACES.csv equals the TimeSeries processing/hvnet/cell<K>_<variable>
   (time_ms / 1000, v_mV / 1000, w, <current>_pA / 1e12).
2. nwbinspector finds nothing CRITICAL (nor a crashed check or a pynwb validation error);
   other findings are printed.
3. Neo's NWBIO reads one spike train per unit with the same spike times.

Exits 0 when every check passes, 1 otherwise. Needs pynwb, nwbinspector, neo, numpy.
"""
import csv
import sys
import warnings
from collections import defaultdict

import numpy as np

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def expected_spikes(path):
    """{(trial, cell) or cell: [seconds]} from spikes.csv, in file order."""
    header, rows = read_csv(path)
    trials = header[0] == "trial"
    spikes = defaultdict(list)
    for row in rows:
        if trials:
            spikes[(int(row[0]), int(row[1]))].append(float(row[2]) / 1000)
        else:
            spikes[int(row[0])].append(float(row[1]) / 1000)
    return trials, spikes


def check_pynwb(nwb_path, spikes_path, trace_paths):
    from pynwb import NWBHDF5IO

    trials, expected = expected_spikes(spikes_path)
    with NWBHDF5IO(nwb_path, mode="r") as io:
        nwbfile = io.read()
        print(f"pynwb: read {nwb_path}: identifier {nwbfile.identifier}, session start {nwbfile.session_start_time}")
        units = nwbfile.units
        if units is None:
            fail("pynwb: no units table")
            return {}
        ids = list(units.id[:])
        columns = set(units.colnames)
        by_key = {}
        for row, uid in enumerate(ids):
            times = np.asarray(units.get_unit_spike_times(row), dtype=float)
            if trials:
                if not {"trial", "cell"} <= columns:
                    fail("pynwb: spikes.csv has trials but the units table has no trial/cell columns")
                    return {}
                key = (int(units["trial"][row]), int(units["cell"][row]))
            else:
                key = int(uid)
            by_key[key] = times
        missing = set(expected) - set(by_key)
        if missing:
            fail(f"pynwb: cells with spikes but no unit: {sorted(missing)[:10]}")
        mismatched = [k for k, times in by_key.items() if not np.array_equal(times, np.asarray(expected.get(k, []), dtype=float))]
        if mismatched:
            fail(f"pynwb: spike times differ for {len(mismatched)} unit(s), e.g. {mismatched[:5]}")
        total = sum(len(t) for t in by_key.values())
        print(f"pynwb: {len(ids)} units, {total} spikes; spike times equal spikes.csv exactly: {not mismatched and not missing}")
        if "population" in columns:
            print("pynwb: populations:", sorted(set(units["population"][:])))

        module = nwbfile.processing.get("hvnet")
        if module is not None and "connectivity" in module.data_interfaces:
            print(f"pynwb: connectivity table with {len(module['connectivity'])} rows")
        for trace_path in trace_paths:
            header, rows = read_csv(trace_path)
            data = np.array([[float(x) for x in row] for row in rows], dtype=float).reshape(len(rows), len(header))
            time_s = data[:, 0] / 1000
            checked = 0
            for k, column in enumerate(header[1:], start=1):
                cell, _, variable = column.partition("_")
                if variable == "v_mV":
                    name, values = f"{cell}_v", data[:, k] / 1e3
                elif variable.endswith("_pA"):
                    name, values = f"{cell}_{variable[:-3]}", data[:, k] / 1e12
                else:
                    name, values = f"{cell}_{variable}", data[:, k]
                if module is None or name not in module.data_interfaces:
                    fail(f"pynwb: no TimeSeries processing/hvnet/{name} for {trace_path} column {column}")
                    continue
                series = module[name]
                if not np.array_equal(np.asarray(series.timestamps[:]), time_s):
                    fail(f"pynwb: {name} timestamps differ from {trace_path} time_ms / 1000")
                if not np.array_equal(np.asarray(series.data[:]), values):
                    diff = np.max(np.abs(np.asarray(series.data[:]) - values))
                    fail(f"pynwb: {name} data differ from {trace_path} column {column} (max |diff| {diff})")
                checked += 1
            print(f"pynwb: {trace_path}: {checked} of {len(header) - 1} trace columns equal exactly ({len(rows)} samples)")
        return by_key


def check_inspector(nwb_path):
    from nwbinspector import Importance, inspect_nwbfile

    messages = list(inspect_nwbfile(nwbfile_path=nwb_path))
    blocking = {Importance.CRITICAL, Importance.ERROR, Importance.PYNWB_VALIDATION}
    for m in messages:
        print(f"nwbinspector: {m.importance.name}: {m.check_function_name} at {m.location or '/'}: {m.message}")
    bad = [m for m in messages if m.importance in blocking]
    if bad:
        fail(f"nwbinspector: {len(bad)} CRITICAL/ERROR/validation finding(s)")
    print(f"nwbinspector: {len(messages)} finding(s), {len(bad)} critical")


def check_neo(nwb_path, by_key):
    from neo.io import NWBIO

    io = NWBIO(nwb_path, mode="r")
    blocks = io.read_all_blocks()
    trains = [st for block in blocks for segment in block.segments for st in segment.spiketrains]
    print(f"neo: {len(blocks)} block(s), {len(trains)} spike train(s)")
    if len(trains) != len(by_key):
        fail(f"neo: {len(trains)} spike trains for {len(by_key)} units")
        return
    got = sorted(tuple(np.asarray(st.rescale("s").magnitude, dtype=float)) for st in trains)
    want = sorted(tuple(t) for t in by_key.values())
    if got != want:
        fail("neo: spike times differ from the units table")
    else:
        print("neo: spike trains equal the units table exactly")


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    nwb_path, spikes_path, trace_paths = argv[1], argv[2], argv[3:]
    warnings.simplefilter("default")
    by_key = check_pynwb(nwb_path, spikes_path, trace_paths)
    check_inspector(nwb_path)
    try:
        check_neo(nwb_path, by_key)
    except Exception as error:  # report Neo's failure as a check failure, not a crash
        fail(f"neo: {type(error).__name__}: {error}")
    print("OK" if not failures else f"{len(failures)} check(s) failed")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
