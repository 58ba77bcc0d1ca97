/* SPDX-License-Identifier: MIT */
/*
 * What the files of onnxfix_dot() share, private to src/view/: the
 * drawing's limits and colours, the state of one drawing (struct dot, one
 * struct dgraph per graph of the model, name scopes, findings per node)
 * and the functions one file of the drawing calls in another.  The files,
 * lowest first (none calls into a file listed after it):
 *
 *	gv.c		Graphviz, loaded with dlopen on the first drawing
 *	dot_label.c	label text: model bytes escaped and cut, types
 *	dot_attr.c	what a node says: operator category, key
 *			attributes, tooltip, slot names, constants
 *	dot_gv.c	cgraph: ids, errors, attributes, nodes, edges; the
 *			DOT, SVG and PNG output (the layout in a child
 *			process under rlimits)
 *	dot_select.c	what is drawn: folding, --focus, --ops, scopes and
 *			--collapse
 *	dot_size.c	the representation by size: subgraph bodies,
 *			scope boxes, long edges cut
 *	dot_style.c	the look: findings per node, before/after, the
 *			summary note and the legend
 *	dot.c		the walk over the graphs that draws them, the API
 */
#ifndef ONNXFIX_DOT_INT_H
#define ONNXFIX_DOT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "view/gv.h"

#include "onnxfix.h"


/*
 * Limits that keep huge models drawable: past DOT_MAX_OPS op nodes no
 * more are added, and one note node says how many were left out (the
 * DOT for a 100,000-node model stays small and quick; laying out even
 * the 2,000 drawn nodes is Graphviz's business).  Input, output,
 * initializer and undefined-value nodes and edges have limits of their
 * own, so no list in a hostile model can make the drawing unbounded.
 */
#define DOT_MAX_OPS	500	/* default of --max-nodes */
#define DOT_RADIUS	3	/* default of --radius */
#define DOT_FAST_LAYOUT	100	/* more drawn nodes: bounded layout passes */
#define DOT_MAX_VALUES	4000
/* Bounds of the Graphviz layout, run in a child process (dot_gv.c):
 * CPU and wall-clock seconds, address space above what the process maps
 * already, and the largest rendered picture taken back. */
#define DOT_LAYOUT_SECONDS	30
#define DOT_LAYOUT_MEM	((size_t)448 << 20)
#define DOT_MAX_IMAGE	((size_t)256 << 20)
/* A PNG is scaled down to at most so many pixels (4 bytes each). */
#define DOT_PNG_PIXELS	30e6
/* Estimated layout cost (units plus twice the ranks edges cross) drawn
 * as it is; above it the picture is simplified (dot_size.c). */
#define DOT_LAYOUT_COST	8000
/* A simplified picture of fewer units opens more boxes (and is cut at
 * the node limit when they do not fit). */
#define DOT_MIN_UNITS	16
#define DOT_MAX_EDGES	20000

/*
 * Initializer folding: a model with more than DOT_FOLD_INITS initializers
 * (all graphs together, as they share one picture) does not draw an
 * initializer that is read by exactly one node input (in its own graph
 * or, as an outer-scope value, in a subgraph) and is not a graph output;
 * it becomes an extra line of its consumer's label instead ("W
 * float[64,3,3,3]"), so a network's weights cost no layout and draw no
 * edges across clusters.  Other initializers, and every initializer of a
 * smaller model, are grey notes with an edge.  At most DOT_FOLD_LINES
 * such lines are listed per node, then "(+K more)".
 */
#define DOT_FOLD_INITS	30
#define DOT_FOLD_LINES	4

/* Model text is shortened to this many bytes in labels (middle cut with
 * "..."), and to DIAG_NAME_MAX in tooltips. */
#define DOT_NAME_SHORT	40
#define DOT_DIM_SHORT	16
#define DOT_MAX_DIMS	10
#define LABEL_SIZE	2048

#define FONT		"Helvetica,Arial,sans-serif"
#define OP_FILL		"#dce8f6"
#define OP_BORDER	"#3b6ea5"
#define CTRL_FILL	"#fff0c2"
#define CTRL_BORDER	"#b8860b"
#define CUSTOM_FILL	"#fbdcc4"
#define CUSTOM_BORDER	"#c0602a"
#define IN_FILL		"#d3f0d3"
#define IN_BORDER	"#3c8c3c"
#define OUT_FILL	"#f6d5e2"
#define OUT_BORDER	"#a8476e"
#define INIT_FILL	"#ececec"
#define INIT_BORDER	"#9a9a9a"
#define UNDEF_BORDER	"#cc2222"
#define CLUSTER_FILL	"#f7f7f7"
#define CLUSTER_BORDER	"#a0a0a0"
#define NOTE_FILL	"#ffffcc"
/* Borders of nodes with findings, by the worst level. */
#define FIND_ERROR	"#d01c1c"
#define FIND_WARNING	"#e08a00"
#define FIND_NOTE	"#2c7fb8"
/* Transposes; those a layout finding (P5xx) classifies take the class's
 * fill from class_fill (dot_style.c), by code. */
