/* SPDX-License-Identifier: MIT */
/*
 * onnxfix dot -T html: one self-contained page, nothing fetched from the
 * network and no external script.  The SVG Graphviz renders (in the
 * bounded child, dot_gv.c) goes inline, followed by a small script:
 * pan (drag) and zoom (wheel) over the SVG's viewBox, search by node or
 * tensor name and operator (the text of every node's label and tooltip,
 * which hold its name, attributes, inputs and outputs with their types,
 * findings and, in a picture of a fix or a diff, what changed), Enter
 * going from one match to the next, and a side panel with the text of
 * the node clicked or found.  Clicking a cluster's title folds it: the
 * nodes and edges inside hide, and show again in place.
 *
 * A simplified picture's boxes (name scopes drawn as one node) and the
 * owners of subgraph bodies not drawn open in place: the page holds,
 * for each, the picture --focus NAME --radius 1 draws (rendered here,
 * each in the bounded child, at most PAGE_PARTS of them within
 * PAGE_SECONDS and PAGE_BYTES) in an inert <template>; clicking the
 * node swaps that picture in, with the path above the drawing and a
 * Back button.  Pictures opened there open further the same way.
 *
 * Test hooks: with #test=QUERY in the URL the page runs the search,
 * selects the first match and writes what it found, the panel and any
 * script error as JSON into #test-result; with #open=QUERY it opens the
 * first node that opens and whose text has QUERY, writes the picture it
 * shows, goes back and writes what it shows then (tests/html.sh reads
 * both with headless Chromium).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/dot_int.h"


static const char page_head[] =
"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
"<meta name=\"generator\" content=\"onnxfix\">\n"
"<title>onnxfix picture</title>\n<style>\n"
"html,body{margin:0;height:100%;font:13px Helvetica,Arial,sans-serif}\n"
"#bar{height:32px;box-sizing:border-box;padding:4px 8px;display:flex;"
"gap:8px;align-items:center;border-bottom:1px solid #ccc}\n"
"#q{width:26em}\n#count,#path{color:#555}\n"
"#main{display:flex;height:calc(100% - 32px)}\n"
"#view{flex:1;overflow:hidden;cursor:grab}\n"
"#view svg{width:100%;height:100%;display:block}\n"
"#panel{width:30em;overflow:auto;border-left:1px solid #ccc;"
"padding:4px 8px}\n"
"#info{white-space:pre-wrap;font:12px monospace}\n"
"g.node{cursor:pointer}\n"
"g.node.hit path,g.node.hit polygon,g.node.hit ellipse{stroke:#d0006a;"
"stroke-width:3px}\n"
"g.node.sel path,g.node.sel polygon,g.node.sel ellipse{stroke:#ff8c00;"
"stroke-width:5px}\n"
"g.cluster>text{cursor:pointer}\n"
"g.folded>path,g.folded>polygon{fill:#e8e8e8}\n"
"</style>\n</head>\n<body>\n<div id=\"bar\"><button id=\"back\" hidden>"
"Back</button><input id=\"q\" "
"type=\"search\" placeholder=\"search node, tensor or operator "
"(Enter: next)\"><span id=\"count\"></span><button id=\"fit\">fit"
"</button><span id=\"path\"></span><span>drag to pan, wheel to zoom, "
"click a node for its details (a box opens in place), a cluster's "
"title to fold it</span></div>\n<div id=\"main\"><div id=\"view\">\n";

static const char page_mid[] =
"</div><div id=\"panel\"><pre id=\"info\">Click a node, or search.</pre>"
"</div></div>\n";

static const char page_script[] =
"<pre id=\"test-result\" hidden></pre>\n<script>\n";

static const char page_js0[] =
"(function () {\n"
"\"use strict\";\n"
"var errors = [];\n"
"window.addEventListener(\"error\", function (e) {\n"
"\terrors.push(String(e.message));\n"
"});\n"
"var view = document.getElementById(\"view\");\n"
"var info = document.getElementById(\"info\");\n"
"var q = document.getElementById(\"q\");\n"
"var count = document.getElementById(\"count\");\n"
"var back = document.getElementById(\"back\");\n"
"var path = document.getElementById(\"path\");\n"
"var XL = \"http://www.w3.org/1999/xlink\";\n"
"var pic = null, stack = [], hits = [], cur = -1, drag = null;\n"
"function apply() {\n"
"\tvar b = pic.box;\n"
"\tpic.svg.setAttribute(\"viewBox\",\n"
"\t    b.x + \" \" + b.y + \" \" + b.w + \" \" + b.h);\n"
"}\n"
"function aspect() {\n"
"\tvar r = pic.svg.getBoundingClientRect();\n"
"\treturn r.width > 0 && r.height > 0 ? r.height / r.width : 1;\n"
"}\n"
"function fit() {\n"
"\tvar a = aspect(), h = pic.home, b = pic.box;\n"
"\tb.w = Math.max(h.w, h.h / a);\n"
"\tb.h = b.w * a;\n"
"\tb.x = h.x + (h.w - b.w) / 2;\n"
"\tb.y = h.y;\n"
"\tapply();\n"
"}\n"
"function at(ev) {\n"
"\tvar r = pic.svg.getBoundingClientRect(), b = pic.box;\n"
"\treturn {x: b.x + (ev.clientX - r.left) / r.width * b.w,\n"
"\t    y: b.y + (ev.clientY - r.top) / r.height * b.h};\n"
"}\n"
"function tipOf(g) {\n"
"\tvar a = g.querySelector(\"a\");\n"
"\tif (a === null)\n"
"\t\treturn \"\";\n"
"\treturn a.getAttributeNS(XL, \"title\") ||\n"
"\t    a.getAttribute(\"xlink:title\") || \"\";\n"
"}\n"
"function template(n) {\n"
"\treturn n.opens ? document.getElementById(\"t-\" + n.g.id) : null;\n"
"}\n"
"function show(n) {\n"
"\tvar t = template(n);\n"
"\tpic.nodes.forEach(function (m) { m.g.classList.remove(\"sel\"); });\n"
"\tn.g.classList.add(\"sel\");\n"
"\tinfo.textContent = n.label + (n.tip ? \"\\n\\n\" + n.tip : \"\");\n"
"\tif (t !== null && t.hasAttribute(\"data-missing\"))\n"
"\t\tinfo.textContent += \"\\n\\n(not drawn in this page: onnxfix dot \" +\n"
"\t\t    \"--focus '\" + t.getAttribute(\"data-name\") + \"' draws it)\";\n"
"}\n"
"function center(n) {\n"
"\tvar r = pic.svg.getBoundingClientRect(), g = n.g.getBoundingClientRect();\n"
"\tvar b = pic.box;\n"
"\tvar cx = b.x + (g.left + g.width / 2 - r.left) / r.width * b.w;\n"
"\tvar cy = b.y + (g.top + g.height / 2 - r.top) / r.height * b.h;\n"
"\tvar w = Math.min(b.w, Math.max(pic.home.w / 6, 600));\n"
"\tb.h = b.h * w / b.w;\n"
"\tb.w = w;\n"
"\tb.x = cx - b.w / 2;\n"
"\tb.y = cy - b.h / 2;\n"
"\tapply();\n"
"}\n"
"function folding(svg) {\n"
"\tArray.prototype.forEach.call(svg.querySelectorAll(\"g.cluster\"),\n"
"\t    function (c) {\n"
"\t\tvar t = c.querySelector(\":scope > text\");\n"
"\t\tvar inner = [];\n"
"\t\tif (t === null)\n"
"\t\t\treturn;\n"
"\t\tt.addEventListener(\"click\", function () {\n"
"\t\t\tif (c.classList.toggle(\"folded\")) {\n"
"\t\t\t\tvar r = c.getBoundingClientRect();\n"
"\t\t\t\tinner = Array.prototype.filter.call(\n"
"\t\t\t\t    svg.querySelectorAll(\"g.node,g.edge,g.cluster\"),\n"
"\t\t\t\t    function (e) {\n"
"\t\t\t\t\tvar b = e.getBoundingClientRect();\n"
"\t\t\t\t\tvar x = b.left + b.width / 2;\n"
"\t\t\t\t\tvar y = b.top + b.height / 2;\n"
"\t\t\t\t\treturn e !== c && b.width > 0 &&\n"
"\t\t\t\t\t    x > r.left && x < r.right &&\n"
"\t\t\t\t\t    y > r.top && y < r.bottom;\n"
"\t\t\t\t});\n"
"\t\t\t\tinner.forEach(function (e) {\n"
"\t\t\t\t\te.style.display = \"none\";\n"
"\t\t\t\t});\n"
"\t\t\t} else {\n"
"\t\t\t\tinner.forEach(function (e) {\n"
"\t\t\t\t\te.style.display = \"\";\n"
"\t\t\t\t});\n"
"\t\t\t\tinner = [];\n"
"\t\t\t}\n"
"\t\t});\n"
"\t});\n"
"}\n"
"function make(svg, name) {\n"
"\tvar p = {svg: svg, name: name}, vb;\n"
"\tsvg.removeAttribute(\"width\");\n"
"\tsvg.removeAttribute(\"height\");\n"
"\tvb = svg.viewBox.baseVal;\n"
"\tp.home = {x: vb.x, y: vb.y, w: vb.width, h: vb.height};\n"
"\tp.box = {x: p.home.x, y: p.home.y, w: p.home.w, h: p.home.h};\n"
"\tsvg.addEventListener(\"wheel\", function (ev) {\n"
"\t\tev.preventDefault();\n"
"\t\tvar c = at(ev), f = ev.deltaY > 0 ? 1.2 : 1 / 1.2, b = pic.box;\n"
"\t\tb.x = c.x - (c.x - b.x) * f;\n"
"\t\tb.y = c.y - (c.y - b.y) * f;\n"
"\t\tb.w *= f;\n"
"\t\tb.h *= f;\n"
"\t\tapply();\n"
"\t}, {passive: false});\n";

static const char page_js1[] =
"\tsvg.addEventListener(\"mousedown\", function (ev) {\n"
"\t\tdrag = {x: ev.clientX, y: ev.clientY, bx: pic.box.x,\n"
"\t\t    by: pic.box.y};\n"
"\t});\n"
"\tp.nodes = Array.prototype.map.call(svg.querySelectorAll(\"g.node\"),\n"
"\t    function (g) {\n"
"\t\tvar label = Array.prototype.map.call(g.querySelectorAll(\"text\"),\n"
"\t\t    function (t) { return t.textContent; }).join(\"\\n\");\n"
"\t\tvar tip = tipOf(g).replace(/&nbsp;/g, \" \");\n"
"\t\treturn {g: g, label: label, tip: tip,\n"
"\t\t    opens: /^x-[0-9]+$/.test(g.id),\n"
"\t\t    text: (label + \"\\n\" + tip).toLowerCase()};\n"
"\t});\n"
"\tp.nodes.forEach(function (n) {\n"
"\t\tn.g.addEventListener(\"click\", function () {\n"
"\t\t\tif (!open(n))\n"
"\t\t\t\tshow(n);\n"
"\t\t});\n"
"\t});\n"
"\tfolding(svg);\n"
"\treturn p;\n"
"}\n"
"function use(p) {\n"
"\tpic = p;\n"
"\thits = [];\n"
"\tcur = -1;\n"
"\tcount.textContent = \"\";\n"
"\tq.value = \"\";\n"
"\tinfo.textContent = stack.length === 0 ? \"Click a node, or search.\" :\n"
"\t    p.name + \" in place: Back returns.\";\n"
"\tpath.textContent = stack.map(function (s) { return s.name; })\n"
"\t    .concat([p.name]).join(\" \\u203a \");\n"
"\tback.hidden = stack.length === 0;\n"
"}\n"
"function open(n) {\n"
"\tvar t = template(n), s;\n"
"\tif (t === null || t.hasAttribute(\"data-missing\"))\n"
"\t\treturn false;\n"
"\tif (t.pic === undefined) {\n"
"\t\ts = document.importNode(t.content, true).querySelector(\"svg\");\n"
"\t\tt.pic = make(s, t.getAttribute(\"data-name\"));\n"
"\t}\n"
"\tstack.push(pic);\n"
"\tview.replaceChild(t.pic.svg, pic.svg);\n"
"\tuse(t.pic);\n"
"\tfit();\n"
"\treturn true;\n"
"}\n"
"back.addEventListener(\"click\", function () {\n"
"\tvar p;\n"
"\tif (stack.length === 0)\n"
"\t\treturn;\n"
"\tp = stack.pop();\n"
"\tview.replaceChild(p.svg, pic.svg);\n"
"\tuse(p);\n"
"\tapply();\n"
"});\n"
"window.addEventListener(\"mousemove\", function (ev) {\n"
"\tif (drag === null)\n"
"\t\treturn;\n"
"\tvar r = pic.svg.getBoundingClientRect();\n"
"\tpic.box.x = drag.bx - (ev.clientX - drag.x) / r.width * pic.box.w;\n"
"\tpic.box.y = drag.by - (ev.clientY - drag.y) / r.height * pic.box.h;\n"
"\tapply();\n"
"});\n"
"window.addEventListener(\"mouseup\", function () {\n"
"\tdrag = null;\n"
"});\n"
"function search(s) {\n"
"\ts = s.trim().toLowerCase();\n"
"\thits = [];\n"
"\tpic.nodes.forEach(function (n) {\n"
"\t\tvar h = s !== \"\" && n.text.indexOf(s) >= 0;\n"
"\t\tn.g.classList.toggle(\"hit\", h);\n"
"\t\tif (h)\n"
"\t\t\thits.push(n);\n"
"\t});\n"
"\tcur = -1;\n"
"\tcount.textContent = s !== \"\" ? hits.length + \" found\" : \"\";\n"
"}\n"
"function next() {\n"
"\tif (hits.length === 0)\n"
"\t\treturn;\n"
"\tcur = (cur + 1) % hits.length;\n"
"\tcenter(hits[cur]);\n"
"\tshow(hits[cur]);\n"
"}\n"
"q.addEventListener(\"input\", function () { search(q.value); });\n"
"q.addEventListener(\"keydown\", function (ev) {\n"
"\tif (ev.key === \"Enter\")\n"
"\t\tnext();\n"
"});\n"
"document.getElementById(\"fit\").addEventListener(\"click\", fit);\n"
"use(make(view.querySelector(\"svg\"), \"model\"));\n"
"fit();\n"
"var res = document.getElementById(\"test-result\");\n"
"var m = /^#test=(.*)$/.exec(location.hash);\n"
"if (m !== null) {\n"
"\tsearch(decodeURIComponent(m[1]));\n"
"\tnext();\n"
"\tres.textContent = JSON.stringify({nodes: pic.nodes.length,\n"
"\t    hits: hits.length, panel: info.textContent, errors: errors});\n"
"}\n"
"m = /^#open=(.*)$/.exec(location.hash);\n"
"if (m !== null) {\n"
"\tvar want = decodeURIComponent(m[1]).toLowerCase(), r = {};\n"
"\tvar n = pic.nodes.filter(function (x) {\n"
"\t\treturn x.opens && x.text.indexOf(want) >= 0;\n"
"\t})[0];\n"
"\tr.openers = pic.nodes.filter(function (x) { return x.opens; }).length;\n"
"\tr.opened = n !== undefined && open(n);\n"
"\tr.name = pic.name;\n"
"\tr.nodes = pic.nodes.length;\n"
"\tr.path = path.textContent;\n"
"\tr.depth = stack.length;\n"
"\tback.click();\n"
"\tr.back = pic.nodes.length;\n"
"\tr.backDepth = stack.length;\n"
"\tr.errors = errors;\n"
"\tres.textContent = JSON.stringify(r);\n"
"}\n"
"})();\n";

static const char page_end[] = "</script>\n</body>\n</html>\n";

/* NAME escaped for an HTML attribute value (printable ASCII, as every
 * name onnxfix prints, then &, <, > and " as entities) into BUF. */
