/* One loader per library, written out by the X-macros of dl.h: each
   function pointer gets the type of the function it points to. */
#include "dl.h"

#include <dlfcn.h>
#include <stdbool.h>

#define DL_LOAD(sym)                                                                                                   \
  if (missing == NULL && (table.sym = (__typeof__ (table.sym))dlsym (handle, #sym)) == NULL)                           \
    missing = #sym;

#define DL_LOADER(name, soname, LIST)                                                                                  \
  const struct dl_##name *dl_##name (nsipc_error *err)                                                                 \
  {                                                                                                                    \
    static struct dl_##name table;                                                                                     \
    static bool loaded;                                                                                                \
    if (loaded)                                                                                                        \
      return &table;                                                                                                   \
    void *handle = dlopen (soname, RTLD_NOW | RTLD_LOCAL);                                                             \
    if (handle == NULL)                                                                                                \
      return nsipc_error_set (err, 0, "load %s: %s", soname, dlerror ()), NULL;                                        \
    const char *missing = NULL;                                                                                        \
    LIST (DL_LOAD)                                                                                                     \
    if (missing)                                                                                                       \
      {                                                                                                                \
        dlclose (handle);                                                                                              \
        return nsipc_error_set (err, 0, "load %s: it has no %s", soname, missing), NULL;                               \
      }                                                                                                                \
    loaded = true;                                                                                                     \
    return &table;                                                                                                     \
  }

DL_LOADER (smartcols, "libsmartcols.so.1", DL_SMARTCOLS)
DL_LOADER (seccomp, "libseccomp.so.2", DL_SECCOMP)
DL_LOADER (cap, "libcap.so.2", DL_CAP)
