/* Test helper: prints a POSIX message queue's attributes, mode and owner,
   which /dev/mqueue does not show.  Usage: mq-attr /NAME */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: mq-attr /NAME\n");
      return 2;
    }
  mqd_t mq = mq_open (argv[1], O_RDONLY);
  struct mq_attr attr;
  struct stat st;
  if (mq == (mqd_t)-1 || mq_getattr (mq, &attr) < 0 || fstat (mq, &st) < 0)
    {
      perror (argv[1]);
      return 1;
    }
  printf ("maxmsg=%ld msgsize=%ld mode=%04o uid=%u gid=%u\n", attr.mq_maxmsg, attr.mq_msgsize,
          (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid);
  return 0;
}
