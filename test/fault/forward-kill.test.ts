import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ROOT, startBroker, tempDir} from '../helpers/broker.js';
import {readTopic} from '../helpers/kafka.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/forward');

interface Child {
  proc: ChildProcess;
  name: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
  /** Resolves with the first match of `pattern` in stdout; rejects if the child exits first. */
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
}

function spawnFixture(name: string, script: string, args: string[]): Child {
  const proc = spawn(process.execPath, [path.join(FIXTURES, script), ...args], {stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => proc.once('exit', (code, signal) => resolve({code, signal})));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        const m = pattern.exec(out);
        if (!m) return;
        proc.stdout!.off('data', look);
        resolve(m);
      };
      proc.stdout!.on('data', look);
      look();
      void exited.then(() => reject(new Error(`${name} exited before printing ${pattern}:\n${err}`)));
    });
  return {proc, name, stdout: () => out, stderr: () => err, exited, waitFor};
}

async function pollUntil(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** [1,2,3,7] -> ['1-3', '7']: a readable failure message. */
function ranges(ns: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ns.length; i++) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j] + 1) j++;
    out.push(i === j ? `${ns[i]}` : `${ns[i]}-${ns[j]}`);
    i = j;
  }
  return out;
}

const COLLECTORS = ['c1', 'c2', 'c3'];
const line = (collector: string, n: number) => `${collector} line ${n} ${'x'.repeat(n % 30)}`;

const VARIANTS = [
  {channel: 'memory', restart: false, story: 'aggregators with memory channels (an acknowledgement means "in Kafka"); the killed one stays dead'},
  {channel: 'file', restart: true, story: 'aggregators with file channels (an acknowledgement means "on disk"); the killed one comes back and replays its channel'},
] as const;

describe('type 4: three collectors forwarding to two aggregators, the preferred one killed -9 mid-stream', () => {
  for (const variant of VARIANTS) {
    it(`Kafka holds every line of every collector exactly once: ${variant.story}`, async () => {
      const {broker, bootstrap} = await startBroker();
      const topic = 'forwarded';
      await broker.createTopic(topic, 3, {});
      const dir = tempDir('forward-kill');
      const children: Child[] = [];
      const writer = {timer: undefined as NodeJS.Timeout | undefined, written: 0};
      const aggregator = (name: string, port: string) => {
        // 'a1-restarted' opens a1's channel again.
        const channelDir = path.join(dir, `${name.slice(0, 2)}-channel`);
        fs.mkdirSync(channelDir, {recursive: true});
        const child = spawnFixture(name, 'aggregator.mjs', [bootstrap, topic, port, '30', variant.channel, channelDir]);
        children.push(child);
        return child;
      };
      try {
        const aggregators = [aggregator('a1', '0'), aggregator('a2', '0')];
        const ports = await Promise.all(aggregators.map(async (a) => (await a.waitFor(/listening (\d+)/))[1]));

        // Each collector tails its own file; the writer appends to all three for the whole run.
        const files = COLLECTORS.map((c) => path.join(dir, `${c}.log`));
        for (const f of files) fs.writeFileSync(f, '');
        writer.timer = setInterval(() => {
          writer.written++;
          COLLECTORS.forEach((c, i) => fs.appendFileSync(files[i], `${line(c, writer.written)}\n`));
        }, 5);
        const collectors = COLLECTORS.map((c, i) => spawnFixture(c, 'collector.mjs', [c, files[i], dir, ...ports]));
        children.push(...collectors);
        await Promise.all(collectors.map((c) => c.waitFor(/ready/)));

        const count = async () => (await readTopic(bootstrap, topic)).length;
        await pollUntil(async () => (await count()) >= 600, 'the first aggregator to write 600 lines');
        // A random moment is the point here: not a precondition to wait for.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
        aggregators[0].proc.kill('SIGKILL');
        expect((await aggregators[0].exited).signal).toBe('SIGKILL');
        const atKill = await count();
        await pollUntil(async () => (await count()) >= atKill + 600, 'the second aggregator to take over');
        const running = [...collectors, aggregators[1]];
        if (variant.restart) {
          const back = aggregator('a1-restarted', ports[0]);
          await back.waitFor(/listening/);
          running.push(back);
        }
        clearInterval(writer.timer);
        const written = writer.written;

        const expected = COLLECTORS.flatMap((c) => Array.from({length: written}, (_, i) => line(c, i + 1)));
        await pollUntil(async () => {
          const values = new Set((await readTopic(bootstrap, topic)).map((r) => r.value!.toString()));
          return expected.every((l) => values.has(l));
        }, 'every written line in Kafka');
        for (const c of running) c.proc.kill('SIGTERM');
        const exits = await Promise.all(running.map((c) => c.exited));
        const context = children.map((c) => `--- ${c.name}:\n${c.stdout()}${c.stderr()}`).join('\n');
        expect(exits, context).toEqual(exits.map(() => ({code: 0, signal: null})));

        const values = (await readTopic(bootstrap, topic)).map((r) => r.value!.toString());
        const counts = new Map<string, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        for (const c of COLLECTORS) {
          const missing: number[] = [];
          const doubled: number[] = [];
          for (let n = 1; n <= written; n++) {
            const times = counts.get(line(c, n)) ?? 0;
            if (times === 0) missing.push(n);
            if (times > 1) doubled.push(n);
          }
          expect(ranges(missing), `${c}: missing lines (${written} written per collector)\n${context}`).toEqual([]);
          expect(ranges(doubled), `${c}: lines written twice (${written} written per collector)\n${context}`).toEqual([]);
        }
        expect(values.length).toBe(3 * written);
      } finally {
        clearInterval(writer.timer);
        for (const c of children) c.proc.kill('SIGKILL');
        await broker.close();
      }
    }, 180_000);
  }
});
