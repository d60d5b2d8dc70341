// Explorer throughput and bug-finding speed: npx tsx bench/explore.ts
// The measured code (bench/explore/measure.ts with eventproof's sources) runs bundled as it ships
// (bench/bundled.ts). fast-check and zod stay in node_modules, as they are for users; fast-check's
// fc.scheduler, the peer, runs from node_modules untouched either way.
import { importBundled } from './bundled.js';

await importBundled('bench/explore/measure.ts', 'explore', 'packages');
