/* /proc text as the kernel writes it: the fields of a stat line whose comm
   a process chose, the pid lists of a children file; then the kernel
   threads of the machine the test runs on, against what /proc says of
   each. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "procfs.h"
#include "tap.h"
#include "util.h"

/* Field FIELD of STAT up to the next space, or "(null)". */
static const char *
field_text (const char *stat, int field, char *buf, size_t len)
{
  const char *p = procfs_stat_field (stat, field);
  if (p == NULL)
    return "(null)";
  format (buf, len, "%.*s", (int)strcspn (p, " \n"), p);
  return buf;
}

static void
test_stat_fields (void)
{
  /* Fields 3 (state), 4 (ppid), 9 (flags) and 22 (start time). */
  static const struct
  {
    const char *stat, *state, *ppid, *flags, *start;
  } cases[] = {
    { "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 9 0 0", "S", "0", "2129984", "9" },
    /* A comm made to look like the start of other fields. */
    { "77 (x) Z 2 0 0 0 -1 2129984 9 9) R 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5000 0 0", "R", "1", "4194560",
      "5000" },
    { "78 (a b (c)) S 1 78 78 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 123456789012 0 0", "S", "1", "4194560",
      "123456789012" },
    { "79 () S 1 79 79 0 -1 64 0 0 0 0 0 0 0 0 20 0 1 0 42\n", "S", "1", "64", "42" },
  };
  char buf[64];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      is_str (field_text (cases[i].stat, 3, buf, sizeof buf), cases[i].state, "stat %zu: state", i);
      is_str (field_text (cases[i].stat, 4, buf, sizeof buf), cases[i].ppid, "stat %zu: ppid", i);
      is_str (field_text (cases[i].stat, 9, buf, sizeof buf), cases[i].flags, "stat %zu: flags", i);
      is_str (field_text (cases[i].stat, 22, buf, sizeof buf), cases[i].start, "stat %zu: start time", i);
    }
  ok (procfs_stat_field ("1 (init S 0", 3) == NULL, "no ')': no field");
  ok (procfs_stat_field ("1 (init)S 0", 3) == NULL, "no space after ')': no field");
  ok (procfs_stat_field ("1 (init) S 0", 22) == NULL, "a short line has no field 22");
  ok (procfs_stat_field ("", 3) == NULL, "an empty text has no field");
}

/* PIDS joined by spaces. */
static const char *
joined (const pid_t *pids, size_t n, char *buf, size_t len)
{
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < len; i++)
    used += (size_t)format (buf + used, len - used, "%s%d", i ? " " : "", (int)pids[i]);
  return buf;
}

static void
test_parse_pids (void)
{
  static const struct
  {
    const char *text, *want;
    size_t n;
  } cases[] = {
    { "3 4 6 7 ", "3 4 6 7", 4 },
    { "4194304 3 100\n", "3 100 4194304", 3 }, /* pids wrapped: sorted */
    { "", "", 0 },
    { " \n", "", 0 },
    { "0 5 2147483647 2147483648 9 18446744073709551616 10", "5 9 2147483647", 3 }, /* past 2^64: the end */
    { "12 x 13", "12", 1 }, /* what follows text that is no number is not read */
  };
  char buf[256];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      pid_t *pids;
      size_t n = procfs_parse_pids (cases[i].text, &pids);
      ok (n == cases[i].n, "pids %zu: %zu of them (got %zu)", i, cases[i].n, n);
      is_str (joined (pids, n, buf, sizeof buf), cases[i].want, "pids %zu: in order", i);
      ok ((pids == NULL) == (n == 0), "pids %zu: NULL exactly when there is none", i);
      free (pids);
    }
}

/* Whether the flags of PID say it is a kernel thread (PF_KTHREAD), and
   whose child it is. */
static bool
kernel_thread (pid_t pid, uint64_t *ppid)
{
  char path[64], stat[1024];
  uint64_t flags;
  format (path, sizeof path, "/proc/%d/stat", (int)pid);
  const char *f = read_small_file (AT_FDCWD, path, stat, sizeof stat) < 0 ? NULL : procfs_stat_field (stat, 9);
  const char *p = f ? procfs_stat_field (stat, 4) : NULL;
  return p && parse_u64 (f, &flags) && parse_u64 (p, ppid) && (flags & 0x00200000u);
}

static void
test_kernel_threads (void)
{
  uint64_t ppid;
  if (!kernel_thread (2, &ppid))
    {
      printf ("# /proc/2 is no kernel thread here (a child pid namespace's /proc): no kernel threads\n");
      pid_t *pids;
      ok (procfs_kernel_threads (&pids) == 0 && pids == NULL, "kernel threads: none listed");
      return;
    }
  pid_t *pids;
  size_t n = procfs_kernel_threads (&pids);
  ok (n > 1 && pids[0] == 2, "kernel threads: kthreadd first, then %zu more", n ? n - 1 : 0);
  size_t sorted = 0, kernel = 0, children = 0, gone = 0;
  for (size_t i = 0; i < n; i++)
    {
      sorted += i == 0 || pids[i] > pids[i - 1];
      if (!kernel_thread (pids[i], &ppid))
        {
          /* Exited since (a worker the kernel stopped), or a user-mode
             helper: read again, it must be gone or be one. */
          char path[64];
          format (path, sizeof path, "/proc/%d", (int)pids[i]);
          gone += access (path, F_OK) != 0;
          continue;
        }
      kernel++;
      children += i == 0 ? ppid == 0 : ppid == 2;
    }
  ok (sorted == n, "kernel threads: sorted, no pid twice");
  ok (kernel + gone >= n - 1 && kernel * 10 >= n * 9, "kernel threads: %zu of %zu are (%zu gone since)", kernel, n,
      gone);
  ok (children == kernel, "kernel threads: each is kthreadd's child (or kthreadd)");
  free (pids);
}

/* Liveness against this machine's processes: ourselves, a child that
   exited and was reaped (no process has its pid: kill tells), and one
   that exited and was not (a zombie: /proc/PID/stat tells). */
static void
test_alive_since (void)
{
  int64_t now = time (NULL);
  ok (procfs_alive_since (getpid (), now), "this process is alive and had started by now");
  pid_t reaped = fork ();
  if (reaped == 0)
    _exit (0);
  waitpid (reaped, NULL, 0);
  ok (!procfs_alive_since (reaped, now + 10), "a reaped child is gone");
  pid_t zombie = fork ();
  if (zombie == 0)
    _exit (0);
  waitid (P_PID, zombie, NULL, WEXITED | WNOWAIT); /* exited, not reaped */
  ok (!procfs_alive_since (zombie, now + 10), "a zombie is gone too");
  waitpid (zombie, NULL, 0);
  pid_t late = fork ();
  if (late == 0)
    {
      pause ();
      _exit (0);
    }
  ok (!procfs_alive_since (late, now - 10), "a live process that started after SINCE only reuses the pid");
  kill (late, SIGKILL);
  waitpid (late, NULL, 0);
}

int
main (void)
{
  test_stat_fields ();
  test_parse_pids ();
  test_kernel_threads ();
  test_alive_since ();
  return tap_done ();
}
