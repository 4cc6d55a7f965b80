import {describe, expect, it} from 'vitest';
import {UserError} from '../../src/lib/errors.js';
import {describeData, hexDump, isPrintableText} from '../../src/zk/data.js';
import {ZkError, zkUserError} from '../../src/zk/errors.js';
import {ancestorPaths, parseConnectString, validateZnodePath, znodePathProblem} from '../../src/zk/paths.js';
import {planLayout, renderZooCfg} from '../../src/zk/server/config.js';
import {parseSrvr} from '../../src/zk/server/four-letter.js';
import {runCli} from '../helpers/cli.js';

describe('znode paths', () => {
  it('accepts what ZooKeeper accepts', () => {
    for (const p of ['/', '/a', '/brokers/ids/1', '/a-b_c.d', '/사용자', '/a/..b']) expect(znodePathProblem(p)).toBeUndefined();
  });

  it('names the problem with each bad path', () => {
    expect(znodePathProblem('')).toMatch(/empty/);
    expect(znodePathProblem('a/b')).toMatch(/start with \//);
    expect(znodePathProblem('/a/')).toMatch(/end with \//);
    expect(znodePathProblem('/a//b')).toMatch(/empty segment/);
    expect(znodePathProblem('/a/./b')).toMatch(/relative/);
    expect(znodePathProblem('/a/..')).toMatch(/relative/);
    expect(znodePathProblem('/a\u0000b')).toMatch(/NUL/);
    expect(znodePathProblem('/a\nb')).toMatch(/control character U\+000A/);
    expect(() => validateZnodePath('nope')).toThrow(UserError);
    expect(() => validateZnodePath('nope')).toThrow(/invalid znode path "nope"/);
  });

  it('lists ancestors outermost first', () => {
    expect(ancestorPaths('/a/b/c')).toEqual(['/a', '/a/b']);
    expect(ancestorPaths('/a')).toEqual([]);
  });
});

describe('connect strings', () => {
  it('parses hosts, default port and chroot', () => {
    expect(parseConnectString('h1:1,h2/kafka')).toEqual({servers: [{host: 'h1', port: 1}, {host: 'h2', port: 2181}], chroot: '/kafka', hosts: 'h1:1,h2:2181'});
    expect(parseConnectString('127.0.0.1:2181/').chroot).toBeUndefined();
  });

  it('rejects garbage with a UserError', () => {
    for (const bad of ['', 'h:x', 'h:99999', ':2181', 'h:1/a/', 'h:1//a', 'a:b:c', '[::1]:2181']) {
      expect(() => parseConnectString(bad), bad).toThrow(UserError);
    }
  });
});

describe('znode data', () => {
  it('gives base64 always and utf8 only when valid', () => {
    expect(describeData(Buffer.from('héllo'))).toEqual({base64: Buffer.from('héllo').toString('base64'), utf8: 'héllo', length: 6});
    expect(describeData(Buffer.from([0xff, 0xfe, 0x41])).utf8).toBeNull();
    expect(describeData(null)).toEqual({base64: '', utf8: '', length: 0});
  });

  it('treats control characters as not printable', () => {
    expect(isPrintableText('a\tb\n')).toBe(true);
    expect(isPrintableText('a\u0000b')).toBe(false);
    expect(isPrintableText(null)).toBe(false);
  });

  it('hex-dumps 16 bytes a line with an ASCII column', () => {
    const lines = hexDump(Buffer.from('0123456789abcdefXY'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|');
    expect(lines[1]).toMatch(/^00000010  58 59 .*\|XY\|$/);
  });
});

describe('result codes as user errors', () => {
  it('explains BADVERSION with both versions', () => {
    const e = zkUserError(new ZkError(-103, '/x', 'set'), {op: 'set', path: '/x', expectedVersion: 3, actualVersion: 5});
    expect(e.message).toBe('version mismatch on /x: expected 3, it is at 5');
    expect(e.hint).toMatch(/-v 5/);
  });

  it('tells create NONODE apart from a missing znode', () => {
    expect(zkUserError(new ZkError(-101, '/a/b', 'create'), {op: 'create', path: '/a/b'}).message).toMatch(/parent \/a does not exist/);
    expect(zkUserError(new ZkError(-101, '/a/b', 'get'), {op: 'get', path: '/a/b'}).message).toBe('no znode /a/b');
  });

  it('lists the children on NOTEMPTY', () => {
    const e = zkUserError(new ZkError(-111, '/a', 'rm'), {op: 'rm', path: '/a', children: ['x', 'y']});
    expect(e.message).toBe('/a has children (x, y)');
    expect(e.hint).toMatch(/-r/);
  });
});

describe('ZooKeeper server layout', () => {
  it('gives each node its own ports and folder', () => {
    const nodes = planLayout(3, 2181, '/d');
    expect(nodes.map((n) => [n.clientPort, n.peerPort, n.electionPort])).toEqual([
      [2181, 2888, 3888],
      [2182, 2889, 3889],
      [2183, 2890, 3890],
    ]);
    expect(new Set(nodes.map((n) => n.dataDir)).size).toBe(3);
    const cfg = renderZooCfg(nodes[1]!, nodes);
    expect(cfg).toContain('clientPort=2182\n');
    expect(cfg).toContain('server.3=127.0.0.1:2890:3890\n');
    expect(cfg).toContain('admin.enableServer=false\n');
    expect(cfg).toMatch(/4lw\.commands\.whitelist=.*srvr.*ruok.*mntr.*conf/);
  });

  it('a standalone config has no server lines', () => {
    const [node] = planLayout(1, 2181, '/d');
    expect(renderZooCfg(node!, [node!])).not.toContain('server.');
  });

  it('refuses ports that leave no room', () => {
    expect(() => planLayout(3, 65000, '/d')).toThrow(UserError);
    expect(() => planLayout(1, 80, '/d')).toThrow(UserError);
  });

  it('parses srvr', () => {
    const s = parseSrvr('Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.5/3\nReceived: 9\nSent: 8\nConnections: 2\nOutstanding: 0\nZxid: 0x100000004\nMode: leader\nNode count: 7\n');
    expect(s).toMatchObject({serving: true, mode: 'leader', zxid: '0x100000004', znodeCount: 7, connections: 2, latency: {min: 0, avg: 0.5, max: 3}});
    expect(parseSrvr('This ZooKeeper instance is not currently serving requests\n').serving).toBe(false);
  });
});

describe('zk server start without the package', () => {
  it('is a UserError that says how to install it', async () => {
    const r = await runCli(['zk', 'server', 'start', '--port', '23999', '--data-dir', '/tmp/kcollect-never-used'], {env: {KCOLLECT_ZK_JAR: '/nonexistent/zookeeper.jar'}});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ZooKeeper is not installed (no /nonexistent/zookeeper.jar)');
    expect(r.stderr).toContain('apt-get install -y zookeeper');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
  });
});
