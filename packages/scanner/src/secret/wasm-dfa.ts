/**
 * The keyword automaton's inner loop in WebAssembly. The DFA walk over every byte is the
 * one part of the scan that touches all the data; in JavaScript each step pays for typed
 * array bounds checks and deoptimisation guards, in WebAssembly it is three loads and an
 * add. The module is assembled here from its instructions (about 150 bytes), so there is
 * no binary blob and no build step.
 *
 * Memory layout: [0, 256) the byte-to-class table; then the transition table (int32,
 * next state pre-multiplied by the class count, negative when that state ends a keyword);
 * then the input; then the output, two int32 per keyword end: (offset, -state).
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// Locals: 0 in, 1 len, 2 delta, 3 out (params); 4 i, 5 s, 6 n, 7 end.
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const CONST = 0x41;
const ADD = 0x6a;
const SUB = 0x6b;
const SHL = 0x74;
const GE_U = 0x4f;
const LT_S = 0x48;
const LOAD8_U = [0x2d, 0x00, 0x00];
const LOAD = [0x28, 0x02, 0x00];
const VOID = 0x40;
// prettier-ignore
const BODY = [
  0x01, 0x04, 0x7f, // four i32 locals
  GET, 0, GET, 1, ADD, SET, 7, // end = in + len
  GET, 0, SET, 4, // i = in
  0x02, VOID, // block
  0x03, VOID, // loop
  GET, 4, GET, 7, GE_U, 0x0d, 1, // if (i >= end) break
  GET, 2, GET, 5, GET, 4, ...LOAD8_U, ...LOAD8_U, ADD, CONST, 2, SHL, ADD, ...LOAD, // delta[s + class[byte]]
  TEE, 5, CONST, 0, LT_S, 0x04, VOID, // if (s < 0) {
  GET, 3, GET, 6, CONST, 3, SHL, ADD, GET, 4, GET, 0, SUB, 0x36, 0x02, 0x00, // out[n].offset = i - in
  GET, 3, GET, 6, CONST, 3, SHL, ADD, GET, 5, 0x36, 0x02, 0x04, // out[n].state = s
  CONST, 0, GET, 5, SUB, SET, 5, // s = -s
  GET, 6, CONST, 1, ADD, SET, 6, // n++
  0x0b, // }
  GET, 4, CONST, 1, ADD, SET, 4, // i++
  0x0c, 0, // continue
  0x0b, 0x0b, // end loop, end block
  GET, 6, 0x0b, // return n
];

function moduleBytes(): Uint8Array {
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f]),
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x00, 0x01]),
    ...section(7, [0x02, ...name("mem"), 0x02, 0x00, ...name("scan"), 0x00, 0x00]),
    ...section(10, [0x01, ...uleb(BODY.length), ...BODY]),
  ]);
}

/** The slice of the WebAssembly API used here (the project's type libraries do not declare it). */
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

const PAGE = 64 * 1024;

/** One automaton's tables in a WebAssembly memory; `run` is the DFA walk over a byte buffer. */
export class WasmDfa {
  private readonly memory: WasmMemory;
  private readonly scan: (input: number, len: number, delta: number, out: number) => number;
  private readonly inputAt: number;
  private capacity = 0;

  /** CLASS_OF must map every byte to a class below 256 (the table is stored as bytes). */
  static fits(classOf: Uint16Array): boolean {
    return classOf.every((c) => c < 256);
  }

  constructor(classOf: Uint16Array, delta: Int32Array) {
    compiled ??= new wasmApi.Module(moduleBytes());
    const instance = new wasmApi.Instance(compiled, {});
    this.memory = instance.exports.mem as WasmMemory;
    this.scan = instance.exports.scan as WasmDfa["scan"];
    this.inputAt = 256 + delta.length * 4;
    this.reserve(0);
    new Uint8Array(this.memory.buffer, 0, 256).set(classOf);
    new Int32Array(this.memory.buffer, 256, delta.length).set(delta);
  }

  /** Grows the memory to hold an input of LEN bytes and its worst-case output (8 bytes per byte). */
  private reserve(len: number): void {
    if (len <= this.capacity && this.capacity > 0) return;
    const capacity = Math.ceil(Math.max(len, 1024 * 1024) / 8) * 8;
    const needed = this.inputAt + capacity * 9;
    const have = this.memory.buffer.byteLength;
    if (needed > have) this.memory.grow(Math.ceil((needed - have) / PAGE));
    this.capacity = capacity;
  }

  /** (offset, -(state * classes)) of every keyword end in BYTES, as pairs. */
  run(bytes: Uint8Array): Int32Array {
    this.reserve(bytes.length);
    new Uint8Array(this.memory.buffer, this.inputAt, bytes.length).set(bytes);
    const out = this.inputAt + this.capacity;
    const n = this.scan(this.inputAt, bytes.length, 256, out);
    return new Int32Array(this.memory.buffer, out, n * 2).slice();
  }
}
