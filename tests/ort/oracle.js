// SPDX-License-Identifier: MIT
//
// ONNX Runtime as the test oracle: run a model, or run two models on the
// same deterministic inputs and compare every output.
//
//   node tests/ort/oracle.js run MODEL          print each output's sum
//   node tests/ort/oracle.js compare A B [opts]  run A and B, compare
//   node tests/ort/oracle.js batch [--exact] < LIST  compare many pairs
//
// batch reads lines "A B DIR" and runs A and B on the inputs stored in
// DIR/input_N.pb (ONNX TensorProto files, as the ONNX backend test data
// has them), then prints one line per pair: "equal A", "differs A: ...",
// "skip A: ..." when A itself does not load or run (or its inputs are not
// tensors: ORT did not run it before, so there is nothing to keep), or
// "broken A: ..." when A runs and B does not.  Exit status 1 when a pair
// differs or is broken.  --exact: every output bit for bit (NaN equal to
// NaN), no tolerance.
//
// compare options:
//   --rtol X --atol X   tolerance (default 1e-4 relative, 1e-5 absolute):
//                       |a - b| <= atol + rtol * |a| for every element
//   --perm-in NAME=P    B takes input NAME transposed by perm P ("0,2,3,1")
//   --perm-out NAME=P   B's output NAME is A's transposed by perm P
//   --seed N            first LCG state (default 1)
//   --plain             fill inputs with the plain LCG only (the corpus
//                       reference outputs in testdata/corpus/SOURCES.md)
//   --shape NAME=D,D    dims of input NAME (for symbolic dims); also in run
//   --zero NAME         fill input NAME with zeros (recurrent states); also
//                       in run
//
// Inputs: symbolic and unknown dims are 1; float inputs come from the LCG
// s = (s * 1664525 + 1013904223) mod 2^32, value s / 2^32 * 2 - 1, and,
// unless --plain, every 7th element is scaled to a large value (x 1e3),
// every 11th to a tiny one (x 1e-6) so that rewrites are tested away from
// the unit range; integer inputs are 1 ("sr" style scalars get 16000);
// booleans alternate.  Both sessions run with every ORT graph optimisation
// disabled, so the comparison is of the models as written.
//
// Exit status: 0 equal (or run done), 1 outputs differ, 2 a model does not
// load or run (the first line of ORT's message is printed), 64 usage.
'use strict';

const path = require('path');
let ort;
try {
	ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));
} catch (e) {
	console.error('oracle: onnxruntime-node is not installed ' +
	    '(run make setup)');
	process.exit(3);
}

function usage() {
	console.error('usage: oracle.js run MODEL | ' +
	    'compare A B [--rtol X] [--atol X] [--perm-in NAME=P] ' +
	    '[--perm-out NAME=P] [--seed N] [--plain]');
	process.exit(64);
}

function lcg(seed) {
	let s = seed >>> 0;
	return () => {
		s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
		return s / 4294967296 * 2 - 1;
	};
}

const shapes = new Map();
const zeros = new Set();

function dimsOf(meta) {
	if (shapes.has(meta.name))
		return shapes.get(meta.name);
	return meta.shape.map((d) => (typeof d === 'number' && d >= 0) ? d : 1);
}

function fill(meta, next, plain) {
	const dims = dimsOf(meta);
	const n = dims.reduce((a, b) => a * b, 1);
	let data;
	if (zeros.has(meta.name))
		next = () => 0;
	switch (meta.type) {
	case 'float32':
	case 'float64': {
		data = meta.type === 'float32' ? new Float32Array(n) :
		    new Float64Array(n);
		for (let i = 0; i < n; i++) {
			let v = next();
			if (!plain && i % 7 === 6)
				v *= 1e3;
			else if (!plain && i % 11 === 10)
				v *= 1e-6;
			data[i] = v;
		}
		break;
	}
	case 'int64': {
		const v = /(^|_)sr$/.test(meta.name) ? 16000n : 1n;
		data = new BigInt64Array(n).fill(v);
		break;
	}
	case 'int32':
		data = new Int32Array(n).fill(1);
		break;
	case 'int8':
		data = new Int8Array(n).map((_, i) => (i % 5) - 2);
		break;
	case 'uint8':
		data = new Uint8Array(n).map((_, i) => i % 251);
		break;
	case 'bool':
		data = new Uint8Array(n).map((_, i) => i & 1);
		break;
	default:
		throw new Error(`input ${meta.name}: type ${meta.type} ` +
		    'is not supported by the oracle');
	}
	return new ort.Tensor(meta.type, data, dims);
}

