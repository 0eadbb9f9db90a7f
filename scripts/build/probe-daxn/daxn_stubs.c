// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time probe of the CONFIG_DAX=n stubs of set_dax_nocache() and
 * set_dax_nomc(), built by scripts/build/daxn-probe.sh against a DAX=n tree;
 * it is not part of the series.  Without any declaration the two calls
 * are implicit declarations, which the kernel builds as errors.  The
 * unpatched header declares them extern whatever CONFIG_DAX says, so
 * the calls compile and only the link of a DAX=n kernel fails: the
 * static redeclarations below turn that into a compile error too
 * ("static declaration follows non-static declaration"), and are
 * harmless when the header has static inline stubs.
 */
#include <linux/dax.h>
#include <linux/export.h>

#if IS_ENABLED(CONFIG_DAX)
#error "the DAX=n probe needs a CONFIG_DAX=n configuration"
#endif

void daxn_stubs(struct dax_device *dax_dev);

void daxn_stubs(struct dax_device *dax_dev)
{
	set_dax_nocache(dax_dev);
	set_dax_nomc(dax_dev);
}

static void set_dax_nocache(struct dax_device *dax_dev);
static void set_dax_nomc(struct dax_device *dax_dev);
