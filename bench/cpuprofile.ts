// Summarises a V8 CPU profile (.cpuprofile, from `node --cpu-prof` or bench/servers/child.ts):
// the functions with the most self time, and self time grouped by what the code is (HTTP/2,
// connect, protobuf, interceptors, pg, GC, ...), twice: by the frame's own code, and with the
// time of Node's internals and of natives charged to the nearest caller that is project or
// library code ("by owner"), which is where that work was asked for.
//   npx tsx bench/cpuprofile.ts <file.cpuprofile> [calls served while profiling]
// With the number of calls, every figure is also given in microseconds per call.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Ordered: the first match names the group. */
const GROUPS: Array<[RegExp, string]> = [
  [/\/src\/server\/grpc-unary\.ts/, 'chimera lean gRPC path (grpc-unary.ts)'],
  [/\/src\/server\/interceptors\.ts/, 'chimera interceptors (request id/log, errors, in-flight, auth)'],
  [/\/src\/server\/auth\.ts/, 'chimera auth cache (sha256 of the key, lookup)'],
  [/\/src\/server\//, 'chimera server, other (listen, context)'],
  [/\/src\/db\/pipeline\.ts/, 'pipeline.ts (pg submittable, row parsing)'],
  [/\/src\/db\/tx\.ts/, 'tx.ts (tenantRead, tenant context)'],
  [/\/src\/services\/agents\/mapping\.ts/, 'row -> message mapping (mapping.ts)'],
  [/\/src\/services\//, 'chimera handler, scope, validation'],
  [/\/src\/lib\//, 'chimera lib (validation, errors, log)'],
  [/\/bench\/servers\//, 'peer handler and mapping'],
  [/\/node_modules\/@connectrpc\//, 'connect (handler context, interceptor chain, trailers)'],
  [/\/node_modules\/@bufbuild\/protobuf\//, 'protobuf-es (create, encode, decode)'],
  [/\/node_modules\/@pgtyped\//, 'pgtyped runtime (query IR -> SQL + values)'],
  [/\/node_modules\/pg-protocol\//, 'pg protocol (serialize, parse)'],
  [/\/node_modules\/(pg-types|postgres-[a-z]+|pg\/lib\/utils)/, 'pg type conversion (dates, json, values)'],
  [/\/node_modules\/(pg|pg-pool|pg-connection-string)\//, 'pg client and pool'],
  [/\/node_modules\/@grpc\/grpc-js\//, 'grpc-js (server, HTTP/2 use, metadata)'],
  [/\/node_modules\/(protobufjs|@grpc\/proto-loader|@protobufjs)\//, 'protobufjs (fromObject, encode, decode)'],
  [/\/node_modules\//, 'other libraries'],
  [/^node:internal\/http2|^node:http2/, 'node http2 (framing, streams, compat API)'],
  [/^node:internal\/(streams|stream_base_commons)|^node:net|^node:stream/, 'node streams and sockets'],
  [/^node:internal\/(process\/task_queues|timers)|^node:timers/, 'node microtasks and timers'],
  [/^node:events|^node:internal\/(event_target|abort_controller)/, 'node events, AbortController'],
  [/^node:internal\/crypto|^node:crypto/, 'node crypto'],
  [/^node:/, 'node, other'],
];

const OWN_CODE = /\/(src|bench)\/|\/node_modules\//;

function groupOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8 and native, no JS frame ((program))';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(root)') return '(root)';
  for (const [pattern, group] of GROUPS) if (pattern.test(url)) return group;
  return url === '' ? 'natives and builtins (JSON, Promise, Buffer, ...)' : 'other';
}

export function summarizeProfile(file: string, calls?: number, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // A sample lasts until the next one.
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + us);
  }
  const owner = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      if (OWN_CODE.test(n.callFrame.url)) return groupOf(n);
    }
    return groupOf(byId.get(id)!);
  };
  const functions = new Map<string, number>();
  const own = new Map<string, number>();
  const owned = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const group = groupOf(n);
    if (group === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    // tsx puts a module's code on one line: the column tells its functions apart.
    const { url, lineNumber, columnNumber } = n.callFrame;
    const where = url ? `${url.replace(/^.*?\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}:${columnNumber + 1}` : '';
    const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
    own.set(group, (own.get(group) ?? 0) + us);
    const o = owner(id);
    owned.set(o, (owned.get(o) ?? 0) + us);
  }
  const perCall = (us: number) => (calls ? `${(us / calls).toFixed(1).padStart(7)} µs/call` : '');
  const row = (label: string, us: number) =>
    `  ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms ${perCall(us)}  ${label}`;
  const sorted = (m: Map<string, number>, n = Infinity) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `${file}: ${(busyUs / 1000).toFixed(0)} ms busy, ${(idleUs / 1000).toFixed(0)} ms idle${calls ? `, ${calls} calls: ${(busyUs / calls).toFixed(1)} µs of CPU per call on the main thread` : ''}`,
    `top ${top} functions by self time:`,
    ...sorted(functions, top).map(([k, us]) => row(k, us)),
    'self time by group (the frame\'s own code):',
    ...sorted(own).map(([k, us]) => row(k, us)),
    'self time by owner (Node internals and natives charged to their nearest project or library caller):',
    ...sorted(owned).map(([k, us]) => row(k, us)),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!process.argv[2]) {
    console.error('usage: npx tsx bench/cpuprofile.ts <file.cpuprofile> [calls]');
    process.exit(2);
  }
  console.log(summarizeProfile(process.argv[2], process.argv[3] ? Number(process.argv[3]) : undefined, Number(process.env.TOP ?? 25)));
}
