// Shim for the GNU Scientific Library (GSL).
//
// Swift 6 rejects GSL's global type tables (gsl_rng_mt19937, gsl_odeiv2_step_rkf45, ...) as
// shared mutable state, so they are handed out through the static inline accessors below.
#ifndef HVNET_CGSL_SHIM_H
#define HVNET_CGSL_SHIM_H

#if !__has_include(<gsl/gsl_errno.h>)
#error "GSL headers not found. hvnet needs the GNU Scientific Library: run `make run` (it installs libgsl-dev), or `sudo apt-get install libgsl-dev pkg-config`."
#endif

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_odeiv2.h>

// Random number generator types.
static inline const gsl_rng_type *hv_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *hv_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *hv_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }
static inline const gsl_rng_type *hv_rng_ranlxs2(void) { return gsl_rng_ranlxs2; }
static inline const gsl_rng_type *hv_rng_gfsr4(void) { return gsl_rng_gfsr4; }

// odeiv2 stepper types.
static inline const gsl_odeiv2_step_type *hv_step_rk2(void) { return gsl_odeiv2_step_rk2; }
static inline const gsl_odeiv2_step_type *hv_step_rk4(void) { return gsl_odeiv2_step_rk4; }
static inline const gsl_odeiv2_step_type *hv_step_rkf45(void) { return gsl_odeiv2_step_rkf45; }
static inline const gsl_odeiv2_step_type *hv_step_rkck(void) { return gsl_odeiv2_step_rkck; }
static inline const gsl_odeiv2_step_type *hv_step_rk8pd(void) { return gsl_odeiv2_step_rk8pd; }
static inline const gsl_odeiv2_step_type *hv_step_rk1imp(void) { return gsl_odeiv2_step_rk1imp; }
static inline const gsl_odeiv2_step_type *hv_step_rk2imp(void) { return gsl_odeiv2_step_rk2imp; }
static inline const gsl_odeiv2_step_type *hv_step_rk4imp(void) { return gsl_odeiv2_step_rk4imp; }
static inline const gsl_odeiv2_step_type *hv_step_bsimp(void) { return gsl_odeiv2_step_bsimp; }
static inline const gsl_odeiv2_step_type *hv_step_msadams(void) { return gsl_odeiv2_step_msadams; }
static inline const gsl_odeiv2_step_type *hv_step_msbdf(void) { return gsl_odeiv2_step_msbdf; }

#endif