#define TRANSPOSE_FILL	"#e4dcf4"
#define TRANSPOSE_BORDER	"#6a4c9c"
/* Before/after drawing. */
#define NEW_FILL	"#c9f2c1"
#define NEW_BORDER	"#2a8a2a"
#define CHANGED_BORDER	"#c07000"
#define GHOST_COLOR	"#a0a0a0"
#define SCOPE_BORDER	"#b8b8b8"
#define BOX_FILL	"#eef3fa"	/* a name scope drawn as one box */
/* Name scopes: at most this many levels become nested clusters. */
#define DOT_SCOPE_DEPTH	6
/* Left-out operators listed by name in the summary note. */
#define DOT_SUMMARY_OPS	6
/* Codes listed on a node's label, then "+K". */
#define DOT_MARK_CODES	3

/*
 * Object names through a discipline of our own: cgraph's default makes an
 * object's id the address of its interned name and keeps subgraphs in id
 * order, so clusters would be written in heap order.  Here ids count up
 * in creation order (even for names, odd for anonymous objects), which
 * makes the output the same on every run.
 */
struct dot_ids {
	Agdisc_t disc;		/* first: the discipline finds us through it */
	Agiddisc_t iddisc;
	Agraph_t *g;		/* the root, whose string pool holds names */
	struct arena arena;	/* the name table, drawing scratch */
	struct hmap map;	/* name -> id */
	char **names;		/* id / 2 - 1 -> name */
	size_t nnames, capnames;
	IDTYPE anon;
	bool oom;
};

/* Why an op node is not drawn (struct dgraph.hide). */
enum {
	SHOWN,
	HIDE_FOLD,		/* a Constant drawn in its consumer's label */
	HIDE_FILTER,		/* outside --focus/--radius or --ops */
	HIDE_COLLAPSE,		/* in a repeated block drawn once */
	HIDE_LIMIT,		/* over --max-nodes: farthest from the inputs */
	HIDE_BODY,		/* in a subgraph body not drawn (dot_size.c) */
};

/* A name scope drawn as one box (dot_size.c): its members stand in by
 * the first, which is drawn as the box. */
struct dbox {
	const char *name;	/* a member's name; the scope is its prefix */
	size_t len;		/* prefix length */
	size_t count;		/* members */
	size_t first, last;	/* positions of the first and last member */
};

/*
 * A name scope ("/encoder/layer.3" of "/encoder/layer.3/attn/MatMul"):
 * prefixes of node names up to a '/'.  A scope holding at least two drawn
 * nodes, and fewer than its parent, becomes a cluster.
 */
struct scope {
	const char *name;	/* the node name it is a prefix of */
	size_t len;		/* prefix length */
	int parent;		/* enclosing scope, -1: the graph */
	int up;			/* nearest enclosing cluster scope, -1 */
	unsigned count;		/* drawn nodes inside, at any depth */
	uint64_t sig;		/* hash of their op types, in order */
	size_t first;		/* first node inside (graph position) */
	bool cluster;
	int group;		/* -1, or the first member of its group */
	unsigned members;	/* for a group's first member: how many */
	int last;		/* for a group's first member: the last one */
	size_t *nodes;		/* a group's first member: its nodes */
	unsigned nth;		/* running count while mapping */
	Agraph_t *ag;
};

