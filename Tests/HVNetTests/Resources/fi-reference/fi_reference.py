#!/usr/bin/env python3
"""Independent f-I reference of hvnet's default Herrera-Valdez cell.

One noise-free cell with the default parameters of the model reference (MODEL.md sections 2-4)
receives a constant current I (pA, depolarising positive) for the whole run, starting from the
resting state of the cell without input (hvnet's default initial condition, `initial` omitted =
`rest`). The model is written here directly in physical units (mV, pA, pF, ms), not in hvnet's
normalised units:

    C dv/dt = -( i_NaT + i_KaD + i_NaKa ) + I

    i_x(v)  = N_x a_x eta_x [ exp((1 - r_x) u_x) - exp(-r_x u_x) ],  u_x = eta_x (v - v_x) / v_T
    i_NaT   = m_inf(v) (1 - w) i_NaT-all-open(v),  i_KaD = w i_KaD-all-open(v)
    m_inf   = sigma(g_m (v - v_m) / v_T),  x_w = g_w (v - v_w) / v_T,  w_inf = sigma(x_w)
    dw/dt   = w^kappa r_w [exp(b_w x_w) + exp((b_w - 1) x_w)] (w_inf - w)

It integrates with scipy's solve_ivp (LSODA, rtol 1e-10, atol 1e-12) and locates spikes
(upward crossings of -20 mV) with an event function. For each current it reports the
steady-state rate (n - 1) / (t_last - t_first) over the spikes after the transient, the rate from
the period of the limit cycle (the last interspike interval), and the first spike time. It also
finds the onset of repetitive firing: the fold (saddle-node) of the resting branch from the
fixed-point equations, and by bisection on "fires repetitively" from the default initial state.

Usage (from the repository root):

    py="$(scripts/python-env.sh | tail -n 1)"
    "$py" Tests/HVNetTests/Resources/fi-reference/fi_reference.py [--out FILE] [--quick]

Writes fi_reference.json next to this script unless --out is given.
"""

import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

# ----------------------------------------------------------------------------------------------
# Default parameters (MODEL.md section 4, the notebook's `pars`), physical units.
# ----------------------------------------------------------------------------------------------
C_M = 20.0          # pF
V_T = 26.7          # mV, kT/q
V_NA, V_K, V_ATP = 60.0, -90.0, -430.0
V_NAKA = 3 * V_NA - 2 * V_K + V_ATP   # -70 mV, Na/K ATPase reversal

# name: (units N, amplitude a in pA, charge eta, rectification r, reversal in mV)
TRANSPORTERS = {
    "NaT":  (1400.0, 1.2, -1.0, 0.5, V_NA),
    "KaD":  (4500.0, 1.0, +1.0, 0.5, V_K),
    "NaKa": (200.0, 1.0, +1.0, 0.5, V_NAKA),
}
G_M, V_M = 5.0, -17.0        # NaT activation gain, half-activation (mV)
G_W, V_W = 3.5, 0.0          # KaD activation gain, half-activation (mV)
R_W, B_W, KAPPA = 2.0, 0.3, 1.0   # 1/ms, bias, exponent of w

THRESHOLD_MV = -20.0
CURRENTS_PA = [157.2, 160.0, 170.0, 180.0, 200.0, 220.0, 250.0, 275.0, 300.0, 350.0, 400.0]
DURATION_MS = 3000.0
TRANSIENT_MS = 1500.0
METHOD, RTOL, ATOL = "LSODA", 1e-10, 1e-12
MAX_STEP_MS = 1.0   # keeps the event detection from stepping over a spike


