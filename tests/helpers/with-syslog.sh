# with-syslog.sh LOG CMD...: runs CMD (stdin, stdout and stderr are its)
# with a syslog socket that writes each datagram it gets as a line of LOG,
# "ready" first and, once CMD has ended, "end" last.  Run it in a mount
# namespace of its own (tests/common.bash: with_syslog): /dev/log is made
# on a tmpfs mounted over /dev there, the host's /dev is not touched.
set -e
log=$1
shift
mount -t tmpfs -o mode=0755 nsipc-test-dev /dev
mknod -m 666 /dev/null c 1 3
perl -MIO::Socket::UNIX -e '
  my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "/dev/log") or die "listen: $!";
  open my $out, ">", $ARGV[0] or die; $out->autoflush (1); print $out "ready\n";
  while (defined $s->recv (my $m, 8192)) { print $out "$m\n" }' "$log" &
listener=$!
trap 'kill "$listener"' EXIT
for _ in $(seq 200); do [ -S /dev/log ] && break; sleep 0.05; done
"$@"
# Datagrams arrive in order: once "end" is written, so is all before it.
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new (Type => SOCK_DGRAM, Peer => "/dev/log")->send ("end")'
for _ in $(seq 200); do grep -qx end "$log" && break; sleep 0.05; done
