"""W100 (or W1000) in Brian2, C++ standalone, for a side-by-side speed comparison with hvnet.

The same equations as hvnet (the Herrera-Valdez cell of the model reference with r = 1/2, so that
every flux is 2 A sinh((y - y_x)/2)), the same connectivity (hvnet's connectivity.csv), the same OU
parameters. Brian2 integrates (y, w) with its RK4 state updater and updates the OU input once per
step with its exact transition; its synaptic drive is a summed variable, updated once per step.
(hvnet recomputes the drive at every RK4 stage and evaluates the noise at the stage times: it does
more work per step than this script.)

Usage: brian2_w100.py CONNECTIVITY.csv CELLS OUTDIR [--duration-ms 1000] [--openmp-threads 0]
Prints the spike count and the mean rate; writes the standalone project to OUTDIR.
"""
import argparse
import csv
import math

from brian2 import (ms, NeuronGroup, Synapses, SpikeMonitor, defaultclock, device, run, set_device,
                    prefs, seed)

parser = argparse.ArgumentParser()
parser.add_argument("connectivity")
parser.add_argument("cells", type=int)
parser.add_argument("outdir")
parser.add_argument("--duration-ms", type=float, default=1000.0)
parser.add_argument("--openmp-threads", type=int, default=0,
                    help="Brian2's prefs.devices.cpp_standalone.openmp_threads (0: no OpenMP)")
parser.add_argument("--excitatory", type=int, default=None, help="number of E cells (default 80 %)")
args = parser.parse_args()

set_device("cpp_standalone", directory=args.outdir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = args.openmp_threads
seed(1)
defaultclock.dt = 0.01 * ms

vT, Cm = 26.7, 20.0            # mV, pF
scale = vT * Cm               # pA·ms per unit of normalised current
A = {"NaT": 1.2 / scale, "KaD": 1.0 / scale, "NaKa": 1.0 / scale, "AMPA": 1.0 / scale, "GABAA": 1.0 / scale}
y_rev = {"NaT": 60 / vT, "KaD": -90 / vT, "NaKa": (3 * 60 - 2 * (-90) - 430) / vT, "AMPA": 0.0, "GABAA": -70 / vT}
tau_ou, mu, sigma = 5.0, 145.0 / scale, 20.0 / scale   # ms, 1/ms, 1/ms

eqs = f"""
dy/dt = (I_ou - 1400*m_inf*(1 - w)*phi_NaT - 4500*w*phi_KaD - 200*phi_NaKa - gA*phi_A - gG*phi_G)/ms : 1
dw/dt = w*R_w*(w_inf - w)/ms : 1
phi_NaT = 2*{A['NaT']}*sinh((y - {y_rev['NaT']})/2) : 1
phi_KaD = 2*{A['KaD']}*sinh((y - {y_rev['KaD']})/2) : 1
phi_NaKa = 2*{A['NaKa']}*sinh((y - {y_rev['NaKa']})/2) : 1
phi_A = 2*{A['AMPA']}*sinh((y - {y_rev['AMPA']})/2) : 1
phi_G = 2*{A['GABAA']}*sinh((y - {y_rev['GABAA']})/2) : 1
m_inf = 1/(1 + exp(-5*(y - {-17 / vT}))) : 1
x_w = 3.5*y : 1
w_inf = 1/(1 + exp(-x_w)) : 1
R_w = 2*(exp(0.3*x_w) + exp(-0.7*x_w)) : 1
s_pre_act = 1/(1 + exp(-5*(y - {-20 / vT}))) : 1
gA : 1
gG : 1
I_ou : 1
"""
n = args.cells
G = NeuronGroup(n, eqs, method="rk4", threshold="y > -20/26.7", refractory="y > -20/26.7",
                namespace={})
# Resting state of the model reference: v* = -69.9225 mV, w* = 1.04537e-4.
G.y = -69.9225 / vT
G.w = 1.04537e-4
G.I_ou = f"{mu} + {sigma}*randn()"
m = math.exp(-0.01 / tau_ou)
G.run_regularly(f"I_ou = {mu} + (I_ou - {mu})*{m} + {sigma}*{math.sqrt(1 - m * m)}*randn()", dt=defaultclock.dt)

pre = {"AMPA": ([], [], []), "GABAA": ([], [], [])}
with open(args.connectivity) as f:
    for row in csv.DictReader(f):
        p = pre[row["receptor"]]
        p[0].append(int(row["pre"]))
        p[1].append(int(row["post"]))
        p[2].append(float(row["channels"]))
def synapses(receptor, target):
    i, j, channels = pre[receptor]
    S = Synapses(G, G, model=f"c : 1\n{target}_post = c*s_pre_act_pre : 1 (summed)")
    if i:
        S.connect(i=i, j=j)
        S.c = channels
    return S


# Brian2's magic run() only collects objects bound to names in this scope: keep both.
S_ampa = synapses("AMPA", "gA")
S_gaba = synapses("GABAA", "gG")
spikes = SpikeMonitor(G)
run(args.duration_ms * ms)
device.build(directory=args.outdir, compile=True, run=True)
count = spikes.num_spikes
print(f"brian2: {n} cells, {args.duration_ms} ms, {count} spikes, mean rate {count / n / (args.duration_ms / 1000):.3f} Hz")
