// Shim for libhdf5's C API (HDF5 1.10 or later).
//
// HDF5's predefined type and property-list identifiers (H5T_NATIVE_DOUBLE, H5P_DEFAULT, ...)
// and its access flags are macros over global variables, which Swift 6 cannot import or
// rejects as shared mutable state; they are handed out through the static inline accessors
// below. Only HDF5Support imports this module.
#ifndef HVNET_CHDF5_SHIM_H
#define HVNET_CHDF5_SHIM_H

// Debian and Ubuntu keep the serial build's headers in hdf5/serial/ (pkg-config's
// -I/usr/include/hdf5/serial); the package does not ask pkg-config for HDF5, since its
// `-lhdf5` would link the shared library (see module.modulemap).
#if __has_include(<hdf5/serial/hdf5.h>)
#include <hdf5/serial/hdf5.h>
#elif __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#error "HDF5 headers not found. hvnet's NWB export needs libhdf5: run scripts/install-deps.sh, or `sudo apt-get install libhdf5-dev pkg-config`."
#endif
#include <stdint.h>

// Initialises the library and turns off HDF5's automatic printing of error stacks for the
// calling thread (in thread-safe builds the setting is per thread), once per thread.
// Returns a negative value on failure.
// Before the first call, the library's own clean-up at exit is switched off: after a failed write
// (a full disk, a file-size limit) HDF5 could not close the file, and its atexit handler then
// crashed closing it (SIGSEGV in H5F__close_cb, exit 139, after hvnet had reported the error).
// hvnet closes every file it opens; what is left at exit is the operating system's to free.
// The caller holds hvnet's HDF5 lock, so the process-wide flag needs no atomics.
static inline herr_t hv_h5_init(void) {
    static int atexitOff = 0;
    static _Thread_local int done = 0;
    if (done) return 0;
    if (!atexitOff) { H5dont_atexit(); atexitOff = 1; }
    if (H5open() < 0) return -1;
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0) return -1;
    done = 1;
    return 0;
}

// Property lists and dataspace selections.
static inline hid_t hv_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t hv_h5s_all(void) { return H5S_ALL; }
static inline hid_t hv_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t hv_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }

// File access flags.
static inline unsigned hv_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned hv_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned hv_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }

// Native (memory) types.
static inline hid_t hv_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t hv_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t hv_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t hv_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }

// File (standard, little-endian) types.
static inline hid_t hv_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t hv_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t hv_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t hv_h5t_std_u64le(void) { return H5T_STD_U64LE; }
static inline hid_t hv_h5t_std_ref_obj(void) { return H5T_STD_REF_OBJ; }
static inline hid_t hv_h5t_c_s1(void) { return H5T_C_S1; }

// A new variable-length UTF-8 string type (close it with H5Tclose).
static inline hid_t hv_h5t_vlen_utf8(void) {
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

// An object reference (HDF5 1.8/1.10 style, H5T_STD_REF_OBJ, as h5py writes) to the object
// at `name` relative to `loc`.
static inline herr_t hv_h5r_create_object(hid_t loc, const char *name, hobj_ref_t *ref) {
    return H5Rcreate(ref, loc, name, H5R_OBJECT, -1);
}

// Frees the strings HDF5 allocated while reading variable-length data.
static inline herr_t hv_h5_vlen_reclaim(hid_t type, hid_t space, void *buffer) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(type, space, H5P_DEFAULT, buffer);
#else
    return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer);
#endif
}

#endif
