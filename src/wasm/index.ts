/**
 * The project's one WebAssembly encoder: modules are assembled at load time from these builders (no
 * binary blobs, no toolchain). Users: the FFT SIMD butterflies (src/fft/simd-butterflies.ts) and the
 * tfjs training kernels' SIMD loops (src/backend/wasm-kernels/simd.ts).
 */
export { I32, F32, F64, V128, uleb128, sleb128, vec, name, section, type Code, type ValType } from "./encoding";
export { get, set, i32, f32, f64, v128, f32x4, f64x2, i8x16Shuffle, blockLoop, br, brIf, forUp, countdown, type MemArg } from "./instructions";
export { encodeModule, webAssembly, type WasmFunction, type MemoryImport, type WasmApi, type WasmMemory } from "./module";