/* One graph of the model as drawn. */
struct dgraph {
	struct ir_graph *g;
	Agraph_t *ag;		/* NULL: not drawn (its owner was not) */
	Agnode_t **vnode;	/* per value id: input/initializer/undefined */
	bool *vskip;		/* per value id: left out (over the limit) */
	Agnode_t **opnode;	/* per node index */
	Agnode_t *first;	/* first node made inside the cluster */
	unsigned cluster;
	unsigned char *hide;	/* per node index: SHOWN or why not */
	size_t *rep;		/* per node index: its drawn stand-in */
	int *scope;		/* per node index: its deepest scope, -1 */
	int *gmember;		/* per node index: collapse group member, -1 */
	struct hmap scopemap;	/* prefix -> scope index + 1 */
	struct scope *scopes;
	size_t nscopes, capscopes;
	int *box;		/* per node index: box drawn by it, -1; or NULL */
	struct dbox *boxes;
	size_t nboxes;
	size_t *rank;		/* per node index: layout rank, or NULL */
	size_t *seen_cost;	/* per value id: scratch of dot_size.c */
	bool body_hidden;	/* a subgraph not drawn for its size */
	unsigned stamp;		/* --ops edge search */
	unsigned *seen;
	size_t *queue;
};

/* A node removed by the rewrites, drawn ghosted (before/after). */
struct ghost {
	uintptr_t node;
	Agnode_t *an;
};

/* Operators left out, for the summary note. */
struct tally {
	const char *op;
	size_t n;
};

struct dgraph_key {
	uintptr_t key;
	struct dgraph *dg;
};

/* The findings about one node (diag.subject), sorted by node address. */
struct mark {
	uintptr_t node;
	int level;		/* worst enum diag_level */
	size_t first, n;	/* into struct dot.mark_ids */
};

#define PAGE_PARTS 256		/* pictures a page opens in place, at most */
#define PAGE_SECONDS 60		/* spent drawing them, at most */
#define PAGE_BYTES (64u << 20)	/* of them together, at most */

/* The picture of a box or of a node's bodies, for a page (dot.c). */
struct dot_part {
	char *buf;		/* the rendering, or NULL */
	const char *svg;	/* its SVG element in BUF */
	size_t len;
};

struct dot {
	struct ir_model *m;
	struct diag_list *d;
	struct dot_ids ids;
	Agraph_t *root;
	struct dgraph *dg;
	struct dgraph_key *keys;	/* sorted by graph address */
	size_t ndg;
	/* attribute symbols */
	Agsym_t *g_label, *g_style, *g_color, *g_fill, *g_fontsize,
	    *g_labeljust, *g_tooltip;
	Agsym_t *n_label, *n_shape, *n_style, *n_fill, *n_color,
	    *n_fontsize, *n_tooltip, *n_penwidth, *n_fontcolor;
	Agsym_t *e_label, *e_style, *e_lhead, *e_color, *e_arrowhead,
	    *e_tooltip;
	/* counters for names and limits */
	unsigned nop, nin, nout, ninit, nundef, ncluster;
	size_t nvalues, nedges;
	size_t skip_ops, skip_values, skip_edges;
	bool fold;		/* fold single-use initializers */
	struct mark *marks;
	size_t nmarks;
	enum diag_id *mark_ids;	/* codes per mark, in report order */
	enum onnxfix_status status;
	struct onnxfix_dot_options opt;	/* defaults filled in */
	unsigned max_ops;
	size_t nfolded, nfiltered, ncollapsed;
	size_t nshown, ncut;	/* --max-nodes: nodes to draw, and cut */
	struct tally *tally;	/* ops over the node limit */
	size_t ntally, captally;
	uintptr_t *before;	/* sorted: live nodes before the rewrites */
	size_t nbefore;
	struct ghost *ghosts;	/* sorted by node */
	size_t nghosts;
	bool classes[50];	/* P500-P549 seen on drawn Transposes */
	bool cats[16];		/* operator categories drawn (dot_attr.c) */
	size_t nnew, nchanged;
	/* the representation chosen by size (dot_size.c) */
	size_t nboxes, nboxed;	/* scope boxes, nodes in them */
	/* -T html: what the page opens in place (dot_html.c), the boxes and
	 * the owners of bodies not drawn, by the name --focus finds them
	 * by; a drawn one has id "x-K", K its index here */
	bool page;
	struct dot *opens_of;	/* the list's owner: D, or the page's */
	const char **opens;
	size_t nopens, capopens;
	Agsym_t *n_id;
	struct dot_part *parts;	/* their pictures, by index (dot.c) */
	size_t nparts, nparts_drawn, parts_bytes;
	size_t nbody;		/* nodes of subgraph bodies not drawn */
	size_t span;		/* edges over so many ranks cut; 0: none */
	size_t njumps;		/* edges cut */
	/* a diff picture's changed nodes, sorted by node */
	struct changed_node {
		uintptr_t node;
		const char *text;
	} *changed;
	size_t nchanged_sorted;
};

/*
 * The look of an op node.  This is the one place that decides it: the
 * kind of operator sets the fill, the worst finding about the node the
 * border (error red, warning orange, note blue, thicker than plain).
 */
