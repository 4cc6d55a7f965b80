import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {freePort} from '../../src/lib/ports.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {collect, expectUserError, expectUserErrorLine, kcollect, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

/**
 * kcollect's clients over TLS with a client certificate: the embedded broker behind a TLS proxy
 * that requires a certificate signed by the test CA (the broker advertises the proxy's port, so
 * every connection a client opens after bootstrap goes through TLS too).
 */
describe.skipIf(!haveOpenssl())('every Kafka command over TLS (-X, --command-config)', () => {
  let broker: Broker;
  let proxy: tls.Server;
  let tlsAddress: string;
  let certs: TestCerts;
  let clientProps: string;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    certs = await makeCerts(tempDir('certs'));
    const port = await freePort();
    ({broker} = await startBroker({advertisedPort: port}));
    const upstream = broker.listening.port;
    proxy = tls.createServer(
      {key: fs.readFileSync(certs.serverKey), cert: fs.readFileSync(certs.serverCert), ca: fs.readFileSync(certs.ca), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2'},
      (client) => {
        const up = net.connect({host: '127.0.0.1', port: upstream});
        for (const s of [client, up]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(up).pipe(client);
        client.on('close', () => up.destroy());
        up.on('close', () => client.destroy());
      },
    );
    proxy.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    tlsAddress = `127.0.0.1:${port}`;
    clientProps = path.join(tempDir('client-props'), 'client.properties');
    fs.writeFileSync(
      clientProps,
      [
        '# what a Kafka user keeps for kafka-topics.sh --command-config',
        'security.protocol=SSL',
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${certs.ca}`,
        `ssl.certificate.location=${certs.clientCert}`,
        `ssl.key.location=${certs.clientKeyEncrypted}`,
        `ssl.key.password=${certs.clientKeyPassword}`,
        'client.id=tls-test',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => proxy?.close(() => resolve()));
    await broker?.close();
  });

  const tlsX = () => ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.ca}`, '-X', `ssl.certificate.location=${certs.clientCert}`, '-X', `ssl.key.location=${certs.clientKeyEncrypted}`, '-X', `ssl.key.password=${certs.clientKeyPassword}`];

  it('creates a topic, produces, consumes with and without a group, and lists groups, all through TLS', async () => {
    const create = await kcollect(tlsAddress, ['topic', 'create', 'secure', '-p', '2', '--command-config', clientProps]);
    expect(create.code, create.stderr).toBe(0);
    // client.id is a Kafka client property that changes nothing here: accepted and named.
    expect(create.stderr).toContain('client property client.id does not apply to kcollect (ignored)');

    const produce = await kcollect(tlsAddress, ['produce', 'secure', '-K', ':', ...tlsX()], {input: 'a:one\nb:two\nc:three\n'});
    expect(produce.code, produce.stderr).toBe(0);
    expect(produce.stdout).toContain('produced 3 record(s) to secure');

    const consume = await kcollect(tlsAddress, ['consume', 'secure', '--exit', '-f', '%s\\n', ...tlsX()]);
    expect(consume.code, consume.stderr).toBe(0);
    expect(consume.stdout.split('\n').filter(Boolean).sort()).toEqual(['one', 'three', 'two']);

    const grouped = await kcollect(tlsAddress, ['consume', 'secure', '--group', 'tls-readers', '--exit', '-f', '%s\\n', '--command-config', clientProps]);
    expect(grouped.code, grouped.stderr).toBe(0);
    expect(grouped.stdout.split('\n').filter(Boolean).sort()).toEqual(['one', 'three', 'two']);

    const groups = await kcollect(tlsAddress, ['group', 'list', '--json', '--command-config', clientProps]);
    expect(groups.code, groups.stderr).toBe(0);
    expect(JSON.parse(groups.stdout).groups.map((g: {group: string}) => g.group)).toContain('tls-readers');

    const status = await kcollect(tlsAddress, ['status', '--json', '--command-config', clientProps]);
    expect(status.code, status.stderr).toBe(0);
    const snapshot = JSON.parse(status.stdout);
    expect(snapshot.brokers.error).toBeUndefined();
    expect(snapshot.topics.items.map((t: {name: string}) => t.name)).toContain('secure');
  });

  it('-X wins over --command-config (here: the right CA over a wrong one)', async () => {
    const wrongCa = path.join(path.dirname(clientProps), 'wrong-ca.properties');
    fs.writeFileSync(wrongCa, fs.readFileSync(clientProps, 'utf8').replace(`ssl.truststore.location=${certs.ca}`, `ssl.truststore.location=${certs.otherCa}`).replace('client.id=tls-test\n', ''));
    const refused = await kcollect(tlsAddress, ['produce', 'secure', '--command-config', wrongCa], {input: 'x\n'});
    expectUserErrorLine(refused, new RegExp(`^kcollect: TLS handshake with ${tlsAddress} failed: `));
    expect(refused.stderr).toContain('ssl.ca.location');
    const fixed = await kcollect(tlsAddress, ['produce', 'secure', '--command-config', wrongCa, '-X', `ssl.truststore.location=${certs.ca}`], {input: 'x\n'});
    expect(fixed.code, fixed.stderr).toBe(0);
  });

  it('an untrusted broker certificate or a missing client certificate is a clear failure, for kafkajs admin too', async () => {
    const untrusted = await kcollect(tlsAddress, ['topic', 'list', '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.otherCa}`]);
    expectUserErrorLine(untrusted, /TLS handshake failed: .*certificate/);
    // The proxy requires a client certificate: the handshake (TLS 1.3: the first read) fails.
    const noClientCert = await kcollect(tlsAddress, ['produce', 'secure', '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.ca}`], {input: 'x\n'});
    expectUserErrorLine(noClientCert, new RegExp(`^kcollect: TLS handshake with ${tlsAddress} failed: .*certificate`, 'i'));
  });

  it('names a bad property and never prints a secret', async () => {
    expectUserError(await kcollect(tlsAddress, ['topic', 'list', '-X', 'ssl.ca.locaton=/x']), '-X: unknown client property "ssl.ca.locaton" (did you mean ssl.ca.location?)', 'librdkafka/Java client properties');
    const bad = path.join(path.dirname(clientProps), 'typo.properties');
    fs.writeFileSync(bad, 'security.protocol=SSL\nsasl.mechansim=PLAIN\n');
    expectUserError(await kcollect(tlsAddress, ['produce', 'secure', '--command-config', bad], {input: 'x\n'}), `${bad}:2: unknown client property "sasl.mechansim"`);

    const secret = 'Sup3r-Secret-Passw0rd';
    const attempts = [
      // SASL settings on a listener that offers no SASL
      ['produce', 'secure', ...tlsX(), '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanism=SCRAM-SHA-256', '-X', 'sasl.username=alice', '-X', `sasl.password=${secret}`],
      ['topic', 'list', '-X', `sasl.password=${secret}`],
      ['topic', 'list', '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanism=PLAIN', '-X', `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="${secret}" x`],
    ];
    for (const args of attempts) {
      const r = await kcollect(tlsAddress, args, {input: 'x\n'});
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr + r.stdout).not.toContain(secret);
    }
  });

  it("an agent file's kafka sink takes client properties, its key password from ${file:...}, kept out of the status file", async () => {
    const cwd = tempDir('agent-tls');
    const log = path.join(cwd, 'app.log');
    fs.writeFileSync(log, 'first\nsecond\nthird\n');
    fs.writeFileSync(path.join(cwd, 'key-password'), `${certs.clientKeyPassword}\n`);
    const create = await kcollect(tlsAddress, ['topic', 'create', 'agent-secure', '--command-config', clientProps]);
    expect(create.code, create.stderr).toBe(0);
    fs.writeFileSync(
      path.join(cwd, 'agent.yaml'),
      [
        'name: secure-agent',
        'sources:',
        '  app: {type: tail, paths: [app.log], channels: [mem]}',
        'channels:',
        '  mem: {type: memory}',
        'sinks:',
        '  out:',
        '    type: kafka',
        '    channel: mem',
        '    topic: agent-secure',
        `    brokers: ${tlsAddress}`,
        '    properties:',
        '      security.protocol: SSL',
        `      ssl.ca.location: ${certs.ca}`,
        `      ssl.certificate.location: ${certs.clientCert}`,
        `      ssl.key.location: ${certs.clientKeyEncrypted}`,
        `      ssl.key.password: \${file:${path.join(cwd, 'key-password')}}`,
        '',
      ].join('\n'),
    );
    const agent = spawnCli(['agent', 'run', 'agent.yaml'], {cwd});
    const done = collect(agent);
    const read = async () => (await kcollect(tlsAddress, ['consume', 'agent-secure', '--exit', '-f', '%s\\n', '--command-config', clientProps])).stdout.split('\n').filter(Boolean);
    await until(async () => (await read()).length >= 3, 'the agent to deliver the log over TLS');
    agent.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect((await read()).sort()).toEqual(['first', 'second', 'third']);
    const statusDir = path.join(cwd, '.kcollect', 'status');
    for (const f of fs.readdirSync(statusDir)) expect(fs.readFileSync(path.join(statusDir, f), 'utf8')).not.toContain(certs.clientKeyPassword);
    expect(r.stdout + r.stderr).not.toContain(certs.clientKeyPassword);
  });
});
