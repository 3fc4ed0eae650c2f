/* timeit.c: the stopwatch of bench/run.sh.  Runs a command RUNS times
 * one after the other and prints the wall-clock seconds of all the runs
 * together, the largest peak resident set of any run in KiB, and the CPU
 * seconds (user and system) of all the runs, as "SECONDS KIB CPU".  A monotonic clock and wait4(2) give what /usr/bin/time
 * gives with finer resolution, which the one-row commands (a few
 * milliseconds each) need, and with no package to install.
 *
 *   timeit [-n RUNS] [-i IN] [-o OUT] [-e ERR] COMMAND [ARG...]
 *
 * stdin comes from IN (default /dev/null), stdout goes to OUT (default
 * /dev/null), stderr to ERR (default: inherited).  Any run that fails
 * stops it with status 1 and a message naming the run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fputs("usage: timeit [-n RUNS] [-i IN] [-o OUT] [-e ERR] COMMAND [ARG...]\n", stderr);
	exit(64);
}

static void redirect(const char *path, int flags, int fd)
{
	int f = open(path, flags, 0644);
	if (f < 0 || dup2(f, fd) < 0) {
		fprintf(stderr, "timeit: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(f);
}

/* One run, its CPU time added to *cpu; its peak RSS in KiB, or -1 when
 * it failed. */
static long run(char **argv, const char *in, const char *out, const char *err, double *cpu)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		return -1;
	}
	if (pid == 0) {
		redirect(in, O_RDONLY, 0);
		redirect(out, O_WRONLY | O_CREAT | O_TRUNC, 1);
		if (err)
			redirect(err, O_WRONLY | O_CREAT | O_APPEND, 2);
		execvp(argv[0], argv);
		fprintf(stderr, "timeit: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("timeit: wait4");
			return -1;
		}
	*cpu += (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "timeit: %s: killed by signal %d\n", argv[0], WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		fprintf(stderr, "timeit: %s: exit status %d\n", argv[0], WEXITSTATUS(status));
		return -1;
	}
	return ru.ru_maxrss;	/* KiB on Linux */
}

int main(int argc, char **argv)
{
	const char *in = "/dev/null", *out = "/dev/null", *err = NULL;
	long runs = 1, peak = 0;
	double cpu = 0;
	int c;

	while ((c = getopt(argc, argv, "+n:i:o:e:")) != -1) {
		switch (c) {
		case 'n':
			runs = strtol(optarg, NULL, 10);
			if (runs < 1)
				usage();
			break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'e': err = optarg; break;
		default: usage();
		}
	}
	if (optind == argc)
		usage();

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < runs; i++) {
		long kib = run(argv + optind, in, out, err, &cpu);
		if (kib < 0)
			return 1;
		if (kib > peak)
			peak = kib;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.6f %ld %.6f\n", s, peak, cpu);
	return 0;
}
