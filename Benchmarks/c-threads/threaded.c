/*
 * threaded.c -- the plain C reference loop (the measuring stick given to c-reference.sh) split
 * over threads the way hvnet splits one network: contiguous ranges of cells, each thread computes
 * its cells' synaptic activations, meets the others at one spinning barrier, then sums its rows
 * of the coupling and updates its cells. Activations alternate between two buffers from one
 * evaluation to the next, so one barrier per right-hand side suffices (4 per RK4 step); each
 * thread draws its own cells' noise from its own xoshiro256+ stream (Box-Muller), so nothing is
 * serial inside the time loop.
 *
 * It answers one question: how much faster can two threads make this maths on this machine,
 * written without any of hvnet's generality? It is not part of hvnet and not a simulator of
 * record: the noise differs from the one-thread C loop (per-thread streams), and spike counts
 * differ between thread counts for that reason.
 *
 * Build (Benchmarks/c-threads.sh does this): the reference loop's source is included, so its
 * parameters and helpers (init_pars, init_reduced, splitmix64, u53, rotl) are shared:
 *   gcc -O3 -march=native -ffast-math -DREDUCED -DREFERENCE='"path/to/bench_c.c"' \
 *       -Dmain=reference_main threaded.c -lm -lpthread
 * Usage: threaded N T_ms mu sigma N_Ampa N_GabaA THREADS
 *   (the reference loop's first six arguments; connectivity p = min(1, 20/N), seed 12345).
 * Prints one line: threads, N, wall_s (the time loop only), spikes, rate_hz.
 */
#include REFERENCE
#undef main
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#ifndef REDUCED
#error "build with -DREDUCED (the reference loop's shared-exponential kernel)"
#endif

enum { max_threads = 16 };

/* activations s_j = sigmoid(g_syn (y_j - yh_syn)) for j in [lo, hi) */
static void activations_range(const double *restrict yy, double *restrict sv, int lo, int hi) {
    for (int j = lo; j < hi; j++) {
        double E = exp(0.5 * yy[j]);
        double E2 = E * E, E4 = E2 * E2, E8 = E4 * E4;
        double x = E8 * E2 * csyn;
        sv[j] = x / (1.0 + x);
    }
}

/* rows [lo, hi) of the AMPA and GABA-A coupling times the activations */
static void products_range(const double *restrict sv, int lo, int hi) {
    for (int i = lo; i < hi; i++) {
        double a = 0.0, g = 0.0;
        for (int k = rowA[i]; k < rowA[i + 1]; k++) a += sv[colA[k]];
        for (int k = rowG[i]; k < rowG[i + 1]; k++) g += sv[colG[k]];
        sA[i] = a; sG[i] = g;
    }
}

/* the reference loop's reduced right-hand side for cells [lo, hi) */
static void cells_range(const double *restrict yy, const double *restrict ww, const double *restrict eta,
                        double *restrict dy, double *restrict dw, int lo, int hi) {
    for (int i = lo; i < hi; i++) {
        double y = yy[i], w = ww[i];
        double E = exp(0.5 * y), Ei = 1.0 / E;
        double E2 = E * E, E4 = E2 * E2, E8 = E4 * E4;
        double x5 = E8 * E2 * cm;
        double mInf = x5 / (1.0 + x5);
        double eK = E4 * E2 * E * ck;
        double wInf = eK / (1.0 + eK);
        double eb = exp(bk * y) * ckb;
        double wRate = rate_KaD * (eb / eK + eb);
        double jNa = E * kNa1 - kNa2 * Ei;
        double jK = E * kKa1 - kKa2 * Ei;
        double jP = E * kP1 - kP2 * Ei;
        double jA = E * kA2 - kA1 * Ei;
        double jG = E * kG1 - kG2 * Ei;
        dy[i] = -nNa * mInf * (1.0 - w) * jNa - nK * w * jK - nP * jP
                - nA * sA[i] * jA - nG * sG[i] * jG + eta[i];
        dw[i] = w * wRate * (wInf - w);
    }
}

/* a counting spinning barrier: generation g is complete after thread_count * g arrivals; a waiter
 * yields the core after ~10^5 polls, so more threads than cores still make progress */
