// Kernels that use instructions the rest of hvnet is not built for, chosen at run time.
#ifndef CVECTORKERNELS_H
#define CVECTORKERNELS_H

#include <stdint.h>

/// 1 when the CPU and the operating system support the AVX-512 subsets the kernels below use
/// (F, BW, DQ, VL, with the ZMM state enabled by the OS), else 0.
int hv_avx512_available(void);

/// The masked sums of SparseMatrix.multiplyMaskedChunk for the rows that 512-bit vectors cover,
/// on a CPU where hv_avx512_available() is 1: for each block of eight rows r and each of the
/// `count` columns c in order, y[r] += w[c] where masks[c * stride + r] is 0xFF (adding +0 where it
/// is 0x00), starting from y (accumulate != 0) or from +0. Rows go 96 at a time, then 32, each
/// pass taking a last block of four along when exactly four rows would be left; rows at or past
/// `rows` are neither read nor written. Returns the first row left to the caller (a multiple of 4,
/// at most `stride`). The additions are IEEE double additions in column order, one per term, as
/// the caller's four-row code does them, so every sum is the same bit for bit.
long hv_masked_sum_avx512(const int64_t *w, long count, const int8_t *masks, long stride, long rows,
                          double *y, int accumulate);

#endif
