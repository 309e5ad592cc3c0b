import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redactor, REDACTED } from '../../../src/host/redact.js';

// Hand-written strings: small redaction edge cases.
test('hostname is replaced only as a whole word', () => {
  const r = new Redactor({ hostname: 'vm' });
  assert.is(r.text('Linux vm 6.18 #1'), `Linux ${REDACTED} 6.18 #1`);
  assert.is(r.text('flags: vme vmx vmmcall'), 'flags: vme vmx vmmcall');
});

test('UUIDs, MACs, serials and container ids are replaced', () => {
  const r = new Redactor({ hostname: 'box' });
  const s = r.text(
    'GPU-8f6e2c1a-1b2c-4d5e-8f90-123456789abc\nlink/ether 52:54:00:12:34:56\nSerial Number : 1324120014312\n<serial>0324917059475</serial>\n0::/docker/' +
      'a'.repeat(64),
  );
  assert.not.match(s, /8f6e2c1a|52:54:00:12|1324120014312|0324917059475|aaaa/);
  assert.match(s, /Serial Number : \[REDACTED\]/);
});

test('identifier files are blanked by path', () => {
  const r = new Redactor({ hostname: 'box' });
  assert.is(r.file('/sys/class/dmi/id/product_serial', 'ABC123\n'), REDACTED);
  assert.is(r.file('/etc/machine-id', '0123\n'), REDACTED);
  assert.is(r.file('/proc/cpuinfo', 'model name : x\n'), 'model name : x\n');
});

test('deep redaction blanks keys named like serials', () => {
  const r = new Redactor({ hostname: 'box' });
  assert.equal(r.deep({ a: { serial: 'X1', name: 'box' } }), { a: { serial: REDACTED, name: REDACTED } });
});

test.run();
