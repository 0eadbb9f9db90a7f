// SPDX-License-Identifier: GPL-2.0
/*
 * dax-test: the /init of the QEMU guest that tests filesystem DAX on pmem.
 *
 * It is the only program in its initramfs.  It mounts proc, sysfs,
 * devtmpfs and tracefs, reads its plan from the environment (the kernel
 * hands unknown KEY=value boot parameters to init), runs the tests,
 * prints KTAP and powers the machine off.
 *
 *   DAXTEST_MODE=dax|nodax|nofsdax   dax: the device offers DAX, test
 *                            that the file systems use it and keep data
 *                            intact; nodax: the device refused DAX, test
 *                            that everything still works without it;
 *                            nofsdax: alloc_dax() allowed DAX, but no
 *                            file system can use it: the kernel has no
 *                            FS_DAX (an architecture that did not opt
 *                            in, with DAXTEST_FS_DAX=n), or pmem said
 *                            that the pmem API cannot write back this
 *                            machine's caches (ARM behind an outer
 *                            cache); pmem logs no alloc_dax() refusal,
 *                            the queue is not DAX, file systems work;
 *                            persist: one of several boots in one QEMU
 *                            run (see "Persistence" below): check what
 *                            the boot before wrote through DAX, write
 *                            anew, end without sync()
 *   DAXTEST_PERSIST_ENDS=reboot,panic   persist mode: how each boot but
 *                            the last ends, in order (a panic: PID 1
 *                            exits); the last one powers off
 *   DAXTEST_FUSE_DAX=n       the kernel has no FUSE_DAX: a virtio-fs
 *                            device then never looks for a DAX window
 *   DAXTEST_FS_DAX=n         the kernel has no FS_DAX (nodax and
 *                            nofsdax modes): the dax mount options do
 *                            not exist, so their test is left out
 *   DAXTEST_PMEM_MT=TYPE     the memory type that the kernel's mapping of
 *                            each pmem device must have, as the kernel's
 *                            page-table dump names it (ARM:
 *                            MEM/BUFFERABLE/WC, non-cacheable), or
 *                            "user": the type of user pages, which ARM
 *                            takes from the cache policy its boot log
 *                            names; unset: that test is not run
 *   DAXTEST_DEVS=pmem0:ext4,pmem1:ext2,pmem2:xfs   device:fs, each file
 *                            system at most once (it is a fixture variant);
 *                            xfs+reflink: an xfs made with reflink, on
 *                            which the limited DAX mode must refuse DAX;
 *                            raw: no file system (persist mode: the boot
 *                            counter, exactly one);
 *                            an erofs device is read-only: the host made
 *                            its w-SIZE files (scripts/qemu/qemu-erofs-files.py)
 *   DAXTEST_SEED=N           seed of the random data and of fsx (default:
 *                            the clock; the seed is printed either way)
 *   DAXTEST_OPS=N            fsx operations per file system (10000)
 *   DAXTEST_VIRTIOFS=TAG     the tag of a virtio-fs share from the host
 *                            (scripts/qemu/qemu-run.sh, VIRTIOFS= in the
 *                            scenario), tested in both modes: it has no
 *                            DAX window, so dax=always must be refused and
 *                            a default mount must work; without it those
 *                            two tests skip
 *   DAXTEST_END=poweroff|reboot   how the boot ends (default poweroff);
 *                            reboot for boards without a power-off
 *                            driver (QEMU's -no-reboot makes it an exit)
 *
 * KTAP goes to /dev/kmsg, not to the console directly: the kernel's own
 * messages then cannot break a KTAP line in the middle, and a kernel
 * warning shows up right after the test that caused it.  The host
 * strips the printk time stamps.
 *
 * The tests are kselftest_harness.h's: a fixture for each group that one
 * mode plans (the device and its DAX mount option in every mode; DAX file
 * systems written, DAX images, reflink; file systems without DAX), a
 * variant of it for each file system, and each test, with its fixture's
 * set-up and tear-down, in a process of its own, so that a fault in a DAX
 * mapping ends that test alone and no test depends on another's state.
 * A test is named FIXTURE.VARIANT.TEST (dax.ext4.fsx); the plan is the
 * harness's tests less those of other modes, of file systems that
 * DAXTEST_DEVS does not name, and of checks the scenario leaves out
 * (plan_harness()).  Two parts stay outside the harness, on kselftest.h
 * alone: the persist mode, whose steps are one ordered sequence per boot
 * (run_persist()), and the exec test's copy of this program, which only
 * prints its marker (main()).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/futex.h>

/* 6.1's harness leaves a parameter of its SIGALRM handler unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

#define MiB (1024L * 1024)

/*
 * Page-cache growth for an mmap read of the 16 MiB file.  With DAX the
 * file's pages are the pmem itself and nothing is cached; some metadata
 * may be, so allow 1 MiB.  Without DAX every page of the file must be in
 * the page cache once it was read, so at least 15 of the 16 MiB (one
 * MiB of slack for /proc/meminfo's rounding and for reclaim).
 */
#define DAX_CACHE_MAX_KB	1024L
#define NODAX_CACHE_MIN_KB	(15 * 1024L)

/* The sizes of the files that are written, read back and remounted. */
static const long sizes[] = { 1, 4095, 4096, MiB + 1, 16 * MiB };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define BIG (16 * MiB)

/* fsx: the file grows up to this size; each operation spans at most OPMAX. */
#define FSX_MAXLEN	(1 * MiB)
#define FSX_OPMAX	(64 * 1024)
#define FSX_HISTORY	16

#define PROFILED_FN "arch_wb_cache_pmem"
/*
 * Its caller, profiled only to explain a failure: if dax_flush() ran
 * and PROFILED_FN did not, either the DAX write cache is off or the
 * graph tracer could not see the call (on ARM it skips functions its
 * unwinder cannot handle, e.g. in a Thumb-2 kernel).
 */
#define CALLER_FN "dax_flush"
/*
 * Cache maintenance the tests count as well: ARM's I-cache invalidation
 * for executable special ptes, and the D-cache write-back of a CoW copy.
 */
#define ICACHE_FN "__sync_icache_special"
#define DFLUSH_FN "flush_dcache_page"
/*
 * How a flush could map memory: memremap(), and the vmap area that an
 * ioremap() on ARM takes.  msync() must call neither.
 */
#define MEMREMAP_FN "memremap"
#define VMAP_FN "get_vm_area_caller"
#define TRACING "/sys/kernel/tracing"
#define DEBUGFS "/sys/kernel/debug"
#define PTDUMP DEBUGFS "/kernel_page_tables"

/*
 * A check's verdict; why it failed or skipped is in reason[].  (Not SKIP:
 * that is the harness's macro.)
 */
enum { PASS, FAIL, SKIPPED };

struct dev {
	char name[16];		/* pmem0 */
	char path[32];		/* /dev/pmem0 */
	char kind[16];		/* as DAXTEST_DEVS names it: ext4, xfs+reflink, ... */
	char fs[8];		/* ext4, ext2, xfs, erofs */
	int reflink;		/* xfs made with reflink (DAXTEST_DEVS xfs+reflink) */
	char mnt[32];		/* /mnt/pmem0 */
	int mounted;		/* 0, or the DAX mode it is mounted with */
};
enum { UNMOUNTED, MNT_DAX, MNT_NODAX, MNT_DEFAULT };

/* erofs is read-only: its files come with the image. */
static int read_only(const struct dev *d)
{
	return !strcmp(d->fs, "erofs");
}

static struct dev devs[8];
static int ndevs;
static uint64_t seed;
static long fsx_ops = 10000;
static int no_fuse_dax, no_fs_dax;	/* DAXTEST_FUSE_DAX=n, DAXTEST_FS_DAX=n */
static const char *pmem_mt;		/* DAXTEST_PMEM_MT */
static const char *user_mt;		/* the type of user pages, from the boot log */
static long pagesz;

/* ------------------------------------------------------------------ */
/* Output                                                              */

/*
 * stdout and stderr are /dev/kmsg, line-buffered (setup_output()): each
 * line, the harness's too, is one write() and so one record.
 */
#define diag(fmt, ...) ksft_print_msg(fmt "\n", ##__VA_ARGS__)

/*
 * Before the plan is set, and in PID 1, which must not exit as
 * ksft_exit_fail_msg() would: the boot still has to end.
 */
static void bail_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bail_out(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static char reason[256];

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return FAIL;
}

static int skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return SKIPPED;
}

/* Hand a check's verdict, and why, to the harness. */
static void report(struct __test_metadata *_metadata, int verdict)
{
	if (verdict == SKIPPED)
		SKIP(return, "%s", reason);
	if (verdict != PASS) {
		TH_LOG("%s", reason);
		_metadata->passed = 0;
	}
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* splitmix64: a seeded, reproducible stream for data and for fsx. */
static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long rnd_below(uint64_t *s, long n)
{
	return (long)(rnd_next(s) % (uint64_t)n);
}

static void rnd_fill(uint64_t *s, unsigned char *buf, long len)
{
	long i;

	for (i = 0; i < len; i += 8) {
		uint64_t v = rnd_next(s);
		long k;

		for (k = 0; k < 8 && i + k < len; k++)
			buf[i + k] = v >> (8 * k);
	}
}

/* The content of a test file: a function of the seed, its size and tag. */
static void pattern(unsigned char *buf, long len, uint64_t tag)
{
	uint64_t s = seed ^ (tag * 0x100000001b3ULL) ^ (uint64_t)len;

	rnd_fill(&s, buf, len);
}

static uint64_t fnv1a(const unsigned char *p, long len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	long i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

static int write_all(int fd, const unsigned char *p, long len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

/* Read the whole file; returns its size or -errno.  buf holds max bytes. */
static long read_whole(const char *path, unsigned char *buf, long max)
{
	int fd = open(path, O_RDONLY);
	long got = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf + got, max - got > MiB ? MiB : max - got);

		if (n < 0) {
			got = -errno;
			break;
		}
		if (n == 0)
			break;
		got += n;
		if (got == max) {
			char c;

			if (read(fd, &c, 1) > 0)
				got = -EFBIG;
			break;
		}
	}
	close(fd);
	return got;
}

static long first_diff(const unsigned char *a, const unsigned char *b, long len)
{
	long i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

static void drop_caches(void)
{
	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
}

/* "Cached:" of /proc/meminfo, in kB; -1 if it cannot be read. */
static long cached_kb(void)
{
	char buf[4096], *p;

	if (read_text("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\nCached:");
	return p ? strtol(p + 8, NULL, 10) : -1;
}

/* -1 error, 0 no DAX, 1 DAX: what statx() says of the file. */
static int statx_dax(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, &stx))
		return -1;
	if (!(stx.stx_attributes_mask & STATX_ATTR_DAX))
		return -1;	/* the kernel does not report the attribute */
	return !!(stx.stx_attributes & STATX_ATTR_DAX);
}

/* ------------------------------------------------------------------ */
/* The kernel log                                                      */

/*
 * The kernel's messages (facility 0) since the reader was opened, one a
 * line, appended to buf.  A reader is a /dev/kmsg descriptor positioned
 * at the end of the log when it was opened.
 */
static int log_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static void log_read(int fd, char *buf, size_t size)
{
	char rec[2048];
	size_t len = strlen(buf);

	if (fd < 0)
		return;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *msg, *end;
		unsigned pri;

		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (n <= 0)
			break;
		rec[n] = 0;
		/* "pri,seq,usec,flags;text\n" followed by " KEY=value" lines */
		msg = strchr(rec, ';');
		if (!msg || sscanf(rec, "%u,", &pri) != 1 || pri >> 3 != 0)
			continue;
		msg++;
		end = strchr(msg, '\n');
		if (end)
			*end = 0;
		if (len + strlen(msg) + 2 < size) {
			len += sprintf(buf + len, "%s\n", msg);
		}
	}
}

/* Print the last lines of a log excerpt as diagnostics. */
static void diag_tail(const char *what, const char *log, int lines)
{
	const char *p = log + strlen(log);
	int n = 0;

	while (p > log && n <= lines) {
		p--;
		if (*p == '\n' && p[1])
			n++;
	}
	if (*p == '\n')
		p++;
	while (*p) {
		const char *e = strchrnul(p, '\n');

		diag("%s: %.*s", what, (int)(e - p), p);
		p = *e ? e + 1 : e;
	}
}

/*
 * The whole kernel log through klogctl(), kernel lines only.  Returns a
 * malloc'd buffer, or NULL.  *wrapped is set when the start of the boot
 * is no longer in the buffer, so that the caller knows it cannot see
 * every message.
 */
static char *klog_all(int *wrapped)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *raw, *out, *p, *o;
	int n;

	if (size <= 0)
		return NULL;
	raw = malloc(size + 1);
	out = malloc(size + 1);
	if (!raw || !out) {
		free(raw);
		free(out);
		return NULL;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, raw, size);
	if (n < 0)
		n = 0;
	raw[n] = 0;
	o = out;
	for (p = raw; *p; ) {
		char *e = strchrnul(p, '\n');
		unsigned pri = 0;
		char *text = p;

		/* "<pri>[time] text": keep only the kernel's own messages. */
		if (*p == '<') {
			pri = strtoul(p + 1, &text, 10);
			if (*text == '>')
				text++;
		}
		if (pri >> 3 == 0)
			o += sprintf(o, "%.*s\n", (int)(e - text), text);
		p = *e ? e + 1 : e;
	}
	*o = 0;
	/*
	 * The banner of init/main.c is the first or second message on every
	 * architecture (ARM's "Booting Linux on physical CPU" is ARM only).
	 */
	*wrapped = !strstr(out, "Linux version ");
	free(raw);
	return out;
}

