import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Agent} from '../../src/pipeline/agent.js';
import type {BoundAddress} from '../../src/sources/net/listen.js';
import {buildAgent} from '../../src/topology/agent-builder.js';
import {parseAgentConfig, substituteEnv} from '../../src/topology/agent-config.js';
import {ROOT, startBroker, tempDir} from '../helpers/broker.js';
import {header, readTopic} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';
import {connect} from './net-helpers.js';
import {eventually} from './spooldir-context.js';

const agents: Agent[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
  for (const c of cleanups.splice(0)) await c();
});

async function runAgent(yaml: string, brokers: string[] = []): Promise<{agent: Agent; logs: string[]; ports: Record<string, number>}> {
  const logs: string[] = [];
  const spec = await buildAgent(parseAgentConfig(yaml, 'agent.yaml'), {brokers, log: (l) => logs.push(l), stateDir: tempDir('net-agent')});
  const agent = new Agent(spec, {log: (l) => logs.push(l), drainMs: 5000});
  agents.push(agent);
  await agent.start();
  const ports: Record<string, number> = {};
  for (const {source} of spec.sources) ports[source.name] = (await (source as unknown as {listening: Promise<BoundAddress>}).listening).port;
  return {agent, logs, ports};
}

function sendUdp(port: number, message: string): Promise<void> {
  const socket = dgram.createSocket('udp4');
  return new Promise<void>((resolve, reject) => socket.send(message, port, '127.0.0.1', (err) => (err ? reject(err) : resolve()))).finally(() => socket.close());
}

describe('network sources in an agent file, run through buildAgent', () => {
  it('netcat, syslogtcp, syslogudp and http -> memory channel -> logger sink; the agent stops cleanly with a connection open', async () => {
    const {agent, logs, ports} = await runAgent(`
name: net
sources:
  nc: {type: netcat, port: 0, ack: true, maxLineLength: 100, channels: [mem], interceptors: [{type: static, key: via, value: netcat}]}
  st: {type: syslogtcp, port: 0, eventSize: 4096, clientIPHeader: clientIP, channels: [mem]}
  su: {type: syslogudp, port: 0, channels: [mem]}
  web: {type: http, port: 0, maxBodyBytes: 64KiB, channels: [mem]}
channels:
  mem: {type: memory, capacity: 1000}
sinks:
  out: {type: logger, channel: mem, maxBytesToLog: 200}
`);
    const logged = () => logs.filter((l) => l.startsWith('sink out: Event: '));
    // netcat with ack: OK means the logger sink took the line (a memory channel's put resolves then).
    const nc = await connect(ports.nc);
    await nc.write('hello from netcat\n');
    await nc.waitFor((r) => r === 'OK\n', 'OK');
    expect(logged()).toEqual([`sink out: Event: { headers:{"via":"netcat"} body: "hello from netcat" }`]);

    const st = await connect(ports.st);
    await st.write('<165>1 2024-01-02T03:04:05Z web1 app 7 M1 - over tcp\n');
    await sendUdp(ports.su, '<13>Jan  2 03:04:05 web2 tag[9]: over udp');
    const web = await fetch(`http://127.0.0.1:${ports.web}/`, {method: 'POST', body: JSON.stringify([{headers: {k: 'v'}, body: 'over http'}])});
    expect(web.status).toBe(200);
    await eventually(() => logged().length === 4, 'four events through the sink');
    const lines = logged().join('\n');
    expect(lines).toContain(`headers:{"k":"v"} body: "over http"`);
    expect(lines).toContain(`{"Facility":"20","Severity":"5","host":"web1","timestamp":"${Date.UTC(2024, 0, 2, 3, 4, 5)}","appName":"app","procId":"7","msgId":"M1","clientIP":"127.0.0.1"} body: "over tcp"`);
    expect(lines).toMatch(/\{"Facility":"1","Severity":"5","host":"web2","timestamp":"\d+","appName":"tag","procId":"9"\} body: "tag\[9\]: over udp"/);

    // Stop with an idle netcat connection and a syslog connection still open.
    await agent.stop();
    await nc.closed;
    await st.closed;
    expect(logs.join('\n')).not.toMatch(/failed/);
  });

  it('topology/agents/syslog-to-kafka.yaml: syslog over TCP and UDP lands in the syslog topic with its headers', async () => {
    const {broker, bootstrap} = await startBroker();
    cleanups.push(() => broker.close());
    await broker.createTopic('syslog', 1, {});
    const file = path.join(ROOT, 'topology/agents/syslog-to-kafka.yaml');
    const yaml = substituteEnv(fs.readFileSync(file, 'utf8'), file, {KCOLLECT_BROKERS: bootstrap, SYSLOG_PORT: '0'});
    const {ports} = await runAgent(yaml);
    const tcp = await connect(ports.syslog_tcp);
    const message = '<34>1 2024-05-06T07:08:09.5Z gw sshd 311 - [meta@1 k="v"] Accepted publickey';
    await tcp.write(`${message.length} ${message}`);
    await sendUdp(ports.syslog_udp, '<86>May  6 07:08:09 fw kernel: dropped packet');
    await until(async () => (await readTopic(bootstrap, 'syslog')).length === 2, 'two records in syslog');
    const records = await readTopic(bootstrap, 'syslog');
    const byBody = new Map(records.map((r) => [r.value?.toString(), r]));
    const ssh = byBody.get('Accepted publickey')!;
    expect([header(ssh, 'Facility'), header(ssh, 'Severity'), header(ssh, 'host'), header(ssh, 'appName'), header(ssh, 'procId')]).toEqual(['4', '2', 'gw', 'sshd', '311']);
    expect(header(ssh, 'timestamp')).toBe(String(Date.UTC(2024, 4, 6, 7, 8, 9, 500)));
    expect(header(ssh, 'structuredData')).toBe('[meta@1 k="v"]');
    const kernel = byBody.get('kernel: dropped packet')!;
    expect([header(kernel, 'Facility'), header(kernel, 'Severity'), header(kernel, 'host')]).toEqual(['10', '6', 'fw']);
  });
});
