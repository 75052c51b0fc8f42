/* nsipc-hook: nsipc's OCI runtime hook alone, for the runtime to run at
   every container's createRuntime and poststop.  Its command line is
   nsipc's, with the hook verb only.

   Why a binary of its own: a container waits for both hooks, and much
   of a hook's cost was starting a process.  Linked statically (meson
   option static_hook), it skips the dynamic loader and the relocations
   of libc and jansson: under runc each hook took 0.17 ms less, and its
   peak RSS went from 1.9 MiB to 1; linked with musl (option hook_libc),
   it skips glibc's start too, which probes the CPU's caches with cpuid
   (tests/bench/README.md).  A static PIE: the hook parses what pod
   authors write, and its code keeps a random address.  A static libc
   cannot safely load libseccomp, libsmartcols or libcap (a second libc
   comes with them), so this binary loads none (dl_none.c): the hook
   needs none, and precreate, which writes a seal's filter, stays
   nsipc's. */
#include "cli.h"

static const char help[]
    = "usage: nsipc-hook [--state-dir DIR] [--policy-dir DIR] [--log FILE] hook [--min-idle SECONDS]\n"
      "                  [createRuntime|poststop]\n"
      "\n"
      "nsipc's OCI runtime hook (see nsipc hook --help), in a statically linked binary that starts faster:\n"
      "the one oci-hooks(5) files and nsipc oci-config name.  precreate is nsipc's (nsipc hook precreate).\n"
      "\n"
      "Options: as nsipc's (nsipc --help).\n";

static const struct cli_verb verbs[] = {
  { "hook", cmd_hook },
};

/* In place of cmd_hook_precreate.c, which seals a config with libseccomp. */
int
cmd_hook_precreate (const struct nsipc_globals *g, const char *config, size_t len)
{
  (void)g, (void)config, (void)len;
  return cli_fail ("hook precreate", EXIT_USAGE,
                   "nsipc-hook runs createRuntime and poststop; precreate is nsipc's: "
                   "nsipc hook precreate");
}

int
main (int argc, char **argv)
{
  return cli_main (argc, argv, "nsipc-hook", help, verbs, sizeof verbs / sizeof verbs[0]);
}