/* ------------------------------------------------------------------ */
/* Mounting                                                            */

static const char *mount_opts(const struct dev *d, int mode)
{
	int ext2 = !strcmp(d->fs, "ext2");

	switch (mode) {
	case MNT_DAX:
		return ext2 ? "dax" : "dax=always";
	case MNT_NODAX:
		return ext2 ? "" : "dax=never";
	default:
		return "";
	}
}

/* Mount d with mode; the kernel's messages meanwhile are added to log. */
static int do_mount(struct dev *d, int mode, char *log, size_t logsize)
{
	int lfd = log_open();
	int r;

	mkdir("/mnt", 0755);
	mkdir(d->mnt, 0755);
	r = mount(d->path, d->mnt, d->fs, read_only(d) ? MS_RDONLY : 0, mount_opts(d, mode));
	r = r ? -errno : 0;
	if (log)
		log_read(lfd, log, logsize);
	if (lfd >= 0)
		close(lfd);
	if (!r)
		d->mounted = mode;
	return r;
}

static int do_umount(struct dev *d)
{
	if (d->mounted == UNMOUNTED)
		return 0;
	if (umount(d->mnt))
		return -errno;
	d->mounted = UNMOUNTED;
	return 0;
}

/* Mount d in mode, unmounting first if it is mounted otherwise. */
static int remount(struct dev *d, int mode)
{
	char log[4096] = "";
	int r;

	if (d->mounted == mode)
		return 0;
	r = do_umount(d);
	if (r)
		return fail("umount %s: %s", d->mnt, strerror(-r));
	r = do_mount(d, mode, log, sizeof(log));
	if (r) {
		diag_tail("kernel", log, 5);
		return fail("mount -t %s -o '%s' %s: %s", d->fs, mount_opts(d, mode),
			    d->path, strerror(-r));
	}
	return PASS;
}

static void file_path(char *buf, size_t size, const struct dev *d, const char *name)
{
	snprintf(buf, size, "%s/%s", d->mnt, name);
}

/* A file to ask statx() about: made here, or the image's on erofs. */
static int statx_file(char *buf, size_t size, const struct dev *d)
{
	int fd;

	file_path(buf, size, d, read_only(d) ? "w-4096" : "statx");
	if (read_only(d))
		return access(buf, R_OK) ? -errno : 0;
	fd = open(buf, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The function profiler                                               */

/*
 * Set up once, before the tests: the filter and the counts are the
 * kernel's, and every test reads differences of its own.
 */
static int prof_state;		/* 0 not set up, 1 ready, -1 unavailable */
static char prof_why[160];

static void prof_setup(void)
{
	static const char *const more[] = { CALLER_FN, ICACHE_FN, DFLUSH_FN, MEMREMAP_FN, VMAP_FN };
	int r, fd, i;

	if (prof_state)
		return;
	prof_state = -1;
	if (access(TRACING "/function_profile_enabled", W_OK)) {
		snprintf(prof_why, sizeof(prof_why), "no function profiler in tracefs (%s)",
			 strerror(errno));
		return;
	}
	r = write_file(TRACING "/set_ftrace_filter", PROFILED_FN);
	if (r) {
		snprintf(prof_why, sizeof(prof_why),
			 PROFILED_FN "() is not a traceable function here (%s)", strerror(-r));
		return;
	}
	/*
	 * Best effort: the caller only explains a failure, and a missing
	 * ICACHE_FN or DFLUSH_FN shows as zero calls where they are counted.
	 */
	for (i = 0; i < (int)(sizeof(more) / sizeof(more[0])); i++) {
		fd = open(TRACING "/set_ftrace_filter", O_WRONLY | O_APPEND);
		if (fd < 0)
			continue;
		if (write(fd, more[i], strlen(more[i])) < 0)
			diag("cannot profile %s(): %s", more[i], strerror(errno));
		close(fd);
	}
	r = write_file(TRACING "/function_profile_enabled", "1");
	if (r) {
		snprintf(prof_why, sizeof(prof_why), "cannot enable the profiler: %s",
			 strerror(-r));
		return;
	}
	prof_state = 1;
}

/* Calls of fn so far, summed over the CPUs; -1 on error. */
static long prof_hits(const char *fn_name)
{
	DIR *dir = opendir(TRACING "/trace_stat");
	struct dirent *e;
	long hits = 0;
	int files = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		char path[300], line[512];
		FILE *f;

		if (strncmp(e->d_name, "function", 8))
			continue;
		snprintf(path, sizeof(path), TRACING "/trace_stat/%s", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		files++;
		while (fgets(line, sizeof(line), f)) {
			char fn[128];
			long h;

			if (sscanf(line, " %127s %ld", fn, &h) == 2 && !strcmp(fn, fn_name))
				hits += h;
		}
		fclose(f);
	}
	closedir(dir);
	return files ? hits : -1;
}

/* Whether fn is in the profiler's filter (a zero count means something). */
static int prof_traced(const char *fn_name)
{
	FILE *f = fopen(TRACING "/set_ftrace_filter", "r");
	char line[256];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \n")] = 0;
		found = !strcmp(line, fn_name);
	}
	fclose(f);
	return found;
}

/* ------------------------------------------------------------------ */
/* Creating and checking files                                         */

static unsigned char *expect_buf, *read_buf;	/* BIG bytes each */
static int mmap_read_big(struct dev *d, double *secs);

/* Write size bytes of pattern tag into path with write(). */
static int create_by_write(const char *path, long size, uint64_t tag)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	int r;

	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	pattern(expect_buf, size, tag);
	r = write_all(fd, expect_buf, size);
	if (!r && fsync(fd))
		r = -errno;
	close(fd);
	return r ? fail("write %s: %s", path, strerror(-r)) : PASS;
}

/* Write size bytes of pattern tag into path through a shared mapping. */
static int create_by_mmap(const char *path, long size, uint64_t tag)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	unsigned char *m;

	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	if (ftruncate(fd, size)) {
		close(fd);
		return fail("ftruncate %s: %s", path, strerror(errno));
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return fail("mmap %s: %s", path, strerror(errno));
	pattern(expect_buf, size, tag);
	memcpy(m, expect_buf, size);
	if (msync(m, size, MS_SYNC)) {
		munmap(m, size);
		return fail("msync %s: %s", path, strerror(errno));
	}
	munmap(m, size);
	return PASS;
}

/* Check that path holds exactly size bytes of pattern tag. */
static int check_file(const char *path, long size, uint64_t tag)
{
	long got = read_whole(path, read_buf, BIG), at;

	if (got < 0)
		return fail("read %s: %s", path, strerror(-got));
	if (got != size)
		return fail("%s has %ld bytes, not %ld", path, got, size);
	pattern(expect_buf, size, tag);
	at = first_diff(expect_buf, read_buf, size);
	if (at >= 0)
		return fail("%s differs at byte %ld (0x%02x, expected 0x%02x)", path, at,
			    read_buf[at], expect_buf[at]);
	return PASS;
}

enum { TAG_WRITE = 1, TAG_MMAP, TAG_COW, TAG_MSYNC, TAG_VFS };

/* The files of the size list, written by write() (w-SIZE) or mmap (m-SIZE). */
static int create_files(struct dev *d, int by_mmap)
{
	unsigned i;

	for (i = 0; i < NSIZES; i++) {
		char path[96], name[32];
		int r;

		snprintf(name, sizeof(name), "%c-%ld", by_mmap ? 'm' : 'w', sizes[i]);
		file_path(path, sizeof(path), d, name);
		r = by_mmap ? create_by_mmap(path, sizes[i], TAG_MMAP)
			    : create_by_write(path, sizes[i], TAG_WRITE);
		if (r == PASS)
			r = check_file(path, sizes[i], by_mmap ? TAG_MMAP : TAG_WRITE);
		if (r != PASS)
			return r;
	}
	return PASS;
}

static int check_files(struct dev *d)
{
	unsigned i;
	int m;

	/* the image of a read-only file system has only the w- files */
	for (m = 0; m < (read_only(d) ? 1 : 2); m++)
		for (i = 0; i < NSIZES; i++) {
			char path[96], name[32];
			int r;

			snprintf(name, sizeof(name), "%c-%ld", m ? 'm' : 'w', sizes[i]);
			file_path(path, sizeof(path), d, name);
			r = check_file(path, sizes[i], m ? TAG_MMAP : TAG_WRITE);
			if (r != PASS)
				return r;
		}
	return PASS;
}

/* ------------------------------------------------------------------ */
/* Tests of the DAX mode                                               */

static int fs_magic_ok(const struct dev *d)
{
	unsigned char sb[2048];
	int fd = open(d->path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fail("open %s: %s", d->path, strerror(errno));
	n = pread(fd, sb, sizeof(sb), 0);
	close(fd);
	if (n != (ssize_t)sizeof(sb))
		return fail("read %s: %s", d->path, n < 0 ? strerror(errno) : "short read");
	if (!strcmp(d->fs, "xfs")) {
		if (memcmp(sb, "XFSB", 4))
			return fail("%s holds no xfs (no XFSB magic)", d->path);
	} else if (read_only(d)) {
		/* EROFS_SUPER_MAGIC_V1, little endian, at 1024 */
		if (memcmp(sb + 1024, "\xe2\xe1\xf5\xe0", 4))
			return fail("%s holds no erofs (no 0xE0F5E1E2 magic)", d->path);
	} else {
		/* ext2/3/4 superblock at 1024, magic at 56, journal at compat bit 2 */
		int journal = sb[1024 + 92] & 4;

		if (sb[1024 + 56] != 0x53 || sb[1024 + 57] != 0xef)
			return fail("%s holds no ext2/ext4 (no 0xEF53 magic)", d->path);
		if (journal != !strcmp(d->fs, "ext4") * 4)
			return fail("%s: ext file system %s a journal, but the plan says %s",
				    d->path, journal ? "with" : "without", d->fs);
	}
	return PASS;
}

static int queue_dax(const struct dev *d)
{
	char path[96], buf[16];

	snprintf(path, sizeof(path), "/sys/block/%s/queue/dax", d->name);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	return atoi(buf);
}

/*
 * ARM gives user pages (and the kernel's normal memory) the pte bits of
 * its cache policy, which it logs at boot: the type as the page-table
 * dump names it.
 */
static const char *user_mt_from(const char *log)
{
	static const char *const names[][2] = {
		{ "writealloc", "MEM/CACHED/WBWA" }, { "writeback", "MEM/CACHED/WBRA" },
		{ "writethrough", "MEM/CACHED/WT" }, { "buffered", "MEM/BUFFERABLE/WC" },
		{ "uncached", "SO/UNCACHED" },
	};
	const char *p = log ? strstr(log, "Memory policy: ") : NULL;
	size_t i;

	p = p ? strstr(p, "Data cache ") : NULL;
	if (!p)
		return NULL;
	p += strlen("Data cache ");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(p, names[i][0], strlen(names[i][0])) &&
		    (p[strlen(names[i][0])] == '\n' || !p[strlen(names[i][0])]))
			return names[i][1];
	return NULL;
}

/*
 * The kernel's mapping of d's memory: pmem's memremap() area is the
 * vmalloc area whose phys= is the namespace's start (/proc/vmallocinfo);
 * [*start, *end) counts the area's guard page.
 */
static int pmem_kernel_map(const struct dev *d, unsigned long long *phys, unsigned long *start,
			   unsigned long *end)
{
	unsigned long long p;
	unsigned long a, b;
	char path[96], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%s/device/resource", d->name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llx", phys) != 1) {
		if (f)
			fclose(f);
		return fail("cannot read %s", path);
	}
	fclose(f);
	/* vmallocinfo prints %pK: real addresses need kptr_restrict=1 and root. */
	write_file("/proc/sys/kernel/kptr_restrict", "1\n");
	f = fopen("/proc/vmallocinfo", "r");
	if (!f)
		return fail("cannot read /proc/vmallocinfo: %s", strerror(errno));
	*start = *end = 0;
	while (fgets(line, sizeof(line), f)) {
		char *ph = strstr(line, " phys=");

		if (ph && sscanf(ph, " phys=%llx", &p) == 1 && p == *phys &&
		    sscanf(line, "0x%lx-0x%lx", &a, &b) == 2) {
			*start = a;
			*end = b;
			break;
		}
	}
	fclose(f);
	if (!*end)
		return fail("no vmalloc area maps %s's memory at phys 0x%llx", d->name, *phys);
	return PASS;
}

/*
 * The memory type of the kernel's mapping of d's memory: the page-table
 * dump gives the type of each pte of pmem's area.  Every mapped page of
 * the area must have the type the scenario names (DAXTEST_PMEM_MT).
 * QEMU models no caches, but it keeps the page tables: this is what the
 * CPU would be told.
 */
