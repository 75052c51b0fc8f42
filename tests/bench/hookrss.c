/* hookrss OUT PROG ARGV0 [ARG...]: run PROG (argv ARGV0 ARG...) as an OCI
   hook would be run, and append one line "VMHWM_KIB WALL_US STATUS" to OUT.

   Used by hook_overhead.sh as the hook path of a runc bundle, in front of
   nsipc. stdin (the OCI state), stdout and stderr pass through unchanged,
   and hookrss exits with PROG's status, so runc sees what nsipc did.

   VMHWM_KIB is PROG's peak resident set ("VmHWM" in /proc/PID/status), read
   while PROG is stopped at its exit (PTRACE_O_TRACEEXIT): the memory is
   still mapped then, and the value belongs to the image PROG exec'd alone.
   getrusage/wait4's ru_maxrss would not do: at execve the kernel carries
   the high-water mark of the pre-exec image (a fork of this wrapper) into
   ru_maxrss, so a small PROG would report the wrapper's size.
   WALL_US is the wall time from fork to PROG's exit (CLOCK_MONOTONIC).
   STATUS is PROG's exit status, or 128+N if signal N killed it.

   Only two ptrace stops happen (exec, exit), so the timing is barely
   disturbed. Build: cc -O2 -o hookrss hookrss.c */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long
read_hwm (pid_t pid)
{
  char path[64], line[256];
  long kib = -1;
  snprintf (path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return -1;
  while (fgets (line, sizeof line, f))
    if (strncmp (line, "VmHWM:", 6) == 0)
      {
        kib = strtol (line + 6, NULL, 10);
        break;
      }
  fclose (f);
  return kib;
}

static long long
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main (int argc, char **argv)
{
  if (argc < 4)
    {
      fprintf (stderr, "usage: hookrss OUT PROG ARGV0 [ARG...]\n");
      return 125;
    }
  long long t0 = now_us ();
  pid_t pid = fork ();
  if (pid < 0)
    {
      perror ("hookrss: fork");
      return 125;
    }
  if (pid == 0)
    {
      if (ptrace (PTRACE_TRACEME, 0, NULL, NULL) < 0)
        {
          perror ("hookrss: PTRACE_TRACEME");
          _exit (125);
        }
      raise (SIGSTOP); /* let the parent set the options before the exec */
      execv (argv[2], argv + 3);
      fprintf (stderr, "hookrss: exec %s: %s\n", argv[2], strerror (errno));
      _exit (127);
    }

  long hwm = -1;
  int st, options_set = 0;
  for (;;)
    {
      if (waitpid (pid, &st, 0) < 0)
        {
          if (errno == EINTR)
            continue;
          perror ("hookrss: waitpid");
          return 125;
        }
      if (WIFEXITED (st) || WIFSIGNALED (st))
        break;
      if (!WIFSTOPPED (st))
        continue;
      int sig = WSTOPSIG (st), event = st >> 16, inject = 0;
      if (!options_set && sig == SIGSTOP)
        {
          ptrace (PTRACE_SETOPTIONS, pid, NULL,
                  (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
          options_set = 1;
        }
      else if (event == PTRACE_EVENT_EXIT)
        hwm = read_hwm (pid);
      else if (event == 0)
        {
          /* A signal for PROG: pass it on (a group-stop has no siginfo). */
          siginfo_t si;
          if (ptrace (PTRACE_GETSIGINFO, pid, NULL, &si) == 0)
            inject = sig;
        }
      ptrace (PTRACE_CONT, pid, NULL, (void *)(long)inject);
    }
  long long wall = now_us () - t0;
  int status = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);

  FILE *out = fopen (argv[1], "ae");
  if (out == NULL || fprintf (out, "%ld %lld %d\n", hwm, wall, status) < 0 || fclose (out) != 0)
    {
      fprintf (stderr, "hookrss: %s: %s\n", argv[1], strerror (errno));
      return 125;
    }
  return status;
}
