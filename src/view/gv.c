/* SPDX-License-Identifier: MIT */
/*
 * Graphviz through dlopen(3) (see gv.h).  GV_SONAME is the name the
 * build's libgvc.so gives itself (the Makefile reads it); cgraph's
 * functions come through the same handle, as gvc depends on it.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "view/gv.h"

#ifndef GV_SONAME
#define GV_SONAME "libgvc.so.6"
#endif

struct gv_funcs gvf;

static int loaded;	/* 1 loaded, -1 failed (WHY kept in failure) */
static char failure[200];

int
gv_load(char *why, size_t size)
{
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define SYM(f) { #f, offsetof(struct gv_funcs, f) }
		SYM(agopen), SYM(agclose), SYM(agnode), SYM(agedge),
		SYM(agsubg), SYM(agattr), SYM(agxset), SYM(agget),
		SYM(agwrite), SYM(agstrdup), SYM(agstrfree), SYM(agseterrf),
		SYM(gvContext), SYM(gvLayout), SYM(gvRenderData),
		SYM(gvFreeLayout), SYM(Agdirected), SYM(AgMemDisc),
		SYM(AgIoDisc),
#undef SYM
	};
	struct gv_funcs f;
	const char *e;
	void *h, *p;
	size_t i;

	if (loaded == 0) {
		loaded = -1;
		if ((h = dlopen(GV_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
			e = dlerror();
			snprintf(failure, sizeof(failure), "Graphviz (%s) "
			    "could not be loaded: %s", GV_SONAME,
			    e != NULL ? e : "unknown error");
		} else {
			for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
				if ((p = dlsym(h, syms[i].name)) == NULL) {
					snprintf(failure, sizeof(failure),
					    "Graphviz (%s) has no %s",
					    GV_SONAME, syms[i].name);
					break;
				}
				memcpy((char *)&f + syms[i].off, &p,
				    sizeof(p));
			}
			if (i == sizeof(syms) / sizeof(syms[0])) {
				gvf = f;
				loaded = 1;
			}
		}
	}
	if (loaded < 0 && why != NULL && size > 0)
		snprintf(why, size, "%s", failure);
	return loaded > 0 ? 0 : -1;
}