static int thread_count;
static _Atomic long arrivals __attribute__((aligned(64)));
static _Atomic long generation __attribute__((aligned(64)));
static void barrier(long *passed) {
    long g = ++*passed;
    if (atomic_fetch_add(&arrivals, 1) == thread_count * g - 1)
        atomic_store_explicit(&generation, g, memory_order_release);
    else
        for (long polls = 0; atomic_load_explicit(&generation, memory_order_acquire) < g; polls++)
            if (polls > 100000) sched_yield();
}

static double *y, *w, *eta, *yt, *wt, *ky, *kw, *sy, *sw, *y_old, *s_buffer[2];
static long step_count;
static double dt, mu, decay, kick;

typedef struct { int lo, hi; uint64_t stream[4]; long spikes; } thread_part;

static inline uint64_t next_word(uint64_t *xs) {
    uint64_t r = xs[0] + xs[3], t = xs[1] << 17;
    xs[2] ^= xs[0]; xs[3] ^= xs[1]; xs[1] ^= xs[2]; xs[0] ^= xs[3];
    xs[2] ^= t; xs[3] = rotl(xs[3], 45);
    return r;
}

/* one RK4 evaluation for the part: activations, barrier, products, cells */
static void evaluate(const double *yy, const double *ww, int *buffer, long *passed, int lo, int hi) {
    activations_range(yy, s_buffer[*buffer], lo, hi);
    barrier(passed);
    products_range(s_buffer[*buffer], lo, hi);
    *buffer ^= 1;
    cells_range(yy, ww, eta, ky, kw, lo, hi);
}

static void *run_part(void *argument) {
    thread_part *p = argument;
    const int lo = p->lo, hi = p->hi;
    long passed = 0, spikes = 0; int buffer = 0;
    for (long n = 0; n < step_count; n++) {
        for (int i = lo; i < hi; i++) y_old[i] = y[i];
        evaluate(y, w, &buffer, &passed, lo, hi);
        for (int i = lo; i < hi; i++) {
            sy[i] = ky[i]; sw[i] = kw[i];
            yt[i] = y[i] + 0.5 * dt * ky[i]; wt[i] = w[i] + 0.5 * dt * kw[i];
        }
        evaluate(yt, wt, &buffer, &passed, lo, hi);
        for (int i = lo; i < hi; i++) {
            sy[i] += 2.0 * ky[i]; sw[i] += 2.0 * kw[i];
            yt[i] = y[i] + 0.5 * dt * ky[i]; wt[i] = w[i] + 0.5 * dt * kw[i];
        }
        evaluate(yt, wt, &buffer, &passed, lo, hi);
        for (int i = lo; i < hi; i++) {
            sy[i] += 2.0 * ky[i]; sw[i] += 2.0 * kw[i];
            yt[i] = y[i] + dt * ky[i]; wt[i] = w[i] + dt * kw[i];
        }
        evaluate(yt, wt, &buffer, &passed, lo, hi);
        for (int i = lo; i < hi; i++) {
            y[i] += dt / 6.0 * (sy[i] + ky[i]); w[i] += dt / 6.0 * (sw[i] + kw[i]);
        }
        /* exact OU update of the part's inputs, Box-Muller pairs from the part's stream */
        for (int i = lo; i < hi; i += 2) {
            double u1 = 1.0 - u53(next_word(p->stream)), u2 = u53(next_word(p->stream));
            double r = sqrt(-2.0 * log(u1)), th = 6.283185307179586 * u2;
            eta[i] = mu + (eta[i] - mu) * decay + kick * r * cos(th);
            if (i + 1 < hi) eta[i + 1] = mu + (eta[i + 1] - mu) * decay + kick * r * sin(th);
        }
        for (int i = lo; i < hi; i++) spikes += y_old[i] < y_spk && y[i] >= y_spk;
    }
    p->spikes = spikes;
    return NULL;
}