static int t_pmem_memtype(struct dev *d)
{
	unsigned long long phys = 0;
	unsigned long start = 0, end = 0, a, b, covered = 0;
	char line[512], other[128] = "";
	const char *want = pmem_mt;
	FILE *f;
	int r;

	if (!strcmp(pmem_mt, "user") && !(want = user_mt))
		return fail("no \"Memory policy: ... Data cache\" line in the boot log");
	if (access(PTDUMP, R_OK))
		return skip("no %s (ARM_PTDUMP_DEBUGFS): %s", PTDUMP, strerror(errno));
	r = pmem_kernel_map(d, &phys, &start, &end);
	if (r != PASS)
		return r;
	f = fopen(PTDUMP, "r");
	if (!f)
		return fail("cannot read %s: %s", PTDUMP, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "0x%lx-0x%lx", &a, &b) != 2 || b <= start || a >= end)
			continue;
		if (a < start)
			a = start;
		if (b > end)
			b = end;
		if (strstr(line, want))
			covered += b - a;
		else if (!other[0])
			snprintf(other, sizeof(other), "%.*s", (int)strcspn(line, "\n"), line);
	}
	fclose(f);
	diag("%s: 0x%lx-0x%lx maps phys 0x%llx; %lu KiB of it %s", d->name, start, end, phys,
	     covered >> 10, want);
	if (other[0])
		return fail("part of %s's kernel mapping is not %s: %s", d->name, want, other);
	/* The area's size counts a guard page, which is not mapped. */
	if (covered + pagesz < end - start)
		return fail("only %lu of %lu KiB of %s's kernel mapping are mapped", covered >> 10,
			    (end - start - pagesz) >> 10, d->name);
	return PASS;
}

static int t_dev_dax(struct dev *d)
{
	struct stat st;
	char path[96];
	int q;

	if (stat(d->path, &st) || !S_ISBLK(st.st_mode))
		return fail("%s is not a block device", d->path);
	q = queue_dax(d);
	if (q != 1)
		return fail("/sys/block/%s/queue/dax is %d, not 1", d->name, q);
	snprintf(path, sizeof(path), "/sys/block/%s/dax/write_cache", d->name);
	if (access(path, F_OK) == 0) {
		char buf[8] = "";

		read_text(path, buf, sizeof(buf));
		diag("%s: dax/write_cache is %.1s", d->name, buf);
	}
	return fs_magic_ok(d);
}

/* Whether /proc/mounts lists option opt for the file system on mnt. */
static int mount_has_opt(const char *mnt, const char *opt)
{
	char line[512], dev[128], dir[128], type[32], opts[300];
	FILE *f = fopen("/proc/mounts", "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %127s %31s %299s", dev, dir, type, opts) == 4 &&
		    !strcmp(dir, mnt)) {
			char *tok, *save;

			found = 0;
			for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				if (!strcmp(tok, opt))
					found = 1;
		}
	fclose(f);
	return found;
}

/*
 * ext2 and xfs accept the option on a device without DAX and turn DAX
 * off with a warning: the mount only counts if the option survived.
 */
static int mount_with_dax(struct dev *d)
{
	char log[4096] = "";
	int r = do_mount(d, MNT_DAX, log, sizeof(log));

	if (r) {
		diag_tail("kernel", log, 5);
		return fail("mount -t %s -o %s %s: %s", d->fs, mount_opts(d, MNT_DAX),
			    d->path, strerror(-r));
	}
	r = mount_has_opt(d->mnt, mount_opts(d, MNT_DAX));
	if (r != 1) {
		diag_tail("kernel", log, 5);
		d->mounted = MNT_DEFAULT;	/* the tests that need DAX skip */
		return fail("mounted, but /proc/mounts %s", r < 0 ? "does not list it"
				: "shows DAX off");
	}
	return PASS;
}

static int t_statx_dax(struct dev *d)
{
	char path[96];
	int fd, dax;

	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	fd = statx_file(path, sizeof(path), d);
	if (fd)
		return fail("%s: %s", path, strerror(-fd));
	dax = statx_dax(path);
	if (dax < 0)
		return fail("statx %s: no STATX_ATTR_DAX in stx_attributes_mask", path);
	if (!dax)
		return fail("statx %s: STATX_ATTR_DAX is not set", path);
	return PASS;
}

static int t_write_files(struct dev *d)
{
	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	return create_files(d, 0);
}

static int t_mmap_files(struct dev *d)
{
	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	return create_files(d, 1);
}

/* The read-only image's files, by read() and through a shared mapping. */
static int t_ro_files(struct dev *d)
{
	double secs;
	int r;

	if (d->mounted == UNMOUNTED) {
		r = remount(d, MNT_DEFAULT);
		if (r != PASS)
			return r;
	}
	r = check_files(d);
	return r == PASS ? mmap_read_big(d, &secs) : r;
}

/*
 * msync() of dirty DAX pages must write them back from the CPU cache:
 * count the calls of arch_wb_cache_pmem().  A second msync() with
 * nothing dirty must not flush, and one dirty page must again: so the
 * count follows the dirty pages, not just any msync().
 */
static int t_msync_flush(struct dev *d)
{
	const long npages = 16, len = npages * pagesz;
	long h0, h1, h2, h3, c0, c1, i;
	unsigned char *m;
	char path[96];
	int fd;

	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	if (prof_state < 0)
		return skip("%s", prof_why);
	file_path(path, sizeof(path), d, "msync");
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	if (ftruncate(fd, len)) {
		close(fd);
		return fail("ftruncate %s: %s", path, strerror(errno));
	}
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return fail("mmap %s: %s", path, strerror(errno));
	pattern(expect_buf, len, TAG_MSYNC);
	memcpy(m, expect_buf, len);
	h0 = prof_hits(PROFILED_FN);
	c0 = prof_hits(CALLER_FN);
	i = msync(m, len, MS_SYNC);
	h1 = prof_hits(PROFILED_FN);
	c1 = prof_hits(CALLER_FN);
	i |= msync(m, len, MS_SYNC);
	h2 = prof_hits(PROFILED_FN);
	m[5 * pagesz + 7] ^= 0xff;
	i |= msync(m, len, MS_SYNC);
	h3 = prof_hits(PROFILED_FN);
	munmap(m, len);
	if (i)
		return fail("msync %s: %s", path, strerror(errno));
	if (h0 < 0 || h1 < 0 || h2 < 0 || h3 < 0)
		return fail("cannot read " TRACING "/trace_stat/function*");
	diag("%s: %s() calls: %ld for %ld dirty pages, %ld for none, %ld for one (%s(): %ld for %ld)",
	     d->fs, PROFILED_FN, h1 - h0, npages, h2 - h1, h3 - h2, CALLER_FN, c1 - c0, npages);
	if (h1 - h0 < 1)
		return fail("msync of %ld dirty DAX pages did not call %s()", npages, PROFILED_FN);
	if (h2 != h1)
		return fail("msync with no dirty page called %s() %ld times", PROFILED_FN, h2 - h1);
	if (h3 - h2 < 1)
		return fail("msync of one dirty DAX page did not call %s()", PROFILED_FN);
	return PASS;
}

/*
 * The cost of msync() for 1, 16, 256 and 4096 dirty DAX pages, and how
 * it writes them back: through the device's own kernel mapping, so that
 * no call maps memory (memremap(), a vmap area) however many entries
 * are dirty.  The times are reported, as multiples of the one-page
 * time of the same boot; the mapping calls are counted and must be 0.
 */
static int t_msync_cost(struct dev *d)
{
	static const long counts[] = { 1, 16, 256, 4096 };
	const long ncounts = sizeof(counts) / sizeof(counts[0]);
	const long len = counts[ncounts - 1] * pagesz;
	long i, k, maps = 0, r0, v0, r, v;
	double t1 = 0, t;
	unsigned char *m;
	char path[96];
	int fd, err = 0;

	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	if (len > BIG)
		return fail("%ld pages of %ld bytes do not fit the %ld-byte buffer",
			    counts[ncounts - 1], pagesz, (long)BIG);
	if (prof_state < 0)
		return skip("%s", prof_why);
	if (!prof_traced(MEMREMAP_FN) || !prof_traced(VMAP_FN))
		return fail("cannot count %s() and %s(): not in %s/set_ftrace_filter",
			    MEMREMAP_FN, VMAP_FN, TRACING);
	file_path(path, sizeof(path), d, "msync-cost");
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	/* Allocate the blocks first: the faults below then only map them. */
	memset(expect_buf, 0x5a, len);
	if (write(fd, expect_buf, len) != len || fsync(fd)) {
		err = errno;
		close(fd);
		unlink(path);
		return fail("write %s: %s", path, strerror(err));
	}
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		err = errno;
		unlink(path);
		return fail("mmap %s: %s", path, strerror(err));
	}
	for (k = 0; k < ncounts && !err; k++) {
		for (i = 0; i < counts[k]; i++)
			m[i * pagesz + k] ^= 0xff;
		r0 = prof_hits(MEMREMAP_FN);
		v0 = prof_hits(VMAP_FN);
		t = now();
		if (msync(m, len, MS_SYNC))
			err = errno;
		t = now() - t;
		r = prof_hits(MEMREMAP_FN) - r0;
		v = prof_hits(VMAP_FN) - v0;
		if (k == 0)
			t1 = t;
		diag("%s: msync of %4ld dirty pages: %8.0f us (%6.1f x one page), %s() %ld, %s() %ld",
		     d->fs, counts[k], t * 1e6, t1 > 0 ? t / t1 : 0, MEMREMAP_FN, r, VMAP_FN, v);
		maps += r + v;
	}
	munmap(m, len);
	unlink(path);
	if (err)
		return fail("msync %s: %s", path, strerror(err));
	if (maps)
		return fail("msync mapped memory %ld times to write back DAX pages", maps);
	return PASS;
}

/*
 * Copy-on-write of a private mapping: pages 0-7 are read first (mapped
 * from pmem, then copied on the write fault), pages 8-15 are written
 * first (copied on the first fault).  One byte per page changes: the
 * rest of the copy must be the file's data, and neither the file nor a
 * shared mapping of it may change.
 */
static int t_private_cow(struct dev *d)
{
	const long npages = 16, len = npages * pagesz, off = 100;
	unsigned char *p, *s, sum = 0;
	char path[96];
	long i, at, h0, h1, h2;
	int fd, r;

	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	file_path(path, sizeof(path), d, "cow");
	r = create_by_write(path, len, TAG_COW);
	if (r != PASS)
		return r;
	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("open %s: %s", path, strerror(errno));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	s = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED || s == MAP_FAILED)
		return fail("mmap %s: %s", path, strerror(errno));
	for (i = 0; i < npages / 2; i++)
		sum += *(volatile unsigned char *)(p + i * pagesz);
	/*
	 * The pages not read yet take the DAX CoW fault (do_cow_fault() ->
	 * copy_cow_page_dax()); the ones read before are mapped already and
	 * take the core's write-protect copy (wp_page_copy()).  Count the
	 * D-cache write-backs of each.
	 */
	h0 = prof_state == 1 ? prof_hits(DFLUSH_FN) : -1;
	for (i = npages / 2; i < npages; i++)
		p[i * pagesz + off] ^= 0x5a;
	h1 = prof_state == 1 ? prof_hits(DFLUSH_FN) : -1;
	for (i = 0; i < npages / 2; i++)
		p[i * pagesz + off] ^= 0x5a;
	h2 = prof_state == 1 ? prof_hits(DFLUSH_FN) : -1;
	pattern(expect_buf, len, TAG_COW);
	r = PASS;
	for (i = 0; i < len && r == PASS; i++) {
		unsigned char want = expect_buf[i] ^ (i % pagesz == off ? 0x5a : 0);

		if (p[i] != want)
			r = fail("private copy differs at byte %ld (page %ld): 0x%02x, expected 0x%02x",
				 i, i / pagesz, p[i], want);
	}
	at = first_diff(expect_buf, s, len);
	if (r == PASS && at >= 0)
		r = fail("a shared mapping sees the private write at byte %ld", at);
	munmap(p, len);
	munmap(s, len);
	if (r == PASS)
		r = check_file(path, len, TAG_COW);
	(void)sum;
	/*
	 * Reported, not asserted: the series' flush_dcache_page() in
	 * copy_cow_page_dax() does not change the count (the same 8 for 8
	 * without it, from another caller on the fault path), so the count
	 * cannot tell whether the copy is written back.
	 */
	if (h0 < 0 || h1 < 0 || h2 < 0)
		diag("%s: " DFLUSH_FN "() not counted: %s", d->fs,
		     prof_state == 1 ? "trace_stat unreadable" : prof_why);
	else {
		diag("%s: %ld DAX CoW faults called " DFLUSH_FN "() %ld times, %ld write-protect copies %ld times",
		     d->fs, npages / 2, h1 - h0, npages / 2, h2 - h1);
	}
	return r;
}

/*
 * get_user_pages() on a DAX mapping without struct pages (the limited
 * mode): O_DIRECT into it and a shared futex in it must fail with EFAULT,
 * as on a VM_PFNMAP mapping, not with an errno read() and futex() never
 * give (EEXIST).  The O_DIRECT read comes from the raw block device, so
 * that it goes through the block layer, which pins the user buffer.
 */
/* 32-bit kernels without COMPAT_32BIT_TIME (tinyconfig) have only this one. */
#ifdef SYS_futex_time64
#define FUTEX_SYSCALL SYS_futex_time64
#else
#define FUTEX_SYSCALL SYS_futex
#endif

