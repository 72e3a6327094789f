// The pthread worker of tfjs-backend-wasm's threaded build, as a file that Node's worker_threads can start:
// the package ships it as a string (wasmWorkerContents) that it hands to Emscripten as a blob: URL, which
// Node refuses. The string's template literal turned the script's "\n" escapes into newlines (the package
// escapes them again, as here). The script expects the CommonJS `require` and `__filename` of a worker file.
'use strict';
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