struct dot_style {
	const char *fill;	/* NULL: the default (OP_FILL) */
	const char *border;	/* NULL: the default (OP_BORDER) */
	const char *penwidth;	/* NULL: the default */
};

struct label {
	char s[LABEL_SIZE];
	size_t n;
	bool full;		/* something did not fit */
};


/* ---- dot_label.c: label text ---- */

/* Append our own text (no model bytes), all or nothing. */
void dot_lab_lit(struct label *l, const char *s);
/* Append N bytes of model text, every byte outside a small printable set
 * as \\xNN. */
void dot_lab_bytes(struct label *l, const char *s, size_t n);
/* N bytes of model text at S, shortened from the left to MAX (keeping
 * the distinguishing tail); true when cut. */
bool dot_lab_span(struct label *l, const char *s, size_t n, size_t max);
/* Model string S (NULL: empty), shortened from the left to MAX; true
 * when cut. */
bool dot_lab_text(struct label *l, const char *s, size_t max);
void dot_lab_num(struct label *l, long long v);
/* Is anything known of T (a kind, an element type or a rank)? */
bool dot_type_known(const struct ir_type *t);
/* "float[1,3,n,?]": symbolic dims by name, unknown ones as ?. */
void dot_lab_type(struct label *l, const struct ir_type *t);
/* An initializer's type: the value's, else the tensor's own dims. */
void dot_lab_init_type(struct label *l, const struct ir_value *v);
/* One folded line: "W 64x3x3x3", "shape int64 2 = 1,-1": by SLOT, the
 * schema's name of the input, or when NULL by the tail of V's name;
 * the data is SRC's (V's constant source). */
void dot_lab_fold(struct label *l, const struct ir_value *v,
    const struct ir_value *src, const char *slot);
/* "If 'name' / then_branch" or "function 'domain::name'". */
void dot_cluster_label(struct label *l, const struct ir_graph *g);

/* ---- dot_attr.c: what a node says about itself ---- */

/* Operator categories, one fill each (and one legend line). */
enum {
	DOT_CAT_MATH,		/* the rest: elementwise arithmetic, logic */
	DOT_CAT_CONV,
	DOT_CAT_ACT,
	DOT_CAT_POOL,
	DOT_CAT_NORM,
	DOT_CAT_SHAPE,
	DOT_CAT_MOVE,
	DOT_CAT_QUANT,
	DOT_CAT_REDUCE,
	DOT_CAT_NMS,		/* control flow and NonMaxSuppression */
	DOT_NCATS
};
int dot_op_category(const struct ir_node *n);
const char *dot_category_fill(int c);
const char *dot_category_name(int c);
/* The schema's name of input slot I of N ("B"), NULL when unknown or
 * variadic. */
const char *dot_slot_name(const struct ir_node *n, size_t i);
/* N's key attributes, after its op type (" 3x3 /2 g=32"); nothing when
 * none is worth showing. */
void dot_lab_attrs(struct label *l, const struct ir_node *n);
/* Every attribute of N and its inputs and outputs with their types, as
 * lines of the tooltip TIP. */
void dot_tip_node(struct label *tip, const struct ir_node *n);

/* ---- dot_gv.c: cgraph and the output ---- */

/* Set up the id discipline of a drawing, its arena charged to BUDGET. */
void dot_ids_init(struct dot_ids *ids, struct budget *budget);
/* From now on Graphviz reports through the drawing (the first failure's
 * diagnostic quotes it), never on stderr; returns the handler to put
 * back with agseterrf() when done. */
agusererrf dot_gv_catch(void);
/* Record the first failure (a budget failure when the id discipline ran
 * out of memory); returns -1 for "return dot_fail(...)". */
int dot_fail(struct dot *D, enum onnxfix_status st, const char *what);
/* agxset() with the failure recorded; 0 or -1. */
int dot_set(struct dot *D, void *obj, Agsym_t *sym, const char *v);
/* agattr() on the root with the failure recorded; NULL on failure. */
Agsym_t *dot_declare(struct dot *D, int kind, const char *name,
    const char *def);
/* Every attribute the drawing sets, with the defaults; 0 or -1. */
int dot_declare_all(struct dot *D);
/* Node PREFIXK in AG (first node of DG's cluster when DG has none yet);
 * NULL on failure. */
Agnode_t *dot_mknode_in(struct dot *D, struct dgraph *dg, Agraph_t *ag,
    const char *prefix, unsigned k);
