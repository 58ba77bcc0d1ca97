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
 * nodes and edges inside hide, and show again in place.  A test hook:
 * with #test=QUERY in the URL the page runs the search, selects the
 * first match and writes what it found, the panel and any script error
 * as JSON into #test-result (tests/html.sh reads it with headless
 * Chromium).
 */
#include <stdbool.h>
#include <stdint.h>
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
"#q{width:26em}\n#count{color:#555}\n"
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
"</style>\n</head>\n<body>\n<div id=\"bar\"><input id=\"q\" "
"type=\"search\" placeholder=\"search node, tensor or operator "
"(Enter: next)\"><span id=\"count\"></span><button id=\"fit\">fit"
"</button><span>drag to pan, wheel to zoom, click a node for its "
"details, a cluster's title to fold it</span></div>\n<div id=\"main\">"
"<div id=\"view\">\n";

static const char page_tail[] =
"</div><div id=\"panel\"><pre id=\"info\">Click a node, or search.</pre>"
"</div></div>\n<pre id=\"test-result\" hidden></pre>\n<script>\n"
"(function () {\n"
"\"use strict\";\n"
"var errors = [];\n"
"window.addEventListener(\"error\", function (e) {\n"
"\terrors.push(String(e.message));\n"
"});\n"
"var view = document.getElementById(\"view\");\n"
"var svg = view.querySelector(\"svg\");\n"
"var info = document.getElementById(\"info\");\n"
"var q = document.getElementById(\"q\");\n"
"var count = document.getElementById(\"count\");\n"
"var XL = \"http://www.w3.org/1999/xlink\";\n"
"svg.removeAttribute(\"width\");\n"
"svg.removeAttribute(\"height\");\n"
"var vb = svg.viewBox.baseVal;\n"
"var home = {x: vb.x, y: vb.y, w: vb.width, h: vb.height};\n"
"var box = {x: home.x, y: home.y, w: home.w, h: home.h};\n"
"function apply() {\n"
"\tsvg.setAttribute(\"viewBox\", box.x + \" \" + box.y + \" \" + box.w +"
" \" \" + box.h);\n"
"}\n"
"function aspect() {\n"
"\tvar r = svg.getBoundingClientRect();\n"
"\treturn r.width > 0 && r.height > 0 ? r.height / r.width : 1;\n"
"}\n"
"function fit() {\n"
"\tvar a = aspect();\n"
"\tbox.w = Math.max(home.w, home.h / a);\n"
"\tbox.h = box.w * a;\n"
"\tbox.x = home.x + (home.w - box.w) / 2;\n"
"\tbox.y = home.y;\n"
"\tapply();\n"
"}\n"
"function at(ev) {\n"
"\tvar r = svg.getBoundingClientRect();\n"
"\treturn {x: box.x + (ev.clientX - r.left) / r.width * box.w,\n"
"\t    y: box.y + (ev.clientY - r.top) / r.height * box.h};\n"
"}\n"
"svg.addEventListener(\"wheel\", function (ev) {\n"
"\tev.preventDefault();\n"
"\tvar p = at(ev), f = ev.deltaY > 0 ? 1.2 : 1 / 1.2;\n"
"\tbox.x = p.x - (p.x - box.x) * f;\n"
"\tbox.y = p.y - (p.y - box.y) * f;\n"
"\tbox.w *= f;\n"
"\tbox.h *= f;\n"
"\tapply();\n"
"}, {passive: false});\n"
"var drag = null;\n"
"svg.addEventListener(\"mousedown\", function (ev) {\n"
"\tdrag = {x: ev.clientX, y: ev.clientY, bx: box.x, by: box.y};\n"
"});\n"
"window.addEventListener(\"mousemove\", function (ev) {\n"
"\tif (drag === null)\n\t\treturn;\n"
"\tvar r = svg.getBoundingClientRect();\n"
"\tbox.x = drag.bx - (ev.clientX - drag.x) / r.width * box.w;\n"
"\tbox.y = drag.by - (ev.clientY - drag.y) / r.height * box.h;\n"
"\tapply();\n"
"});\n"
"window.addEventListener(\"mouseup\", function () {\n"
"\tdrag = null;\n"
"});\n"
;

static const char page_tail2[] =
"function tipOf(g) {\n"
"\tvar a = g.querySelector(\"a\");\n"
"\tif (a === null)\n\t\treturn \"\";\n"
"\treturn a.getAttributeNS(XL, \"title\") ||"
" a.getAttribute(\"xlink:title\") || \"\";\n"
"}\n"
"var nodes = Array.prototype.map.call(svg.querySelectorAll(\"g.node\"),\n"
"    function (g) {\n"
"\tvar label = Array.prototype.map.call(g.querySelectorAll(\"text\"),\n"
"\t    function (t) { return t.textContent; }).join(\"\\n\");\n"
"\tvar tip = tipOf(g).replace(/&nbsp;/g, \" \");\n"
"\treturn {g: g, label: label, tip: tip,\n"
"\t    text: (label + \"\\n\" + tip).toLowerCase()};\n"
"});\n"
"function show(n) {\n"
"\tnodes.forEach(function (m) { m.g.classList.remove(\"sel\"); });\n"
"\tn.g.classList.add(\"sel\");\n"
"\tinfo.textContent = n.label + (n.tip ? \"\\n\\n\" + n.tip : \"\");\n"
"}\n"
"function center(n) {\n"
"\tvar r = svg.getBoundingClientRect(), b = n.g.getBoundingClientRect();\n"
"\tvar cx = box.x + (b.left + b.width / 2 - r.left) / r.width * box.w;\n"
"\tvar cy = box.y + (b.top + b.height / 2 - r.top) / r.height * box.h;\n"
"\tvar w = Math.min(box.w, Math.max(home.w / 6, 600));\n"
"\tbox.h = box.h * w / box.w;\n"
"\tbox.w = w;\n"
"\tbox.x = cx - box.w / 2;\n"
"\tbox.y = cy - box.h / 2;\n"
"\tapply();\n"
"}\n"
;

