// A reader of the Dockerfile's instructions and of a whitelist-style .dockerignore, enough for
// test/deployment.test.ts to build the image's stages in a scratch directory without a docker
// engine: stages, their COPY, RUN, USER, CMD and HEALTHCHECK.
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

/** The file's instructions, continuation lines joined and comments dropped. */
export function readInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\w+)\s+(.*)$/.exec(full);
    if (match) out.push({ keyword: match[1].toUpperCase(), args: match[2].trim() });
  }
  return out;
}

/** The build stages in order, ARG defaults substituted into their FROM lines. */
export function readStages(text: string): Stage[] {
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of readInstructions(text)) {
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = instruction.args.split('=');
      args.set(name, value);
    } else if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? '').split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

/** An exec-form (JSON array) argument list, as CMD and HEALTHCHECK ... CMD take. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed;
}

export interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

export function readCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] };
}

/** Whether a whitelist .dockerignore (`*`, then `!path` lines) lets `path` into the context. */
export function inContext(dockerignore: string, path: string): boolean {
  const lines = dockerignore.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines[0] !== '*') throw new Error('.dockerignore is expected to exclude everything first (*)');
  return lines.slice(1).some((l) => l.startsWith('!') && (path === l.slice(1) || path.startsWith(`${l.slice(1)}/`)));
}