static int t_gup(struct dev *d)
{
	char path[96];
	unsigned char *p;
	long r1, r2;
	int e1, e2, fd, bfd;

	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	file_path(path, sizeof(path), d, "gup");
	if (create_by_write(path, 2 * pagesz, TAG_COW) != PASS)
		return FAIL;
	fd = open(path, O_RDWR);
	bfd = open(d->path, O_RDONLY | O_DIRECT);
	if (fd < 0 || bfd < 0)
		return fail("open %s / %s: %s", path, d->path, strerror(errno));
	p = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		close(bfd);
		return fail("mmap %s: %s", path, strerror(errno));
	}
	p[0] ^= 1;	/* fault the pages in: the pte is there, only the page is not */
	p[pagesz] ^= 1;
	errno = 0;
	r1 = pread(bfd, p, pagesz, 0);
	e1 = errno;
	errno = 0;
	r2 = syscall(FUTEX_SYSCALL, (uint32_t *)(p + pagesz), FUTEX_WAKE, 1, NULL, NULL, 0);
	e2 = errno;
	close(bfd);
	munmap(p, 2 * pagesz);
	unlink(path);
	diag("%s: O_DIRECT read into a DAX mapping: %ld (%s); FUTEX_WAKE on one: %ld (%s)",
	     d->fs, r1, r1 < 0 ? strerror(e1) : "ok", r2, r2 < 0 ? strerror(e2) : "ok");
	if (r1 >= 0 || e1 != EFAULT)
		return fail("O_DIRECT read into a DAX mapping returned %ld (%s), not EFAULT",
			    r1, r1 < 0 ? strerror(e1) : "no error");
	if (r2 >= 0 || e2 != EFAULT)
		return fail("FUTEX_WAKE on a DAX mapping returned %ld (%s), not EFAULT",
			    r2, r2 < 0 ? strerror(e2) : "no error");
	return PASS;
}

/*
 * The exec test's program: a copy of this very binary on the DAX file
 * system, run with EXEC_ARG, writes exec_mark and exits.  The marker is
 * in .rodata, in the executable PT_LOAD segment with .text, so it is
 * read through an executable DAX mapping.  The test then rewrites the
 * marker's last byte in the file, in place, and runs the copy again.
 */
static const char exec_mark[] = "dax-test exec marker: 0";
#define EXEC_ARG "--exec-marker"