// Transpose tensor T (plain arrays of dims and data) by PERM.
function transpose(t, perm) {
	const dims = t.dims;
	const rank = dims.length;
	if (perm.length !== rank)
		throw new Error(`perm ${perm} does not fit rank ${rank}`);
	const odims = perm.map((p) => dims[p]);
	const istr = new Array(rank).fill(1);
	for (let i = rank - 2; i >= 0; i--)
		istr[i] = istr[i + 1] * dims[i + 1];
	const n = t.data.length;
	const out = new t.data.constructor(n);
	const idx = new Array(rank).fill(0);
	for (let o = 0; o < n; o++) {
		let src = 0;
		for (let k = 0; k < rank; k++)
			src += idx[k] * istr[perm[k]];
		out[o] = t.data[src];
		for (let k = rank - 1; k >= 0; k--) {
			if (++idx[k] < odims[k])
				break;
			idx[k] = 0;
		}
	}
	return new ort.Tensor(t.type, out, odims);
}

async function open(file) {
	try {
		return await ort.InferenceSession.create(file, {
			graphOptimizationLevel: 'disabled',
			executionProviders: ['cpu'],
			logSeverityLevel: 3,
		});
	} catch (e) {
		const msg = String(e.message || e).split('\n')[0];
		console.log(`oracle: ${file}: does not load: ${msg}`);
		process.exit(2);
	}
}

async function runSession(s, file, feeds) {
	try {
		return await s.run(feeds);
	} catch (e) {
		const msg = String(e.message || e).split('\n')[0];
		console.log(`oracle: ${file}: does not run: ${msg}`);
		process.exit(2);
	}
}

function inputs(s, seed, plain) {
	const next = lcg(seed);
	const feeds = {};
	for (const meta of s.inputMetadata)
		feeds[meta.name] = fill(meta, next, plain);
	return feeds;
}

function sum(t) {
	let acc = 0;
	for (const v of t.data)
		acc += Number(v);
	return acc;
}

function parsePerm(spec) {
	const eq = spec.lastIndexOf('=');
	if (eq <= 0)
		usage();
	const perm = spec.slice(eq + 1).split(',').map(Number);
	if (perm.some((p) => !Number.isInteger(p) || p < 0))
		usage();
	return [spec.slice(0, eq), perm];
}

async function cmdRun(argv) {
	let plain = false;
	const files = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--plain')
			plain = true;
		else if (argv[i] === '--shape' && i + 1 < argv.length)
			shapes.set(...parsePerm(argv[++i]));
		else if (argv[i] === '--zero' && i + 1 < argv.length)
			zeros.add(argv[++i]);
		else if (argv[i].startsWith('--'))
			usage();
		else
			files.push(argv[i]);
	}
	if (files.length !== 1)
		usage();
	const s = await open(files[0]);
	const out = await runSession(s, files[0], inputs(s, 1, plain));
	for (const name of s.outputNames)
		console.log(`${name} [${out[name].dims.join(',')}] ` +
		    `sum ${sum(out[name]).toPrecision(8)}`);
}

// Compare outputs NAMES of runs OA and OB (B's file FB): one {ok, text}
// per output.
function compareOutputs(names, oa, ob, fb, permOut, rtol, atol) {
	const msgs = [];
	for (const name of names) {
		if (!(name in ob)) {
			msgs.push({ ok: false,
			    text: `output ${name} missing from ${fb}` });
			continue;
		}
		let a = oa[name];
		const b = ob[name];
		if (permOut.has(name))
			a = transpose(a, permOut.get(name));
		if (a.dims.join(',') !== b.dims.join(',')) {
			msgs.push({ ok: false, text: `output ${name}: shape ` +
			    `[${a.dims}] vs [${b.dims}]` });
			continue;
		}
		if (a.type === 'string') {
			const same = a.data.every((v, i) => v === b.data[i]);
			msgs.push({ ok: same, text: `output ${name} ` +
			    (same ? 'equal' : 'differs (strings)') });
			continue;
		}
		let maxAbs = 0, worst = 0, where = -1;
		for (let i = 0; i < a.data.length; i++) {
			const x = Number(a.data[i]), y = Number(b.data[i]);
			if (Number.isNaN(x) && Number.isNaN(y))
				continue;
			if (x === y)
				continue;
			const d = Math.abs(x - y);
			const lim = atol + rtol * Math.abs(x);
			if (!(d <= lim) && (where < 0 || d / lim > worst)) {
				worst = d / lim;
				where = i;
			}
			if (d > maxAbs || Number.isNaN(d))
				maxAbs = d;
		}
		if (where >= 0)
			msgs.push({ ok: false, text: `output ${name} differs: ` +
			    `element ${where} ${Number(a.data[where])} vs ` +
			    `${Number(b.data[where])}, max abs diff ${maxAbs}` });
		else
			msgs.push({ ok: true, text: `output ${name} equal, ` +
			    `max abs diff ${maxAbs}` });
	}
	return msgs;
}

