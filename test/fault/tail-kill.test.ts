import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {startBroker, tempDir} from '../helpers/broker.js';
import {collect, kcollect, spawnCli} from '../helpers/cli.js';
import {topicValues} from '../helpers/kafka.js';

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

describe('tail-produce killed with SIGKILL at random moments', () => {
  it('after 20 kills and a last run, Kafka holds every written line exactly once (with rename rotations in between)', async () => {
    const {bootstrap} = await startBroker();
    const dir = tempDir('tail-kill');
    const log = path.join(dir, 'driving.log');
    const positions = path.join(dir, 'positions.json');
    const topic = 'tail-kill';
    expect((await kcollect(bootstrap, ['topic', 'create', topic, '--partitions', '3'])).code).toBe(0);
    const args = ['tail-produce', log, '--topic', topic, '-b', bootstrap, '--position-file', positions, '--poll-interval', '20ms', '--batch-size', '50'];

    // The writer: a few lines every few ms for the whole test; every so often a log4j-style rotation.
    let written = 0;
    let rotations = 0;
    const writer = setInterval(() => {
      let chunk = '';
      for (let i = 0; i < 3; i++) chunk += `line ${++written} ${'x'.repeat(written % 50)}\n`;
      fs.appendFileSync(log, chunk);
    }, 5);
    const rotate = () => fs.renameSync(log, `${log}.${++rotations}`);
    const knows = (file: string) => fs.existsSync(positions) && fs.readFileSync(positions, 'utf8').includes(`"${fs.statSync(file).ino}"`);

    const kills: number[] = [];
    // Each run's log and the position file it left: what a failure needs explained.
    const history: string[] = [];
    try {
      for (let run = 1; run <= 20; run++) {
        const child = spawnCli(args);
        const result = collect(child);
        const lifetime = 200 + Math.floor(Math.random() * 1800);
        kills.push(lifetime);
        // A random moment is the point here: not a precondition to wait for.
        await new Promise((r) => setTimeout(r, lifetime));
        // Rotate only a file the collector has recorded: one renamed away to an unmatched name
        // before any collector saw it cannot be found by any tailer (a documented limit).
        if (run >= 6 * (rotations + 1) && knows(log)) rotate();
        child.kill('SIGKILL');
        const {signal, stderr} = await result;
        expect(signal, `run ${run} ended on its own:\n${stderr}`).toBe('SIGKILL');
        history.push(`run ${run} (${lifetime} ms):\n${stderr}positions: ${fs.existsSync(positions) ? fs.readFileSync(positions, 'utf8') : 'none'}`);
      }
    } finally {
      clearInterval(writer);
    }

    const last = spawnCli(args);
    const lastResult = collect(last);
    const deadline = Date.now() + 60_000;
    let lines = await topicValues(bootstrap, topic);
    while (new Set(lines).size < written && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      lines = await topicValues(bootstrap, topic);
    }
    last.kill('SIGINT');
    const {code, signal, stderr} = await lastResult;
    lines = await topicValues(bootstrap, topic);

    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
    const missing: number[] = [];
    for (let n = 1; n <= written; n++) if (!counts.has(`line ${n} ${'x'.repeat(n % 50)}`)) missing.push(n);
    const duplicated = [...counts].filter(([, c]) => c > 1).map(([l]) => l.split(' ').slice(0, 2).join(' '));
    const context = `kill times ${kills.join(',')} ms; ${rotations} rotations; ${written} lines written`;
    expect(ranges(missing), `missing lines (${context})\n${history.join('\n')}\nlast run:\n${stderr}`).toEqual([]);
    expect(duplicated, `duplicated lines (${context})`).toEqual([]);
    expect(lines.length).toBe(written);
    expect({code, signal}, stderr).toEqual({code: 0, signal: null});
  }, 240_000);
});