/* Run path EXEC_ARG; its output in out; its exit status, or 128 + signal. */
static int run_exec_probe(const char *path, char *out, size_t size)
{
	char *argv[] = { (char *)path, EXEC_ARG, NULL }, *envp[] = { NULL };
	size_t got = 0;
	int pfd[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execve(path, argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	while (got < size - 1 && (n = read(pfd[0], out + got, size - 1 - got)) > 0)
		got += n;
	out[got] = 0;
	close(pfd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -ECHILD;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int t_exec(struct dev *d)
{
	/*
	 * Through a pointer the compiler cannot see through: otherwise it
	 * may fold the copies and comparisons below into a second copy of
	 * the marker in the binary.
	 */
	const char *mark = exec_mark;
	const long mlen = sizeof(exec_mark) - 1;
	char path[96] = "", out[64], want[sizeof(exec_mark)];
	unsigned char *img = NULL, *hit;
	long size = 0, at, h0, h1;
	struct stat st;
	int fd, r;

	__asm__ volatile("" : "+r"(mark));
	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	fd = open("/proc/self/exe", O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || !(img = malloc(st.st_size)) ||
	    read(fd, img, st.st_size) != st.st_size) {
		r = fail("cannot read /proc/self/exe: %s", strerror(errno));
		goto out;
	}
	size = st.st_size;
	hit = memmem(img, size, mark, mlen);
	if (!hit || memmem(hit + 1, size - (hit + 1 - img), mark, mlen)) {
		r = fail("the marker is %s in /proc/self/exe", hit ? "more than once" : "not");
		goto out;
	}
	at = hit - img;
	file_path(path, sizeof(path), d, "exec");
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, img, size) != size || fsync(fd)) {
		r = fail("write %s: %s", path, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	r = run_exec_probe(path, out, sizeof(out));
	if (r || strcmp(out, mark)) {
		r = fail("%s from the DAX file system: exit %d, printed \"%s\"", path, r, out);
		goto out;
	}
	/* Rewrite it in place: the blocks (and their pfns) stay the same. */
	memcpy(want, mark, sizeof(want));
	want[mlen - 1] = '1';
	fd = open(path, O_WRONLY);
	if (fd < 0 || pwrite(fd, want + mlen - 1, 1, at + mlen - 1) != 1) {
		r = fail("rewrite %s: %s", path, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	h0 = prof_state == 1 ? prof_hits(ICACHE_FN) : -1;
	r = run_exec_probe(path, out, sizeof(out));
	h1 = prof_state == 1 ? prof_hits(ICACHE_FN) : -1;
	if (r || strcmp(out, want)) {
		r = fail("after rewriting %s: exit %d, printed \"%s\", not \"%s\"", path, r, out, want);
		goto out;
	}
	if (h0 < 0 || h1 < 0) {
		diag("%s: " ICACHE_FN "() not counted: %s", d->fs,
		     prof_state == 1 ? "trace_stat unreadable" : prof_why);
	} else {
		diag("%s: running the rewritten program called " ICACHE_FN "() %ld times",
		     d->fs, h1 - h0);
		if (h1 - h0 < 1)
			r = fail("executable DAX mappings did not invalidate the I-cache ("
				 ICACHE_FN "() not called)");
	}
out:
	if (fd >= 0)
		close(fd);
	free(img);
	if (*path)
		unlink(path);
	return r;
}

static int t_remount(struct dev *d)
{
	char path[96];
	int r;

	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	r = create_files(d, 0);
	if (r == PASS)
		r = create_files(d, 1);
	if (r != PASS)
		return r;
	r = do_umount(d);
	if (r)
		return fail("umount %s: %s", d->mnt, strerror(-r));
	r = remount(d, MNT_DAX);
	if (r != PASS)
		return r;
	file_path(path, sizeof(path), d, "w-4096");
	if (statx_dax(path) != 1)
		return fail("after the remount %s is not DAX", path);
	return check_files(d);
}

/* Map the 16 MiB file and read one byte a page; report the time. */
static int mmap_read_big(struct dev *d, double *secs)
{
	char path[96];
	unsigned char *m;
	uint64_t h;
	double t;
	int fd;

	file_path(path, sizeof(path), d, "w-16777216");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open %s: %s", path, strerror(errno));
	m = mmap(NULL, BIG, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return fail("mmap %s: %s", path, strerror(errno));
	t = now();
	h = fnv1a(m, BIG);
	*secs = now() - t;
	munmap(m, BIG);
	pattern(expect_buf, BIG, TAG_WRITE);
	if (h != fnv1a(expect_buf, BIG))
		return fail("the mmap read of %s gave wrong data", path);
	return PASS;
}

static double read_big(struct dev *d)
{
	char path[96];
	double t = now();

	file_path(path, sizeof(path), d, "w-16777216");
	if (read_whole(path, read_buf, BIG) != BIG)
		return -1;
	return now() - t;
}

/*
 * The point of DAX: reading a mapped file does not fill the page cache.
 * Compare with the same file system mounted without DAX, in the same
 * boot.  The read throughputs are reported, not asserted: TCG timing
 * says little about hardware.
 */
static int t_page_cache(struct dev *d)
{
	long c0, dax_kb, nodax_kb;
	double dax_mmap, nodax_mmap, dax_read, nodax_read;
	char path[96];
	int r;

	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	/* The 16 MiB file: the image's on erofs, written here elsewhere. */
	file_path(path, sizeof(path), d, "w-16777216");
	if (!read_only(d) && (r = create_by_write(path, BIG, TAG_WRITE)) != PASS)
		return r;
	drop_caches();
	c0 = cached_kb();
	r = mmap_read_big(d, &dax_mmap);
	if (r != PASS)
		return r;
	dax_kb = cached_kb() - c0;
	dax_read = read_big(d);

	r = remount(d, MNT_NODAX);
	if (r != PASS)
		return r;
	file_path(path, sizeof(path), d, "w-16777216");
	if (statx_dax(path) != 0)
		return fail("mounted with -o '%s', %s is still DAX", mount_opts(d, MNT_NODAX), path);
	drop_caches();
	c0 = cached_kb();
	r = mmap_read_big(d, &nodax_mmap);
	if (r != PASS)
		return r;
	nodax_kb = cached_kb() - c0;
	drop_caches();
	nodax_read = read_big(d);
	r = remount(d, MNT_DAX);
	if (r != PASS)
		return r;

	diag("%s: page cache growth for a 16 MiB mmap read: DAX %ld kB (limit %ld), no DAX %ld kB (at least %ld)",
	     d->fs, dax_kb, DAX_CACHE_MAX_KB, nodax_kb, NODAX_CACHE_MIN_KB);
	diag("%s: read 16 MiB (reported only, TCG): mmap DAX %.0f MiB/s, no DAX cold %.0f MiB/s; read() DAX %.0f MiB/s, no DAX cold %.0f MiB/s",
	     d->fs, 16 / dax_mmap, 16 / nodax_mmap, dax_read > 0 ? 16 / dax_read : -1,
	     nodax_read > 0 ? 16 / nodax_read : -1);
	if (dax_kb > DAX_CACHE_MAX_KB)
		return fail("DAX mmap read grew the page cache by %ld kB (limit %ld)", dax_kb,
			    DAX_CACHE_MAX_KB);
	if (nodax_kb < NODAX_CACHE_MIN_KB)
		return fail("the non-DAX mmap read grew the page cache by only %ld kB: the comparison means nothing",
			    nodax_kb);
	return PASS;
}

/* ------------------------------------------------------------------ */
/* fsx: random operations on one file, checked against a model        */

enum { OP_READ, OP_WRITE, OP_MAPREAD, OP_MAPWRITE, OP_TRUNCATE, OP_CLONE, OP_DEDUPE, NOPS };
static const char *const opname[] = { "read", "write", "mapread", "mapwrite", "truncate",
				      "clone", "dedupe" };

struct fsx_op {
	long n, op, off, len, src;	/* src: where clone and dedupe read */
};

static struct fsx_op hist[FSX_HISTORY];

static void fsx_history(long done)
{
	long i;

	for (i = done > FSX_HISTORY ? done - FSX_HISTORY : 0; i < done; i++) {
		struct fsx_op *o = &hist[i % FSX_HISTORY];

		if (o->op == OP_CLONE || o->op == OP_DEDUPE)
			diag("fsx op %ld: %s off %ld len %ld from %ld", o->n, opname[o->op], o->off,
			     o->len, o->src);
		else
			diag("fsx op %ld: %s off %ld len %ld", o->n, opname[o->op], o->off, o->len);
	}
}

/* Compare the whole file, by read(), with the model. */
static int fsx_check_all(const char *path, const unsigned char *model, long size, long opn)
{
	long got = read_whole(path, read_buf, FSX_MAXLEN), at;

	if (got < 0)
		return fail("after op %ld: read %s: %s", opn, path, strerror(-got));
	if (got != size)
		return fail("after op %ld: file size %ld, model %ld", opn, got, size);
	at = first_diff(model, read_buf, size);
	if (at >= 0)
		return fail("after op %ld: byte %ld is 0x%02x, model 0x%02x", opn, at,
			    read_buf[at], model[at]);
	return PASS;
}

/*
 * Clone and dedupe ranges work in whole blocks, within the file for the
 * source, not overlapping the destination.  Pick such a pair; 0 if the
 * file is too small for one.
 */
static int fsx_pick_remap(uint64_t *rs, long size, long *src, long *dst, long *len, int extend)
{
	const long blk = 4096, blocks = size / blk;
	int tries;

	for (tries = 0; tries < 8 && blocks >= 2; tries++) {
		long n = 1 + rnd_below(rs, FSX_OPMAX / blk);
		long lim = extend ? FSX_MAXLEN / blk : blocks;

		if (n > blocks / 2)
			n = blocks / 2;
		*src = rnd_below(rs, blocks - n + 1) * blk;
		/* A clone may extend the file, but leaves no gap before it. */
		*dst = rnd_below(rs, (extend ? blocks : blocks - n) + 1) * blk;
		*len = n * blk;
		if (*dst / blk + n > lim)
			continue;
		if (*src + *len <= *dst || *dst + *len <= *src)
			return 1;
	}
	return 0;
}

/*
 * One clone (FICLONERANGE) or dedupe (FIDEDUPERANGE) within the file;
 * the model follows.  A dedupe must find the ranges equal exactly when
 * the model does.  1: done; 0: the file system has no remap (the op is
 * then left out for the rest of the run); -1: failed (reason set).
 */
static int fsx_remap(int fd, int op, long src, long dst, long len, unsigned char *model,
		     long *size, long opn)
{
	if (op == OP_CLONE) {
		struct file_clone_range r = { .src_fd = fd, .src_offset = src,
					      .src_length = len, .dest_offset = dst };

		if (ioctl(fd, FICLONERANGE, &r)) {
			if (errno == EOPNOTSUPP || errno == ENOTTY)
				return 0;
			fail("op %ld: clone %ld@%ld to %ld: %s", opn, len, src, dst, strerror(errno));
			return -1;
		}
		memmove(model + dst, model + src, len);
		if (dst + len > *size)
			*size = dst + len;
		return 1;
	} else {
		struct {
			struct file_dedupe_range r;
			struct file_dedupe_range_info info;
		} d = { .r = { .src_offset = src, .src_length = len, .dest_count = 1 },
			.info = { .dest_fd = fd, .dest_offset = dst } };
		int same = !memcmp(model + src, model + dst, len);

		if (ioctl(fd, FIDEDUPERANGE, &d)) {
			if (errno == EOPNOTSUPP || errno == ENOTTY)
				return 0;
			fail("op %ld: dedupe %ld@%ld with %ld: %s", opn, len, src, dst, strerror(errno));
			return -1;
		}
		if (d.info.status == -EOPNOTSUPP) {
			errno = EOPNOTSUPP;
			return 0;
		}
		if (d.info.status < 0) {
			fail("op %ld: dedupe %ld@%ld with %ld: %s", opn, len, src, dst,
			     strerror(-d.info.status));
			return -1;
		}
		if ((d.info.status == FILE_DEDUPE_RANGE_SAME) != same) {
			fail("op %ld: dedupe %ld@%ld with %ld says %s, the model %s", opn, len, src,
			     dst, d.info.status == FILE_DEDUPE_RANGE_SAME ? "same" : "differs",
			     same ? "same" : "differs");
			return -1;
		}
		return 1;
	}
}

static int fsx_run(const char *path, unsigned char *model, unsigned char *buf)
{
	uint64_t rs = seed;
	long size = 0, i, at, remaps = 0, last_src = -1, last_dst = -1, last_len = 0;
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644), can_remap = 1;

	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	memset(model, 0, FSX_MAXLEN);
	for (i = 0; i < fsx_ops; i++) {
		/* truncate, clone and dedupe are rarer than the rest, as in fsx */
		long op = rnd_below(&rs, 11), off, len, pg, mlen, src = 0;
		struct fsx_op *o = &hist[i % FSX_HISTORY];
		unsigned char *m;
		int r;

		op = op < 2 ? OP_READ : op < 4 ? OP_WRITE : op < 6 ? OP_MAPREAD :
		     op < 8 ? OP_MAPWRITE : op < 9 ? OP_TRUNCATE : op < 10 ? OP_CLONE : OP_DEDUPE;
		if ((op == OP_CLONE || op == OP_DEDUPE) && !can_remap)
			op = OP_READ;
		off = rnd_below(&rs, FSX_MAXLEN);
		len = 1 + rnd_below(&rs, FSX_OPMAX);
		if (off + len > FSX_MAXLEN)
			len = FSX_MAXLEN - off;
		if (op == OP_DEDUPE && last_len && rnd_below(&rs, 2) &&
		    last_src + last_len <= size && last_dst + last_len <= size) {
			/* the last clone's ranges, still equal unless written since */
			src = last_src;
			off = last_dst;
			len = last_len;
		} else if ((op == OP_CLONE || op == OP_DEDUPE) &&
			   !fsx_pick_remap(&rs, size, &src, &off, &len, op == OP_CLONE))
			op = OP_READ;	/* no room for one: read instead */
		if (op == OP_READ || op == OP_MAPREAD) {
			if (size == 0)
				op = OP_WRITE;	/* nothing to read yet */
			else {
				off %= size;
				if (off + len > size)
					len = size - off;
			}
		}
		if (op == OP_TRUNCATE) {
			off = rnd_below(&rs, FSX_MAXLEN + 1);
			len = 0;
		}
		*o = (struct fsx_op){ i + 1, op, off, len, src };

		switch (op) {
		case OP_READ:
			if (pread(fd, buf, len, off) != len) {
				close(fd);
				return fail("op %ld: pread %ld@%ld: %s", i + 1, len, off, strerror(errno));
			}
			at = first_diff(model + off, buf, len);
			if (at >= 0) {
				close(fd);
				fsx_history(i + 1);
				return fail("op %ld: read: byte %ld is 0x%02x, model 0x%02x", i + 1,
					    off + at, buf[at], model[off + at]);
			}
			break;
		case OP_WRITE:
			rnd_fill(&rs, buf, len);
			if (pwrite(fd, buf, len, off) != len) {
				close(fd);
				return fail("op %ld: pwrite %ld@%ld: %s", i + 1, len, off, strerror(errno));
			}
			memcpy(model + off, buf, len);
			if (off + len > size)
				size = off + len;
			break;
		case OP_MAPREAD:
		case OP_MAPWRITE:
			if (op == OP_MAPWRITE && off + len > size) {
				/* fsx extends the file first: a mapping cannot */
				if (ftruncate(fd, off + len)) {
					close(fd);
					return fail("op %ld: ftruncate %ld: %s", i + 1, off + len,
						    strerror(errno));
				}
				size = off + len;
			}
			pg = off & ~(pagesz - 1);
			/* to the end of the page: past EOF it must read zeros */
			mlen = (off + len - pg + pagesz - 1) & ~(pagesz - 1);
			m = mmap(NULL, mlen, op == OP_MAPREAD ? PROT_READ : PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, pg);
			if (m == MAP_FAILED) {
				close(fd);
				return fail("op %ld: mmap %ld@%ld: %s", i + 1, mlen, pg, strerror(errno));
			}
			if (op == OP_MAPREAD) {
				at = first_diff(model + off, m + (off - pg), len);
				if (at >= 0) {
					unsigned char got = m[off - pg + at];

					munmap(m, mlen);
					close(fd);
					fsx_history(i + 1);
					return fail("op %ld: mapread: byte %ld is 0x%02x, model 0x%02x",
						    i + 1, off + at, got, model[off + at]);
				}
				/* the rest of the file's last page, if mapped */
				for (at = size; at < pg + mlen; at++)
					if (m[at - pg]) {
						unsigned char got = m[at - pg];

						munmap(m, mlen);
						close(fd);
						fsx_history(i + 1);
						return fail("op %ld: mapread: byte %ld past EOF (%ld) is 0x%02x, not 0",
							    i + 1, at, size, got);
					}
			} else {
				rnd_fill(&rs, buf, len);
				memcpy(m + (off - pg), buf, len);
				memcpy(model + off, buf, len);
				if (msync(m, mlen, MS_SYNC)) {
					munmap(m, mlen);
					close(fd);
					return fail("op %ld: msync: %s", i + 1, strerror(errno));
				}
			}
			munmap(m, mlen);
			break;
		case OP_CLONE:
		case OP_DEDUPE:
			r = fsx_remap(fd, op, src, off, len, model, &size, i + 1);
			if (r < 0) {
				close(fd);
				fsx_history(i + 1);
				return FAIL;
			}
			if (r == 0) {
				can_remap = 0;
				diag("fsx: no clone or dedupe here (%s): left out", strerror(errno));
			}
			remaps += r;
			if (r && op == OP_CLONE) {
				last_src = src;
				last_dst = off;
				last_len = len;
			}
			break;
		case OP_TRUNCATE:
			if (ftruncate(fd, off)) {
				close(fd);
				return fail("op %ld: ftruncate %ld: %s", i + 1, off, strerror(errno));
			}
			/* what lies beyond the end reads as zeros once it is back */
			if (off < size)
				memset(model + off, 0, size - off);
			size = off;
			break;
		}
		if ((i + 1) % 1000 == 0 && fsx_check_all(path, model, size, i + 1) != PASS) {
			close(fd);
			fsx_history(i + 1);
			return FAIL;
		}
	}
	close(fd);
	if (can_remap)
		diag("fsx: %ld clone and dedupe ops", remaps);
	return fsx_check_all(path, model, size, fsx_ops);
}

static int t_fsx(struct dev *d)
{
	unsigned char *model, *buf;
	char path[96];
	int r;

	/* With reflink, xfs refused DAX: the data must still be right. */
	if (d->reflink && remount(d, MNT_DAX) != PASS)
		return FAIL;
	if (d->mounted != MNT_DAX)
		return skip("%s is not mounted with DAX", d->name);
	file_path(path, sizeof(path), d, "fsx");
	model = malloc(FSX_MAXLEN);
	buf = malloc(FSX_OPMAX);
	if (!model || !buf)
		return fail("out of memory");
	r = fsx_run(path, model, buf);
	if (r == PASS) {
		/* and the result survives an unmount */
		long size = 0;
		struct stat st;

		if (!stat(path, &st))
			size = st.st_size;
		r = do_umount(d);
		r = r ? fail("umount %s: %s", d->mnt, strerror(-r)) : remount(d, MNT_DAX);
		if (r == PASS)
			r = fsx_check_all(path, model, size, fsx_ops);
		if (r != PASS)
			snprintf(reason + strlen(reason), sizeof(reason) - strlen(reason),
				 " (after a remount)");
	}
	free(model);
	free(buf);
	return r;
}

/* ------------------------------------------------------------------ */
/* Tests of the no-DAX mode                                            */

static char *boot_log;

/*
 * A block device whose queue is not DAX; *refused says whether pmem
 * logged, at boot, that alloc_dax() refused it (it does so per device).
 */
static int dev_without_dax(struct dev *d, int *refused)
{
	char msg[96];
	struct stat st;
	int q;

	if (stat(d->path, &st) || !S_ISBLK(st.st_mode))
		return fail("%s is not a block device", d->path);
	q = queue_dax(d);
	if (q != 0)
		return fail("/sys/block/%s/queue/dax is %d, not 0", d->name, q);
	if (!boot_log)
		return fail("cannot read the kernel log");
	snprintf(msg, sizeof(msg), "%s: DAX not supported, block access only", d->name);
	*refused = strstr(boot_log, msg) != NULL;
	return PASS;
}

static int t_dev_nodax(struct dev *d)
{
	int refused, r = dev_without_dax(d, &refused);
	char path[96];

	if (r != PASS)
		return r;
	snprintf(path, sizeof(path), "/sys/block/%s/dax/write_cache", d->name);
	if (access(path, F_OK) == 0)
		return fail("%s exists although the device has no DAX", path);
	if (!refused)
		return fail("pmem did not log that alloc_dax() refused %s", d->name);
	return fs_magic_ok(d);
}

/*
 * alloc_dax() allowed DAX, but no file system can use it: pmem logged
 * no refusal, and the queue is not DAX.  Without FS_DAX nothing in the
 * kernel could map the memory for a file; with it, pmem must have said
 * why it offers none.  (dax/write_cache cannot tell: pmem hides it
 * without the pmem API, which MIPS has not.)
 */
static int t_dev_nofsdax(struct dev *d)
{
	int refused, r = dev_without_dax(d, &refused);
	char msg[128];

	if (r != PASS)
		return r;
	if (refused)
		return fail("pmem logged that alloc_dax() refused %s", d->name);
	snprintf(msg, sizeof(msg), "%s: no filesystem DAX: the pmem API cannot write back", d->name);
	if (!no_fs_dax && !strstr(boot_log, msg))
		return fail("FS_DAX is on, but pmem did not log \"%s\"", msg);
	return fs_magic_ok(d);
}

/*
 * ext4 -o dax=always must fail; ext2, xfs and erofs carry on without
 * DAX.  An xfs with reflink on a DAX device: xfs must turn DAX off in
 * the limited mode, with its own message.
 */
#define XFS_REFLINK_MSG "DAX and reflink cannot be used together in the limited DAX mode. Turning off DAX."
static int t_mount_dax_refused(struct dev *d)
{
	const char *want = !strcmp(d->fs, "ext4") ? "DAX unsupported by block device."
			   : d->reflink ? XFS_REFLINK_MSG
					: "DAX unsupported by block device. Turning off DAX.";
	char log[4096] = "", path[96];
	int r = do_mount(d, MNT_DAX, log, sizeof(log)), res = PASS, fd, dax;

	if (!strcmp(d->fs, "ext4")) {
		if (!r) {
			do_umount(d);
			return fail("mount -o dax=always succeeded on a device without DAX");
		}
		if (!strstr(log, want)) {
			diag_tail("kernel", log, 5);
			return fail("the mount failed (%s), but the kernel did not say \"%s\"",
				    strerror(-r), want);
		}
		diag("%s: mount failed with %s, as it must", d->fs, strerror(-r));
		return PASS;
	}
	if (r) {
		diag_tail("kernel", log, 5);
		return fail("mount -o %s failed: %s", mount_opts(d, MNT_DAX), strerror(-r));
	}
	if (!strstr(log, want)) {
		diag_tail("kernel", log, 5);
		res = fail("the kernel did not warn \"%s\"", want);
	}
	fd = statx_file(path, sizeof(path), d);
	dax = fd ? -1 : statx_dax(path);
	if (res == PASS && dax != 0)
		res = fail("statx %s: %s", path, dax < 0 ? "no answer" : "DAX is on");
	do_umount(d);
	return res;
}

static int t_default_roundtrip(struct dev *d)
{
	char path[96];
	int r = remount(d, MNT_DEFAULT);

	if (r != PASS)
		return r;
	r = create_files(d, 0);
	if (r == PASS)
		r = create_files(d, 1);
	if (r == PASS) {
		file_path(path, sizeof(path), d, "w-4096");
		if (statx_dax(path) != 0)
			r = fail("%s is DAX on a device without DAX", path);
	}
	if (r == PASS && do_umount(d))
		r = fail("umount %s: %s", d->mnt, strerror(errno));
	if (r == PASS)
		r = remount(d, MNT_DEFAULT);
	if (r == PASS)
		r = check_files(d);
	do_umount(d);
	return r;
}

/* ------------------------------------------------------------------ */
/* virtio-fs (both modes)                                              */

/*
 * A virtio-fs device from QEMU 7.2 has no DAX window (its
 * vhost-user-fs-pci has no cache-size), so fs->dax_dev stays NULL: the
 * state the series' virtio_fs patch ("virtio_fs: Carry on without DAX
 * if unsupported") also leaves a device in when alloc_dax() refuses
 * filesystem DAX.  Then virtio_fs_fill_super() must fail dax=always with
 * -EINVAL and this message, and a default mount must work without DAX.
 */
#define VFS_MNT		"/mnt/vfs"
#define VFS_DAX_MSG	"virtio-fs: dax can't be enabled as filesystem device does not support it."
/* Why fs->dax_dev is NULL, as virtio_fs_setup_dax() logs it at probe. */
#define VFS_NO_WINDOW	"virtio_fs_setup_dax: No cache capability"
#define VFS_REFUSED	"DAX not supported, not using the DAX window"
/*
 * The host's file, written by scripts/qemu/qemu-run.sh: VFS_HOST_LINES lines
 * of VFS_HOST_LINE (numbered from 1), several pages of known text.
 */
#define VFS_HOST_FILE	"host.txt"
#define VFS_HOST_LINE	"virtio-fs host file line %d\n"
#define VFS_HOST_LINES	1000
#define VFS_GUEST_SIZE	(MiB + 1)

static const char *vfs_tag;

/* Mount the share with opts; the kernel's messages meanwhile are added to log. */
static int vfs_mount(const char *opts, char *log, size_t logsize)
{
	int lfd = log_open();
	int r;

	mkdir("/mnt", 0755);
	mkdir(VFS_MNT, 0755);
	r = mount(vfs_tag, VFS_MNT, "virtiofs", 0, opts);
	r = r ? -errno : 0;
	if (log)
		log_read(lfd, log, logsize);
	if (lfd >= 0)
		close(lfd);
	return r;
}

static int t_vfs_dax_refused(void)
{
	char log[4096] = "", *klog;
	const char *why = NULL;
	int r, wrapped = 0;

	if (!vfs_tag)
		return skip("no DAXTEST_VIRTIOFS: the scenario shares no directory (VIRTIOFS=)");
	/* The premise: the device came up without a DAX device, and why. */
	klog = klog_all(&wrapped);
	if (klog && strstr(klog, VFS_NO_WINDOW))
		why = "the device has no DAX window";
	else if (klog && strstr(klog, VFS_REFUSED))
		why = "alloc_dax() refused its DAX window";
	else if (no_fuse_dax)
		why = "the kernel has no FUSE_DAX (DAXTEST_FUSE_DAX=n)";
	free(klog);
	if (!why)
		return fail("the kernel logged neither \"%s\" nor \"%s\": does the device offer DAX?",
			    VFS_NO_WINDOW, VFS_REFUSED);
	r = vfs_mount("dax=always", log, sizeof(log));
	if (!r) {
		umount(VFS_MNT);
		return fail("mount -o dax=always succeeded on a device without a DAX window");
	}
	if (r != -EINVAL) {
		diag_tail("kernel", log, 5);
		return fail("mount -o dax=always failed with %s, not EINVAL", strerror(-r));
	}
	if (!strstr(log, VFS_DAX_MSG)) {
		diag_tail("kernel", log, 5);
		return fail("the mount failed (EINVAL), but the kernel did not say \"%s\"",
			    VFS_DAX_MSG);
	}
	diag("virtiofs: %s; mount -o dax=always failed with %s, as it must", why, strerror(-r));
	return PASS;
}

/* The host's file: exactly the text qemu-run.sh wrote, and not DAX. */
static int vfs_check_host_file(void)
{
	char path[96];
	long got, len = 0, at;
	int i, dax;

	snprintf(path, sizeof(path), "%s/%s", VFS_MNT, VFS_HOST_FILE);
	for (i = 1; i <= VFS_HOST_LINES; i++)
		len += snprintf((char *)expect_buf + len, BIG - len, VFS_HOST_LINE, i);
	got = read_whole(path, read_buf, BIG);
	if (got < 0)
		return fail("read the host's %s: %s", path, strerror(-got));
	if (got != len)
		return fail("the host's %s has %ld bytes, not %ld", path, got, len);
	at = first_diff(expect_buf, read_buf, len);
	if (at >= 0)
		return fail("the host's %s differs at byte %ld (0x%02x, expected 0x%02x)", path, at,
			    read_buf[at], expect_buf[at]);
	dax = statx_dax(path);
	if (dax != 0)
		return fail("statx %s: %s", path, dax < 0 ? "no answer" : "DAX is on");
	return PASS;
}

static int t_vfs_roundtrip(void)
{
	char log[4096] = "", path[96];
	int r, dax;

	if (!vfs_tag)
		return skip("no DAXTEST_VIRTIOFS: the scenario shares no directory (VIRTIOFS=)");
	r = vfs_mount("", log, sizeof(log));
	if (r) {
		diag_tail("kernel", log, 5);
		return fail("mount -t virtiofs %s %s: %s", vfs_tag, VFS_MNT, strerror(-r));
	}
	r = vfs_check_host_file();
	snprintf(path, sizeof(path), "%s/guest-%ld", VFS_MNT, VFS_GUEST_SIZE);
	if (r == PASS)
		r = create_by_write(path, VFS_GUEST_SIZE, TAG_VFS);
	if (r == PASS && umount(VFS_MNT))
		return fail("umount %s: %s", VFS_MNT, strerror(errno));
	if (r != PASS) {
		umount(VFS_MNT);
		return r;
	}
	/* a new super block: what reads back now came from the host */
	r = vfs_mount("", log, sizeof(log));
	if (r) {
		diag_tail("kernel", log, 5);
		return fail("mount -t virtiofs %s %s again: %s", vfs_tag, VFS_MNT, strerror(-r));
	}
	r = check_file(path, VFS_GUEST_SIZE, TAG_VFS);
	if (r == PASS) {
		dax = statx_dax(path);
		if (dax != 0)
			r = fail("statx %s: %s", path, dax < 0 ? "no answer" : "DAX is on");
	}
	if (umount(VFS_MNT) && r == PASS)
		r = fail("umount %s: %s", VFS_MNT, strerror(errno));
	return r;
}
/* ------------------------------------------------------------------ */
/* The kernel log at the end                                           */

/*
 * What a kernel log line says when something went wrong: the kernel's
 * own reports, and a file system's damage (a mount after a reset
 * replays its journal or log and must find none).  The list is
 * qemu/guest/kernel-trouble.txt, the one the host reads as well
 * (scripts/qemu/ktap.py); scripts/qemu/qemu-guest.sh compiles it in.
 */
static const char *const bad_words[] = {
#include "kernel-trouble.h"
};

static int t_kernel_log(void)
{
	int wrapped = 0, found = 0;
	char *log = klog_all(&wrapped), *p;
	unsigned i;

	if (!log)
		return fail("cannot read the kernel log (klogctl: %s)", strerror(errno));
	for (p = log; *p; ) {
		char *e = strchrnul(p, '\n');

		for (i = 0; i < sizeof(bad_words) / sizeof(bad_words[0]); i++)
			if (memmem(p, e - p, bad_words[i], strlen(bad_words[i]))) {
				if (found++ < 10)
					diag("kernel: %.*s", (int)(e - p), p);
				break;
			}
		p = *e ? e + 1 : e;
	}
	free(log);
	if (found)
		return fail("%d kernel log lines report a problem", found);
	if (wrapped)
		return fail("the kernel log wrapped: its start is lost, it cannot be checked");
	return PASS;
}

/* ------------------------------------------------------------------ */
/* Set-up and the plan                                                 */

enum { MODE_DAX = 1, MODE_NODAX = 2, MODE_NOFSDAX = 4, MODE_PERSIST = 8 };
/* Every mode but persist, which is not the harness's (run_persist()). */
#define MODES_HARNESS	(MODE_DAX | MODE_NODAX | MODE_NOFSDAX)
static int plan_mode;		/* DAXTEST_MODE */

static int persist_parse(void);
static int persist_count_boot(void);

/* The device DAXTEST_DEVS names for a kind of file system, or NULL. */
static struct dev *plan_dev(const char *kind)
{
	int k;

	for (k = 0; k < ndevs; k++)
		if (!strcmp(devs[k].kind, kind))
			return &devs[k];
	return NULL;
}

static int parse_plan(const char *mode)
{
	static const struct {
		const char *name;
		int mode;
	} modes[] = {
		{ "dax", MODE_DAX }, { "nodax", MODE_NODAX }, { "nofsdax", MODE_NOFSDAX },
		{ "persist", MODE_PERSIST },
	};
	const char *s = getenv("DAXTEST_DEVS"), *e;
	char item[64];
	size_t i;

	if (!s || !*s) {
		bail_out("DAXTEST_DEVS is not set (e.g. pmem0:ext4,pmem1:ext2)");
		return -1;
	}
	while (*s && ndevs < (int)ARRAY_SIZE(devs)) {
		struct dev *d = &devs[ndevs];
		char *colon;

		e = strchrnul(s, ',');
		snprintf(item, sizeof(item), "%.*s", (int)(e - s), s);
		colon = strchr(item, ':');
		if (!colon || colon - item > 10) {
			bail_out("bad DAXTEST_DEVS entry '%s' (want pmemN:fs)", item);
			return -1;
		}
		*colon = 0;
		snprintf(d->name, sizeof(d->name), "%.15s", item);
		snprintf(d->kind, sizeof(d->kind), "%.15s", colon + 1);
		d->reflink = !strcmp(d->kind, "xfs+reflink");
		snprintf(d->fs, sizeof(d->fs), "%.7s", d->reflink ? "xfs" : d->kind);
		snprintf(d->path, sizeof(d->path), "/dev/%.15s", item);
		snprintf(d->mnt, sizeof(d->mnt), "/mnt/%.15s", item);
		if (strcmp(d->fs, "ext4") && strcmp(d->fs, "ext2") && strcmp(d->fs, "xfs") &&
		    strcmp(d->fs, "erofs") && strcmp(d->fs, "raw")) {
			bail_out("unknown file system '%s' in DAXTEST_DEVS", d->fs);
			return -1;
		}
		if (plan_dev(d->kind)) {
			bail_out("DAXTEST_DEVS names %s twice: a file system is one fixture variant, on one device",
				 d->kind);
			return -1;
		}
		ndevs++;
		s = *e ? e + 1 : e;
	}
	for (i = 0; i < ARRAY_SIZE(modes) && !plan_mode; i++)
		if (!strcmp(mode, modes[i].name))
			plan_mode = modes[i].mode;
	if (!plan_mode) {
		bail_out("DAXTEST_MODE must be dax, nodax, nofsdax or persist, not '%s'", mode);
		return -1;
	}
	if (plan_mode == MODE_PERSIST && (persist_parse() || persist_count_boot()))
		return -1;
	s = getenv("DAXTEST_VIRTIOFS");
	vfs_tag = s && *s ? s : NULL;
	s = getenv("DAXTEST_FUSE_DAX");
	no_fuse_dax = s && !strcmp(s, "n");
	pmem_mt = getenv("DAXTEST_PMEM_MT");
	s = getenv("DAXTEST_FS_DAX");
	no_fs_dax = s && !strcmp(s, "n");
	s = getenv("DAXTEST_SEED");
	seed = s && *s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)(now() * 1e6);
	s = getenv("DAXTEST_OPS");
	if (s && *s)
		fsx_ops = strtol(s, NULL, 0);
	if (fsx_ops < 1) {
		bail_out("DAXTEST_OPS must be at least 1");
		return -1;
	}
	return 0;
}

static void setup_mounts(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tracefs", TRACING, "tracefs", 0, NULL);
	mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
}


static void setup_output(void)
{
	int fd;

	/* No /dev/console in the initramfs: take it from devtmpfs. */
	if (fcntl(1, F_GETFD) < 0) {
		fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
	/* Without this, /dev/kmsg drops all but 10 lines every 5 seconds. */
	write_file("/proc/sys/kernel/printk_devkmsg", "on\n");
	/* Show the KTAP (the default message level) whatever "quiet" said. */
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 7);
	/*
	 * Everything the harness and the tests print, through the kernel
	 * log; without /dev/kmsg, on the console.  Line-buffered: /dev/kmsg
	 * makes a record of each write(), which must be a whole line.
	 */
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
}


/* ------------------------------------------------------------------ */
/* Persistence across a warm reboot and a panic (DAXTEST_MODE=persist)  */

/*
 * One QEMU run boots the guest several times: RAM, and with it pmem,
 * outlives each reset (scripts/qemu/qemu-run.sh, BOOTS=).  Each boot but the
 * last writes files through DAX and ends without sync(), by the next
 * of DAXTEST_PERSIST_ENDS; each boot but the first checks what the boot
 * before it wrote.  The boot counter is the first sector of the "raw"
 * device, written through the block device and fsync()ed.
 *
 * QEMU models no caches: the data survives here with or without a
 * write-back.  What the host checks instead (ktap.py wb-coverage) is
 * that arch_wb_cache_pmem() covered every byte of every pmem mapping
 * between this program's "ends with" line and the reset: a kprobe
 * event, printed on the console as it fires (tp_printk).
 */
#define PERSIST_PAGES	256	/* of the mapped file, one pass each */
#define PERSIST_SYNCED	128	/* of them msync()ed */
#define PERSIST_RECS	128	/* records appended to the log */
#define PERSIST_RECS_SYNCED 64	/* of them fsync()ed */
#define PERSIST_RECSZ	64
#define WB_EVENT	"pmem_wb"
#define WB_PROBE	"p:" WB_EVENT " " PROFILED_FN " addr=%r0:x32 size=%r1:x32"
static int persist_boot, persist_boots;
static char persist_ends[8][16];
static struct dev *counter_dev;

static const char *persist_end(int boot)
{
	return boot >= 1 && boot < persist_boots ? persist_ends[boot - 1] : "poweroff";
}

static int persist_parse(void)
{
	const char *s = getenv("DAXTEST_PERSIST_ENDS");
	int k, n = 0, raws = 0;

	for (k = 0; k < ndevs; k++)
		if (!strcmp(devs[k].fs, "raw")) {
			counter_dev = &devs[k];
			raws++;
		}
	if (raws != 1) {
		bail_out("DAXTEST_MODE=persist needs exactly one raw device (the boot counter)");
		return -1;
	}
	while (s && *s && n < 8) {
		size_t len = strcspn(s, ",");

		snprintf(persist_ends[n], sizeof(persist_ends[n]), "%.*s", (int)len, s);
		if (strcmp(persist_ends[n], "reboot") && strcmp(persist_ends[n], "panic")) {
			bail_out("DAXTEST_PERSIST_ENDS: '%s' is not reboot or panic", persist_ends[n]);
			return -1;
		}
		n++;
		s += len + (s[len] == ',');
	}
	if (!n) {
		bail_out("DAXTEST_MODE=persist needs DAXTEST_PERSIST_ENDS (e.g. reboot,panic)");
		return -1;
	}
	persist_boots = n + 1;
	return 0;
}

/* Read the boot counter and count this boot in it. */
static int persist_count_boot(void)
{
	char buf[512];
	int fd = open(counter_dev->path, O_RDWR), n = 0;

	if (fd < 0 || pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
		bail_out("read %s: %s", counter_dev->path, strerror(errno));
		return -1;
	}
	if (buf[0] && sscanf(buf, "dax-test boot %d", &n) != 1) {
		bail_out("%s holds no boot counter", counter_dev->path);
		return -1;
	}
	persist_boot = n + 1;
	memset(buf, 0, sizeof(buf));
	snprintf(buf, sizeof(buf), "dax-test boot %d\n", persist_boot);
	if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) || fsync(fd)) {
		bail_out("write %s: %s", counter_dev->path, strerror(errno));
		return -1;
	}
	close(fd);
	if (persist_boot > persist_boots) {
		bail_out("boot %d of %d: the boot before should have powered off",
		     persist_boot, persist_boots);
		return -1;
	}
	return 0;
}

static uint64_t persist_tag(const struct dev *d, int boot)
{
	return ((uint64_t)boot << 16) ^ (uint64_t)(d - devs) ^ 0x7e57;
}

static void persist_path(char *buf, size_t size, const struct dev *d, const char *what, int boot)
{
	snprintf(buf, size, "%s/persist-%s-%d", d->mnt, what, boot);
}

static void persist_record(char *rec, const struct dev *d, int boot, int i)
{
	unsigned char fill[PERSIST_RECSZ];
	int n, k;

	n = snprintf(rec, PERSIST_RECSZ, "boot %d %s record %d ", boot, d->name, i);
	pattern(fill, sizeof(fill), persist_tag(d, boot) + i);
	for (k = n; k < PERSIST_RECSZ - 1; k++)
		rec[k] = 'a' + fill[k] % 26;
	rec[PERSIST_RECSZ - 1] = '\n';
}

/* What the boot before wrote through its mapping, msync()ed or not. */
static int t_persist_check_map(struct dev *d)
{
	long len = PERSIST_PAGES * pagesz, n, at;
	char path[96];

	persist_path(path, sizeof(path), d, "map", persist_boot - 1);
	n = read_whole(path, read_buf, BIG);
	if (n < 0)
		return fail("read %s: %s", path, strerror(-n));
	if (n != len)
		return fail("%s has %ld bytes, not %ld", path, n, len);
	pattern(expect_buf, len, persist_tag(d, persist_boot - 1));
	at = first_diff(expect_buf, read_buf, len);
	if (at >= 0)
		return fail("%s differs at byte %ld, page %ld (%s)", path, at, at / pagesz,
			    at / pagesz < PERSIST_SYNCED ? "msync()ed" : "not msync()ed");
	return PASS;
}

/* The boot before's log: its fsync()ed records, and only records. */
static int t_persist_check_log(struct dev *d)
{
	char path[96], rec[PERSIST_RECSZ];
	long n, i;

	persist_path(path, sizeof(path), d, "log", persist_boot - 1);
	n = read_whole(path, read_buf, BIG);
	if (n < 0)
		return fail("read %s: %s", path, strerror(-n));
	if (n % PERSIST_RECSZ || n < PERSIST_RECS_SYNCED * PERSIST_RECSZ ||
	    n > PERSIST_RECS * PERSIST_RECSZ)
		return fail("%s has %ld bytes: not %d to %d whole records", path, n,
			    PERSIST_RECS_SYNCED, PERSIST_RECS);
	for (i = 0; i < n / PERSIST_RECSZ; i++) {
		persist_record(rec, d, persist_boot - 1, i);
		if (memcmp(rec, read_buf + i * PERSIST_RECSZ, PERSIST_RECSZ))
			return fail("%s: record %ld is not what was written", path, i);
	}
	diag("%s: %ld records, %d of them fsync()ed", path, n / PERSIST_RECSZ, PERSIST_RECS_SYNCED);
	return PASS;
}

/* Write what the next boot checks; sync nothing beyond what it says. */
static int t_persist_write(struct dev *d)
{
	long len = PERSIST_PAGES * pagesz, i;
	char path[96], rec[PERSIST_RECSZ];
	unsigned char *m;
	int fd, r;

	persist_path(path, sizeof(path), d, "map", persist_boot);
	/* The blocks and the size are durable first: only data is at stake. */
	memset(expect_buf, 0, len);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	r = write_all(fd, expect_buf, len);
	if (r || fsync(fd)) {
		close(fd);
		return fail("write %s: %s", path, strerror(r ? -r : errno));
	}
	/* Without DAX the unsynced half would wait in the page cache. */
	if (statx_dax(path) != 1) {
		close(fd);
		return fail("statx %s: STATX_ATTR_DAX is not set", path);
	}
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return fail("mmap %s: %s", path, strerror(errno));
	pattern(expect_buf, len, persist_tag(d, persist_boot));
	memcpy(m, expect_buf, len);
	r = msync(m, PERSIST_SYNCED * pagesz, MS_SYNC);
	munmap(m, len);
	if (r)
		return fail("msync %s: %s", path, strerror(errno));

	persist_path(path, sizeof(path), d, "log", persist_boot);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
	if (fd < 0)
		return fail("create %s: %s", path, strerror(errno));
	for (i = 0; i < PERSIST_RECS; i++) {
		persist_record(rec, d, persist_boot, i);
		if (write(fd, rec, PERSIST_RECSZ) != PERSIST_RECSZ ||
		    (i == PERSIST_RECS_SYNCED - 1 && fsync(fd))) {
			r = errno;
			close(fd);
			return fail("append to %s: %s", path, strerror(r));
		}
	}
	close(fd);
	return PASS;
}

/*
 * Arm the probe and log the mappings it must see covered: every pmem
 * device's, from /proc/vmallocinfo (its area less the guard page).
 */
static int t_persist_arm(void)
{
	unsigned long start, end;
	unsigned long long phys;
	int k, r;

	for (k = 0; k < ndevs; k++) {
		r = pmem_kernel_map(&devs[k], &phys, &start, &end);
		if (r != PASS)
			return r;
		diag("write-back must cover %s: 0x%lx-0x%lx (phys 0x%llx, %lu KiB)", devs[k].name,
		     start, end - pagesz, phys, (end - pagesz - start) >> 10);
	}
	if (write_file(TRACING "/kprobe_events", WB_PROBE "\n"))
		return fail("cannot add the kprobe event '%s' (KPROBE_EVENTS?)", WB_PROBE);
	if (write_file(TRACING "/events/kprobes/" WB_EVENT "/enable", "1\n"))
		return fail("cannot enable the kprobe event " WB_EVENT);
	return PASS;
}

static int t_persist_umount(void)
{
	int k, r;

	for (k = 0; k < ndevs; k++) {
		r = do_umount(&devs[k]);
		if (r)
			return fail("umount %s: %s", devs[k].mnt, strerror(-r));
	}
	return PASS;
}


/*
 * The persist mode is not the harness's: its steps are one sequence that
 * only makes sense in order (mount, check what the boot before wrote,
 * write anew, arm the write-back probe), whose state the kernel keeps to
 * the reset: the file systems stay mounted, the probe armed.  Which steps
 * a boot has depends on its number, read at run time from the boot
 * counter.  Fixtures whose set-up and tear-down run around each test in
 * its own process, in any order, fit none of that; kselftest.h's plain
 * API prints the same KTAP.
 */
enum { EVERY_BOOT, AFTER_FIRST, BEFORE_LAST };
struct persist_step {
	int (*fn)(struct dev *d);
	const char *what;	/* %s is the mount option */
	int boots;
};

/* Each boot mounts; all but the first check, all but the last write. */
static const struct persist_step persist_steps[] = {
	{ mount_with_dax, "mount -o %s, and /proc/mounts keeps it", EVERY_BOOT },
	{ t_persist_check_map, "the DAX-mapped file of the boot before reads back, msync()ed pages and not", AFTER_FIRST },
	{ t_persist_check_log, "the log the boot before appended holds its fsync()ed records, and records only", AFTER_FIRST },
	{ t_persist_write, "write a file through a shared DAX mapping (msync() half), append a log (fsync() half)", BEFORE_LAST },
};

static int persist_runs(const struct persist_step *step, const struct dev *d)
{
	if (d == counter_dev || read_only(d))
		return 0;
	switch (step->boots) {
	case AFTER_FIRST:
		return persist_boot > 1;
	case BEFORE_LAST:
		return persist_boot < persist_boots;
	default:
		return 1;
	}
}

static void persist_report(int verdict, const char *name)
{
	if (verdict == PASS)
		ksft_test_result_pass("%s\n", name);
	else if (verdict == SKIPPED)
		ksft_test_result_skip("%s (%s)\n", reason, name);
	else
		ksft_test_result_fail("%s # %s\n", name, reason);
}

static void run_persist(void)
{
	char after[48] = "", name[300], what[160];
	unsigned i;
	int k, planned = 2;

	if (persist_boot > 1)
		snprintf(after, sizeof(after), " (the boot before ended with a %s)",
			 persist_end(persist_boot - 1));
	for (k = 0; k < ndevs; k++)
		for (i = 0; i < ARRAY_SIZE(persist_steps); i++)
			planned += persist_runs(&persist_steps[i], &devs[k]);
	ksft_set_plan(planned);
	diag("persist: boot %d of %d (the boot counter on %s)", persist_boot, persist_boots,
	     counter_dev->name);
	for (k = 0; k < ndevs; k++)
		for (i = 0; i < ARRAY_SIZE(persist_steps); i++) {
			const struct persist_step *step = &persist_steps[i];
			struct dev *d = &devs[k];

			if (!persist_runs(step, d))
				continue;
			snprintf(what, sizeof(what), step->what, mount_opts(d, MNT_DAX));
			snprintf(name, sizeof(name), "boot %d: %.7s%s on %.15s: %.159s%.47s", persist_boot, d->fs,
				 d->reflink ? "+reflink" : "", d->name, what, after);
			persist_report(step->fn(d), name);
		}
	if (persist_boot < persist_boots) {
		snprintf(name, sizeof(name), "boot %d: the write-back probe is armed on %s()",
			 persist_boot, PROFILED_FN);
		persist_report(t_persist_arm(), name);
	} else {
		snprintf(name, sizeof(name), "boot %d: every file system unmounts", persist_boot);
		persist_report(t_persist_umount(), name);
	}
	snprintf(name, sizeof(name),
		 "boot %d: kernel log is free of warnings, BUGs, oopses, bad page reports and file system errors",
		 persist_boot);
	persist_report(t_kernel_log(), name);
	ksft_finished();
}

/* ------------------------------------------------------------------ */
/* The harness's tests                                                 */

/*
 * Long enough for the slowest file system on TCG QEMU sharing a loaded
 * machine: these tests move 16 MiB files or run fsx, where the harness's
 * 30 s default could cut a passing test short.
 */
#define SLOW_TIMEOUT	300

/*
 * The variant's device, mounted with mode (UNMOUNTED: the test mounts
 * it).  It is unmounted first: the test before may have died with it
 * mounted, and each test starts from the kernel's state, not from what
 * another process believed.  A failed DAX mount is pmem.*.mount_dax's
 * verdict; the tests that need DAX then skip.  With reflink, xfs takes
 * the option and turns DAX off, as it must.
 */
static struct dev *fixture_dev(struct __test_metadata *_metadata, const char *kind, int mode)
{
	struct dev *d = plan_dev(kind);

	ASSERT_TRUE(d != NULL) TH_LOG("DAXTEST_DEVS has no %s", kind);
	umount(d->mnt);
	d->mounted = UNMOUNTED;
	if (mode == MNT_DAX && !d->reflink)
		mount_with_dax(d);
	else if (mode != UNMOUNTED)
		remount(d, mode);
	return d;
}

/*
 * A fixture of one pmem device, mounted with mode for each test.  Its
 * variants name the kind of file system as DAXTEST_DEVS spells it, the
 * variant's only member, so that plan_harness() can read it from any
 * such fixture (variant_kind()).
 */
#define DEV_FIXTURE(fixture, mode)					\
	FIXTURE(fixture) {						\
		struct dev *d;						\
	};								\
	FIXTURE_VARIANT(fixture) {					\
		const char *kind;					\
	};								\
	FIXTURE_SETUP(fixture)						\
	{								\
		self->d = fixture_dev(_metadata, variant->kind, mode);	\
	}								\
	FIXTURE_TEARDOWN(fixture)					\
	{								\
		if (self->d)						\
			do_umount(self->d);				\
	}
#define FS_VARIANT(fixture, name, fs_kind) \
	FIXTURE_VARIANT_ADD(fixture, name) { .kind = fs_kind }
/* A test that is one check of the fixture's device. */
#define DEV_TEST(fixture, name, timeout, check)				\
	TEST_F_TIMEOUT(fixture, name, timeout)				\
	{								\
		report(_metadata, check(self->d));			\
	}

/* The device and the DAX mount option, in every mode but persist. */
DEV_FIXTURE(pmem, UNMOUNTED)
FS_VARIANT(pmem, ext4, "ext4");
FS_VARIANT(pmem, ext2, "ext2");
FS_VARIANT(pmem, xfs, "xfs");
FS_VARIANT(pmem, xfs_reflink, "xfs+reflink");
FS_VARIANT(pmem, erofs, "erofs");

/* As the mode says: with DAX, refused by alloc_dax(), or no FS DAX. */
TEST_F(pmem, block_device)
{
	int verdict;

	if (plan_mode == MODE_DAX)
		verdict = t_dev_dax(self->d);
	else if (plan_mode == MODE_NODAX)
		verdict = t_dev_nodax(self->d);
	else
		verdict = t_dev_nofsdax(self->d);
	report(_metadata, verdict);
}

/* Planned only where the scenario names the type (DAXTEST_PMEM_MT). */
DEV_TEST(pmem, memory_type, TEST_TIMEOUT_DEFAULT, t_pmem_memtype)

/*
 * DAX where the mode offers it; refused or off, with the kernel's
 * reason, elsewhere and with reflink.  Not planned without FS_DAX,
 * where the option does not exist.
 */
TEST_F(pmem, mount_dax)
{
	struct dev *d = self->d;

	report(_metadata, plan_mode == MODE_DAX && !d->reflink ? mount_with_dax(d)
							      : t_mount_dax_refused(d));
}

/* Written file systems mounted with DAX (the dax mode). */
DEV_FIXTURE(dax, MNT_DAX)
FS_VARIANT(dax, ext4, "ext4");
FS_VARIANT(dax, ext2, "ext2");
FS_VARIANT(dax, xfs, "xfs");
DEV_TEST(dax, statx_dax, TEST_TIMEOUT_DEFAULT, t_statx_dax)
DEV_TEST(dax, write_files, SLOW_TIMEOUT, t_write_files)
DEV_TEST(dax, mmap_files, SLOW_TIMEOUT, t_mmap_files)
DEV_TEST(dax, msync_writes_back, TEST_TIMEOUT_DEFAULT, t_msync_flush)
DEV_TEST(dax, msync_maps_nothing, TEST_TIMEOUT_DEFAULT, t_msync_cost)
DEV_TEST(dax, private_cow, TEST_TIMEOUT_DEFAULT, t_private_cow)
DEV_TEST(dax, exec_rewritten, SLOW_TIMEOUT, t_exec)
DEV_TEST(dax, gup_efault, TEST_TIMEOUT_DEFAULT, t_gup)
DEV_TEST(dax, remount, SLOW_TIMEOUT, t_remount)
DEV_TEST(dax, page_cache, SLOW_TIMEOUT, t_page_cache)
DEV_TEST(dax, fsx, SLOW_TIMEOUT, t_fsx)

/* A read-only image mounted with DAX (the dax mode). */
DEV_FIXTURE(dax_image, MNT_DAX)
FS_VARIANT(dax_image, erofs, "erofs");
DEV_TEST(dax_image, statx_dax, TEST_TIMEOUT_DEFAULT, t_statx_dax)
DEV_TEST(dax_image, image_files, SLOW_TIMEOUT, t_ro_files)
DEV_TEST(dax_image, page_cache, SLOW_TIMEOUT, t_page_cache)

/* An xfs with reflink on a DAX device: DAX off, data right (the dax mode). */
DEV_FIXTURE(dax_reflink, MNT_DAX)
FS_VARIANT(dax_reflink, xfs_reflink, "xfs+reflink");
DEV_TEST(dax_reflink, fsx, SLOW_TIMEOUT, t_fsx)

/* Written file systems without DAX (the nodax and nofsdax modes). */
DEV_FIXTURE(nodax, UNMOUNTED)
FS_VARIANT(nodax, ext4, "ext4");
FS_VARIANT(nodax, ext2, "ext2");
FS_VARIANT(nodax, xfs, "xfs");
FS_VARIANT(nodax, xfs_reflink, "xfs+reflink");
DEV_TEST(nodax, default_roundtrip, SLOW_TIMEOUT, t_default_roundtrip)

/* A read-only image without DAX (the nodax and nofsdax modes). */
DEV_FIXTURE(nodax_image, MNT_DEFAULT)
FS_VARIANT(nodax_image, erofs, "erofs");
DEV_TEST(nodax_image, image_files, SLOW_TIMEOUT, t_ro_files)

/* The virtio-fs share, in every mode but persist; it skips without one. */
FIXTURE(virtiofs) {
};

FIXTURE_SETUP(virtiofs)
{
	/* as in fixture_dev(): a test that died may have left it mounted */
	umount(VFS_MNT);
}

FIXTURE_TEARDOWN(virtiofs)
{
}

TEST_F(virtiofs, dax_refused)
{
	report(_metadata, t_vfs_dax_refused());
}

TEST_F(virtiofs, roundtrip)
{
	report(_metadata, t_vfs_roundtrip());
}

/*
 * What the kernel logged while all the other tests ran: a fixture of its
 * own, the last one (TEST() would put it in the harness's global
 * fixture, which runs first).
 */
FIXTURE(kernel) {
};

FIXTURE_SETUP(kernel)
{
}

FIXTURE_TEARDOWN(kernel)
{
}

TEST_F(kernel, log_clean)
{
	report(_metadata, t_kernel_log());
}

/* ------------------------------------------------------------------ */
/* The harness's plan                                                  */

/* The modes each fixture runs in; one not listed here is a bug. */
static const struct {
	const char *name;
	int modes;
} fixture_modes[] = {
	{ "pmem", MODES_HARNESS },
	{ "dax", MODE_DAX },
	{ "dax_image", MODE_DAX },
	{ "dax_reflink", MODE_DAX },
	{ "nodax", MODE_NODAX | MODE_NOFSDAX },
	{ "nodax_image", MODE_NODAX | MODE_NOFSDAX },
	{ "virtiofs", MODES_HARNESS },
	{ "kernel", MODES_HARNESS },
};

static int fixture_planned(const struct __fixture_metadata *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixture_modes); i++)
		if (!strcmp(f->name, fixture_modes[i].name))
			return !!(fixture_modes[i].modes & plan_mode);
	return -1;
}

/* A test the scenario can leave out, by its harness name. */
static int test_planned(const struct __test_metadata *t)
{
	/* A scenario that names no memory type does not plan the test. */
	if (!strcmp(t->name, "memory_type"))
		return pmem_mt != NULL;
	/* Without FS_DAX the dax mount options do not exist. */
	if (!strcmp(t->name, "mount_dax"))
		return !no_fs_dax;
	return 1;
}

static const char *variant_kind(const struct __fixture_variant_metadata *v)
{
	/* DEV_FIXTURE()'s variant's one member, whichever fixture it is */
	return *(const char *const *)v->data;
}

/*
 * Keep the items of one of the harness's lists (linked by next, the
 * head's prev the last) for which keep holds, in their order.
 */
#define LIST_KEEP(head, it, keep) do {					\
	__typeof__(head) next_, last_ = NULL;				\
	for (it = (head), (head) = NULL; it; it = next_) {		\
		next_ = it->next;					\
		if (!(keep))						\
			continue;					\
		it->next = NULL;					\
		if (last_) {						\
			it->prev = last_;				\
			last_->next = it;				\
		} else {						\
			(head) = it;					\
		}							\
		last_ = it;						\
	}								\
	if (head)							\
		(head)->prev = last_;					\
} while (0)