// --- ONNX TensorProto files (the backend test data) ----------------------

const ELEM = {
	1: ['float32', Float32Array], 2: ['uint8', Uint8Array],
	3: ['int8', Int8Array], 4: ['uint16', Uint16Array],
	5: ['int16', Int16Array], 6: ['int32', Int32Array],
	7: ['int64', BigInt64Array], 8: ['string', Array],
	9: ['bool', Uint8Array], 10: ['float16', Uint16Array],
	11: ['float64', Float64Array], 12: ['uint32', Uint32Array],
	13: ['uint64', BigUint64Array],
};

// A protobuf reader over BUF: varints as BigInt, fields as
// [number, wiretype, value] (value: BigInt or a Buffer slice).
function* fields(buf) {
	let i = 0;
	const varint = () => {
		let v = 0n, shift = 0n;
		for (;;) {
			if (i >= buf.length || shift > 63n)
				throw new Error('bad varint');
			const b = buf[i++];
			v |= BigInt(b & 0x7f) << shift;
			if (!(b & 0x80))
				return v;
			shift += 7n;
		}
	};
	while (i < buf.length) {
		const key = varint();
		const num = Number(key >> 3n), wt = Number(key & 7n);
		let val;
		if (wt === 0) {
			val = varint();
		} else if (wt === 1 || wt === 5) {
			const n = wt === 1 ? 8 : 4;
			val = buf.subarray(i, i + n);
			i += n;
		} else if (wt === 2) {
			const n = Number(varint());
			if (i + n > buf.length)
				throw new Error('length past the end');
			val = buf.subarray(i, i + n);
			i += n;
		} else {
			throw new Error(`wire type ${wt}`);
		}
		yield [num, wt, val];
	}
}

// The varints of a packed field (wire type 2), or one unpacked value.
function varints(wt, val) {
	if (wt === 0)
		return [val];
	const out = [];
	let v = 0n, shift = 0n;
	for (const b of val) {
		v |= BigInt(b & 0x7f) << shift;
		shift += 7n;
		if (!(b & 0x80)) {
			out.push(v);
			v = 0n;
			shift = 0n;
		}
	}
	return out;
}

function readTensor(file) {
	const buf = require('fs').readFileSync(file);
	let type = 0, raw = null, name = '';
	const dims = [], ints = [], floats = [], doubles = [], strs = [];
	for (const [num, wt, val] of fields(buf)) {
		switch (num) {
		case 1: dims.push(...varints(wt, val).map(Number)); break;
		case 2: type = Number(val); break;
		case 4:
			for (let k = 0; k + 4 <= val.length; k += 4)
				floats.push(val.readFloatLE(k));
			break;
		case 5: case 7: case 11:
			ints.push(...varints(wt, val));
			break;
		case 6: strs.push(val.toString('utf8')); break;
		case 8: name = val.toString('utf8'); break;
		case 9: raw = val; break;
		case 10:
			for (let k = 0; k + 8 <= val.length; k += 8)
				doubles.push(val.readDoubleLE(k));
			break;
		case 3: case 13: case 14:
			throw new Error('segmented or external tensor');
		default: break;
		}
	}
	if (!(type in ELEM))
		throw new Error(`element type ${type}`);
	const [tname, Ctor] = ELEM[type];
	const n = dims.reduce((a, b) => a * b, 1);
	let data;
	if (tname === 'string') {
		data = strs;
	} else if (raw !== null) {
		const copy = Uint8Array.from(raw);
		data = new Ctor(copy.buffer, 0, n);
	} else if (tname === 'float32') {
		data = Float32Array.from(floats);
	} else if (tname === 'float64') {
		data = Float64Array.from(doubles);
	} else if (Ctor === BigInt64Array) {
		data = BigInt64Array.from(ints.map((v) => BigInt.asIntN(64, v)));
	} else if (Ctor === BigUint64Array) {
		data = BigUint64Array.from(ints.map((v) => BigInt.asUintN(64, v)));
	} else {
		data = Ctor.from(ints.map((v) => Number(BigInt.asIntN(32, v))));
	}
	if (data.length !== n)
		throw new Error(`${data.length} values for ${n} elements`);
	return [name, new ort.Tensor(tname, data, dims)];
}

