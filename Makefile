# The project's one front door: `make help` lists the targets.
#
# Kernel-style variables: ARCH (only the compile cells of this ARCH),
# CROSS_COMPILE (override the cells' cross prefix), LLVM=1 (build with
# clang), O (build output directory, default build/out), V=1 (show
# commands and every test's log).
#
# Exit status: GNU make exits 2 whenever a step fails; the step's own
# code (1 usage or missing tool, 2 build or test failure, 124 timeout) is
# in make's "Error N" line.

# The kernel base: package, pinned revision, base hash and patches folder
# come from configs/bases/$(BASE).mk, one file per base.
BASE           := 6.1
BASE_FILE      := configs/bases/$(BASE).mk
# Shared by every base: the kernel sources, the .deb cache, ccache.
BUILD          := $(CURDIR)/build
ifeq ($(wildcard $(BASE_FILE)),)
$(error no kernel base '$(BASE)': $(BASE_FILE) is missing (bases: $(notdir $(basename $(wildcard configs/bases/*.mk)))))
endif
include $(BASE_FILE)
# Another revision, once the archive no longer serves the pinned one:
# make KERNEL_VERSION=6.1.192-3 kernel.  Its base is derived, and the
# tests that compare with the pinned base say which one they ran on.
# (:=, not ?=: the exported value must not leak into a make run inside
# a test, which may pin another revision.)
KERNEL_VERSION := $(KERNEL_PINNED)
KERNEL_EXPECT  := $(if $(filter $(KERNEL_PINNED),$(KERNEL_VERSION)),$(KERNEL_BASE),-)

# The one identity the patches are written under.  A sender replaces it
# with theirs: make export SIGNER="Name <email>".
PATCH_IDENTITY := Cache Aliasing Series <cache-aliasing@example.org>
SERIES_NAME    := dax-cache-aliasing
SERIES_VERSION := 1

# A base's own worktrees and outputs are in its file's BASE_BUILD (the
# first base keeps build/ itself).
ifeq ($(BASE_BUILD),)
$(error $(BASE_FILE) sets no BASE_BUILD)
endif
SRC   := $(BUILD)/$(KERNEL_TREE)
TREES := $(BASE_BUILD)/trees
O     ?= $(BASE_BUILD)/out
# Where the kernel .deb is kept (.ci/run shares one with the host).
DL    ?= $(BUILD)/dl
V     ?= 0

# Debian packages every target needs; compile cells install their own
# cross compilers (arch-matrix/cells.tsv).
DEPS := git make gcc libc6-dev bc bison flex libssl-dev libelf-dev perl \
	python3 python3-ply python3-git xz-utils quilt b4 ccache shellcheck

# make randconfig-dax: N random DAX configurations per cell (ARMv7 LPAE,
# x86_64); SEED replays a run (default: a new one, printed first).
N    ?= 2
SEED ?= $(shell date +%s)

# make test GROUPS="lint apply": only those groups of scripts/test.sh.
GROUPS ?=

# The arch matrix: ARCHES="arm mips" runs some cells, SHARD=i/N every
# Nth of them (1-based), for a CI that splits the work between runners.
ARCHES ?=
SHARD  ?=

export BASE PATCHES SRC TREES BUILD BASE_BUILD DL KERNEL_PKG KERNEL_PINNED KERNEL_VERSION KERNEL_BASE PATCH_IDENTITY SERIES_NAME SERIES_VERSION V ARCH CROSS_COMPILE LLVM O ARCHES SHARD

.PHONY: help deps kernel apply import export checkpatch compile matrix kunit kunit-qemu qemu qemu-mips \
	bisect randconfig-dax matrix-doc test test-full demo clean distclean

help:
	@echo 'Set-up: make demo (the main job), make test (the tests).'
	@echo
	@echo '  help        this list'
	@echo '  deps        install the Debian packages the targets need (apt, as root)'
	@echo '  kernel      fetch $(KERNEL_PKG)=$(KERNEL_VERSION) into build/linux, check its base'
	@echo '  apply       apply patches/ with git am, b4 am and quilt; fail unless identical'
	@echo '  import      reset branch "series" of build/linux to base + patches/ (git am)'
	@echo '  export      write patches/ from branch "series" (SIGNER="Name <e>" re-signs)'
	@echo '  checkpatch  lint the series: series file, sign-offs, checkpatch --strict'
	@echo '  compile     build the probe and drivers/dax/ for each cell (ARCH= filters)'
	@echo '  matrix      cross-build every arch, series vs base, W=1, bloat-o-meter (ARCHES= SHARD=i/N)'
	@echo '  kunit       run the series'"'"' KUnit suite with kunit.py on UML and on QEMU arm virt'
	@echo '  matrix-doc  regenerate arch-matrix/README.md from arch-matrix/arches.tsv'
	@echo '  test        every test, TAP output, closing "N passed, N failed, N skipped" (GROUPS= some)'
	@echo '  kunit-qemu  boot the suite built into ARMv6+v7 (raspi0, virt) and ARMv5 kernels in QEMU'
	@echo '  qemu        boot ARMv7 LPAE guests in QEMU: fs DAX on pmem, and pmem that refuses DAX'
	@echo '  qemu-mips   boot one MIPS Malta kernel on an aliasing (pmem without DAX) and a non-aliasing CPU (fs DAX)'
	@echo '  bisect      build every prefix of the series, 4 configs x DAX on/off (~1 h cold, 15 min warm)'
	@echo '  randconfig-dax  N= SEED=: N random DAX configs per cell (ARMv7 LPAE, x86_64), built'
	@echo '  test-full   make test, plus bisect and 5 random DAX configs per cell'
	@echo '  demo        build the ARMv7 LPAE kernel, boot it in QEMU, show DAX working on pmem'
	@echo '  clean       remove worktrees and build outputs (keeps the kernel source)'
	@echo '  distclean   remove build/ entirely'

deps:
	@scripts/lib/deps.sh $(DEPS)

kernel: deps
	@scripts/series/fetch-kernel.sh $(KERNEL_PKG) $(KERNEL_VERSION) $(SRC) $(KERNEL_EXPECT)

apply: kernel
	@for m in git-am b4 quilt compare; do \
		scripts/series/apply-series.sh $(PATCHES) $(SRC) $(TREES) $$m || exit $$?; done

import: kernel
	@scripts/series/series-import.sh $(PATCHES) $(SRC) series
	@echo "build/linux: branch series = base + patches/; edit, commit, then make export"

export: kernel
ifdef SIGNER
	@python3 scripts/series/series.py export $(SRC) series $(PATCHES) $(SERIES_NAME) $(SERIES_VERSION) \
		--signer "$(SIGNER)" --old "$(PATCH_IDENTITY)"
	@sed -i 's|$(PATCH_IDENTITY)|$(SIGNER)|' MAINTAINERS.snippet
	@scripts/series/series-import.sh $(PATCHES) $(SRC) series
	@echo 'patches/ and build/linux re-signed by $(SIGNER); make PATCH_IDENTITY="$(SIGNER)" test'
else
	@python3 scripts/series/series.py export $(SRC) series $(PATCHES) $(SERIES_NAME) $(SERIES_VERSION)
endif

checkpatch: kernel
	@scripts/test.sh lint

compile: kernel
	@scripts/test.sh compile

matrix: kernel
	@scripts/test.sh matrix

kunit: kernel
	@scripts/test.sh kunit

kunit-qemu: kernel
	@scripts/test.sh kunit-qemu

qemu: kernel
	@scripts/test.sh qemu

qemu-mips: kernel
	@scripts/test.sh qemu-mips

matrix-doc:
	@python3 scripts/matrix/arch-matrix.py readme

test: kernel
	@scripts/test.sh $(GROUPS)

test-full: kernel
	@TEST_FULL=1 RANDCONFIG_N=5 scripts/test.sh

bisect: kernel
	@scripts/build/bisect.sh $(PATCHES) $(SRC) $(BASE_BUILD)/bisect

randconfig-dax: kernel
	@scripts/build/randconfig-dax.sh $(N) $(SEED) $(PATCHES) $(SRC) $(BASE_BUILD)/randconfig

demo: kernel
	@scripts/demo.sh

clean:
	-git -C $(SRC) worktree remove --force $(TREES)/git-am 2>/dev/null
	rm -rf $(TREES) $(O) $(BASE_BUILD)/bisect $(BASE_BUILD)/randconfig
	-git -C $(SRC) worktree prune 2>/dev/null

distclean:
	rm -rf $(BUILD)