/*
 * 6.1's harness runs every test of every variant it has registered;
 * selection by name came to it later (-f, -v, -t).  The plan comes from
 * the boot parameters, so drop what it leaves out before the harness
 * counts: fixtures of other modes, variants whose file system is not in
 * DAXTEST_DEVS, tests the scenario does not plan.
 */
static int plan_harness(void)
{
	struct __fixture_variant_metadata *v;
	struct __fixture_metadata *f;
	struct __test_metadata *t;

	for (f = __fixture_list; f; f = f->next) {
		int had_variants = f->variant != NULL;

		if (f->tests && fixture_planned(f) < 0) {
			bail_out("fixture %s is in no mode's plan (fixture_modes[])", f->name);
			return -1;
		}
		LIST_KEEP(f->tests, t, test_planned(t));
		LIST_KEEP(f->variant, v, plan_dev(variant_kind(v)));
		/* without variants left, the harness would run it without one */
		if (had_variants && !f->variant)
			f->tests = NULL;
	}
	LIST_KEEP(__fixture_list, f, f->tests && fixture_planned(f) > 0);
	return 0;
}

static void run_harness(int argc, char **argv)
{
	int wrapped;

	boot_log = klog_all(&wrapped);
	user_mt = user_mt_from(boot_log);
	if (plan_mode == MODE_DAX)
		prof_setup();
	if (plan_harness())
		exit(KSFT_FAIL);
	/* The host reads KTAP version 1: main() printed that header. */
	setenv("KSFT_TAP_LEVEL", "1", 1);
	exit(test_harness_run(argc, argv));
}

