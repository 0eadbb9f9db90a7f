# SPDX-License-Identifier: GPL-2.0
# Ask Kbuild itself what it would build in one directory of a configured
# tree, so that the scripts never compile an object the configuration
# leaves out (a single-object target is compiled whatever the config).
#
# usage: make -s -f kbuild-objs.mk srctree=TREE objtree=OUT dir=DIR
# prints "objs: <objects>" (built-in and modular, composite objects
# expanded into their parts) and "subdirs: <subdirectories it descends>".
# The goal, whatever the included Makefiles define first.
.DEFAULT_GOAL := list

# .config, not include/config/auto.conf: that one is only refreshed by a
# build, and this runs right after olddefconfig.
include $(objtree)/.config
include $(srctree)/scripts/Kbuild.include
src := $(dir)
obj := $(dir)
# Read by some Makefiles; only the lists below are used.
need-builtin := 1
include $(or $(wildcard $(srctree)/$(dir)/Kbuild),$(srctree)/$(dir)/Makefile)
include $(srctree)/scripts/Makefile.lib

.PHONY: list
list:
	@echo "objs: $(filter %.o,$(real-obj-y) $(real-obj-m))"
	@echo "subdirs: $(subdir-ym)"
