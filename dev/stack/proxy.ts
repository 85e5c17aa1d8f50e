/**
 * The reverse proxy in front of several web instances (`WEB_INSTANCES=2 npm start`): Debian's nginx,
 * round-robin, on the portal's own port, so the portal URL stays one. It overwrites X-Forwarded-For
 * with the client it saw (the instances trust it: TRUST_PROXY), so no client can forge its address.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceSpec } from './stack.js';
import { locateTool } from './tools.js';
import { tcpProbe } from './wait.js';

export interface ProxyOptions {
  dataDir: string;
  /** Where the portal answers (WEB_PORT). */
  listen: { host: string; port: number; variable: string };
  upstreams: { host: string; port: number }[];
}

export function nginxConfig({ dataDir, listen, upstreams }: ProxyOptions): string {
  const dir = join(dataDir, 'nginx');
  return `# Written by dev/stack/proxy.ts at each start.
daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  upstream portal {
${upstreams.map((u) => `    server ${u.host}:${u.port} max_fails=1 fail_timeout=2s;`).join('\n')}
  }
  server {
    listen ${listen.host}:${listen.port};
    client_max_body_size 64k;
    location / {
      proxy_pass http://portal;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      # An instance that is down (restarting) passes the request on to the next one.
      proxy_next_upstream error timeout http_502;
    }
  }
}
`;
}

export function nginxProxy(options: ProxyOptions): ServiceSpec {
  const dir = join(options.dataDir, 'nginx');
  const configFile = join(dir, 'nginx.conf');
  return {
    name: 'proxy',
    command: locateTool('nginx', `${process.env.PATH ?? ''}:/usr/sbin`),
    args: ['-e', 'stderr', '-p', dir, '-c', configFile],
    ports: [{ port: options.listen.port, variable: options.listen.variable, host: options.listen.host }],
    prepare: () => {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o755);
      writeFileSync(configFile, nginxConfig(options));
    },
    probe: tcpProbe(options.listen.port, options.listen.host),
    answersOn: `${options.listen.host}:${options.listen.port}`,
    readyTimeoutMs: 20_000,
    layer: 3,
  };
}