int main(int argc, char **argv)
{
	const char *mode, *end;
	int status = 0;
	pid_t pid;

	/*
	 * The exec test's copy of this program (t_exec): print, nothing
	 * else.  Not a test: the test is the run of it.
	 */
	if (argc > 1 && !strcmp(argv[1], EXEC_ARG))
		return write(1, exec_mark, sizeof(exec_mark) - 1) < 0 ? 2 : 0;

	setup_mounts();
	setup_output();
	pagesz = sysconf(_SC_PAGESIZE);
	/* One document per boot: the host counts them (scripts/qemu/ktap.py). */
	printf("KTAP version 1\n");
	mode = getenv("DAXTEST_MODE");
	/* Scratch memory of the tests, which each fill before reading. */
	expect_buf = malloc(BIG);
	read_buf = malloc(BIG);
	if (!expect_buf || !read_buf)
		bail_out("out of memory");
	else if (parse_plan(mode ? mode : "(unset)") == 0) {
		diag("dax-test: mode %s, devices %s, virtio-fs %s, seed %" PRIu64 ", fsx ops %ld",
		     mode, getenv("DAXTEST_DEVS"), vfs_tag ? vfs_tag : "(none)", seed, fsx_ops);
		/*
		 * Not in PID 1: init cannot exit, as the harness does when it
		 * is done, nor die of a test's fault; the kernel would panic.
		 */
		pid = fork();
		if (pid == 0) {
			if (plan_mode == MODE_PERSIST)
				run_persist();
			else
				run_harness(argc, argv);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			bail_out("fork/wait: %s", strerror(errno));
		else if (WIFSIGNALED(status))
			bail_out("the test program died: signal %d (%s)", WTERMSIG(status),
				 strsignal(WTERMSIG(status)));
	}
	end = getenv("DAXTEST_END");
	if (persist_boot && strcmp(persist_end(persist_boot), "poweroff")) {
		/*
		 * No sync(): it would write back what the test leaves to the
		 * kernel's reset path.  Exiting, PID 1 panics the kernel.
		 */
		diag("persist: boot %d of %d ends with a %s, without sync()", persist_boot,
		     persist_boots, persist_end(persist_boot));
		if (!strcmp(persist_end(persist_boot), "panic"))
			return 0;
		end = "reboot";
	} else {
		sync();
	}
	/*
	 * Without a power-off driver RB_POWER_OFF halts and QEMU never
	 * exits (the small Malta kernel has none: it would need PCI).
	 */
	if (end && !strcmp(end, "reboot"))
		reboot(RB_AUTOBOOT);
	else
		reboot(RB_POWER_OFF);
	diag("reboot(%s): %s", end && !strcmp(end, "reboot") ? "RB_AUTOBOOT" : "RB_POWER_OFF",
	     strerror(errno));
	for (;;)
		pause();
}
