// A certificate authority and a server certificate it signed, made with openssl
// for one test run: for localhost and 127.0.0.1, valid for a day.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDir } from './temporary.ts';

export interface Certificates {
  /** the CA's certificate, for sslrootcert */
  ca: string;
  /** the server's certificate and key, for PostgreSQL's ssl_cert_file and ssl_key_file */
  cert: string;
  key: string;
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCertificates(): Certificates {
  const dir = temporaryDir('mm-tls-');
  const at = (file: string) => join(dir, file);
  openssl(
    'req',
    '-x509',
    ...KEY,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.crt'),
    '-days',
    '1',
    '-subj',
    '/CN=mnemolite-migrate test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl('req', ...KEY, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(at('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.crt'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    at('server.ext'),
    '-out',
    at('server.crt'),
  );
  return { ca: at('ca.crt'), cert: at('server.crt'), key: at('server.key') };
}