static const char *
attr_text(char *buf, size_t size, const char *name)
{
	char esc[DIAG_ESCAPE_SIZE];
	const char *s = diag_esc(esc, name);
	size_t o = 0;

	for (; *s != '\0' && o + 7 < size; s++) {
		const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" :
		    *s == '>' ? "&gt;" : *s == '"' ? "&quot;" : NULL;

		if (e != NULL) {
			memcpy(buf + o, e, strlen(e));
			o += strlen(e);
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* The opening tag of the template of open I into BUF; its length.
 * MISSING: a picture not drawn (the page says which command draws it). */
static size_t
template_tag(char *buf, size_t size, const struct dot *D, size_t i,
    bool missing)
{
	char esc[3 * DIAG_ESCAPE_SIZE];
	int n = snprintf(buf, size, "<template id=\"t-x-%zu\" "
	    "data-name=\"%s\"%s>", i, attr_text(esc, sizeof(esc),
	    D->opens[i]), missing ? " data-missing=\"1\"" : "");

	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

enum onnxfix_status
dot_write_html(struct dot *D, const char *out)
{
	static const char *const js[] = { page_js0, page_js1 };
	enum onnxfix_status st;
	size_t len, i, o, n, total;
	char *svg, *page, name[3 * DIAG_ESCAPE_SIZE + 96];
	const char *start;

	if (dot_render(D, "svg", &svg, &len) < 0)
		return D->status;
	if ((start = dot_svg_element(svg, len, &len)) == NULL) {
		free(svg);
		dot_fail(D, ONNXFIX_EIO, "no SVG element in the rendering");
		return D->status;
	}
	total = sizeof(page_head) + len + sizeof(page_mid) +
	    sizeof(page_script) + sizeof(page_end) + D->parts_bytes;
	for (i = 0; i < sizeof(js) / sizeof(js[0]); i++)
		total += strlen(js[i]);
	for (i = 0; i < D->nopens; i++)
		total += template_tag(name, sizeof(name), D, i, true) + 12;
	if ((page = malloc(total)) == NULL) {
		free(svg);
		dot_fail(D, ONNXFIX_EBUDGET, "page buffer");
		return D->status;
	}
	o = 0;
#define PUT(s, l) do { memcpy(page + o, (s), (l)); o += (l); } while (0)
	PUT(page_head, sizeof(page_head) - 1);
	PUT(start, len);
	PUT(page_mid, sizeof(page_mid) - 1);
	for (i = 0; i < D->nopens; i++) {
		bool have = i < D->nparts && D->parts[i].svg != NULL;

		n = template_tag(name, sizeof(name), D, i, !have);
		PUT(name, n);
		if (have)
			PUT(D->parts[i].svg, D->parts[i].len);
		PUT("</template>\n", 12);
	}
	PUT(page_script, sizeof(page_script) - 1);
	for (i = 0; i < sizeof(js) / sizeof(js[0]); i++)
		PUT(js[i], strlen(js[i]));
	PUT(page_end, sizeof(page_end) - 1);
#undef PUT
	st = onnxfix_write_file(out, page, o, D->d);
	free(page);
	free(svg);
	if (st == ONNXFIX_OK && D->nopens > 0)
		diag_report(D->d, DIAG_OUT_PAGE_PARTS, "", "%zu of %zu boxes "
		    "and bodies drawn in the page%s", D->nparts_drawn,
		    D->nopens, D->nparts_drawn < D->nopens ? "; the others "
		    "say in their panel which command draws them" : "");
	return st;
}
