// The masked synaptic sum on 512-bit vectors (see CVectorKernels.h). Compiled for any x86-64; only
// the kernel's own code uses AVX-512 (the target attribute), and Swift calls it only when
// hv_avx512_available() says the CPU has it.
#include "CVectorKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static int detect_avx512(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;  // OSXSAVE
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6u) != 0xE6u) return 0;  // XMM, YMM, opmask, ZMM_Hi256 and Hi16_ZMM state enabled
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned f = 1u << 16, dq = 1u << 17, bw = 1u << 30, vl = 1u << 31;
    return (b & (f | dq | bw | vl)) == (f | dq | bw | vl);
}

int hv_avx512_available(void) { return detect_avx512(); }

#define HV_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

// Lanes of a block of eight (four) rows at `row` that lie below `rows`.
HV_AVX512 static inline __mmask8 lanes(long row, long rows, int width) {
    long n = rows - row;
    if (n >= width) return (__mmask8)((1u << width) - 1);
    return n <= 0 ? 0 : (__mmask8)((1u << n) - 1);
}

// w[c] where the eight (four) mask bytes at p are 0xFF, +0 where they are 0x00.
HV_AVX512 static inline __m512d masked8(__m512i wc, const int8_t *p) {
    __m512i m = _mm512_cvtepi8_epi64(_mm_loadl_epi64((const __m128i *)p));
    return _mm512_castsi512_pd(_mm512_and_si512(wc, m));
}
HV_AVX512 static inline __m256d masked4(__m256i wc, const int8_t *p) {
    int32_t four;
    __builtin_memcpy(&four, p, 4);
    __m256i m = _mm256_cvtepi8_epi64(_mm_cvtsi32_si128(four));
    return _mm256_castsi256_pd(_mm256_and_si256(wc, m));
}

// One pass over the columns for BLOCKS blocks of eight rows from `row`, and a block of four after
// them when `tail`.
#define HV_PASS(BLOCKS)                                                                              \
    HV_AVX512 static void pass##BLOCKS(const int64_t *w, long count, const int8_t *masks, long stride, \
                                       long rows, double *y, int accumulate, long row, int tail) {    \
        __m512d a[BLOCKS];                                                                           \
        for (int j = 0; j < BLOCKS; j++)                                                             \
            a[j] = accumulate ? _mm512_maskz_loadu_pd(lanes(row + 8 * j, rows, 8), y + row + 8 * j)  \
                              : _mm512_setzero_pd();                                                 \
        const long t = row + 8 * BLOCKS;                                                             \
        __m256d a4 = accumulate && tail ? _mm256_maskz_loadu_pd(lanes(t, rows, 4), y + t)            \
                                        : _mm256_setzero_pd();                                       \
        const int8_t *p = masks + row;                                                               \
        if (tail) {                                                                                  \
            for (long c = 0; c < count; c++, p += stride) {                                          \
                __m512i wc = _mm512_set1_epi64(w[c]);                                                \
                for (int j = 0; j < BLOCKS; j++) a[j] = _mm512_add_pd(a[j], masked8(wc, p + 8 * j)); \
                a4 = _mm256_add_pd(a4, masked4(_mm256_set1_epi64x(w[c]), p + 8 * BLOCKS));           \
            }                                                                                        \
            _mm256_mask_storeu_pd(y + t, lanes(t, rows, 4), a4);                                     \
        } else {                                                                                     \
            for (long c = 0; c < count; c++, p += stride) {                                          \
                __m512i wc = _mm512_set1_epi64(w[c]);                                                \
                for (int j = 0; j < BLOCKS; j++) a[j] = _mm512_add_pd(a[j], masked8(wc, p + 8 * j)); \
            }                                                                                        \
        }                                                                                            \
        for (int j = 0; j < BLOCKS; j++) _mm512_mask_storeu_pd(y + row + 8 * j, lanes(row + 8 * j, rows, 8), a[j]); \
    }
HV_PASS(12)
HV_PASS(4)

long hv_masked_sum_avx512(const int64_t *w, long count, const int8_t *masks, long stride, long rows,
                          double *y, int accumulate) {
    long row = 0;
    // Twelve accumulators of the 32 vector registers: 96 rows a pass.
    while (stride - row >= 96) {
        int tail = stride - row == 100;
        pass12(w, count, masks, stride, rows, y, accumulate, row, tail);
        row += tail ? 100 : 96;
    }
    while (stride - row >= 32) {
        int tail = stride - row == 36;
        pass4(w, count, masks, stride, rows, y, accumulate, row, tail);
        row += tail ? 36 : 32;
    }
    return row;
}

#else
int hv_avx512_available(void) { return 0; }
long hv_masked_sum_avx512(const int64_t *w, long count, const int8_t *masks, long stride, long rows,
                          double *y, int accumulate) {
    (void)w; (void)count; (void)masks; (void)stride; (void)rows; (void)y; (void)accumulate;
    return 0;
}
#endif