def sigma(x):
    """Logistic function e^x / (1 + e^x) in its overflow-free tanh form (works on complex x)."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def unit_current(v, name):
    """Current in pA of all N_x transporters of one kind, fully open/active, outward positive."""
    n, a, eta, r, v_rev = TRANSPORTERS[name]
    u = eta * (v - v_rev) / V_T
    return n * a * eta * (np.exp((1.0 - r) * u) - np.exp(-r * u))


def m_inf(v):
    return sigma(G_M * (v - V_M) / V_T)


def w_inf(v):
    return sigma(G_W * (v - V_W) / V_T)


def w_rate(v):
    x = G_W * (v - V_W) / V_T
    return R_W * (np.exp(B_W * x) + np.exp((B_W - 1.0) * x))


def ionic_current(v, w):
    """i_NaT + i_KaD + i_NaKa in pA, outward positive."""
    return (m_inf(v) * (1.0 - w) * unit_current(v, "NaT")
            + w * unit_current(v, "KaD")
            + unit_current(v, "NaKa"))


def rhs(t, state, current_pa):
    v, w = state
    dv = (current_pa - ionic_current(v, w)) / C_M
    dw = (w ** KAPPA) * w_rate(v) * (w_inf(v) - w)
    return [dv, dw]


def jacobian(v, w, current_pa):
    """2x2 Jacobian of (dv/dt, dw/dt) by complex-step differentiation (exact to rounding)."""
    h = 1e-30
    f = lambda vv, ww: np.array(rhs(0.0, (vv, ww), current_pa), dtype=complex)
    return np.column_stack([f(v + 1j * h, w).imag / h, f(v, w + 1j * h).imag / h])


# ----------------------------------------------------------------------------------------------
# Fixed points: on the w-nullcline w = w_inf(v), dv/dt = 0 <=> I = I_ss(v).
# ----------------------------------------------------------------------------------------------
def steady_current(v):
    """I_ss(v) = i_ion(v, w_inf(v)): the input current that makes v a fixed point."""
    return ionic_current(v, w_inf(v))


def steady_current_slope(v):
    h = 1e-30
    return np.imag(steady_current(v + 1j * h)) / h


def classify(v, current_pa):
    j = jacobian(v, float(w_inf(v)), current_pa)
    det, tr = np.linalg.det(j), np.trace(j)
    kind = "saddle" if det < 0 else ("stable" if tr < 0 else "unstable")
    return kind, [complex(e) for e in np.linalg.eigvals(j)]


def fixed_points(current_pa, lo=-150.0, hi=100.0, step=0.05):
    grid = np.arange(lo, hi + step / 2, step)
    g = steady_current(grid) - current_pa
    points = []
    for a, b, ga, gb in zip(grid[:-1], grid[1:], g[:-1], g[1:]):
        if ga == 0 or (ga < 0) != (gb < 0):
            v = brentq(lambda x: steady_current(x) - current_pa, a, b, xtol=1e-13, rtol=4 * np.finfo(float).eps)
            kind, eig = classify(v, current_pa)
            points.append({"v_mV": v, "w": float(w_inf(v)), "stability": kind,
                           "eigenvalues_per_ms": [[e.real, e.imag] for e in eig]})
    return points


def folds(lo=-150.0, hi=100.0, step=0.05):
    """Local extrema of I_ss(v): the saddle-node currents of the fixed-point curve."""
    grid = np.arange(lo, hi + step / 2, step)
    s = steady_current_slope(grid)
    out = []
    for a, b, sa, sb in zip(grid[:-1], grid[1:], s[:-1], s[1:]):
        if (sa < 0) != (sb < 0):
            v = brentq(steady_current_slope, a, b, xtol=1e-13, rtol=4 * np.finfo(float).eps)
            out.append({"v_mV": v, "w": float(w_inf(v)), "I_pA": float(steady_current(v)),
                        "kind": "local maximum" if sa > 0 else "local minimum"})
    return out


def hopf_points(lo=-150.0, hi=100.0, step=0.05):
    """Points on the fixed-point curve where the trace of the Jacobian vanishes with det > 0."""
    def trace_at(v):
        return np.trace(jacobian(v, float(w_inf(v)), float(steady_current(v))))

    grid = np.arange(lo, hi + step / 2, step)
    tr = np.array([trace_at(v) for v in grid])
    out = []
    for a, b, ta, tb in zip(grid[:-1], grid[1:], tr[:-1], tr[1:]):
        if (ta < 0) != (tb < 0):
            v = brentq(trace_at, a, b, xtol=1e-12)
            i = float(steady_current(v))
            det = np.linalg.det(jacobian(v, float(w_inf(v)), i))
            if det > 0:
                out.append({"v_mV": v, "w": float(w_inf(v)), "I_pA": i,
                            "frequency_hz": math.sqrt(det) / (2 * math.pi) * 1000.0})
    return out


# ----------------------------------------------------------------------------------------------
# Simulation
# ----------------------------------------------------------------------------------------------
def spike_event(t, state, current_pa):
    return state[0] - THRESHOLD_MV


spike_event.direction = 1.0


def simulate(current_pa, initial, duration_ms):
    sol = solve_ivp(rhs, (0.0, duration_ms), list(initial), method=METHOD, rtol=RTOL, atol=ATOL,
                    events=spike_event, args=(current_pa,), max_step=MAX_STEP_MS, dense_output=False)
    if sol.status != 0:
        raise RuntimeError(f"solve_ivp failed at I = {current_pa} pA: {sol.message}")
    return sol.t_events[0], sol.y[:, -1], sol


def rates(spikes, transient_ms):
    late = spikes[spikes > transient_ms]
    n = len(late)
    rate = (n - 1) / (late[-1] - late[0]) * 1000.0 if n >= 2 else 0.0
    if n >= 2:
        isi = np.diff(late)
        period = isi[-1]
        return rate, 1000.0 / period, n, float(isi.min()), float(isi.max())
    return rate, 0.0, n, None, None


def fires_repetitively(current_pa, initial, horizon_ms):
    """Repetitive firing from `initial`: at least 3 spikes in the second half of the horizon."""
    spikes, _, _ = simulate(current_pa, initial, horizon_ms)
    return bool(np.sum(spikes > horizon_ms / 2) >= 3), spikes


ONSET_HORIZON_MS = 10000.0   # a period of 2500 ms still counts as firing: SNIC period ~ 34 ms / sqrt(dI/pA)
BLOCK_HORIZON_MS = 1000.0    # near the block the period is about 3 ms


def bisect(predicate, lo, hi, what, horizon_ms, tolerance=0.01, keep_spikes=True):
    """Bisection for the current where predicate(I) = (flag, spikes) switches from False to True."""
    flag_lo, _ = predicate(lo)
    flag_hi, _ = predicate(hi)
    if flag_lo or not flag_hi:
        raise RuntimeError(f"[{lo}, {hi}] pA does not bracket the change to {what}")
    while hi - lo > tolerance:
        mid = 0.5 * (lo + hi)
        if predicate(mid)[0]:
            hi = mid
        else:
            lo = mid
    _, spikes_lo = predicate(lo)
    _, spikes_hi = predicate(hi)
    out = {"property": what, "horizon_ms": horizon_ms, "tolerance_pA": tolerance,
           "below_pA": lo, "above_pA": hi, "estimate_pA": 0.5 * (lo + hi),
           "spike_count_below": int(len(spikes_lo)), "spike_count_above": int(len(spikes_hi))}
    if keep_spikes:
        out["first_spikes_below_ms"] = [float(t) for t in spikes_lo[:5]]
        out["first_spikes_above_ms"] = [float(t) for t in spikes_hi[:5]]
    print(f"bisection ({what}): between {lo:.4f} and {hi:.4f} pA", file=sys.stderr)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "fi_reference.json"))
    parser.add_argument("--quick", action="store_true", help="skip the bisection (for a quick look)")
    args = parser.parse_args()
    started = time.time()

    rest_points = fixed_points(0.0)
    rest = next(p for p in rest_points if p["stability"] == "stable")
    initial = (rest["v_mV"], rest["w"])
    print(f"resting state: v* = {initial[0]:.6f} mV, w* = {initial[1]:.6e}", file=sys.stderr)

    fold_list = folds()
    hopf_list = hopf_points()
    # The fold that ends the resting (most hyperpolarised, stable) branch: the first local maximum.
    sn = next(f for f in fold_list if f["kind"] == "local maximum")
    print(f"folds: {fold_list}\nhopf: {hopf_list}", file=sys.stderr)

    results = []
    for current in CURRENTS_PA:
        spikes, final, sol = simulate(current, initial, DURATION_MS)
        rate, period_rate, n_late, isi_min, isi_max = rates(spikes, TRANSIENT_MS)
        fps = fixed_points(current)
        row = {
            "current_pA": current,
            "rate_hz": rate,
            "period_rate_hz": period_rate,
            "spikes_total": int(len(spikes)),
            "spikes_after_transient": n_late,
            "first_spike_ms": float(spikes[0]) if len(spikes) else None,
            "last_spike_ms": float(spikes[-1]) if len(spikes) else None,
            "isi_after_transient_min_ms": isi_min,
            "isi_after_transient_max_ms": isi_max,
            "final_v_mV": float(final[0]),
            "final_w": float(final[1]),
            "fixed_points": fps,
            "rhs_evaluations": int(sol.nfev),
        }
        results.append(row)
        print(f"I = {current:7.2f} pA: rate {rate:.6f} Hz, period rate {period_rate:.6f} Hz, "
              f"{len(spikes)} spikes, first {row['first_spike_ms']}, final v {final[0]:.4f} mV", file=sys.stderr)

    # Onset by bisection on "fires repetitively" from the default initial state, to 0.01 pA. The
    # brackets are fixed numbers, not taken from the fold computed above.
    onset_bisection = upper_bisection = single_spike = None
    if not args.quick:
        onset_bisection = bisect(lambda i: fires_repetitively(i, initial, ONSET_HORIZON_MS),
                                 150.0, 165.0, "repetitive firing", ONSET_HORIZON_MS)
        upper_bisection = bisect(lambda i: (lambda r: (not r[0], r[1]))(fires_repetitively(i, initial, BLOCK_HORIZON_MS)),
                                 300.0, 350.0, "depolarisation block", BLOCK_HORIZON_MS, keep_spikes=False)
        single_spike = bisect(lambda i: (lambda s: (len(s) >= 1, s))(simulate(i, initial, 200.0)[0]),
                              100.0, 157.2, "at least one spike", 200.0)

    doc = {
        "description": "f-I curve of hvnet's default Herrera-Valdez cell, one noise-free cell with a "
                       "constant input current (pA, depolarising positive) for the whole run; "
                       "independent Python reference (see PROVENANCE.md).",
        "model": {
            "capacitance_pF": C_M, "thermal_potential_mV": V_T,
            "transporters": {k: {"units": n, "amplitude_pA": a, "charge": e, "rectification": r,
                                 "reversal_mV": vr}
                             for k, (n, a, e, r, vr) in TRANSPORTERS.items()},
            "atp_potential_mV": V_ATP,
            "NaT_activation": {"gain": G_M, "half_activation_mV": V_M},
            "KaD_activation": {"gain": G_W, "half_activation_mV": V_W, "rate_per_ms": R_W,
                               "bias": B_W, "exponent": KAPPA},
            "AMPA_units": 0, "GABAA_units": 0, "noise": None,
        },
        "initial_state": {"kind": "rest (hvnet's default: the stable fixed point without input)",
                          "v_mV": initial[0], "w": initial[1]},
        "fixed_points_without_input": rest_points,
        "threshold_mV": THRESHOLD_MV,
        "duration_ms": DURATION_MS,
        "transient_ms": TRANSIENT_MS,
        "rate_definition": "(n - 1) / (t_last - t_first) over the spikes with t > transient_ms; 0 when n < 2",
        "period_rate_definition": "1000 / (last interspike interval), the period of the limit cycle",
        "solver": {"library": "scipy.integrate.solve_ivp", "method": METHOD, "rtol": RTOL, "atol": ATOL,
                   "max_step_ms": MAX_STEP_MS,
                   "events": "v - threshold_mV, direction +1 (upward crossings), located by solve_ivp"},
        "currents_pA": CURRENTS_PA,
        "rates_hz": [r["rate_hz"] for r in results],
        "period_rates_hz": [r["period_rate_hz"] for r in results],
        "first_spike_ms": [r["first_spike_ms"] for r in results],
        "results": results,
        "onset": {
            "saddle_node": {
                "method": "local maximum of I_ss(v) = i_ion(v, w_inf(v)) on the fixed-point curve: "
                          "brentq on dI_ss/dv (complex-step derivative), xtol 1e-13 mV",
                **sn,
            },
            "folds": fold_list,
            "hopf": hopf_list,
            "bisection": onset_bisection,
            "bisection_criterion": "repetitive firing = at least 3 upward crossings of -20 mV in the "
                                   "second half of the horizon, from the default initial state",
            "depolarisation_block_bisection": upper_bisection,
            "single_spike_bisection": single_spike,
        },
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__},
        "runtime_s": round(time.time() - started, 1),
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
