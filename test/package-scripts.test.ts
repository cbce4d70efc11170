// package.json's scripts: each runs something that exists, and there is no build step, because
// the service runs from its TypeScript source through tsx (a runtime dependency). A compiled dist/
// could not start: it would look for db/migrations and node_modules relative to itself.
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };

describe('package.json scripts', () => {
  it('every file a script names exists', () => {
    for (const [name, command] of Object.entries(pkg.scripts)) {
      for (const file of command.match(/\b(?:src|scripts|bench)\/[\w./-]+\.(?:ts|sh)\b/g) ?? []) {
        expect(existsSync(file), `npm run ${name} needs ${file}`).to.equal(true);
      }
    }
  });

  it('there is no build step: npm start runs the source through tsx and tsc emits nothing', () => {
    expect(pkg.scripts).to.not.have.property('build');
    expect(pkg.scripts.start).to.match(/--import tsx src\/main\.ts$/);
    expect(pkg.dependencies).to.have.property('tsx');
    const tsconfig = JSON.parse(readFileSync('tsconfig.json', 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions.noEmit).to.equal(true);
    expect(tsconfig.compilerOptions).to.not.have.property('outDir');
  });
});
