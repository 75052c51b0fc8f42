/* nsipc-hook's stand-in for dl.c: it loads no library.  A static musl
   cannot, and a static glibc that dlopens one gets a second libc with it,
   and memory one allocates and the other frees corrupts the heap. */
#include "dl.h"

#define DL_NONE(name, soname)                                                                                          \
  const struct dl_##name *dl_##name (nsipc_error *err)                                                                 \
  {                                                                                                                    \
    return nsipc_error_set (err, 0, "nsipc-hook does not load %s: run nsipc for this", soname), NULL;                  \
  }

DL_NONE (smartcols, "libsmartcols.so.1")
DL_NONE (seccomp, "libseccomp.so.2")
DL_NONE (cap, "libcap.so.2")
