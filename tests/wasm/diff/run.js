// node run.js FILE.wasm...: for each file, the trace that wasm-diff-run
// prints from our engine (the format is described there), here from Node's
// engine. Nothing comes from our side: the exports are Node's own
// (WebAssembly.Module.exports) and their types, which Node's API does not
// give, come from this file's reading of the binary's type, import,
// function and global sections. tools/wasm_diff.py compares whole traces.
'use strict';
const fs = require('fs');

const TYPE_NAMES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x70: 'funcref', 0x6f: 'externref' };
const HANG_LIMIT_RESET = 'hangLimitInitializer';
const view = new DataView(new ArrayBuffer(8));

// One value, preceded by a space, as wasm-diff-run's print_value prints it.
function show(type, v) {
    switch (type) {
    case 'i32': return ' ' + String(v | 0);
    case 'i64': return ' ' + BigInt.asIntN(64, v).toString();
    case 'f32':
        if (Number.isNaN(v)) return ' nan';
        view.setFloat32(0, v);
        return ' f32:' + view.getUint32(0).toString(16).padStart(8, '0');
    case 'f64':
        if (Number.isNaN(v)) return ' nan';
        view.setFloat64(0, v);
        return ' f64:' + view.getBigUint64(0).toString(16).padStart(16, '0');
    default: return v === null ? ' null' : ' ref';
    }
}

function zero(type) {
    return type === 'i64' ? 0n : type === 'funcref' || type === 'externref' ? null : 0;
}

// The types the binary gives: funcs[i] = {params, results} for every
// function index (imports first), globals[i] = value type name for every
// global index, exports = [{name, kind, index}] in order. Throws on
// anything it does not read (the trace then shows the error).
function readModule(bytes) {
    let pos = 8;
    const byte = () => {
        if (pos >= bytes.length) throw new Error('unexpected end');
        return bytes[pos++];
    };
    const u32 = () => {
        let result = 0, shift = 0, b;
        do {
            b = byte();
            result += (b & 0x7f) * 2 ** shift;
            shift += 7;
        } while (b & 0x80);
        return result;
    };
    const valtype = () => {
        const code = byte();
        if (!(code in TYPE_NAMES)) throw new Error('unknown value type ' + code);
        return TYPE_NAMES[code];
    };
    const name = () => {
        const len = u32();
        const text = Buffer.from(bytes.subarray(pos, pos + len)).toString('utf8');
        pos += len;
        return text;
    };
    const limits = () => {
        const flags = byte();
        u32();
        if (flags & 1) u32();
    };
    // A constant expression up to its end opcode.
    const constExpr = () => {
        for (;;) {
            const op = byte();
            if (op === 0x0b) return;
            if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) u32(); // LEB (sign ignored)
            else if (op === 0x43) pos += 4;
            else if (op === 0x44) pos += 8;
            else if (op === 0xd0) byte();
            else throw new Error('unknown constant opcode ' + op);
        }
    };
    const types = [], funcs = [], globals = [], exports = [];
    while (pos < bytes.length) {
        const id = byte();
        const size = u32();
        const end = pos + size;
        if (id === 1) {
            for (let n = u32(); n > 0; n--) {
                if (byte() !== 0x60) throw new Error('not a function type');
                const params = Array.from({ length: u32() }, valtype);
                const results = Array.from({ length: u32() }, valtype);
                types.push({ params, results });
            }
        } else if (id === 2) {
            for (let n = u32(); n > 0; n--) {
                name();
                name();
                const kind = byte();
                if (kind === 0) funcs.push(types[u32()]);
                else if (kind === 1) { byte(); limits(); }
                else if (kind === 2) limits();
                else if (kind === 3) { globals.push(valtype()); byte(); }
                else throw new Error('unknown import kind ' + kind);
            }
        } else if (id === 3) {
            for (let n = u32(); n > 0; n--) funcs.push(types[u32()]);
        } else if (id === 6) {
            for (let n = u32(); n > 0; n--) {
                globals.push(valtype());
                byte();
                constExpr();
            }
        } else if (id === 7) {
            const kinds = ['function', 'table', 'memory', 'global'];
            for (let n = u32(); n > 0; n--) exports.push({ name: name(), kind: kinds[byte()], index: u32() });
        }
        pos = end;
    }
    return { funcs, globals, exports };
}

function fnv1a(bytes) {
    let hash = 2166136261;
    for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 16777619) >>> 0;
    return hash.toString(16).padStart(8, '0');
}

function describe(e) {
    return e instanceof RangeError ? ' exhausted' : e instanceof WebAssembly.RuntimeError ? ' trap' : ' error ' + e;
}

// The trace of one file, appended to lines.
function run(file, lines) {
    lines.push('module ' + file);
    const bytes = fs.readFileSync(file);
    let module;
    try {
        module = new WebAssembly.Module(bytes);
    } catch (e) {
        lines.push('invalid');
        return;
    }
    const logger = (type) => (v) => { lines.push('log-' + type + show(type, v)); };
    const imports = {
        'fuzzing-support': {
            'log-i32': logger('i32'), 'log-i64': logger('i64'), 'log-f32': logger('f32'), 'log-f64': logger('f64'),
        },
    };
    let instance;
    try {
        instance = new WebAssembly.Instance(module, imports);
    } catch (e) {
        lines.push('instantiate' + (e instanceof WebAssembly.RuntimeError || e instanceof RangeError
            ? describe(e) : ' error'));
        return;
    }
    let info;
    try {
        info = readModule(bytes);
    } catch (e) {
        lines.push('error reading the module: ' + e.message);
        return;
    }
    // Node's list of exports, each typed from the binary (whose export
    // section must name the same things in the same order).
    const listed = WebAssembly.Module.exports(module);
    if (listed.length !== info.exports.length ||
        listed.some((e, i) => e.name !== info.exports[i].name || e.kind !== info.exports[i].kind)) {
        lines.push('error: the export section does not match WebAssembly.Module.exports');
        return;
    }
    const functions = listed.flatMap((e, i) => e.kind === 'function'
        ? [{ name: e.name, type: info.funcs[info.exports[i].index] }] : []);
    for (const f of functions) {
        lines.push('export ' + [f.name, ...f.type.params, '->', ...f.type.results].join(' '));
    }
    const reset = instance.exports[HANG_LIMIT_RESET];
    for (const f of functions) {
        lines.push('call ' + f.name);
        let text;
        try {
            if (typeof reset === 'function') reset();
            const result = instance.exports[f.name](...f.type.params.map(zero));
            const values = f.type.results.length > 1 ? result : f.type.results.length ? [result] : [];
            text = values.map((v, i) => show(f.type.results[i], v)).join('');
        } catch (e) {
            text = describe(e);
        }
        lines.push('->' + text);
    }
    listed.forEach((e, i) => {
        const value = instance.exports[e.name];
        if (e.kind === 'memory') {
            const data = new Uint8Array(value.buffer);
            lines.push(`memory ${e.name} ${data.length / 65536} ${fnv1a(data)}`);
        } else if (e.kind === 'global') {
            lines.push(`global ${e.name}` + show(info.globals[info.exports[i].index], value.value));
        } else if (e.kind === 'table') {
            let nonnull = 0;
            for (let j = 0; j < value.length; j++) nonnull += value.get(j) !== null ? 1 : 0;
            lines.push(`table ${e.name} ${value.length} ${nonnull}`);
        }
    });
}

const lines = [];
for (const file of process.argv.slice(2)) run(file, lines);
console.log(lines.join('\n'));