describe('tail-produce killed before its position moved, then copytruncate while it is down', () => {
  it('the lines Kafka acknowledged are not sent again from the copy; the rest of the copy and the emptied file come once', async () => {
    const {bootstrap} = await startBroker();
    const dir = tempDir('tail-kill-copytruncate');
    const log = path.join(dir, 'driving.log');
    const positions = path.join(dir, 'positions.json');
    const topic = 'tail-kill-copytruncate';
    expect((await kcollect(bootstrap, ['topic', 'create', topic])).code).toBe(0);
    const args = ['tail-produce', log, '--topic', topic, '-b', bootstrap, '--position-file', positions, '--poll-interval', '20ms'];
    const lines = (from: number, to: number, tag = 'a') => Array.from({length: to - from + 1}, (_, i) => `${tag} line ${from + i}`);
    const append = (ls: string[]) => fs.appendFileSync(log, ls.map((l) => `${l}\n`).join(''));

    append(lines(1, 20));
    expect((await kcollect(bootstrap, [...args, '--exit'])).code).toBe(0);
    const saved = fs.readFileSync(positions);
    append(lines(21, 30));
    const child = spawnCli(args);
    const result = collect(child);
    while ((await topicValues(bootstrap, topic)).length < 30) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    expect((await result).signal).toBe('SIGKILL');
    // What a kill between Kafka's acknowledgement and the position write leaves.
    fs.writeFileSync(positions, saved);
    fs.rmSync(`${positions}.progress`, {force: true});

    append(lines(31, 35));
    fs.copyFileSync(log, `${log}.1`);
    fs.truncateSync(log, 0);
    append(lines(1, 5, 'b'));
    const last = await kcollect(bootstrap, [...args, '--exit']);
    expect(last.code, last.stderr).toBe(0);
    expect((await topicValues(bootstrap, topic)).sort()).toEqual([...lines(1, 35), ...lines(1, 5, 'b')].sort());
  }, 60_000);
});

describe('tail-produce: a file rewritten from 0 with the same first line (an app opening its log with O_TRUNC)', () => {
  it('the same line at the same offset of the new content is sent; lines Kafka acknowledged before a kill are still sent once', async () => {
    const {bootstrap} = await startBroker();
    const dir = tempDir('tail-kill-rewrite');
    const log = path.join(dir, 'app.log');
    const positions = path.join(dir, 'positions.json');
    const topic = 'tail-kill-rewrite';
    expect((await kcollect(bootstrap, ['topic', 'create', topic])).code).toBe(0);
    const args = ['tail-produce', log, '--topic', topic, '-b', bootstrap, '--position-file', positions, '--poll-interval', '20ms'];
    const inKafka = async (line: string) => {
      while (!(await topicValues(bootstrap, topic)).includes(line)) await new Promise((r) => setTimeout(r, 50));
    };
    // Runs tail-produce (`meanwhile` once it follows the file) until Kafka holds `line`, kills it,
    // and leaves the position file as it was before: what a kill between Kafka's acknowledgement
    // and the position write leaves.
    const killedBeforePositionWrite = async (line: string, meanwhile: () => void = () => {}) => {
      const saved = fs.readFileSync(positions);
      const child = spawnCli(args);
      const result = collect(child);
      let said = '';
      child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
      while (!said.includes(' from offset ')) await new Promise((r) => setTimeout(r, 20));
      meanwhile();
      await inKafka(line);
      child.kill('SIGKILL');
      expect((await result).signal).toBe('SIGKILL');
      fs.writeFileSync(positions, saved);
      fs.rmSync(`${positions}.progress`, {force: true});
      return said;
    };

    fs.writeFileSync(log, 'BANNER\na line 1\na line 2\n');
    expect((await kcollect(bootstrap, [...args, '--exit'])).code).toBe(0);
    // Rewritten while kcollect is down.
    fs.writeFileSync(log, 'BANNER\nb line 1\n');
    await killedBeforePositionWrite('b line 1');
    let last = await kcollect(bootstrap, [...args, '--exit']);
    expect(last.code, last.stderr).toBe(0);
    expect((await topicValues(bootstrap, topic)).sort()).toEqual(['BANNER', 'a line 1', 'a line 2', 'BANNER', 'b line 1'].sort());

    // Rewritten while kcollect runs.
    expect(await killedBeforePositionWrite('c line 1', () => fs.writeFileSync(log, 'BANNER\nc line 1\n'))).toContain('was truncated or rewritten');
    last = await kcollect(bootstrap, [...args, '--exit']);
    expect(last.code, last.stderr).toBe(0);
    expect((await topicValues(bootstrap, topic)).sort()).toEqual(['BANNER', 'a line 1', 'a line 2', 'BANNER', 'b line 1', 'BANNER', 'c line 1'].sort());
  }, 60_000);
});
