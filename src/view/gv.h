/* SPDX-License-Identifier: MIT */
/*
 * Graphviz, loaded when a picture is first drawn (src/view/gv.c): cgraph
 * and gvc with the libraries they need take longer to load than a small
 * model takes to check, so `check`, `fix` and `info` do not load them.
 * Each function is called through gvf, typed as the installed headers
 * declare it.
 */
#ifndef ONNXFIX_GV_H
#define ONNXFIX_GV_H

#include <stddef.h>

#include <cgraph.h>
#include <gvc.h>

struct gv_funcs {
	__typeof__(agopen) *agopen;
	__typeof__(agclose) *agclose;
	__typeof__(agnode) *agnode;
	__typeof__(agedge) *agedge;
	__typeof__(agsubg) *agsubg;
	__typeof__(agattr) *agattr;
	__typeof__(agxset) *agxset;
	__typeof__(agget) *agget;
	__typeof__(agwrite) *agwrite;
	__typeof__(agstrdup) *agstrdup;
	__typeof__(agstrfree) *agstrfree;
	__typeof__(agseterrf) *agseterrf;
	__typeof__(gvContext) *gvContext;
	__typeof__(gvLayout) *gvLayout;
	__typeof__(gvRenderData) *gvRenderData;
	__typeof__(gvFreeLayout) *gvFreeLayout;
	__typeof__(Agdirected) *Agdirected;
	__typeof__(AgMemDisc) *AgMemDisc;
	__typeof__(AgIoDisc) *AgIoDisc;
};

/* Filled by gv_load(); every pointer is set once it returned 0. */
extern struct gv_funcs gvf;

/*
 * Load Graphviz once (later calls return at once): 0, or -1 with what
 * went wrong in WHY (SIZE bytes), e.g. the library is not installed.
 */
int gv_load(char *why, size_t size);

#endif
