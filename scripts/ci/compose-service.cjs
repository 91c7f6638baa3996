#!/usr/bin/env node
// Prints, as JSON, what docker-compose.yml gives the job-manager service: its environment, secrets (with the path
// each is mounted at, /run/secrets/<name>) and volumes. Reads `docker-compose config` (the normalized file) when
// docker-compose is installed (.ci/run installs it), else the file itself. Used by test/compose-deployment.e2e-spec.ts
// and scripts/ci/container-smoke.sh, so both run the service with exactly the Compose file's settings.
'use strict';
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { dirname, resolve } = require('node:path');
const yaml = require('js-yaml');

function composeService(file = resolve(__dirname, '../../docker-compose.yml'), name = 'job-manager') {
  let text;
  try {
    text = execFileSync('docker-compose', ['-f', file, 'config'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if (error.code !== 'ENOENT') throw new Error(`docker-compose config failed: ${error.stderr || error.message}`);
    text = readFileSync(file, 'utf8');
  }
  const document = yaml.load(text);
  const service = document.services && document.services[name];
  if (!service) throw new Error(`${file} has no service ${name}`);
  const environment = Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]))
    : { ...(service.environment || {}) };
  const secrets = (service.secrets || []).map((entry) => {
    const source = typeof entry === 'string' ? entry : entry.source;
    const target = typeof entry === 'string' || !entry.target ? `/run/secrets/${source}` : entry.target.startsWith('/') ? entry.target : `/run/secrets/${entry.target}`;
    const secretFile = document.secrets && document.secrets[source] && document.secrets[source].file;
    return { source, target, file: secretFile && resolve(dirname(file), secretFile) };
  });
  const volumes = (service.volumes || []).map((entry) => (typeof entry === 'string' ? { source: entry.split(':')[0], target: entry.split(':')[1] } : { source: entry.source, target: entry.target }));
  return { environment: Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value)])), secrets, volumes, init: service.init === true, ports: service.ports || [] };
}

module.exports = { composeService };

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(composeService(process.argv[2] && resolve(process.argv[2])), null, 2)}\n`);
}
