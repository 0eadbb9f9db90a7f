// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time probe of the CONFIG_DAX=n stub of alloc_dax(): it must
 * return ERR_PTR(-EOPNOTSUPP), so that callers tell "no DAX here" from
 * a failed allocation (the old stub returned NULL).  Built by
 * scripts/build/daxn-probe.sh; not part of the series.  The asserts are
 * BUILD_BUG_ON()s, evaluated after the stub is inlined: a wrong value
 * is a build error, and a stub the compiler cannot see through is one
 * too.
 */
#include <linux/build_bug.h>
#include <linux/dax.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>

#if IS_ENABLED(CONFIG_DAX)
#error "the DAX=n probe needs a CONFIG_DAX=n configuration"
#endif

long daxn_alloc(void);

long daxn_alloc(void)
{
	/*
	 * Through a variable: GCC folds __builtin_constant_p() of a call
	 * to 0 before inlining, but asks again about a variable once
	 * constants have been propagated.
	 */
	long err = PTR_ERR(alloc_dax(NULL, NULL));

	BUILD_BUG_ON_MSG(!__builtin_constant_p(err),
			 "the DAX=n alloc_dax() is not a constant");
	BUILD_BUG_ON_MSG(err != -EOPNOTSUPP,
			 "the DAX=n alloc_dax(NULL, NULL) is not ERR_PTR(-EOPNOTSUPP)");
	return err;
}
