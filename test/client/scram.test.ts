import {describe, expect, it} from 'vitest';
import {ScramClient} from '../../src/client/scram.js';

// RFC 7677 section 3: the SCRAM-SHA-256 exchange of user "user", password "pencil".
const CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';

describe('SCRAM client (RFC 5802)', () => {
  it('computes the proof and checks the server signature of RFC 7677', () => {
    const c = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', CLIENT_NONCE);
    expect(c.first()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(c.final(SERVER_FIRST)).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(() => c.verifyServer('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  it('refuses a server that does not know the password, a foreign nonce and too few iterations', () => {
    const c = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', CLIENT_NONCE);
    c.final(SERVER_FIRST);
    expect(() => c.verifyServer('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toThrow(/server signature is wrong/);
    expect(() => c.verifyServer('e=invalid-proof')).toThrow(/invalid-proof/);
    expect(() => new ScramClient('SCRAM-SHA-256', 'user', 'pencil', CLIENT_NONCE).final('r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toThrow(/nonce/);
    expect(() => new ScramClient('SCRAM-SHA-512', 'user', 'pencil', CLIENT_NONCE).final(SERVER_FIRST.replace('i=4096', 'i=1000'))).toThrow(/4096/);
  });

  it('escapes "," and "=" in the user name', () => {
    expect(new ScramClient('SCRAM-SHA-512', 'a=b,c', 'x', 'n1').first()).toBe('n,,n=a=3Db=2Cc,r=n1');
  });
});