/* The same in DG's cluster, or in the root when DG is NULL. */
Agnode_t *dot_mknode(struct dot *D, struct dgraph *dg, const char *prefix,
    unsigned k);
/* A new cluster in PARENT, cluster_K with K counting up (stored in *K
 * unless K is NULL); NULL on failure. */
Agraph_t *dot_mkcluster(struct dot *D, Agraph_t *parent, unsigned *k);
/* An edge; NULL past DOT_MAX_EDGES (counted) or on failure (D->status
 * tells which). */
Agedge_t *dot_mkedge(struct dot *D, Agnode_t *t, Agnode_t *h);
/* Shape, style, fill, border and (unless NULL) font size; 0 or -1. */
int dot_node_look(struct dot *D, Agnode_t *an, const char *shape,
    const char *style, const char *fill, const char *border,
    const char *fontsize);
/* qsort() order of struct dgraph_key, and the lookup by graph. */
int dot_dgraph_cmp(const void *a, const void *b);
struct dgraph *dot_find_dgraph(const struct dot *D, const struct ir_graph *g);
/* The drawn node of op N of DG's graph, NULL when not drawn. */
Agnode_t *dot_op_of(const struct dgraph *dg, const struct ir_node *n);
/* Bound dot's layout passes of a drawing of many nodes; 0 or -1. */
int dot_bound_layout(struct dot *D);
/* Write the drawing to OUT as DOT, or laid out as FORMAT ("svg", "png"). */
enum onnxfix_status dot_write_dot(struct dot *D, const char *out);
enum onnxfix_status dot_write_image(struct dot *D, const char *out,
    const char *format);
/* Lay out and render as FORMAT into *OUT (malloc'd, NUL-terminated,
 * *OUTLEN bytes before the NUL); 0 or -1 (D->status set). */
int dot_render(struct dot *D, const char *format, char **out,
    size_t *outlen);
/* The SVG element of a rendering BUF (SIZE bytes), without the XML
 * declaration, doctype or comment before it, its length into *LEN; NULL
 * when there is none. */
const char *dot_svg_element(const char *buf, size_t size, size_t *len);

/* ---- dot_html.c: the interactive page ---- */


/* One self-contained HTML file: the SVG, pan and zoom, search, a side
 * panel with the node's tooltip text. */
enum onnxfix_status dot_write_html(struct dot *D, const char *out);

/* ---- dot_select.c: what is drawn ---- */

/* Is V drawn as a line of its consumers' labels: a constant (an
 * initializer, a Constant's output, or an Identity of one) that is no
 * graph output? */
bool dot_folded(const struct dot *D, const struct ir_value *v);
/* The initializer or Constant output V is (looking through Identity
 * nodes), NULL when V is not a constant. */
const struct ir_value *dot_const_source(const struct ir_value *v);
/* Hide what the options leave out (struct dgraph.hide, .rep), find the
 * name scopes; before anything is drawn.  0 or -1 (D->status set). */
int dot_select_nodes(struct dot *D);
/* Then (after dot_choose_view) the node limit and the name scopes. */
int dot_select_finish(struct dot *D);

/* ---- dot_size.c: the representation by size ---- */

/* Choose it (after --focus and --ops, before the node limit and the
 * scopes): subgraph bodies hidden, scope boxes, long edges cut. */
int dot_choose_view(struct dot *D);

/* ---- dot_style.c: the look ---- */

/* Index the findings that name a node (diag.subject); -1 out of memory. */
int dot_index_marks(struct dot *D);
/* The first layout class (P5xx) among the findings about N, or -1. */
int dot_mark_class(const struct dot *D, const struct ir_node *n);
/* Was N live before the rewrites (before/after drawing)? */
bool dot_was_before(const struct dot *D, const struct ir_node *n);
/* The text of a diff picture's change of N, NULL when none. */
const char *dot_changed_text(const struct dot *D, const struct ir_node *n);
/* The look of op node N. */
void dot_op_style(const struct dot *D, const struct ir_node *n,
    struct dot_style *s);
/* The codes of the findings about N as a last line of L, their text in
 * TIP. */
void dot_mark_label(const struct dot *D, const struct ir_node *n,
    struct label *l, struct label *tip);
/* Add N's op type to the tally of nodes over the node limit. */
void dot_tally_add(struct dot *D, const struct ir_node *n);
/* The note on what is not drawn, and the legend; 0 or -1. */
int dot_draw_note(struct dot *D);
int dot_draw_legend(struct dot *D);

#endif
