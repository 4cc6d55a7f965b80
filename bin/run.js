#!/usr/bin/env node
import {execute} from '@oclif/core';

// kafkajs sets timers with negative delays; Node 22+ warns about each on stderr (the timer fires at
// once, as on Node 20). Users of the CLI cannot act on it: drop that one warning.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'TimeoutNegativeWarning' || warning?.name === 'TimeoutNegativeWarning') return;
  return emitWarning.call(this, warning, ...rest);
};

await execute({dir: import.meta.url});
