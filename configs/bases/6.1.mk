# The kernel base of the series: Linux 6.1 LTS as Debian 12 ships it.
# The Makefile reads one such file, make BASE=NAME for configs/bases/NAME.mk
# (default 6.1); a second base is a second file, and the scripts take
# every value below from the Makefile's environment.

# Debian's source package and the pinned revision of it.
KERNEL_PKG     := linux-source-6.1
KERNEL_PINNED  := 6.1.192-2
# git hash of the base tree as fetch-kernel.sh commits it; the cover
# letter's base-commit.
KERNEL_BASE    := fbde850691a9f1fb717c5567ea237b487bd41426
# The series for this base, and the kernel repository under build/ that
# fetch-kernel.sh makes (tag base, branch series).
PATCHES        := patches
KERNEL_TREE    := linux
# Its worktrees and outputs: build/ itself, as before there were bases.
BASE_BUILD     := $(BUILD)
