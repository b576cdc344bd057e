// node run.js FILE.wasm PLAN.json: the trace of wasm-diff-run, from Node's
// engine. PLAN.json lists the exports to call (name and parameter types),
// as wasm-diff-run printed them, so both sides make the same calls.
'use strict';
const fs = require('fs');

const [file, planFile] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
const lines = [];
const view = new DataView(new ArrayBuffer(8));

function show(type, v) {
    switch (type) {
    case 'i32': return String(v | 0);
    case 'i64': return BigInt.asIntN(64, v).toString();
    case 'f32':
        if (Number.isNaN(v)) return 'nan';
        view.setFloat32(0, v);
        return 'f32:' + view.getUint32(0).toString(16).padStart(8, '0');
    case 'f64':
        if (Number.isNaN(v)) return 'nan';
        view.setFloat64(0, v);
        return 'f64:' + view.getBigUint64(0).toString(16).padStart(16, '0');
    default: return v === null ? 'null' : 'ref';
    }
}

function logger(type) {
    return (v) => { lines.push('log ' + show(type, v)); };
}

const imports = {
    'fuzzing-support': {
        'log-i32': logger('i32'), 'log-i64': logger('i64'),
        'log-f32': logger('f32'), 'log-f64': logger('f64'),
    },
};

function zero(type) {
    return type === 'i64' ? 0n : type === 'funcref' || type === 'externref' ? null : 0;
}

let instance;
try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), imports);
} catch (e) {
    console.log(e instanceof WebAssembly.RuntimeError ? 'instantiate trap' : 'instantiate ' + e.message);
    process.exit(0);
}
for (const entry of plan) {
    lines.push('plan ' + [entry.name, ...entry.params, ':', ...entry.results].join(' '));
}
for (const entry of plan) {
    const f = instance.exports[entry.name];
    let text;
    try {
        const result = f(...entry.params.map(zero));
        const values = entry.results.length > 1 ? result : entry.results.length ? [result] : [];
        text = values.map((v, i) => ' ' + show(entry.results[i], v)).join('');
    } catch (e) {
        text = e instanceof RangeError ? ' exhausted' : e instanceof WebAssembly.RuntimeError ? ' trap' : ' error ' + e;
    }
    lines.push('call ' + entry.name + ' ->' + text);
}
console.log(lines.join('\n'));