async function tryOpen(file) {
	return ort.InferenceSession.create(file, {
		graphOptimizationLevel: 'disabled',
		executionProviders: ['cpu'],
		logSeverityLevel: 3,
	});
}

async function comparePair(fa, fb, dir, exact) {
	const first = (e) => String(e.message || e).split('\n')[0];
	let sa, feeds = {}, oa;
	try {
		sa = await tryOpen(fa);
		const fs = require('fs');
		const files = fs.readdirSync(dir).filter((f) =>
		    /^input_\d+\.pb$/.test(f)).sort((x, y) =>
		    Number(x.slice(6, -3)) - Number(y.slice(6, -3)));
		files.forEach((f, k) => {
			const [name, t] = readTensor(`${dir}/${f}`);
			feeds[name || sa.inputNames[k]] = t;
		});
		oa = await sa.run(feeds);
	} catch (e) {
		return `skip ${fa}: ${first(e)}`;
	}
	let sb, ob;
	try {
		sb = await tryOpen(fb);
		const feedB = {};
		for (const name of sb.inputNames)
			feedB[name] = feeds[name];
		ob = await sb.run(feedB);
	} catch (e) {
		return `broken ${fa}: ${first(e)}`;
	}
	const bad = compareOutputs(sa.outputNames, oa, ob, fb, new Map(),
	    exact ? 0 : 1e-4, exact ? 0 : 1e-5).filter((m) => !m.ok);
	return bad.length ? `differs ${fa}: ${bad[0].text}` : `equal ${fa}`;
}

async function cmdBatch(argv) {
	const exact = argv.includes('--exact');
	const lines = require('fs').readFileSync(0, 'utf8').split('\n');
	let bad = 0;
	for (const line of lines) {
		if (line.trim() === '')
			continue;
		const [fa, fb, dir] = line.split(' ');
		const r = await comparePair(fa, fb, dir, exact);
		if (r.startsWith('differs') || r.startsWith('broken'))
			bad++;
		console.log(r);
	}
	process.exit(bad ? 1 : 0);
}

async function cmdCompare(argv) {
	let rtol = 1e-4, atol = 1e-5, seed = 1, plain = false;
	const permIn = new Map(), permOut = new Map(), files = [];
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => {
			if (++i >= argv.length)
				usage();
			return argv[i];
		};
		if (a === '--rtol')
			rtol = Number(val());
		else if (a === '--atol')
			atol = Number(val());
		else if (a === '--seed')
			seed = Number(val());
		else if (a === '--plain')
			plain = true;
		else if (a === '--perm-in')
			permIn.set(...parsePerm(val()));
		else if (a === '--perm-out')
			permOut.set(...parsePerm(val()));
		else if (a === '--shape')
			shapes.set(...parsePerm(val()));
		else if (a === '--zero')
			zeros.add(val());
		else if (a.startsWith('--'))
			usage();
		else
			files.push(a);
	}
	if (files.length !== 2 || !(rtol >= 0) || !(atol >= 0))
		usage();
	const [fa, fb] = files;
	const sa = await open(fa);
	const sb = await open(fb);
	const feedA = inputs(sa, seed, plain);
	const feedB = {};
	for (const name of sb.inputNames) {
		if (!(name in feedA)) {
			console.log(`oracle: ${fb}: input ${name} is not ` +
			    `an input of ${fa}`);
			process.exit(1);
		}
		feedB[name] = permIn.has(name) ?
		    transpose(feedA[name], permIn.get(name)) : feedA[name];
	}
	const oa = await runSession(sa, fa, feedA);
	const ob = await runSession(sb, fb, feedB);
	const msgs = compareOutputs(sa.outputNames, oa, ob, fb, permOut,
	    rtol, atol);
	let bad = 0;
	for (const m of msgs) {
		console.log(`oracle: ${m.text}`);
		if (!m.ok)
			bad++;
	}
	process.exit(bad ? 1 : 0);
}

ort.env.logLevel = 'fatal';
// tests/opset/verify.js reads the suite's tensors and compares with these
module.exports = { ort, readTensor, compareOutputs, tryOpen };
const argv = process.argv.slice(2);
if (require.main !== module)
	;
else if (argv[0] === 'run')
	cmdRun(argv.slice(1));
else if (argv[0] === 'compare')
	cmdCompare(argv.slice(1));
else if (argv[0] === 'batch')
	cmdBatch(argv.slice(1));
else
	usage();
