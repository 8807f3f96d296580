// Runs a short session through the REAL wasm-bindgen glue (ruv_swarm_wasm.js) in Node, with
// Math.random / Date.now replaced by the same seeded generator and virtual clock bindgen uses,
// and prints results, console output, the glue's heap and a hash of linear memory as JSON.
// Usage: node node_glue_session.mjs GLUE_COPY.mjs MODULE.wasm SEED
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const [glueFile, wasmFile, seedText] = process.argv.slice(2);
const MASK = (1n << 64n) - 1n;

function seeded(seed) {                       // splitmix64 seeding + xorshift128+ (bindgen's)
  let state = BigInt(seed) & MASK;
  const splitmix = () => {
    state = (state + 0x9E3779B97F4A7C15n) & MASK;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & MASK;
    return z ^ (z >> 31n);
  };
  let s0 = splitmix(), s1 = splitmix();
  if (s0 === 0n && s1 === 0n) s1 = 1n;
  return () => {
    let a = s0; const b = s1;
    s0 = b;
    a ^= (a << 23n) & MASK; a ^= a >> 17n; a ^= b; a ^= b >> 26n;
    s1 = a;
    return Number(s0 >> 12n) / 2 ** 52;
  };
}

Math.random = seeded(Number(seedText));
let now = 1_700_000_000_000;
Date.now = () => { const v = now; now += 1; return v; };
const consoleLines = [];
console.log = (x) => consoleLines.push(['log', String(x)]);
console.warn = (x) => consoleLines.push(['warn', String(x)]);
console.error = (x) => consoleLines.push(['error', String(x)]);

const g = await import(glueFile);
const wasm = g.initSync({ module: readFileSync(wasmFile) });
const out = [];
const rec = (step, value) => out.push([step, value instanceof Float64Array || value instanceof Float32Array
  ? [value.constructor.name, Array.from(value)] : value]);

rec('get_version', g.get_version());
rec('get_features', g.get_features());
const net = new g.WasmNeuralNetwork(new Uint32Array([3, 4, 2]), g.ActivationFunction.Sigmoid);
net.randomize_weights(-1.0, 1.0);
rec('weights', net.get_weights());
rec('run', net.run(new Float64Array([0.25, -0.5, 1.0])));
net.free();
const orch = new g.WasmSwarmOrchestrator('mesh');
orch.add_agent('worker-1');
rec('spawn', orch.spawn('{"type": "researcher"}'));
const task = orch.orchestrate('{}');
rec('task', [task.task_id, task.status, task.assigned_agents]);
task.free();
rec('status', orch.get_status(true));
orch.free();
rec('js_array_to_vec_f32', g.js_array_to_vec_f32([1.5, 2.25, -3.0]));
rec('vec_f32_to_js_array', g.vec_f32_to_js_array(new Float32Array([0.5, 1.5])));
g.console_log('log: ünïcödé 🚀');
g.console_warn('warn');
g.console_error('error');
const timer = new g.PerformanceTimer('timer');
rec('elapsed', timer.elapsed());
timer.log();
timer.free();
const vec = new g.SimdVectorOps();
rec('dot', vec.dot_product(new Float32Array([1, 2, 3, 4, 5]), new Float32Array([5, 4, 3, 2, 1])));
rec('sigmoid', vec.apply_activation(new Float32Array([-2, -1, 0, 1, 2]), 'sigmoid'));
vec.free();
const pool = new g.MemoryPool(32, 2);
const block = pool.allocate();
pool.deallocate(block);
rec('pool', [pool.available_blocks(), pool.memory_usage()]);
pool.free();
const spawner = new g.OptimizedAgentSpawner();
rec('spawned', spawner.spawn_agent('researcher', 'medium'));
try { spawner.release_agent('nobody'); rec('release', 'no error'); }
catch (e) { rec('release', String(e)); }
spawner.free();
rec('format string', g.format_js_error('plain string'));

const state = g.__bindgen_test_state();
const heap = state.heap.map((v) => v === undefined ? ['undefined'] : v === null ? ['null']
  : typeof v === 'boolean' ? ['bool', v] : typeof v === 'number' ? ['number', v]
  : typeof v === 'string' ? ['string', v] : ['object', Object.prototype.toString.call(v)]);
const hash = createHash('sha256').update(new Uint8Array(wasm.memory.buffer)).digest('hex');
process.stdout.write(JSON.stringify({ out, console: consoleLines, heap, heap_next: state.heap_next,
  stack_pointer: state.stack_pointer, memory: hash }));
