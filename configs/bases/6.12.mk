# The second kernel base: Linux 6.12 LTS as Debian ships it (the kernel
# of Debian 13, and of Debian 12's security archive, which serves the
# source package pinned here).  make BASE=6.12 ...
#
# The 6.12 edition of the series is not written yet: the base is
# fetched and pinned (make BASE=6.12 kernel), its patches folder is
# where the edition will go.

KERNEL_PKG     := linux-source-6.12
KERNEL_PINNED  := 6.12.117-1~deb12u1
# git hash of the base tree as fetch-kernel.sh commits it; the cover
# letter's base-commit.
KERNEL_BASE    := 50383ce6169f718ec0649860b191c1ca7129f277
PATCHES        := patches/6.12
KERNEL_TREE    := linux-6.12
# Its worktrees and outputs, apart from the first base's.
BASE_BUILD     := $(BUILD)/6.12