static double *cache_aligned(int count) {
    size_t bytes = ((size_t)count * sizeof(double) + 63) / 64 * 64;
    double *p = aligned_alloc(64, bytes);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(1); }
    return p;
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: %s N T_ms mu sigma N_Ampa N_GabaA THREADS\n", argv[0]);
        return 1;
    }
    N = atoi(argv[1]);
    double T = atof(argv[2]); mu = atof(argv[3]);
    double sigma = atof(argv[4]);
    N_Ampa = atof(argv[5]); N_GabaA = atof(argv[6]);
    thread_count = atoi(argv[7]);
    if (N < 16 || thread_count < 1 || thread_count > max_threads) {
        fprintf(stderr, "need N >= 16 and 1 <= THREADS <= %d\n", max_threads);
        return 1;
    }
    init_pars();
    init_reduced();
    dt = 0.01;
    const double tau = 5.0;
    step_count = lround(T / dt);

    /* the reference loop's connectivity: j -> i iff i != j and U(splitmix64(seed + 2^40 + iN + j)) < p */
    const uint64_t seed = 12345;
    double p = 20.0 / N; if (p > 1.0) p = 1.0;
    int NE = (int)floor(0.8 * N + 0.5);
    rowA = calloc(N + 1, sizeof(int)); rowG = calloc(N + 1, sizeof(int));
    int capA = 16, capG = 16, nsA = 0, nsG = 0;
    colA = malloc(capA * sizeof(int)); colG = malloc(capG * sizeof(int));
    for (int i = 0; i < N; i++) {
        rowA[i] = nsA; rowG[i] = nsG;
        for (int j = 0; j < N; j++) {
            if (i == j) continue;
            if (u53(splitmix64(seed + (1ULL << 40) + (uint64_t)i * N + j)) < p) {
                if (j < NE) { if (nsA == capA) colA = realloc(colA, (capA *= 2) * sizeof(int)); colA[nsA++] = j; }
                else { if (nsG == capG) colG = realloc(colG, (capG *= 2) * sizeof(int)); colG[nsG++] = j; }
            }
        }
    }
    rowA[N] = nsA; rowG[N] = nsG;

    y = cache_aligned(N); w = cache_aligned(N); eta = cache_aligned(N); yt = cache_aligned(N);
    wt = cache_aligned(N); ky = cache_aligned(N); kw = cache_aligned(N); sy = cache_aligned(N);
    sw = cache_aligned(N); y_old = cache_aligned(N); sA = cache_aligned(N); sG = cache_aligned(N);
    s_buffer[0] = cache_aligned(N); s_buffer[1] = cache_aligned(N);
    for (int i = 0; i < N; i++) {
        double v0 = -60.0 + 10.0 * (u53(splitmix64(seed + (2ULL << 40) + i)) - 0.5);
        y[i] = v0 / vT; w[i] = 0.01; eta[i] = mu;
    }
    decay = exp(-dt / tau); kick = sigma * sqrt(1.0 - decay * decay);

    /* parts start on multiples of 8 cells (a cache line of doubles), as hvnet's do */
    thread_part parts[max_threads];
    for (int t = 0; t < thread_count; t++) {
        parts[t].lo = (int)((long)N * t / thread_count / 8 * 8);
        parts[t].hi = t == thread_count - 1 ? N : (int)((long)N * (t + 1) / thread_count / 8 * 8);
        uint64_t state = (uint64_t)(t + 1) * 0x9E3779B97F4A7C15ULL + 7;
        for (int k = 0; k < 4; k++) { state = splitmix64(state); parts[t].stream[k] = state; }
    }
    pthread_t threads[max_threads];
    double t0 = now();
    for (int t = 1; t < thread_count; t++) pthread_create(&threads[t], NULL, run_part, &parts[t]);
    run_part(&parts[0]);
    for (int t = 1; t < thread_count; t++) pthread_join(threads[t], NULL);
    double wall = now() - t0;
    long spikes = 0;
    for (int t = 0; t < thread_count; t++) spikes += parts[t].spikes;
    printf("impl=c-reduced-rk4-threads threads=%d N=%d T_ms=%g wall_s=%.6f spikes=%ld rate_hz=%.4f\n",
           thread_count, N, T, wall, spikes, spikes / (N * T * 1e-3));
    return 0;
}
