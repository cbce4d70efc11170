// `npm start` with no DATABASE_URL, as a newcomer runs it: the service listens on loopback only
// unless HOST says otherwise, and its admin token is in a file only its owner may read, whose path
// (not the token) is printed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { expect } from 'chai';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { startServiceProcess } from './support/service-process.js';

/** Whether something accepts TCP connections at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('the embedded default', function () {
  this.timeout(120_000);

  it('listens on loopback only, and prints where the admin token is, not the token', async () => {
    const service = await startServiceProcess({ DATABASE_URL: '', HOST: '', CHIMERA_DATA: 'memory' });
    let file = '';
    try {
      await new Promise((r) => setTimeout(r, 200)); // the banner follows the serving line
      const printed = service.output();
      file = /admin token: +in (\S+) /.exec(printed)?.[1] ?? '';
      expect(file, printed).to.not.equal('');
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      const token = readFileSync(file, 'utf8').trim();
      expect(printed).to.not.include(token);
      const admin = createClient(
        TenantService,
        createGrpcTransport({
          baseUrl: `http://127.0.0.1:${service.port}`,
          interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))],
        }),
      );
      expect((await admin.listTenants({})).tenants.map((t) => t.name)).to.include('dev');
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal);
      if (external) expect(await accepts(external.address, service.port), `reachable on ${external.address}`).to.equal(false);
      expect(await accepts('127.0.0.1', service.port)).to.equal(true);
    } finally {
      expect(await service.stop()).to.equal(0);
    }
    expect(existsSync(file), 'an in-memory run removes its token file').to.equal(false);
  });
});