static const char page_tail3[] =
"var hits = [], cur = -1;\n"
"function search(s) {\n"
"\ts = s.trim().toLowerCase();\n"
"\thits = [];\n"
"\tnodes.forEach(function (n) {\n"
"\t\tvar h = s !== \"\" && n.text.indexOf(s) >= 0;\n"
"\t\tn.g.classList.toggle(\"hit\", h);\n"
"\t\tif (h)\n\t\t\thits.push(n);\n"
"\t});\n"
"\tcur = -1;\n"
"\tcount.textContent = s !== \"\" ? hits.length + \" found\" : \"\";\n"
"}\n"
"function next() {\n"
"\tif (hits.length === 0)\n\t\treturn;\n"
"\tcur = (cur + 1) % hits.length;\n"
"\tcenter(hits[cur]);\n"
"\tshow(hits[cur]);\n"
"}\n"
"q.addEventListener(\"input\", function () { search(q.value); });\n"
"q.addEventListener(\"keydown\", function (ev) {\n"
"\tif (ev.key === \"Enter\")\n\t\tnext();\n"
"});\n"
"document.getElementById(\"fit\").addEventListener(\"click\", fit);\n"
"nodes.forEach(function (n) {\n"
"\tn.g.addEventListener(\"click\", function () { show(n); });\n"
"});\n"
"Array.prototype.forEach.call(svg.querySelectorAll(\"g.cluster\"),\n"
"    function (c) {\n"
"\tvar t = c.querySelector(\":scope > text\");\n"
"\tvar inner = [];\n"
"\tif (t === null)\n\t\treturn;\n"
"\tt.addEventListener(\"click\", function () {\n"
"\t\tif (c.classList.toggle(\"folded\")) {\n"
"\t\t\tvar r = c.getBoundingClientRect();\n"
"\t\t\tinner = Array.prototype.filter.call(\n"
"\t\t\t    svg.querySelectorAll(\"g.node,g.edge,g.cluster\"),\n"
"\t\t\t    function (e) {\n"
"\t\t\t\tvar b = e.getBoundingClientRect();\n"
"\t\t\t\tvar x = b.left + b.width / 2, y = b.top + b.height / 2;\n"
"\t\t\t\treturn e !== c && b.width > 0 && x > r.left &&\n"
"\t\t\t\t    x < r.right && y > r.top && y < r.bottom;\n"
"\t\t\t});\n"
"\t\t\tinner.forEach(function (e) { e.style.display = \"none\"; });\n"
"\t\t} else {\n"
"\t\t\tinner.forEach(function (e) { e.style.display = \"\"; });\n"
"\t\t\tinner = [];\n"
"\t\t}\n"
"\t});\n"
"});\n"
"fit();\n"
"var m = /^#test=(.*)$/.exec(location.hash);\n"
"if (m !== null) {\n"
"\tsearch(decodeURIComponent(m[1]));\n"
"\tnext();\n"
"\tvar res = document.getElementById(\"test-result\");\n"
"\tres.textContent = JSON.stringify({nodes: nodes.length,\n"
"\t    hits: hits.length, panel: info.textContent, errors: errors});\n"
"}\n"
"})();\n"
"</script>\n</body>\n</html>\n";

enum onnxfix_status
dot_write_html(struct dot *D, const char *out)
{
	static const char *const tails[] = { page_tail, page_tail2,
	    page_tail3 };
	enum onnxfix_status st;
	size_t len, nh = sizeof(page_head) - 1, nt = 0, i, o;
	char *svg, *start, *page;

	for (i = 0; i < 3; i++)
		nt += strlen(tails[i]);

	if (dot_render(D, "svg", &svg, &len) < 0)
		return D->status;
	/* the SVG element alone: no XML declaration, doctype or comment */
	if ((start = strstr(svg, "<svg")) == NULL) {
		free(svg);
		dot_fail(D, ONNXFIX_EIO, "no SVG element in the rendering");
		return D->status;
	}
	len -= (size_t)(start - svg);
	if ((page = malloc(nh + len + nt)) == NULL) {
		free(svg);
		dot_fail(D, ONNXFIX_EBUDGET, "page buffer");
		return D->status;
	}
	memcpy(page, page_head, nh);
	memcpy(page + nh, start, len);
	for (i = 0, o = nh + len; i < 3; i++) {
		memcpy(page + o, tails[i], strlen(tails[i]));
		o += strlen(tails[i]);
	}
	free(svg);
	st = onnxfix_write_file(out, page, nh + len + nt, D->d);
	free(page);
	return st;
}
