// One OFREP bulk evaluation over node:http with a keep-alive agent: {status, ms}; status 0 on a
// network error. For load scenarios, where fetch's overhead would be measured instead.
import { request } from 'node:http';

export function ofrepPost(base, key, agent, body = '{"context":{"targetingKey":"u"}}') {
  const url = new URL(`${base}/ofrep/v1/evaluate/flags`);
  const t0 = performance.now();
  return new Promise((ok) => {
    const r = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'X-API-Key': key } }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    r.on('error', () => ok({ status: 0, ms: performance.now() - t0 }));
    r.end(body);
  });
}
