// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time probe of cache_is_aliasing(), built against a configured
 * kernel tree by the project's tests; it is not part of the series.
 *
 * PROBE_EXPECT says what the configuration must give:
 *   0  never / build time false: a compile-time constant false
 *   1  always / build time true: a compile-time constant true
 *   2  run time: NOT a compile-time constant
 * The asserts are BUILD_BUG_ON()s, so a wrong answer is a build error,
 * and a constant answer costs no code at all.
 */
#include <linux/build_bug.h>
#include <linux/cache_aliasing.h>
#include <linux/export.h>

#ifndef PROBE_EXPECT
#error "build with PROBE_EXPECT=0, 1 or 2"
#endif

int cache_aliasing_probe(void);

int cache_aliasing_probe(void)
{
	/*
	 * Through a variable: GCC folds __builtin_constant_p() of a
	 * function call to 0 before inlining, but asks again about a
	 * variable once constants have been propagated.
	 */
	bool aliasing = cache_is_aliasing();

#if PROBE_EXPECT == 2
	BUILD_BUG_ON_MSG(__builtin_constant_p(aliasing),
			 "cache_is_aliasing() should be a run-time test here");
#else
	BUILD_BUG_ON_MSG(!__builtin_constant_p(aliasing),
			 "cache_is_aliasing() should be a compile-time constant here");
	BUILD_BUG_ON_MSG(aliasing != PROBE_EXPECT,
			 "cache_is_aliasing() has the wrong constant value here");
#endif
	return aliasing;
}
